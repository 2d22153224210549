// Every call settles exactly once under faults the test DC injects: forced bad_server_salt, and a
// connection dropped while answers are pending (the runtime reconnects, resends what the server
// had not acknowledged, and takes the queued answers). Counted on both sides.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { tl } from '@mtswarm/engine/tl'
import { runtimeFor, startDc } from './harness.js'

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

describe('runtime under faults', () => {
  test('forced bad_server_salt: every call is resent with the new salt and settles once; none runs twice', async () => {
    const dc = await startDc()
    const rt = runtimeFor(dc)
    try {
      await rt.invoke('acc', 1, { _: 'help.getConfig' })
      dc.faults.set({ badServerSaltNext: 4 })
      const n = 20
      const results = await Promise.all(Array.from({ length: n }, () => rt.invoke('acc', 1, { _: 'help.getNearestDc' })))
      for (const r of results) assert.equal((r as tl.RawNearestDc)._, 'nearestDc')
      assert.equal(dc.stats.faults['badServerSalt'], 4)
      assert.ok(rt.stats.badServerSalts >= 1)
      assert.ok(rt.stats.resends >= 1)
      // bad_server_salt means "not processed": the server ran each call exactly once.
      assert.equal(dc.stats.rpcCalls['help.getNearestDc'], n)
      assert.equal(rt.stats.callsSettled, n + 1)
      assert.equal(rt.stats.doubleSettles, 0)
      assert.equal(rt.pendingCalls, 0)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })

  test('a connection dropped mid-RPC: the runtime reconnects and every call settles exactly once', async () => {
    let answered = 0
    const dc = await startDc({
      api: async (call, fallback) => {
        // Answers come late, so the drop happens while the server holds them.
        if (call.method === 'help.getNearestDc') await sleep(150)
        answered++
        return fallback(call)
      },
    })
    const rt = runtimeFor(dc)
    try {
      await rt.invoke('acc', 1, { _: 'help.getConfig' })
      const n = 20
      const calls = Array.from({ length: n }, () => rt.invoke('acc', 1, { _: 'help.getNearestDc' }))
      await until(() => (dc.stats.rpcCalls['help.getNearestDc'] ?? 0) >= n, 'the server to receive every call')
      // The next frame the server gets closes the connection (it is not processed).
      dc.faults.set({ dropProbability: 1 })
      const trigger = rt.invoke('acc', 1, { _: 'help.getConfig' })
      await until(() => (dc.stats.faults['dropProbability'] ?? 0) >= 1, 'the drop')
      dc.faults.set({ dropProbability: 0 })
      const results = await Promise.all([...calls, trigger])
      assert.equal(results.length, n + 1)
      for (const r of results.slice(0, n)) assert.equal((r as tl.RawNearestDc)._, 'nearestDc')
      assert.ok(rt.stats.socketsOpened >= 2, 'reconnected')
      assert.equal(rt.stats.callsSettled, n + 2)
      assert.equal(rt.stats.callsFailed, 0)
      assert.equal(rt.stats.doubleSettles, 0)
      assert.equal(rt.pendingCalls, 0)
      // Server side: every call ran exactly once (a copy sent again after the drop keeps its msg_id).
      const ran = dc.stats.rpcCalls['help.getNearestDc'] ?? 0
      assert.equal(ran, n, `server ran ${ran} for ${n} calls`)
      assert.equal(dc.stats.rpcCalls['help.getConfig'], 2)
      assert.ok(answered >= n + 2)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })
})
