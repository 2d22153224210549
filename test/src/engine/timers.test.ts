// Time-based effects run on the machines' `after` delays, so a SimulatedClock drives them: the
// keepalive ping_delay_disconnect after PING_INTERVAL_MS (answered by a pong), and a call whose
// answer never comes times out after its deadline with rpc_drop_answer.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { SimulatedClock } from 'xstate'
import { TimeoutError } from '@mtswarm/engine'
import { PING_INTERVAL_MS } from '@mtswarm/machines'
import { runtimeFor, startDc } from './harness.js'

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await sleep(2)
  assert.ok(cond())
}

describe('runtime timers on a simulated clock', () => {
  test('keepalive: ping_delay_disconnect after the interval, pong keeps the connection ready', async () => {
    const dc = await startDc()
    const clock = new SimulatedClock()
    const rt = runtimeFor(dc, { clock })
    try {
      await rt.invoke('acc', 1, { _: 'help.getConfig' })
      const conn = rt.connection('acc', 1)
      assert.equal(dc.stats.serviceCalls['mt_ping_delay_disconnect'] ?? 0, 0)
      clock.increment(PING_INTERVAL_MS)
      await until(() => (dc.stats.serviceCalls['mt_ping_delay_disconnect'] ?? 0) === 1)
      await until(() => (conn.state as { online?: { ready?: { keepalive?: string } } }).online?.ready?.keepalive === 'quiet')
      assert.ok(conn.ready)
      assert.equal(rt.stats.socketsOpened, 1)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })

  test('a call with no answer times out at its deadline and drops the answer', async () => {
    const dc = await startDc({
      api: (call, fallback) => (call.method === 'help.getNearestDc' ? new Promise(() => {}) : fallback(call)),
    })
    const clock = new SimulatedClock()
    const rt = runtimeFor(dc, { clock })
    try {
      await rt.invoke('acc', 1, { _: 'help.getConfig' })
      const pending = rt.invoke('acc', 1, { _: 'help.getNearestDc' }, { timeoutMs: 5_000 })
      await until(() => dc.stats.rpcCalls['help.getNearestDc'] === 1)
      let settled = false
      pending.catch(() => {}).finally(() => (settled = true))
      clock.increment(4_999)
      await sleep(20)
      assert.equal(settled, false, 'not before the deadline')
      clock.increment(1)
      await assert.rejects(pending, (e: unknown) => {
        assert.ok(e instanceof TimeoutError)
        assert.deepEqual([e.method, e.afterMs, e.answerDropped], ['help.getNearestDc', 5_000, true])
        return true
      })
      await until(() => (dc.stats.serviceCalls['mt_rpc_drop_answer'] ?? 0) === 1)
      assert.equal(rt.pendingCalls, 0)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })
})
