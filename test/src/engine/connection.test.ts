// One runtime connection against the real test DC: handshake, key stored before use,
// help.getConfig wrapped in invokeWithLayer(initConnection), and a restart from the store that
// needs no handshake.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryStore, openLmdbStore } from '@mtswarm/storage'
import type { tl } from '@mtswarm/engine/tl'
import { startDc, runtimeFor, CLIENT } from './harness.js'

describe('runtime: one connection', () => {
  test('handshakes, stores the key, calls help.getConfig', async () => {
    const dc = await startDc()
    const store = createMemoryStore()
    const rt = runtimeFor(dc, { store })
    try {
      const cfg = (await rt.invoke('acc-1', 1, { _: 'help.getConfig' })) as tl.RawConfig
      assert.equal(cfg._, 'config')
      assert.equal(dc.stats.handshakesCompleted, 1)
      assert.equal(dc.stats.rpcCalls['help.getConfig'], 1)
      const key = await store.getAuthKey('acc-1', 1, 'perm')
      assert.ok(key !== undefined)
      assert.equal(key.key.length, 256)
      assert.equal(rt.stats.keysCreated, 1)
      assert.equal(rt.stats.callsSettled, 1)
      assert.equal(rt.pendingCalls, 0)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })

  test('answered calls stay on the common path (no actor); an rpc_error hands its call to the machine', async () => {
    const dc = await startDc({ faults: { floodWait: { 'help.getNearestDc': 300 } } })
    const rt = runtimeFor(dc, { floodSleepThresholdSec: 5 })
    try {
      const results = await Promise.all(Array.from({ length: 50 }, () => rt.invoke('acc-1', 1, { _: 'help.getConfig' })))
      assert.ok(results.every((r) => (r as tl.RawConfig)._ === 'config'))
      assert.equal(rt.stats.rpcActors, 0, 'an answered call needs no actor')
      await assert.rejects(rt.invoke('acc-1', 1, { _: 'help.getNearestDc' }), /FLOOD_WAIT_300/)
      assert.equal(rt.stats.rpcActors, 1)
      assert.deepEqual([rt.stats.callsSettled, rt.stats.callsFailed, rt.stats.doubleSettles, rt.pendingCalls], [50, 1, 0, 0])
    } finally {
      await rt.stop()
      await dc.close()
    }
  })

  test('the first request is wrapped in initConnection with the client identity', async () => {
    const seen: unknown[] = []
    const dc = await startDc({
      api: async (call, fallback) => {
        seen.push(call.client)
        return fallback(call)
      },
    })
    const rt = runtimeFor(dc)
    try {
      await rt.invoke('acc-1', 1, { _: 'help.getConfig' })
      const { apiId, deviceModel, systemVersion, appVersion, systemLangCode, langCode } = CLIENT
      assert.deepEqual(seen[0], { apiId, deviceModel, systemVersion, appVersion, systemLangCode, langPack: '', langCode })
    } finally {
      await rt.stop()
      await dc.close()
    }
  })

  test('a restart from the store uses the stored key: no second handshake', async () => {
    const dc = await startDc()
    const store = createMemoryStore()
    try {
      const first = runtimeFor(dc, { store })
      await first.invoke('acc-1', 1, { _: 'help.getConfig' })
      await first.stop()
      assert.equal(dc.stats.handshakesCompleted, 1)
      const second = runtimeFor(dc, { store })
      const cfg = (await second.invoke('acc-1', 1, { _: 'help.getConfig' })) as tl.RawConfig
      assert.equal(cfg._, 'config')
      assert.equal(dc.stats.handshakesStarted, 1)
      assert.equal(second.stats.keysCreated, 0)
      assert.equal(dc.stats.rpcCalls['help.getConfig'], 2)
      await second.stop()
    } finally {
      await dc.close()
    }
  })

  test('LMDB store: the key survives closing and reopening the store; the next runtime does not handshake', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtswarm-rt-'))
    const path = join(dir, 'sessions.mdb')
    const dc = await startDc()
    try {
      const store1 = await openLmdbStore({ path, verify: 'none', encryptionKey: new Uint8Array(32).fill(7) })
      const first = runtimeFor(dc, { store: store1 })
      await first.invoke('acc-1', 2, { _: 'help.getConfig' })
      await first.stop()
      await store1.close()
      const store2 = await openLmdbStore({ path, verify: 'none', encryptionKey: new Uint8Array(32).fill(7) })
      const second = runtimeFor(dc, { store: store2 })
      await second.invoke('acc-1', 2, { _: 'help.getNearestDc' })
      assert.equal(dc.stats.handshakesStarted, 1)
      assert.equal(second.stats.keysCreated, 0)
      await second.stop()
      await store2.close()
    } finally {
      await dc.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
