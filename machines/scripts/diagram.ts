// Writes machines/docs/<machine>.mmd (Mermaid stateDiagram-v2) and <machine>.svg (laid out by
// elkjs) for every machine src/index.ts exports. Run: npm run machines:diagram
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { exportedMachines, layoutChart, statechartGraph, toMermaid, toSvg } from '../src/diagram/index.js'

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs')
mkdirSync(docs, { recursive: true })
for (const [name, machine] of exportedMachines()) {
  const graph = statechartGraph(machine)
  const layout = await layoutChart(graph)
  writeFileSync(join(docs, `${name}.mmd`), toMermaid(graph))
  writeFileSync(join(docs, `${name}.svg`), toSvg(layout))
  console.log(
    `machines/docs/${name}.mmd, machines/docs/${name}.svg: ${graph.states.length} states, ${graph.edges.length} transitions, ${layout.width}×${layout.height} px`,
  )
}
