// Two independent clients, GramJS (layer 198) and mtcute (layer 227), unmodified except for
// trusting the test DC's key, against the test DC with the real API handlers and layer codecs:
// handshake and help.getConfig at startup, a code login, a 2FA (SRP) login that PHONE_MIGRATE_2
// sends to DC 2, a message seen in history and as a pushed update — per client, and across them.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { InteropClientName, InteropDriver } from './driver.js'
import {
  activeResources,
  CLIENT_LAYER,
  leftoverResources,
  makeDriver,
  presetAccount,
  startScenarioDc,
  type RecordedCall,
} from './scenario-kit.js'

const UPDATE_WAIT_MS = 10_000
/** How long closed sockets get to finish closing before leftovers count as leaks. */
const CLOSE_WAIT_MS = 1_000
const TEST_TIMEOUT_MS = 60_000

/** Calls recorded from index `from` on, as `dc/layer method → outcome` lines (readable diffs). */
function callLines(calls: readonly RecordedCall[], from = 0): string[] {
  return calls.slice(from).map((c) => `${c.dcId}/${c.layer} ${c.method} → ${c.outcome}`)
}

function assertCalled(lines: readonly string[], expected: string, why: string): void {
  assert.ok(lines.includes(expected), `${why}: expected "${expected}" among\n${lines.join('\n')}`)
}

/** Clients and DC closed, nothing they opened (sockets, servers, timers) keeps the process alive. */
async function assertNothingLeftRunning(baseline: ReadonlyMap<string, number>): Promise<void> {
  assert.deepEqual(await leftoverResources(baseline, CLOSE_WAIT_MS), [], 'resources left after disconnect() and close()')
}

async function runSingleClientScenario(client: InteropClientName): Promise<void> {
  const baseline = activeResources()
  const scenario = await startScenarioDc()
  const { dc, calls, config } = scenario
  const drivers: InteropDriver[] = []
  const layer = CLIENT_LAYER[client]
  try {
    const a = presetAccount(dc, { homeDc: 1, suffix: '1001', firstName: 'Ann', username: `ann_${client}` })
    const b = presetAccount(dc, { homeDc: 2, suffix: '2002', firstName: 'Ben', username: `ben_${client}`, password: 'correct horse' })

    // 1. Handshake and help.getConfig through the client's normal startup, on DC 1.
    const alice = makeDriver(client, config)
    drivers.push(alice)
    await alice.connect()
    assert.ok(dc.stats.handshakesCompleted >= 1, 'the handshake completed')
    assertCalled(callLines(calls), `1/${layer} help.getConfig → ok`, 'startup asks for the config at the client layer')

    // 2. Code login of A (homed on DC 1: no migration).
    const aUser = await alice.login({ phone: a.phone, code: a.code })
    assert.deepEqual([aUser.id, aUser.firstName, aUser.username], [Number(a.user.id), 'Ann', `ann_${client}`])
    assert.equal(await alice.currentDc(), 1)

    // 3. A second client instance logs B in: PHONE_MIGRATE_2 on DC 1, then SRP on DC 2.
    const bob = makeDriver(client, config)
    drivers.push(bob)
    await bob.connect()
    const beforeB = calls.length
    const bUser = await bob.login({ phone: b.phone, code: b.code, password: b.password ?? '' })
    assert.deepEqual([bUser.id, bUser.firstName], [Number(b.user.id), 'Ben'])
    assert.equal(await bob.currentDc(), 2, 'the client follows PHONE_MIGRATE_2')
    const bLines = callLines(calls, beforeB)
    assertCalled(bLines, `1/${layer} auth.sendCode → PHONE_MIGRATE_2`, 'DC 1 sends B home')
    assertCalled(bLines, `2/${layer} auth.sendCode → ok`, 'the code is sent on DC 2')
    assertCalled(bLines, `2/${layer} auth.signIn → SESSION_PASSWORD_NEEDED`, 'B has 2FA')
    assertCalled(bLines, `2/${layer} account.getPassword → ok`, 'SRP parameters')
    assertCalled(bLines, `2/${layer} auth.checkPassword → ok`, 'SRP check')

    // 4. B sends to A; A gets it pushed and in history; B's history shows it outgoing.
    const text = `hello Ann, from Ben over ${client}`
    const sent = await bob.sendMessage(`ann_${client}`, text)
    assert.deepEqual([sent.text, sent.out, sent.chat], [text, true, { type: 'user', id: aUser.id }])
    const pushed = await alice.waitForMessage((m) => m.text === text, UPDATE_WAIT_MS)
    assert.deepEqual([pushed.out, pushed.senderId, pushed.chat], [false, bUser.id, { type: 'user', id: bUser.id }])
    const history = await alice.getHistory(`ben_${client}`, 10)
    assert.deepEqual(
      [...history].map((m) => [m.id, m.text, m.out, m.senderId]),
      [[pushed.id, text, false, bUser.id]],
    )
    const bHistory = await bob.getHistory(`ann_${client}`, 10)
    assert.deepEqual(
      [...bHistory].map((m) => [m.id, m.text, m.out]),
      [[sent.id, text, true]],
    )
    assert.ok(calls.every((c) => c.layer === layer), `every call at layer ${layer}`)
    assert.deepEqual(Object.keys(dc.stats.transports), [client === 'gramjs' ? 'full' : 'intermediate'])
  } finally {
    for (const driver of drivers) await driver.disconnect()
    await scenario.close()
  }
  await assertNothingLeftRunning(baseline)
}

describe('interop scenario against the test DC', () => {
  test('GramJS (layer 198): startup, code login, 2FA login via PHONE_MIGRATE_2, message in history and pushed', { timeout: TEST_TIMEOUT_MS }, () =>
    runSingleClientScenario('gramjs'))

  test('mtcute (layer 227): startup, code login, 2FA login via PHONE_MIGRATE_2, message in history and pushed', { timeout: TEST_TIMEOUT_MS }, () =>
    runSingleClientScenario('mtcute'))

  test('cross-client: GramJS (198) and mtcute (227) users message each other in one world, over obfuscated2', { timeout: TEST_TIMEOUT_MS }, async () => {
    const baseline = activeResources()
    const scenario = await startScenarioDc()
    const { dc, calls, config } = scenario
    const drivers: InteropDriver[] = []
    try {
      const g = presetAccount(dc, { homeDc: 1, suffix: '3003', firstName: 'Gus', username: 'gus_gramjs' })
      const m = presetAccount(dc, { homeDc: 2, suffix: '4004', firstName: 'Mia', username: 'mia_mtcute', password: 'pa55' })
      // Both over obfuscated2 here (the per-client tests use each client's default transport).
      const gus = makeDriver('gramjs', config, 'obfuscated')
      const mia = makeDriver('mtcute', config, 'obfuscated')
      drivers.push(gus, mia)
      await Promise.all([gus.connect(), mia.connect()])
      const gUser = await gus.login({ phone: g.phone, code: g.code })
      const mUser = await mia.login({ phone: m.phone, code: m.code, password: m.password ?? '' })
      assert.equal(await mia.currentDc(), 2)

      // 198 → 227: GramJS sends, mtcute is pushed the message and reads it in history.
      const toMia = 'from GramJS at layer 198'
      const sent = await gus.sendMessage('mia_mtcute', toMia)
      assert.equal(sent.out, true)
      const got = await mia.waitForMessage((msg) => msg.text === toMia, UPDATE_WAIT_MS)
      assert.deepEqual([got.out, got.senderId], [false, gUser.id])
      const miaHistory = await mia.getHistory('gus_gramjs', 10)
      assert.deepEqual([...miaHistory].map((msg) => [msg.text, msg.out, msg.senderId]), [[toMia, false, gUser.id]])

      // 227 → 198: the reply goes the other way.
      const toGus = 'reply from mtcute at layer 227'
      await mia.sendMessage('gus_gramjs', toGus)
      const reply = await gus.waitForMessage((msg) => msg.text === toGus, UPDATE_WAIT_MS)
      assert.deepEqual([reply.out, reply.senderId], [false, mUser.id])
      const gusHistory = await gus.getHistory('mia_mtcute', 10)
      assert.deepEqual(
        [...gusHistory].map((msg) => [msg.text, msg.out]),
        [
          [toGus, false],
          [toMia, true],
        ],
      )
      assert.deepEqual(Object.keys(dc.stats.transports).sort(), ['obfuscated2/abridged', 'obfuscated2/intermediate'])
      const layers = new Set(calls.map((c) => `${c.dcId}/${c.layer}`))
      assert.ok(layers.has('1/198') && layers.has('2/227'), `both layers served: ${[...layers].join(', ')}`)
    } finally {
      for (const driver of drivers) await driver.disconnect()
      await scenario.close()
    }
    await assertNothingLeftRunning(baseline)
  })
})
