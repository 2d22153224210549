// Writes machines/docs/<machine>.mmd (Mermaid stateDiagram-v2) and <machine>.svg for every machine,
// generated from the machine definitions. Run: npm run machines:diagram
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { accountMachine, dcConnectionMachine, handshakeMachine, rpcMachine, updatesMachine } from '../src/index.js'
import { toMermaid } from '../src/diagram/mermaid.js'
import { statechartGraph } from '../src/diagram/statechart-graph.js'
import { toSvg } from '../src/diagram/svg.js'

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs')
mkdirSync(docs, { recursive: true })
const machines = { rpc: rpcMachine, handshake: handshakeMachine, 'dc-connection': dcConnectionMachine, account: accountMachine, updates: updatesMachine }
for (const [name, machine] of Object.entries(machines)) {
  const graph = statechartGraph(machine)
  writeFileSync(join(docs, `${name}.mmd`), toMermaid(graph))
  writeFileSync(join(docs, `${name}.svg`), toSvg(graph))
  console.log(`machines/docs/${name}.mmd, machines/docs/${name}.svg: ${graph.states.length} states, ${graph.edges.length} transitions`)
}
