// The diagram writers: generated from the machine definition, covering every state and transition,
// laid out by elkjs so that nothing is drawn over a label and children sit inside their parents.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { accountMachine } from '../account/account.machine.js'
import { rpcMachine } from '../rpc/rpc.machine.js'
import { allStatePaths } from '../testing/coverage.js'
import { edgeLines, layoutChart, type Box } from './elk-layout.js'
import { exportedMachines } from './machines.js'
import { toMermaid } from './mermaid.js'
import { eventLabel, graphHash, guardLabel, statechartGraph } from './statechart-graph.js'
import { toSvg } from './svg.js'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
const inside = (a: Box, b: Box) => a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height

describe('statechart diagrams', () => {
  test('event labels shorten xstate internal events', () => {
    assert.equal(eventLabel('xstate.after.pingInterval.dcConnection.online.ready.keepalive.quiet'), 'after pingInterval')
    assert.equal(eventLabel('xstate.done.actor.handshake'), 'done: handshake')
    assert.equal(eventLabel('xstate.error.actor.0.dcConnection.online.persistingKey'), 'error: invoked')
    assert.equal(eventLabel('rpc.sent'), 'rpc.sent')
  })

  test('guards show by name: named, combined, described, or their own expression', () => {
    assert.equal(guardLabel('homeDcReady'), 'homeDcReady')
    assert.equal(guardLabel({ type: 'hasUser' }), 'hasUser')
    const and = Object.assign(function and() {}, { guards: ['homeDcReady', 'hasUser'] })
    assert.equal(guardLabel(and), 'homeDcReady & hasUser')
    const not = Object.assign(function not() {}, { guards: ['hasUser'] })
    assert.equal(guardLabel(not), '!hasUser')
    assert.equal(guardLabel(() => true, 'SESSION_PASSWORD_NEEDED: 2FA'), 'SESSION_PASSWORD_NEEDED')
    // (tsx may print the function back without the spaces around operators)
    assert.match(guardLabel(({ event }: { event: { dcId: number } }) => event.dcId === 2) ?? '', /^event\.dcId ?=== ?2$/)
  })

  test('every exported machine is found, the ones we know among them', () => {
    const found = exportedMachines()
    for (const name of ['rpc', 'handshake', 'dc-connection', 'account']) assert.ok(found.has(name), `no ${name}`)
    assert.equal(found.get('dc-connection')?.id, 'dcConnection')
  })

  test('machines/docs holds the current diagram of every machine (else: npm run machines:diagram)', () => {
    // The inspector serves these files when their fingerprint matches, instead of laying out.
    for (const [name, machine] of exportedMachines()) {
      const svg = readFileSync(new URL(`../../docs/${name}.svg`, import.meta.url), 'utf8')
      assert.ok(svg.includes(`data-graph="${graphHash(statechartGraph(machine))}"`), `machines/docs/${name}.svg is stale`)
    }
  })

  for (const [name, machine] of exportedMachines()) {
    test(`${name}: every state and transition is in the Mermaid and the SVG, no guard shows as [if]`, async () => {
      const graph = statechartGraph(machine)
      assert.deepEqual(
        graph.states.map((s) => s.path),
        allStatePaths(machine),
      )
      const mmd = toMermaid(graph)
      const layout = await layoutChart(graph)
      const svg = toSvg(layout)
      assert.ok(mmd.startsWith('stateDiagram-v2\n'))
      assert.ok(svg.startsWith('<svg ') && svg.trimEnd().endsWith('</svg>'))
      for (const s of graph.states) {
        assert.ok(mmd.includes(`as ${s.path.replace(/\./g, '__')}\n`), `mermaid lacks ${s.path}`)
        assert.ok(svg.includes(`data-state="${s.path}"`), `svg lacks ${s.path}`)
      }
      const pairs = new Set<string>()
      for (const e of graph.edges) {
        assert.doesNotMatch(e.label, /\[(if|guard)\]/, `${e.from} → ${e.to}: ${e.label}`)
        const line = `${e.from.replace(/\./g, '__')} --> ${e.to.replace(/\./g, '__')} : `
        assert.ok(mmd.includes(line), `mermaid lacks ${line}`)
        if (e.from === e.to) {
          // Targetless transitions are listed inside their state.
          const group = new RegExp(`<g [^>]*data-state="${e.from}">.*?</g>`).exec(svg)?.[0] ?? ''
          assert.ok(group.includes(`↻ ${esc(e.label)}<`), `svg lacks ${e.from}: ↻ ${e.label}`)
        } else pairs.add(`${e.from}→${e.to}`)
      }
      const drawn = [...svg.matchAll(/<path class="edge" data-from="([^"]+)" data-to="([^"]+)"/g)].map((m) => `${m[1]}→${m[2]}`)
      assert.deepEqual(drawn.sort(), [...pairs].sort())
      for (const e of layout.edges) {
        const group = svg.slice(svg.indexOf(`<g class="label" data-from="${e.from}" data-to="${e.to}">`))
        for (const line of edgeLines(e.labels)) assert.ok(group.slice(0, group.indexOf('</g>')).includes(`>${esc(line)}<`), `label lacks ${line}`)
        assert.ok(e.points.length >= 2, `${e.from} → ${e.to} has no route`)
      }
    })

    test(`${name}: labels overlap no other label and no state; children sit inside their parents`, async () => {
      const layout = await layoutChart(statechartGraph(machine))
      const page: Box = { x: 0, y: 0, width: layout.width, height: layout.height }
      const labels = layout.edges.map((e) => ({ e, b: e.labelBox }))
      const byPath = new Map(layout.states.map((s) => [s.state.path, s]))
      for (const [i, { e, b }] of labels.entries()) {
        assert.ok(b !== null && inside(b, page), `${e.from} → ${e.to}: label off the page`)
        for (const other of labels.slice(i + 1)) {
          assert.ok(!overlap(b, other.b!), `labels ${e.from} → ${e.to} and ${other.e.from} → ${other.e.to} overlap`)
        }
        for (const s of layout.states) {
          if (s.state.children.length === 0) assert.ok(!overlap(b, s), `label ${e.from} → ${e.to} covers ${s.state.path}`)
        }
      }
      for (const s of layout.states) {
        assert.ok(inside(s, page), `${s.state.path} off the page`)
        const parent = s.state.parent === null ? undefined : byPath.get(s.state.parent)
        if (parent !== undefined) assert.ok(inside(s, parent), `${s.state.path} outside ${parent.state.path}`)
      }
    })
  }

  test('known transitions appear with their labels and guards', async () => {
    const mmd = toMermaid(statechartGraph(rpcMachine))
    assert.ok(mmd.includes('active__queued --> active__inFlight : rpc.sent'))
    assert.ok(mmd.includes('active__waiting --> active__queued : after floodWait'))
    assert.ok(mmd.includes('active__inFlight --> active__waiting : rpc.errorReceived [floodWaitWithinThreshold]'))
    const account = statechartGraph(accountMachine)
    assert.ok(account.edges.some((e) => e.from === 'keying' && e.to === 'authorized' && e.label === 'dc.ready [homeDcReady & hasUser]'))
  })
})
