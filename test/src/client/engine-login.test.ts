// The public client API against the test DC on loopback: code login with PHONE_MIGRATE followed,
// 2FA (SRP), FLOOD_WAIT slept / surfaced, typed errors for bad calls and wrong use, and an LMDB
// store that brings an authorized account back with no handshake and no login.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  FloodWaitError,
  RpcError,
  UsageError,
  createEngine,
  type Engine,
  type EngineEvent,
  type EngineOptions,
} from '@mtswarm/engine'
import { createMemoryStore, openLmdbStore, type SessionStore } from '@mtswarm/storage'
import { apiUpdatesHook, createApiHandler, startTestDc, type TestDc } from '@mtswarm/testdc'
import { sharedRsaKeyPem } from '@mtswarm/testdc/testing'
import { engineOn as engineOnDc } from '../engine/harness.js'

let dc: TestDc

before(async () => {
  dc = await startTestDc({ dcCount: 3, rsaPrivateKeyPem: sharedRsaKeyPem(), api: createApiHandler(), updates: apiUpdatesHook })
})
after(() => dc.close())

/** An engine on this file's test DC. */
function engineOn(store?: SessionStore, extra: Partial<EngineOptions> = {}): { engine: Engine; events: EngineEvent[] } {
  return engineOnDc(dc, store, extra)
}

describe('login', () => {
  test('code login on another DC: PHONE_MIGRATE moves the home DC, the code is checked there', async () => {
    const user = dc.world.presetUser({ phone: '9996620101', firstName: 'Mig' })
    const { engine, events } = engineOn()
    try {
      const acc = engine.account('site-1')
      const sent = await acc.sendCode('+999 662 0101')
      assert.equal(sent._, 'auth.sentCode')
      assert.equal(acc.homeDcId, 2)
      const r = await acc.signIn('22222')
      assert.equal(r.status, 'authorized')
      assert.equal(r.status === 'authorized' && r.user.id, user.id)
      assert.deepEqual(acc.state, { state: 'authorized', homeDcId: 2, userId: user.id, lastError: null })
      assert.ok(events.some((e) => e.type === 'rpc.migrated' && e.errorMessage === 'PHONE_MIGRATE_2'))
      assert.ok(events.some((e) => e.type === 'account.migrated' && e.fromDcId === 1 && e.toDcId === 2))
      assert.deepEqual(
        events.filter((e) => e.type === 'login').map((e) => e.type === 'login' && [e.via, e.homeDcId]),
        [['code', 2]],
      )
      // The session works for ordinary calls on its home DC.
      const self = await acc.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })
      assert.equal(self[0]?.id, user.id)
      assert.equal(engine.counters.logins, 1)
      assert.equal(engine.counters.handshakes, 2, 'one key on DC 1 (first contact), one on DC 2')
    } finally {
      await engine.stop()
    }
  })

  test('wrong code is a typed RpcError and the code can be typed again', async () => {
    dc.world.presetUser({ phone: '9996610102', firstName: 'Typo' })
    const { engine } = engineOn()
    try {
      const acc = engine.account('site-2')
      await acc.sendCode('9996610102')
      await assert.rejects(acc.signIn('99999'), (e: unknown) => e instanceof RpcError && e.code === 400 && e.errorName === 'PHONE_CODE_INVALID')
      assert.equal(acc.state.state, 'loggingIn.codeSent')
      assert.equal((await acc.signIn('11111')).status, 'authorized')
    } finally {
      await engine.stop()
    }
  })

  test('2FA: passwordNeeded, a wrong password is PASSWORD_HASH_INVALID, the right one logs in (SRP)', async () => {
    const user = dc.world.presetUser({ phone: '9996610103', firstName: 'Safe', password: 'correct horse', passwordHint: 'horse' })
    const { engine, events } = engineOn()
    try {
      const acc = engine.account('site-3')
      await acc.sendCode('9996610103')
      assert.deepEqual(await acc.signIn('11111'), { status: 'passwordNeeded', hint: undefined })
      await assert.rejects(acc.checkPassword('wrong'), (e: unknown) => e instanceof RpcError && e.is('PASSWORD_HASH_INVALID'))
      assert.equal(acc.state.state, 'loggingIn.passwordNeeded')
      const me = await acc.checkPassword('correct horse')
      assert.equal(me.id, user.id)
      assert.equal(acc.authorized, true)
      assert.ok(events.some((e) => e.type === 'login' && e.via === 'password'))
    } finally {
      await engine.stop()
    }
  })

  test('sign-up for a phone with no account, then logOut makes the account anonymous', async () => {
    const { engine } = engineOn()
    try {
      const acc = engine.account('site-4')
      await acc.sendCode('9996610104')
      assert.deepEqual(await acc.signIn('11111'), { status: 'signUpRequired' })
      const me = await acc.signUp('New', 'Person')
      assert.equal(dc.world.user(me.id)?.firstName, 'New')
      await acc.logOut()
      assert.equal(acc.state.state, 'anonymous')
      await assert.rejects(acc.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }), (e: unknown) => e instanceof RpcError && e.code === 401)
    } finally {
      await engine.stop()
    }
  })

  test('bot token login', async () => {
    const bot = dc.world.presetBot({ username: 'swarm_bot', firstName: 'Bot', homeDcId: 3 })
    const { engine } = engineOn()
    try {
      const acc = engine.account('bot-1')
      const me = await acc.signInBot(bot.token)
      assert.equal(me.id, bot.user.id)
      assert.deepEqual([acc.state.state, acc.homeDcId], ['authorized', 3])
    } finally {
      await engine.stop()
    }
  })
})

describe('flood waits', () => {
  test('FLOOD_WAIT under the threshold is slept through; over it rejects with FloodWaitError', async () => {
    dc.world.presetUser({ phone: '9996610105', firstName: 'Flood' })
    const { engine } = engineOn(createMemoryStore(), { floodSleepThreshold: 5 })
    try {
      const acc = engine.account('site-5')
      await acc.sendCode('9996610105')
      await acc.signIn('11111')
      const fired = (): number => dc.stats.faults['floodWait'] ?? 0
      const before = fired()
      dc.faults.set({ floodWait: { 'help.getNearestDc': 1 } })
      // Lift the fault once it has fired, so the retry after the wait goes through.
      const lift = setInterval(() => {
        if (fired() > before) dc.faults.set({ floodWait: undefined })
      }, 5)
      try {
        const nearest = await acc.invoke({ _: 'help.getNearestDc' })
        assert.equal(nearest._, 'nearestDc')
      } finally {
        clearInterval(lift)
      }
      assert.equal(fired(), before + 1)

      dc.faults.set({ floodWait: { 'help.getNearestDc': 30 } })
      try {
        await assert.rejects(acc.invoke({ _: 'help.getNearestDc' }), (e: unknown) => {
          assert.ok(e instanceof FloodWaitError)
          assert.equal(e.seconds, 30)
          assert.equal(e.method, 'help.getNearestDc')
          return true
        })
      } finally {
        dc.faults.set({ floodWait: undefined })
      }
    } finally {
      await engine.stop()
    }
  })
})

describe('typed errors', () => {
  test('a bad call is an RpcError with name, description and method; bad requests are UsageErrors', async () => {
    dc.world.presetUser({ phone: '9996610106', firstName: 'Err' })
    const { engine } = engineOn()
    try {
      const acc = engine.account('site-6')
      await acc.sendCode('9996610106')
      await acc.signIn('11111')
      await assert.rejects(
        acc.invoke({ _: 'messages.sendMessage', peer: { _: 'inputPeerUser', userId: 987654321n, accessHash: 1n }, message: 'x', randomId: 1n }),
        (e: unknown) => {
          assert.ok(e instanceof RpcError)
          assert.equal(e.code, 400)
          assert.equal(e.errorName, 'PEER_ID_INVALID')
          assert.equal(e.method, 'messages.sendMessage')
          assert.match(e.description ?? '', /peer/i)
          return true
        },
      )
      await assert.rejects(acc.invoke({ _: 'no.suchMethod' } as never), (e: unknown) => e instanceof UsageError && e.reason === 'bad-argument')
      await assert.rejects(acc.invoke({ _: 'messages.sendMessage', message: 'x' } as never), (e: unknown) => e instanceof UsageError && e.reason === 'bad-argument')
      await assert.rejects(acc.invoke(null as never), (e: unknown) => e instanceof UsageError && e.reason === 'bad-argument')
      await assert.rejects(acc.signIn('11111'), (e: unknown) => e instanceof UsageError && e.reason === 'wrong-state' && e.state === 'authorized')
      await assert.rejects(acc.invoke({ _: 'help.getConfig' }, { dcId: 9 }), (e: unknown) => e instanceof UsageError && e.reason === 'bad-config')
      assert.throws(() => engine.account(''), UsageError)
    } finally {
      await engine.stop()
    }
  })

  test('after stop: invoke, login helpers and account() are typed UsageErrors, never crashes', async () => {
    const { engine } = engineOn()
    const acc = engine.account('site-7')
    await acc.ready()
    const pending = acc.invoke({ _: 'help.getConfig' })
    await engine.stop()
    // A call in flight at stop() either made it or rejects with UsageError 'stopped'.
    const outcome = await pending.then(
      () => 'resolved',
      (e: unknown) => (e instanceof UsageError && e.reason === 'stopped' ? 'stopped' : e),
    )
    assert.ok(outcome === 'resolved' || outcome === 'stopped', String(outcome))
    await assert.rejects(acc.invoke({ _: 'help.getConfig' }), (e: unknown) => e instanceof UsageError && e.reason === 'stopped')
    await assert.rejects(acc.sendCode('9996610107'), (e: unknown) => e instanceof UsageError && e.reason === 'stopped')
    assert.throws(() => engine.account('other'), (e: unknown) => e instanceof UsageError && e.reason === 'stopped')
    await engine.stop() // idempotent
    assert.throws(() => createEngine({ apiId: 0, apiHash: 'x', store: createMemoryStore(), publicKeys: [dc.publicKeyPem] }), UsageError)
    assert.throws(() => createEngine({ apiId: 1, apiHash: 'x', store: createMemoryStore(), publicKeys: [] }), UsageError)
  })
})

describe('store', () => {
  test('LMDB: a second engine on the same store brings the account back authorized — 0 handshakes, 0 logins', async () => {
    const user = dc.world.presetUser({ phone: '9996630108', firstName: 'Kept' })
    const dir = mkdtempSync(join(tmpdir(), 'mtswarm-client-'))
    const path = join(dir, 'store.mdb')
    try {
      const first = engineOn(await openLmdbStore({ path, verify: 'none', encryptionKey: new Uint8Array(32).fill(7) }))
      const a = first.engine.account('site-8')
      await a.sendCode('9996630108')
      await a.signIn('33333')
      assert.equal(first.engine.counters.logins, 1)
      await first.engine.stop()

      const second = engineOn(await openLmdbStore({ path, verify: 'none', encryptionKey: new Uint8Array(32).fill(7) }))
      try {
        const b = second.engine.account('site-8')
        const s = await b.ready()
        assert.deepEqual([s.state, s.homeDcId, s.userId], ['authorized', 3, user.id])
        const self = await b.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })
        assert.equal(self[0]?.id, user.id)
        assert.deepEqual([second.engine.counters.handshakes, second.engine.counters.logins], [0, 0])
        assert.deepEqual(await second.engine.storedAccountIds(), ['site-8'])
      } finally {
        await second.engine.stop()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
