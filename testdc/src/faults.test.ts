// Every fault of the test DC: visible in stats and in what a client sees.
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import { TlReader, readMethodResult, serializeObject, type mtp } from '@mtswarm/engine/tl'
import { Faults } from './faults.js'
import { TestDcStats } from './stats.js'
import { startTestDc } from './test-dc.js'
import { bindClientToUser } from './testing/login.js'
import { clientOptions, keyedClient, sharedRsaKeyPem } from './testing/fixtures.js'
import { TestClient, TestRpcError } from './testing/test-client.js'
import type { TestDc } from './types.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('fault decisions', () => {
  test('are deterministic under a seed', () => {
    const run = (seed: number) => {
      const f = new Faults({ dropProbability: 0.3, duplicateProbability: 0.5, jitterMs: 100 }, seed, new TestDcStats())
      return Array.from({ length: 50 }, (_, i) => [f.dropConnection(i), f.duplicateFrame(), f.outgoingDelayMs()])
    }
    assert.deepEqual(run(7), run(7))
    assert.notDeepEqual(run(7), run(8))
  })
})

describe('next-N drops', () => {
  test('drop exactly the next N frames and the next N answers, then fall back to the probabilities', () => {
    const stats = new TestDcStats()
    const f = new Faults({ dropNextFrames: 2, dropNextResults: 1 }, 1, stats)
    assert.deepEqual([f.dropConnection(1), f.dropConnection(2), f.dropConnection(3)], [true, true, false])
    assert.deepEqual([f.dropResult(), f.dropResult()], [true, false])
    assert.deepEqual([stats.faults.dropNextFrames, stats.faults.dropResult], [2, 1])
    f.set({ dropNextFrames: 1 })
    assert.deepEqual([f.dropConnection(4), f.dropConnection(5)], [true, false])
    f.set({ dropNextResults: 3 })
    f.clear()
    assert.equal(f.dropResult(), false, 'clear() turns the counters off')
  })
})

describe('test DC faults', () => {
  let dc: TestDc
  before(async () => {
    dc = await startTestDc({ rsaPrivateKeyPem: sharedRsaKeyPem(), dcCount: 2, seed: 42 })
  })
  after(() => dc.close())
  beforeEach(() => dc.faults.clear())

  test('salt rotation rate: an expired salt gets bad_server_salt', async () => {
    const c = await keyedClient(dc)
    try {
      const before = dc.stats.badMsgs[48] ?? 0
      dc.faults.set({ saltPeriodMs: 40 })
      await sleep(130) // more than two periods: the handshake salt and its successor are stale
      const { msgId } = c.send({ _: 'mt_ping', pingId: 1n })
      const m = await c.next((x) => x.obj._ === 'mt_bad_server_salt' && x.obj.badMsgId === msgId)
      assert.notEqual((m.obj as mtp.RawMt_bad_server_salt).newServerSalt, c.salt)
      assert.ok((dc.stats.badMsgs[48] ?? 0) > before)
    } finally {
      await c.close()
    }
  })

  test('forced bad_server_salt for the next N messages', async () => {
    const c = await keyedClient(dc)
    try {
      dc.faults.set({ badServerSaltNext: 2 })
      let bad = 0
      for (let i = 0; i < 3; i++) {
        const { msgId } = c.send({ _: 'mt_ping', pingId: BigInt(i) })
        const m = await c.next((x) => (x.obj._ === 'mt_pong' && x.obj.msgId === msgId) || (x.obj._ === 'mt_bad_server_salt' && x.obj.badMsgId === msgId))
        if (m.obj._ === 'mt_bad_server_salt') {
          bad++
          c.salt = m.obj.newServerSalt
        }
      }
      assert.equal(bad, 2)
      assert.equal(dc.stats.faults.badServerSalt, 2)
    } finally {
      await c.close()
    }
  })

  test('connection drop after N frames, and with a probability', async () => {
    const c = await keyedClient(dc) // 3 frames
    dc.faults.set({ dropAfterFrames: 5 })
    c.send({ _: 'mt_ping', pingId: 1n })
    await c.next((m) => m.obj._ === 'mt_pong')
    c.send({ _: 'mt_ping', pingId: 2n })
    await c.closed
    assert.ok((dc.stats.faults.dropAfterFrames ?? 0) >= 1)
    dc.faults.set({ dropAfterFrames: undefined, dropProbability: 1 })
    const d = await TestClient.connect(clientOptions(dc))
    await assert.rejects(d.handshake())
    assert.ok((dc.stats.faults.dropProbability ?? 0) >= 1)
  })

  test('delay and jitter keep order; duplicates repeat a message; reordering swaps two', async () => {
    const c = await keyedClient(dc)
    try {
      dc.faults.set({ delayMs: 20, jitterMs: 30 })
      for (let i = 1n; i <= 3n; i++) {
        c.send({ _: 'mt_ping', pingId: i })
        await sleep(5)
      }
      const pongs = []
      for (let i = 0; i < 3; i++) pongs.push(await c.next((m) => m.obj._ === 'mt_pong', 5000))
      assert.deepEqual(pongs.map((p) => (p.obj as mtp.RawMt_pong).pingId), [1n, 2n, 3n])
      assert.ok((dc.stats.faults.delay ?? 0) >= 1)

      dc.faults.set({ delayMs: undefined, jitterMs: undefined, duplicateProbability: 1 })
      const { msgId } = c.send({ _: 'mt_ping', pingId: 9n })
      const a = await c.next((m) => m.obj._ === 'mt_pong' && m.obj.msgId === msgId)
      const b = await c.next((m) => m.obj._ === 'mt_pong' && m.obj.msgId === msgId)
      assert.equal(a.msgId, b.msgId, 'the same server message twice')
      assert.ok((dc.stats.faults.duplicate ?? 0) >= 1)

      dc.faults.set({ duplicateProbability: undefined, reorderProbability: 1 })
      const first = c.send({ _: 'mt_ping', pingId: 20n }).msgId
      await sleep(30)
      const second = c.send({ _: 'mt_ping', pingId: 21n }).msgId
      const p1 = c.next((m) => m.obj._ === 'mt_pong' && m.obj.msgId === first)
      const p2 = c.next((m) => m.obj._ === 'mt_pong' && m.obj.msgId === second)
      const [r1, r2] = await Promise.all([p1, p2])
      assert.ok(r1.msgId < r2.msgId, 'the server created the first answer first')
      assert.ok(r2.arrival < r1.arrival, 'but it arrived second')
      assert.ok((dc.stats.faults.reorder ?? 0) >= 1)
    } finally {
      await c.close()
    }
  })

  test('a reordered frame on a quiet connection is released after REORDER_HOLD_MAX_MS, not held forever', async () => {
    const c = await keyedClient(dc)
    try {
      dc.faults.set({ reorderProbability: 1 })
      const { msgId } = c.send({ _: 'mt_ping', pingId: 31n })
      // Nothing else is sent, so nothing can overtake the held pong: it must still arrive.
      const pong = await c.next((m) => m.obj._ === 'mt_pong' && m.obj.msgId === msgId, 10_000)
      assert.equal((pong.obj as mtp.RawMt_pong).pingId, 31n)
      assert.ok((dc.stats.faults.reorder ?? 0) >= 1)
    } finally {
      dc.faults.set({ reorderProbability: undefined })
      await c.close()
    }
  })

  test('server clock skew shows in the handshake time offset', async () => {
    dc.faults.set({ clockSkewMs: 3_600_000 })
    const c = await TestClient.connect(clientOptions(dc))
    try {
      const key = await c.handshake()
      assert.ok(Math.abs(key.timeOffsetMs - 3_600_000) < 5_000, `offset ${key.timeOffsetMs}`)
    } finally {
      await c.close()
    }
  })

  test('FLOOD_WAIT_X on chosen methods, USER_MIGRATE_X for chosen users, INTERNAL with a probability', async () => {
    const c = await keyedClient(dc)
    try {
      dc.faults.set({ floodWait: { 'help.getNearestDc': 7 } })
      await assert.rejects(c.invoke({ _: 'help.getNearestDc' }), (e: unknown) => e instanceof TestRpcError && e.code === 420 && e.errorMessage === 'FLOOD_WAIT_7')
      assert.equal(dc.stats.faults.floodWait, 1)

      dc.world.presetUser({ phone: '9996612345', firstName: 'Mig' })
      const user = bindClientToUser(dc, c, 1, '9996612345')
      dc.faults.set({ floodWait: undefined, userMigrate: { [user.id.toString()]: 2 } })
      await assert.rejects(c.invoke({ _: 'help.getNearestDc' }), (e: unknown) => e instanceof TestRpcError && e.code === 303 && e.errorMessage === 'USER_MIGRATE_2')
      assert.equal(dc.stats.faults.userMigrate, 1)

      dc.faults.set({ userMigrate: undefined, internalErrorProbability: 1 })
      await assert.rejects(c.invoke({ _: 'help.getNearestDc' }), (e: unknown) => e instanceof TestRpcError && e.code === 500 && e.errorMessage === 'INTERNAL')
      assert.ok((dc.stats.faults.internalError ?? 0) >= 1)
      assert.ok((dc.stats.rpcErrors.INTERNAL ?? 0) >= 1)
    } finally {
      await c.close()
    }
  })

  test('a lost answer: the call runs, its connection closes unanswered; its msg_id again gets the cached answer, a new msg_id runs it again', async () => {
    const c = await TestClient.connect(clientOptions(dc))
    const key = await c.handshake()
    const runs = () => dc.stats.rpcCalls['help.getNearestDc'] ?? 0
    const before = { runs: runs(), cached: dc.stats.cachedAnswersResent }
    dc.faults.set({ dropResultProbability: 1 })
    const body = serializeObject({ _: 'help.getNearestDc' })
    const lost = c.sendMessage(body)
    await c.closed
    assert.equal(runs(), before.runs + 1, 'the call ran before its connection closed')
    assert.equal(c.inbox.filter((m) => m.obj._ === 'mt_rpc_result').length, 0, 'no answer reached the client')
    assert.equal(dc.stats.faults.dropResult, 1)

    dc.faults.set({ dropResultProbability: undefined })
    const d = await TestClient.connect(clientOptions(dc))
    try {
      // The same session over a new connection, as a client resumes after a drop.
      d.useKey(key.authKey, c.salt, key.timeOffsetMs)
      d.newSession(c.sessionId)
      d.seq = c.seq
      d.sendMessage(body, lost)
      const again = await d.next((m) => m.obj._ === 'mt_rpc_result' && m.obj.reqMsgId === lost.msgId)
      const nearest = readMethodResult('help.getNearestDc', new TlReader((again.obj as mtp.RawMt_rpc_result).result)) as { thisDc: number }
      assert.equal(nearest.thisDc, 1)
      assert.deepEqual([runs(), dc.stats.cachedAnswersResent], [before.runs + 1, before.cached + 1], 'the repeat got the cached answer, no second run')
      const fresh = d.sendMessage(body, { msgId: c.ids.next(Date.now()) }) // c's generator: ids keep growing in the session
      await d.next((m) => m.obj._ === 'mt_rpc_result' && m.obj.reqMsgId === fresh.msgId)
      assert.equal(runs(), before.runs + 2, 'a new msg_id is a new call')
    } finally {
      await d.close()
    }
  })

  test('slow handshakes, dh_gen_retry and dh_gen_fail', async () => {
    dc.faults.set({ handshakeDelayMs: 20, dhGenRetryNext: 1 })
    const retries = dc.stats.handshakeRetries
    const c = await keyedClient(dc)
    assert.equal((await c.ping(1n)).pingId, 1n)
    await c.close()
    assert.equal(dc.stats.handshakeRetries, retries + 1)
    assert.ok((dc.stats.faults.handshakeDelay ?? 0) >= 4)
    dc.faults.set({ handshakeDelayMs: 0, dhGenFailNext: 1 })
    const d = await TestClient.connect(clientOptions(dc))
    try {
      await assert.rejects(d.handshake(), /dh-gen-fail/)
      assert.equal(dc.stats.faults.dhGenFail, 1)
    } finally {
      await d.close()
    }
  })
})
