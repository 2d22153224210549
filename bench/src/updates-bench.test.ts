// The updates scenario's moving parts, for real: the outage relay (loopback sockets), and the
// scenario itself at its smallest (its own test DC process, our client in its own process, the
// relay cut and restored) producing its rows with every fan-in message handled once. No timing is
// asserted.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import type { RunReport } from './report/run-report.js'
import { updatesScenario } from './scenarios/updates.js'
import { OutageProxy } from './swarm/outage-proxy.js'
import { runSwarmBench } from './swarm/run.js'

/** Connects and sends `text`, resolves with what comes back before the server closes, or the error code. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const s: Socket = createConnection({ host: '127.0.0.1', port })
    let got = ''
    s.setEncoding('utf8')
    s.on('connect', () => s.end(text))
    s.on('data', (d: string) => (got += d))
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
    s.on('close', () => resolve(got))
  })
}

describe('outage relay', () => {
  let echo: Server
  after(() => echo?.close())

  test('relays both ways, refuses connections while cut, relays again on the same port after restore', async () => {
    echo = createServer((s) => s.pipe(s))
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()))
    const port = (echo.address() as { port: number }).port
    const proxy = await OutageProxy.start({ dcs: [{ id: 1, host: '127.0.0.1', port }], publicKeyPem: 'pem', fingerprint: '1' })
    try {
      const relayed = proxy.hello.dcs[0]?.port as number
      assert.notEqual(relayed, port)
      assert.deepEqual({ ...proxy.hello, dcs: [] }, { dcs: [], publicKeyPem: 'pem', fingerprint: '1' })
      assert.equal(await roundTrip(relayed, 'before'), 'before')
      // A connection open across the cut is destroyed by it.
      const held = createConnection({ host: '127.0.0.1', port: relayed })
      await new Promise((r) => held.once('connect', r))
      const heldClosed = new Promise((r) => held.once('close', r))
      held.on('error', () => {})
      await new Promise((r) => setTimeout(r, 50))
      assert.equal(await proxy.cut(), 2, 'the held connection: client side and upstream')
      await heldClosed
      assert.equal(await roundTrip(relayed, 'during'), 'ECONNREFUSED')
      await proxy.restore()
      assert.equal(await roundTrip(relayed, 'after'), 'after')
    } finally {
      await proxy.close()
    }
  })
})

describe('updates scenario', () => {
  const out = mkdtempSync(join(tmpdir(), 'mtswarm-updates-bench-'))
  after(() => rmSync(out, { recursive: true, force: true }))

  test('at its smallest (ours only), every message reaches the handler once, every account commits, the outage rows agree', { timeout: 240_000 }, async () => {
    await runSwarmBench('updates --quick --accounts 3 --peers 2 --no-peers', [updatesScenario], ['--quick', '--accounts', '3', '--peers', '2', '--no-peers', '--out', out])
    const run = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport
    const s = run.scenarios[0]
    assert.equal(s?.error, undefined, s?.error)
    const row = (label: string): number | undefined => {
      const m = s?.metrics.find((x) => x.label === label)
      assert.ok(m !== undefined, `no row ${label}: ${s?.metrics.map((x) => x.label).join(' | ')}`)
      return m.ours
    }
    for (const a of [1, 2, 3]) {
      const who = `${a} account${a === 1 ? '' : 's'}`
      const expected = Math.floor(4_000 / a) * a
      assert.equal(row(`${who}: messages handled (of ${expected})`), expected, who)
      assert.equal(row(`${who}: delivered twice`), 0, `${who}: no crash, no gap: nothing twice`)
      assert.ok((row(`${who}: update-state commits to LMDB`) ?? 0) >= a, `${who}: every account committed`)
      assert.ok((row(`${who}: updates per client CPU second`) ?? 0) > 0, who)
      assert.ok((row(`${who}: client CPU per 1,000 updates`) ?? 0) > 0, who)
    }
    // NB: whether our engine catches up after this outage is the engine's to test (an idle account
    // may send nothing after a reconnect, and then nothing is pushed to it): here, only that the
    // rows agree — caught up with its times, or not with the count of what is missing.
    const upTo = row('outage 3 s: messages written before "back"') ?? 0
    const missing = row('outage 3 s: still missing at the end')
    const handledMs = row('outage 3 s: back → every message handled')
    const committedMs = row('outage 3 s: back → handled and committed')
    assert.ok(upTo > 0)
    if (missing === 0) {
      assert.ok(handledMs !== undefined && committedMs !== undefined && committedMs >= handledMs, `caught up: ${handledMs} / ${committedMs}`)
      assert.ok(row('outage 3 s: back → connection ready again') !== undefined, 'caught up, so it reconnected after "back"')
    }
    else assert.ok(missing !== undefined && missing > 0 && missing <= upTo && handledMs === undefined, `missing ${missing} of ${upTo}, handled after ${handledMs}`)
    assert.ok(s?.notes.some((n) => n.startsWith('GramJS has no gap recovery')))
  })
})
