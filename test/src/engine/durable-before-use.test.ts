// Durability order, seen from the wire: a new auth key is not used before the store's durable
// write of it has resolved (a crash in between would leave a key the server knows and we lost);
// a new server salt, which the store only commits (losing it costs one bad_server_salt), is used
// at once and reaches the store. A killed
// process cannot show a missing fsync (the page cache survives it), so the store here holds its
// write promises back until the test releases them, and the test DC counts what it received.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { tl } from '@mtswarm/engine/tl'
import { createMemoryStore, type SessionStore } from '@mtswarm/storage'
import { DEFAULT_SALT_PERIOD_MS, SaltSchedule } from '@mtswarm/testdc'
import { runtimeFor, startDc } from './harness.js'

/** Turns of the event loop given to the engine to misuse a key it should not have yet. */
const SETTLE_WAIT_MS = 300

type HeldKind = 'authKey' | 'salts'

/** A SessionStore whose auth-key and salt writes resolve only once the test releases them. */
interface HoldingStore {
  readonly store: SessionStore
  /** Writes of this kind started and not yet released. */
  held(kind: HeldKind): number
  /** Lets every held write of this kind resolve (after the inner store's own write). */
  release(kind: HeldKind): void
  /** Whether new writes of this kind are held (auth keys: from the start; salts: off). */
  holding: Record<HeldKind, boolean>
}

function holdingStore(inner: SessionStore): HoldingStore {
  const gates: Record<HeldKind, (() => void)[]> = { authKey: [], salts: [] }
  const holding: Record<HeldKind, boolean> = { authKey: true, salts: false }
  const hold = (kind: HeldKind, write: Promise<void>): Promise<void> => {
    if (!holding[kind]) return write
    const gate = new Promise<void>((resolve) => gates[kind].push(resolve))
    return Promise.all([write, gate]).then(() => undefined)
  }
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'putAuthKey') return (r: Parameters<SessionStore['putAuthKey']>[0]) => hold('authKey', target.putAuthKey(r))
      if (prop === 'putServerSalts') return (r: Parameters<SessionStore['putServerSalts']>[0]) => hold('salts', target.putServerSalts(r))
      const v: unknown = Reflect.get(target, prop, target)
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
  return {
    store,
    held: (kind) => gates[kind].length,
    release: (kind) => {
      for (const open of gates[kind].splice(0)) open()
    },
    holding,
  }
}

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

describe('durability order on the wire', () => {
  test('a new auth key sends nothing encrypted until its durable write resolves, then the call goes through', async () => {
    const dc = await startDc({ dcCount: 1 })
    const held = holdingStore(createMemoryStore())
    const rt = runtimeFor(dc, { store: held.store })
    try {
      const before = dc.stats.snapshot()
      let settled = false
      const call = rt.invoke('acc', 1, { _: 'help.getNearestDc' }).finally(() => {
        settled = true
      })
      await until(() => held.held('authKey') === 1, 'the auth key write')
      assert.equal(dc.stats.handshakesCompleted - before.handshakesCompleted, 1, 'the server knows the key')
      await sleep(SETTLE_WAIT_MS)
      // The handshake is three plain frames (req_pq_multi, req_DH_params, set_client_DH_params);
      // anything encrypted under the new key would be a fourth.
      assert.equal(dc.stats.framesIn - before.framesIn, 3, 'only the handshake reached the server while the key write was held')
      assert.equal(dc.stats.messagesIn - before.messagesIn, 0)
      assert.equal(settled, false, 'the call waits for the key')

      held.release('authKey')
      const nearest = (await call) as tl.RawNearestDc
      assert.equal(nearest.thisDc, 1)
      assert.ok(dc.stats.messagesIn - before.messagesIn >= 1, 'the call went out once the key was durable')
      assert.equal(rt.stats.keysCreated, 1)
      assert.equal((await held.store.getAuthKey('acc', 1))?.keyId !== undefined, true)
    } finally {
      held.release('authKey')
      await rt.stop()
      await dc.close()
    }
  })

  test('a new server salt is used at once (it is only committed, not durable) and the store ends up with the one the server handed out', async () => {
    const dc = await startDc({ dcCount: 1, seed: 'durable-salts' })
    const held = holdingStore(createMemoryStore())
    held.holding.authKey = false
    held.holding.salts = true
    const rt = runtimeFor(dc, { store: held.store })
    try {
      // The first call goes out under the handshake's salt; new_session_created hands out the
      // scheduled one, which the engine switches to and stores.
      const nearest = (await rt.invoke('acc', 1, { _: 'help.getNearestDc' })) as tl.RawNearestDc
      assert.equal(nearest.thisDc, 1)
      assert.ok(held.held('salts') >= 1, 'the call settled while the salt write was still held')
      held.holding.salts = false
      held.release('salts')
      const key = await held.store.getAuthKey('acc', 1)
      const stored = await held.store.getServerSalts('acc', 1)
      assert.ok(key !== undefined && stored !== undefined)
      // The test DC derives salts from its seed, the key id and the period (testdc/src/salts.ts).
      const schedule = new SaltSchedule('durable-salts', () => DEFAULT_SALT_PERIOD_MS)
      assert.ok(schedule.isValid(key.keyId, stored.current, Date.now()), `stored salt ${stored.current} is the server's scheduled one`)
      // And it still works as the salt of the next call (no bad_server_salt).
      const bad = dc.stats.badMsgs[48] ?? 0
      await rt.invoke('acc', 1, { _: 'help.getNearestDc' })
      assert.equal((dc.stats.badMsgs[48] ?? 0) - bad, 0)
    } finally {
      held.release('salts')
      await rt.stop()
      await dc.close()
    }
  })
})
