// Supervision: a connection actor that crashes (here: a store that throws inside an action, a
// programmer error the machine cannot model) is restarted from storage and its calls still settle
// once; past the restart budget the connection fails and its calls settle with a typed error.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MAX_CONNECTION_RESTARTS, TransportError, type AccountNotice } from '@mtswarm/engine'
import type { tl } from '@mtswarm/engine/tl'
import { createMemoryStore, type SessionStore } from '@mtswarm/storage'
import { runtimeFor, startDc } from './harness.js'

/** A memory store whose putServerSalts throws synchronously the first `n` times. */
function throwingSaltStore(n: number): { store: SessionStore; thrown: () => number } {
  const inner = createMemoryStore()
  let thrown = 0
  const store: SessionStore = Object.create(inner)
  store.putServerSalts = (record) => {
    if (thrown < n) {
      thrown++
      throw new Error('salt write exploded')
    }
    return inner.putServerSalts(record)
  }
  return { store, thrown: () => thrown }
}

/** Polls `cond` (the server notices a closed socket a little later); gives up after 5 s. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10))
}

describe('runtime supervision', () => {
  test('a crashing connection is restarted and the pending call settles once with its result', async () => {
    const dc = await startDc()
    const { store, thrown } = throwingSaltStore(2)
    const rt = runtimeFor(dc, { store })
    const notices: AccountNotice[] = []
    rt.notices('acc').subscribe((n) => notices.push(n))
    try {
      const cfg = (await rt.invoke('acc', 1, { _: 'help.getConfig' })) as tl.RawConfig
      assert.equal(cfg._, 'config')
      assert.equal(thrown(), 2)
      assert.equal(rt.stats.connectionCrashes, 2)
      assert.equal(notices.filter((n) => n.type === 'dc.down' && n.reason.startsWith('crashed')).length, 2)
      assert.equal(rt.stats.callsSettled, 1)
      assert.equal(rt.stats.doubleSettles, 0)
      // The crashed machines' sockets were torn down with them: only the restarted one's stays open.
      await until(() => dc.stats.connectionsOpen <= 1)
      assert.equal(dc.stats.connectionsOpen, 1)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })

  test('past the restart budget the connection fails and its calls fail with a TransportError', async () => {
    const dc = await startDc()
    const { store } = throwingSaltStore(1000)
    const rt = runtimeFor(dc, { store })
    const notices: AccountNotice[] = []
    rt.notices('acc').subscribe((n) => notices.push(n))
    try {
      await assert.rejects(rt.invoke('acc', 1, { _: 'help.getConfig' }), (e: unknown) => {
        assert.ok(e instanceof TransportError)
        assert.equal(e.code, undefined, 'no transport code caused this: the store did')
        assert.equal(e.dcId, 1)
        return true
      })
      assert.equal(rt.stats.connectionCrashes, MAX_CONNECTION_RESTARTS + 1)
      assert.ok(notices.some((n) => n.type === 'connection.failed' && n.dcId === 1))
      assert.equal(rt.pendingCalls, 0)
      assert.equal(rt.liveConnections().length, 0)
      // A later call gets a fresh connection (the store works again is not assumed: it still fails typed).
      await assert.rejects(rt.invoke('acc', 1, { _: 'help.getConfig' }), TransportError)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })
})
