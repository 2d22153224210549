// Many connections at once (one account each, all handshaking in parallel), and a code login
// through raw calls, including the PHONE_MIGRATE move the runtime does by itself and reports.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { AccountNotice } from '@mtswarm/engine'
import { RpcError } from '@mtswarm/engine'
import type { tl } from '@mtswarm/engine/tl'
import { createMemoryStore } from '@mtswarm/storage'
import { runtimeFor, startDc } from './harness.js'

const codeSettings: tl.RawCodeSettings = { _: 'codeSettings' }

describe('runtime at scale', () => {
  test('50 connections handshake in parallel (at most maxConcurrentHandshakes at once) and each calls help.getConfig', async () => {
    const dc = await startDc()
    const store = createMemoryStore()
    const limit = 10
    const rt = runtimeFor(dc, { store, maxConcurrentHandshakes: limit })
    let maxInFlight = 0
    const sampler = setInterval(() => {
      maxInFlight = Math.max(maxInFlight, dc.stats.handshakesStarted - dc.stats.handshakesCompleted - dc.stats.handshakesFailed)
    }, 1)
    try {
      const n = 50
      const results = await Promise.all(Array.from({ length: n }, (_, i) => rt.invoke(`acc-${i}`, 1, { _: 'help.getConfig' })))
      clearInterval(sampler)
      assert.ok(maxInFlight <= limit, `${maxInFlight} handshakes in flight at once`)
      assert.ok(maxInFlight >= 2, 'handshakes did run in parallel')
      assert.equal(rt.handshakeGate(1).active, 0)
      // Every call's bus key was completed and deleted with its actor.
      assert.equal(rt.rpcBus.size, 0)
      assert.equal(results.length, n)
      for (const r of results) assert.equal((r as tl.RawConfig)._, 'config')
      assert.equal(dc.stats.handshakesCompleted, n)
      assert.equal(rt.stats.keysCreated, n)
      assert.equal(rt.liveConnections().length, n)
      const keys = await Promise.all(Array.from({ length: n }, (_, i) => store.getAuthKey(`acc-${i}`, 1, 'perm')))
      assert.equal(new Set(keys.map((k) => k?.keyId)).size, n)
    } finally {
      clearInterval(sampler)
      await rt.stop()
      await dc.close()
    }
  })
})

describe('login through raw calls', () => {
  test('auth.sendCode + auth.signIn on the home DC authorize the key', async () => {
    const dc = await startDc()
    const rt = runtimeFor(dc)
    try {
      const alice = dc.world.presetUser({ phone: '9996610001', firstName: 'Alice' })
      await assert.rejects(rt.invoke('alice', 1, { _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }), (e: unknown) => {
        assert.ok(e instanceof RpcError)
        assert.deepEqual([e.code, e.message], [401, 'AUTH_KEY_UNREGISTERED'])
        return true
      })
      const sent = (await rt.invoke('alice', 1, { _: 'auth.sendCode', phoneNumber: '9996610001', apiId: 4, apiHash: 'h', settings: codeSettings })) as tl.auth.RawSentCode
      assert.equal(sent._, 'auth.sentCode')
      await assert.rejects(
        rt.invoke('alice', 1, { _: 'auth.signIn', phoneNumber: '9996610001', phoneCodeHash: sent.phoneCodeHash, phoneCode: '00000' }),
        (e: unknown) => e instanceof RpcError && e.message === 'PHONE_CODE_INVALID',
      )
      const auth = (await rt.invoke('alice', 1, {
        _: 'auth.signIn',
        phoneNumber: '9996610001',
        phoneCodeHash: sent.phoneCodeHash,
        phoneCode: '11111',
      })) as tl.auth.RawAuthorization
      assert.equal(auth._, 'auth.authorization')
      assert.equal((auth.user as tl.RawUser).id, alice.id)
      const [me] = (await rt.invoke('alice', 1, { _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })) as tl.TypeUser[]
      assert.equal((me as tl.RawUser).id, alice.id)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })

  test('PHONE_MIGRATE_2: the call moves to DC 2 by itself, the account hears of it, signIn goes there', async () => {
    const dc = await startDc()
    const rt = runtimeFor(dc)
    try {
      const bob = dc.world.presetUser({ phone: '9996620002', firstName: 'Bob' })
      const notices: AccountNotice[] = []
      rt.notices('bob').subscribe((n) => notices.push(n))
      const sent = (await rt.invoke('bob', 1, { _: 'auth.sendCode', phoneNumber: '9996620002', apiId: 4, apiHash: 'h', settings: codeSettings })) as tl.auth.RawSentCode
      assert.equal(sent._, 'auth.sentCode')
      const migrated = notices.filter((n) => n.type === 'rpc.migrated')
      assert.deepEqual(
        migrated.map((n) => n.type === 'rpc.migrated' && [n.method, n.fromDcId, n.toDcId, n.errorMessage]),
        [['auth.sendCode', 1, 2, 'PHONE_MIGRATE_2']],
      )
      assert.ok(notices.some((n) => n.type === 'dc.ready' && n.dcId === 2))
      const auth = (await rt.invoke('bob', 2, {
        _: 'auth.signIn',
        phoneNumber: '9996620002',
        phoneCodeHash: sent.phoneCodeHash,
        phoneCode: '22222',
      })) as tl.auth.RawAuthorization
      assert.equal((auth.user as tl.RawUser).id, bob.id)
      assert.equal(dc.stats.handshakesCompleted, 2)
    } finally {
      await rt.stop()
      await dc.close()
    }
  })
})
