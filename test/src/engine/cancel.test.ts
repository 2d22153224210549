// Cancelling a call through its AbortSignal: before it is written (taken off the queue, nothing
// reaches the server) and while the server has it (rpc_drop_answer); each settles once, typed.
// Stopping the runtime settles what is pending and leaves no bus key behind.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { CancelledError, UsageError } from '@mtswarm/engine'
import { runtimeFor, startDc } from './harness.js'

const isCancelled = (dropped: boolean) => (e: unknown) =>
  e instanceof CancelledError && e.answerDropped === dropped

describe('runtime: cancel and stop', () => {
  test('abort before the call is written: cancelled, never sent', async () => {
    const dc = await startDc()
    const rt = runtimeFor(dc)
    try {
      await rt.invoke('acc', 1, { _: 'help.getConfig' })
      const ac = new AbortController()
      ac.abort()
      await assert.rejects(rt.invoke('acc', 1, { _: 'help.getNearestDc' }, { signal: ac.signal }), isCancelled(false))
      await rt.invoke('acc', 1, { _: 'help.getConfig' })
      assert.equal(dc.stats.rpcCalls['help.getNearestDc'], undefined)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })

  test('abort while the server has it: rpc_drop_answer, cancelled once', async () => {
    const dc = await startDc({
      api: async (call, fallback) => {
        if (call.method === 'help.getNearestDc') await sleep(300)
        return fallback(call)
      },
    })
    const rt = runtimeFor(dc)
    try {
      await rt.invoke('acc', 1, { _: 'help.getConfig' })
      const ac = new AbortController()
      const pending = rt.invoke('acc', 1, { _: 'help.getNearestDc' }, { signal: ac.signal })
      while (dc.stats.rpcCalls['help.getNearestDc'] !== 1) await sleep(2)
      ac.abort()
      await assert.rejects(pending, isCancelled(true))
      while ((dc.stats.serviceCalls['mt_rpc_drop_answer'] ?? 0) < 1) await sleep(2)
      assert.equal(rt.stats.doubleSettles, 0)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })

  test('stop settles pending calls as stopped (UsageError) and closes every bus key', async () => {
    const dc = await startDc({
      api: async (call, fallback) => {
        if (call.method === 'help.getNearestDc') await sleep(500)
        return fallback(call)
      },
    })
    const rt = runtimeFor(dc)
    try {
      await rt.invoke('acc', 1, { _: 'help.getConfig' })
      const pending = Array.from({ length: 5 }, () => rt.invoke('acc', 1, { _: 'help.getNearestDc' }))
      while ((dc.stats.rpcCalls['help.getNearestDc'] ?? 0) < 5) await sleep(2)
      await rt.stop()
      const settled = await Promise.allSettled(pending)
      for (const s of settled) {
        assert.equal(s.status, 'rejected')
        assert.ok(s.reason instanceof UsageError && s.reason.reason === 'stopped')
      }
      assert.deepEqual([rt.rpcBus.size, rt.plainBus.size, rt.accountBus.size], [0, 0, 0])
      assert.equal(rt.pendingCalls, 0)
      await assert.rejects(rt.invoke('acc', 1, { _: 'help.getConfig' }), /runtime stopped/)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })
})
