// The diagram writers: generated from the machine definition, covering every state and transition.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { accountMachine } from '../account/account.machine.js'
import { dcConnectionMachine } from '../dc-connection/dc-connection.machine.js'
import { handshakeMachine } from '../handshake/handshake.machine.js'
import { rpcMachine } from '../rpc/rpc.machine.js'
import { allStatePaths } from '../testing/coverage.js'
import { toMermaid } from './mermaid.js'
import { eventLabel, statechartGraph } from './statechart-graph.js'
import { toSvg } from './svg.js'

describe('statechart diagrams', () => {
  test('event labels shorten xstate internal events', () => {
    assert.equal(eventLabel('xstate.after.pingInterval.dcConnection.online.ready.keepalive.quiet'), 'after pingInterval')
    assert.equal(eventLabel('xstate.done.actor.handshake'), 'done: handshake')
    assert.equal(eventLabel('xstate.error.actor.0.dcConnection.online.persistingKey'), 'error: invoked')
    assert.equal(eventLabel('rpc.sent'), 'rpc.sent')
  })

  for (const machine of [rpcMachine, handshakeMachine, dcConnectionMachine, accountMachine]) {
    test(`${machine.id}: every state and transition is in the Mermaid and the SVG`, () => {
      const graph = statechartGraph(machine)
      assert.deepEqual(
        graph.states.map((s) => s.path),
        allStatePaths(machine),
      )
      const mmd = toMermaid(graph)
      const svg = toSvg(graph)
      assert.ok(mmd.startsWith('stateDiagram-v2\n'))
      assert.ok(svg.startsWith('<svg ') && svg.trimEnd().endsWith('</svg>'))
      for (const s of graph.states) {
        assert.ok(mmd.includes(`as ${s.path.replace(/\./g, '__')}\n`), `mermaid lacks ${s.path}`)
        assert.ok(svg.includes(`>${s.path}`), `svg lacks ${s.path}`)
      }
      for (const e of graph.edges) {
        const line = `${e.from.replace(/\./g, '__')} --> ${e.to.replace(/\./g, '__')} : `
        assert.ok(mmd.includes(line), `mermaid lacks ${line}`)
      }
      assert.equal((svg.match(/<path class="edge"/g) ?? []).length, graph.edges.length)
    })
  }

  test('known transitions appear with their labels', () => {
    const mmd = toMermaid(statechartGraph(rpcMachine))
    assert.ok(mmd.includes('active__queued --> active__inFlight : rpc.sent'))
    assert.ok(mmd.includes('active__waiting --> active__queued : after floodWait'))
    assert.ok(mmd.includes('active__inFlight --> active__waiting : rpc.errorReceived [floodWaitWithinThreshold]'))
  })
})
