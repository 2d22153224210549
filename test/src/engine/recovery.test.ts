// Recovery paths the machines decide and the runtime carries out: FLOOD_WAIT under the threshold
// is slept through (machine timer) and retried, over it fails typed; a stored key the server does
// not know (-404) is re-checked on fresh connections and kept, its calls failing typed, never
// replaced (four unauthenticated bytes must not log an account out).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { FloodWaitError, TransportError } from '@mtswarm/engine'
import type { tl } from '@mtswarm/engine/tl'
import { KEY_RECHECKS } from '@mtswarm/machines'
import { createMemoryStore } from '@mtswarm/storage'
import { runtimeFor, startDc } from './harness.js'

describe('runtime recovery', () => {
  test('FLOOD_WAIT_1 under the threshold: slept through, retried, settled with the result', async () => {
    const dc = await startDc({ faults: { floodWait: { 'help.getNearestDc': 1 } } })
    const rt = runtimeFor(dc, { floodSleepThresholdSec: 5 })
    try {
      await rt.invoke('acc', 1, { _: 'help.getConfig' })
      const pending = rt.invoke('acc', 1, { _: 'help.getNearestDc' })
      while ((dc.stats.faults['floodWait'] ?? 0) < 1) await sleep(5)
      dc.faults.set({ floodWait: undefined })
      const r = (await pending) as tl.RawNearestDc
      assert.equal(r._, 'nearestDc')
      assert.equal(dc.stats.rpcErrors['FLOOD_WAIT_1'], 1)
      assert.equal(dc.stats.rpcCalls['help.getNearestDc'], 2)
      // getConfig stayed on the common path; the FLOOD_WAIT handed getNearestDc to an rpcMachine actor
      assert.equal(rt.stats.rpcActors, 1)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })

  test('FLOOD_WAIT over the threshold fails at once with 420', async () => {
    const dc = await startDc({ faults: { floodWait: { 'help.getNearestDc': 300 } } })
    const rt = runtimeFor(dc, { floodSleepThresholdSec: 5 })
    try {
      await assert.rejects(rt.invoke('acc', 1, { _: 'help.getNearestDc' }), (e: unknown) => {
        assert.ok(e instanceof FloodWaitError)
        assert.deepEqual([e.code, e.message, e.seconds], [420, 'FLOOD_WAIT_300', 300])
        return true
      })
      assert.equal(dc.stats.rpcCalls['help.getNearestDc'], 1)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })

  test('server clock jumps 10 minutes ahead: bad_msg_notification 16, time re-synced, calls resent once and settled', async () => {
    const dc = await startDc()
    const rt = runtimeFor(dc)
    try {
      await rt.invoke('acc', 1, { _: 'help.getConfig' })
      dc.faults.set({ clockSkewMs: 600_000 })
      const n = 10
      const results = await Promise.all(Array.from({ length: n }, () => rt.invoke('acc', 1, { _: 'help.getNearestDc' })))
      assert.equal(results.length, n)
      assert.ok((dc.stats.badMsgs[16] ?? 0) >= 1, 'the server refused msg_ids as too old')
      assert.equal(dc.stats.rpcCalls['help.getNearestDc'], n)
      assert.ok(rt.stats.resends >= 1)
      assert.equal(rt.stats.callsSettled, n + 1)
      assert.equal(rt.stats.doubleSettles, 0)
      // Later calls go out with the corrected clock: no new refusals.
      const refused = dc.stats.badMsgs[16] ?? 0
      await rt.invoke('acc', 1, { _: 'help.getNearestDc' })
      assert.equal(dc.stats.badMsgs[16] ?? 0, refused)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })

  test('our clock jumps 45 s ahead mid-session: bad_msg 17, time re-synced in a new session, calls settle once', async () => {
    // The ids this session already used are then beyond the server's 30 s future window; ids must
    // grow within a session, so resending in it would be refused again and again.
    const dc = await startDc()
    let jumpMs = 0
    const rt = runtimeFor(dc, { nowMs: () => Date.now() + jumpMs })
    try {
      await rt.invoke('acc', 1, { _: 'help.getConfig' })
      jumpMs = 45_000
      await rt.invoke('acc', 1, { _: 'help.getNearestDc' }) // refused as too new, re-synced, resent
      const n = 10
      const results = await Promise.all(Array.from({ length: n }, () => rt.invoke('acc', 1, { _: 'help.getNearestDc' })))
      assert.equal(results.length, n)
      assert.ok((dc.stats.badMsgs[17] ?? 0) >= 1, 'the server refused msg_ids as too new')
      assert.ok(dc.stats.sessionsCreated >= 2, 'a new session was started')
      assert.equal(dc.stats.rpcCalls['help.getNearestDc'], n + 1)
      assert.equal(rt.stats.callsSettled, n + 2)
      assert.equal(rt.stats.callsFailed, 0)
      assert.equal(rt.stats.doubleSettles, 0)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })

  test('-404 for a stored key: re-checked on fresh connections, kept in the store, the call fails with -404 once', async () => {
    const store = createMemoryStore()
    const first = await startDc()
    const rt1 = runtimeFor(first, { store })
    await rt1.invoke('acc', 1, { _: 'help.getConfig' })
    const oldKey = await store.getAuthKey('acc', 1, 'perm')
    await rt1.stop()
    await first.close()
    // A new test DC has never seen that key: every connection with it gets -404.
    const dc = await startDc()
    const rt = runtimeFor(dc, { store })
    try {
      await assert.rejects(rt.invoke('acc', 1, { _: 'help.getConfig' }), (e: unknown) => {
        assert.ok(e instanceof TransportError)
        assert.equal(e.code, -404)
        return true
      })
      assert.equal(dc.stats.transportErrors[-404], KEY_RECHECKS + 1, 'one -404 per fresh connection')
      assert.equal(dc.stats.handshakesCompleted, 0, 'no new key was made')
      const kept = await store.getAuthKey('acc', 1, 'perm')
      assert.ok(kept !== undefined && oldKey !== undefined)
      assert.equal(kept.keyId, oldKey.keyId)
      assert.deepEqual(kept.key, oldKey.key)
      assert.equal(rt.stats.callsFailed, 1)
      assert.equal(rt.stats.doubleSettles, 0)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })
})
