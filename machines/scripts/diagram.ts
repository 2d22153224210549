// Writes machines/docs/<machine>.mmd (Mermaid stateDiagram-v2) and <machine>.svg (laid out by
// elkjs) for every machine src/index.ts exports. Run: npm run machines:diagram [-- --out DIR]
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { exportedMachines, layoutChart, statechartGraph, toMermaid, toSvg } from '../src/diagram/index.js'

const USAGE = `usage: npm run machines:diagram [-- --out DIR]

Writes <machine>.mmd (Mermaid stateDiagram-v2) and <machine>.svg (laid out by elkjs) for every
machine @mtswarm/machines exports, generated from the machine definitions.

options:
  --out DIR     where to write them (default machines/docs/)
  -h, --help    this text (exit 0); an unknown flag exits 2`

let values: { out?: string | undefined; help?: boolean | undefined }
try {
  values = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values
} catch (e) {
  process.stderr.write(`machines:diagram: ${(e as Error).message}\n\n${USAGE}\n`)
  process.exit(2)
}
if (values.help === true) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}
const docs = values.out === undefined ? join(dirname(fileURLToPath(import.meta.url)), '..', 'docs') : resolve(values.out)
/** How the output folder is named in the report lines. */
const shown = values.out ?? 'machines/docs'
mkdirSync(docs, { recursive: true })
for (const [name, machine] of exportedMachines()) {
  const graph = statechartGraph(machine)
  const layout = await layoutChart(graph)
  writeFileSync(join(docs, `${name}.mmd`), toMermaid(graph))
  writeFileSync(join(docs, `${name}.svg`), toSvg(layout))
  console.log(`${shown}/${name}.mmd, ${shown}/${name}.svg: ${graph.states.length} states, ${graph.edges.length} transitions, ${layout.width}×${layout.height} px`)
}
