// The account machine on the engine (the one implementation of every account flow) against the
// test DC: PHONE_MIGRATE as the machine's own move (the 303 surfaces, the code is asked for on the
// new home DC), 2FA on two accounts sharing one provided machine, bot login with USER_MIGRATE,
// logout, and revocation — on the home DC it ends the login, on another DC only that DC's copy.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { AnyActorRef, InspectionEvent } from 'xstate'
import { RpcError, type Engine, type EngineEvent, type EngineOptions } from '@mtswarm/engine'
import type { tl } from '@mtswarm/engine/tl'
import { createMemoryStore, type SessionStore } from '@mtswarm/storage'
import type { TestDc } from '@mtswarm/testdc'
import { engineOn as engineOnDc, startDc } from './harness.js'

let dc: TestDc

before(async () => {
  dc = await startDc()
})
after(() => dc.close())

/** An engine on this file's test DC. */
function engineOn(store?: SessionStore, extra: Partial<EngineOptions> = {}): { engine: Engine; events: EngineEvent[] } {
  return engineOnDc(dc, store, extra)
}

const statesOf = (events: EngineEvent[], accountId: string): string[] =>
  events.flatMap((e) => (e.type === 'account.state' && e.accountId === accountId ? [e.state] : []))
const settledOf = (events: EngineEvent[], method: string): Array<[number, boolean, string | undefined]> =>
  events.flatMap((e) => (e.type === 'rpc.settled' && e.method === method ? [[e.dcId, e.ok, e.error] as [number, boolean, string | undefined]] : []))

/** The auth key the engine's store holds for (account, DC): the id the test DC knows it by. */
async function keyIdOf(store: SessionStore, accountId: string, dcId: number): Promise<bigint> {
  const key = await store.getAuthKey(accountId, dcId, 'perm')
  assert.ok(key, `no key for ${accountId} on DC ${dcId}`)
  return key.keyId
}

describe('account flows on the engine', () => {
  test('PHONE_MIGRATE_2 is the machine\'s move: the 303 surfaces on DC 1, the machine moves home to DC 2 and asks for the code there', async () => {
    const user = dc.world.presetUser({ phone: '9996620002', firstName: 'Bob' })
    const store = createMemoryStore()
    const { engine, events } = engineOn(store)
    try {
      const acc = engine.account('bob')
      await acc.sendCode('9996620002')
      assert.equal(acc.homeDcId, 2)
      // The runtime did not follow the 303: the machine saw it, moved, and sent the code again.
      assert.deepEqual(settledOf(events, 'auth.sendCode'), [
        [1, false, 'PHONE_MIGRATE_2'],
        [2, true, undefined],
      ])
      assert.deepEqual(statesOf(events, 'bob'), [
        'empty',
        'keying',
        'anonymous',
        'loggingIn.sendingCode',
        'migrating.connecting',
        'loggingIn.sendingCode',
        'loggingIn.codeSent',
      ])
      assert.equal((await acc.signIn('22222')).status, 'authorized')
      assert.equal(acc.userId, user.id)
      const stored = await store.getAccount('bob')
      assert.deepEqual([stored?.loginState, stored?.userId, stored?.homeDcId], ['authorized', user.id, 2])
    } finally {
      await engine.stop()
    }
  })

  test('two accounts on one engine (one provided machine); 2FA: a wrong password asks again, the SRP proof logs in', async () => {
    const carol = dc.world.presetUser({ phone: '9996610003', firstName: 'Carol', password: 'hunter2' })
    const dave = dc.world.presetUser({ phone: '9996610004', firstName: 'Dave' })
    const { engine } = engineOn()
    try {
      const a = engine.account('carol')
      const b = engine.account('dave')
      await Promise.all([a.sendCode('9996610003'), b.sendCode('9996610004')])
      const [ra, rb] = await Promise.all([a.signIn('11111'), b.signIn('11111')])
      assert.equal(ra.status, 'passwordNeeded')
      assert.equal(rb.status === 'authorized' && rb.user.id, dave.id)
      await assert.rejects(a.checkPassword('wrong'), (e: unknown) => e instanceof RpcError && e.is('PASSWORD_HASH_INVALID'))
      assert.deepEqual([a.state.state, a.state.lastError], ['loggingIn.passwordNeeded', 'PASSWORD_HASH_INVALID'])
      assert.equal((await a.checkPassword('hunter2')).id, carol.id)
      await b.stop()
      assert.equal(b.state.state, 'stopped')
      assert.equal(a.authorized, true)
    } finally {
      await engine.stop()
    }
  })

  test('bot login: USER_MIGRATE_2 moves the home DC in the machine and the token is sent again there', async () => {
    const bot = dc.world.presetBot({ username: 'moving_bot', firstName: 'Mover', homeDcId: 2 })
    const store = createMemoryStore()
    const { engine, events } = engineOn(store)
    try {
      const acc = engine.account('bot-2')
      const me = await acc.signInBot(bot.token)
      assert.equal(me.id, bot.user.id)
      assert.deepEqual([acc.state.state, acc.homeDcId, acc.userId], ['authorized', 2, bot.user.id])
      assert.deepEqual(settledOf(events, 'auth.importBotAuthorization'), [
        [1, false, 'USER_MIGRATE_2'],
        [2, true, undefined],
      ])
      assert.deepEqual(statesOf(events, 'bot-2').slice(3), ['loggingIn.signingInBot', 'migrating.connecting', 'loggingIn.signingInBot', 'authorized'])
      assert.deepEqual(
        events.flatMap((e) => (e.type === 'login' ? [[e.via, e.homeDcId]] : [])),
        [['bot', 2]],
      )
      const stored = await store.getAccount('bot-2')
      assert.deepEqual([stored?.loginState, stored?.homeDcId], ['authorized', 2])
    } finally {
      await engine.stop()
    }
  })

  test('logOut is a transition: loggingOut → anonymous, the store forgets the user, and the same account logs in again', async () => {
    const user = dc.world.presetUser({ phone: '9996610005', firstName: 'Eve' })
    const store = createMemoryStore()
    const { engine, events } = engineOn(store)
    try {
      const acc = engine.account('eve')
      await acc.sendCode('9996610005')
      await acc.signIn('11111')
      await acc.logOut()
      assert.deepEqual(statesOf(events, 'eve').slice(-3), ['authorized', 'loggingOut', 'anonymous'])
      assert.deepEqual([acc.state.state, acc.userId], ['anonymous', null])
      const stored = await store.getAccount('eve')
      assert.deepEqual([stored?.loginState, stored?.userId], ['anonymous', undefined])
      await assert.rejects(acc.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }), (e: unknown) => e instanceof RpcError && e.code === 401)
      assert.equal(acc.state.state, 'anonymous', 'a 401 of an anonymous account changes nothing')
      await acc.sendCode('9996610005')
      assert.equal((await acc.signIn('11111')).status, 'authorized')
      assert.equal(acc.userId, user.id)
    } finally {
      await engine.stop()
    }
  })

  test('AUTH_KEY_UNREGISTERED on the home DC revokes the login: auth.revoked, the store says revoked', async () => {
    dc.world.presetUser({ phone: '9996610006', firstName: 'Gone' })
    const store = createMemoryStore()
    const { engine, events } = engineOn(store)
    try {
      const acc = engine.account('gone')
      await acc.sendCode('9996610006')
      await acc.signIn('11111')
      dc.world.revokeAuthKey({ dcId: 1, authKeyId: await keyIdOf(store, 'gone', 1) })
      await assert.rejects(acc.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }), (e: unknown) => e instanceof RpcError && e.code === 401)
      assert.deepEqual([acc.state.state, acc.userId], ['revoked', null])
      assert.deepEqual(
        events.flatMap((e) => (e.type === 'auth.revoked' ? [[e.dcId, e.errorMessage]] : [])),
        [[1, 'AUTH_KEY_UNREGISTERED']],
      )
      assert.equal((await store.getAccount('gone'))?.loginState, 'revoked')
    } finally {
      await engine.stop()
    }
  })

  test('AUTH_KEY_UNREGISTERED on a non-home DC does not revoke the account: that DC gets the authorization carried again', async () => {
    const user = dc.world.presetUser({ phone: '9996610007', firstName: 'Far' })
    const store = createMemoryStore()
    const { engine, events } = engineOn(store)
    try {
      const acc = engine.account('far')
      await acc.sendCode('9996610007')
      await acc.signIn('11111')
      const self: tl.users.RawGetUsersRequest = { _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }
      assert.equal((await acc.invoke(self, { dcId: 2 }))[0]?.id, user.id, 'the authorization was carried to DC 2')
      dc.world.revokeAuthKey({ dcId: 2, authKeyId: await keyIdOf(store, 'far', 2) })
      await assert.rejects(acc.invoke(self, { dcId: 2 }), (e: unknown) => e instanceof RpcError && e.message === 'AUTH_KEY_UNREGISTERED')
      assert.deepEqual([acc.state.state, acc.homeDcId, acc.userId], ['authorized', 1, user.id])
      assert.equal(events.filter((e) => e.type === 'auth.revoked').length, 0)
      assert.equal((await acc.invoke(self))[0]?.id, user.id, 'the home DC still answers as the user')
      // DC 2's copy was forgotten: the next call there carries the authorization again.
      assert.equal((await acc.invoke(self, { dcId: 2 }))[0]?.id, user.id)
      assert.equal(settledOf(events, 'auth.importAuthorization').filter(([, ok]) => ok).length, 2)
    } finally {
      await engine.stop()
    }
  })

  test('the connections are the account actor\'s children: the inspector sees account → dc, and the account hears the real machines\' reports', async () => {
    dc.world.presetUser({ phone: '9996620008', firstName: 'Seen' })
    const seen: InspectionEvent[] = []
    const { engine } = engineOn(createMemoryStore(), { inspect: (e) => seen.push(e) })
    try {
      const acc = engine.account('seen')
      await acc.sendCode('9996620008')
      assert.equal((await acc.signIn('22222')).status, 'authorized')
      const actors = seen.filter((e) => e.type === '@xstate.actor').map((e) => e.actorRef as AnyActorRef)
      const account = actors.find((a) => a.id === 'account:seen')
      assert.ok(account, 'the account actor was inspected')
      const connections = actors.filter((a) => a.id.startsWith('dc:seen/'))
      assert.deepEqual(connections.map((a) => a.id).sort(), ['dc:seen/1', 'dc:seen/2'])
      for (const c of connections) assert.equal(c._parent, account, `${c.id} is a child of the account actor`)
      // The account's dc.ready events come from those machines, not from a relay.
      const readies = seen.filter((e) => e.type === '@xstate.event' && e.actorRef === account && e.event.type === 'dc.ready')
      assert.ok(readies.length >= 2)
      for (const r of readies) assert.ok(r.type === '@xstate.event' && connections.includes(r.sourceRef as AnyActorRef), 'dc.ready sent by a connection machine')
      // Stopping the account closes its connection machines (their final state).
      await acc.stop()
      for (const c of connections) assert.equal(c.getSnapshot().status, 'done')
    } finally {
      await engine.stop()
    }
  })

  test('a crashing connection child does not take the account down: the runtime restarts it, the account goes on', async () => {
    const inner = createMemoryStore()
    let thrown = 0
    // NB: a store that throws inside an action is a programmer error the machine cannot model: a crash.
    const store: SessionStore = Object.create(inner)
    store.putServerSalts = (record) => {
      if (thrown < 2) {
        thrown++
        throw new Error('salt write exploded')
      }
      return inner.putServerSalts(record)
    }
    const { engine, events } = engineOn(store)
    try {
      const crashed = new Promise<never>((_, reject) =>
        engine.events$.subscribe((e) => {
          if (e.type === 'warning') reject(new Error(e.message))
        }),
      )
      const acc = engine.account('crashy')
      assert.equal((await Promise.race([acc.ready(), crashed])).state, 'anonymous')
      assert.equal(thrown, 2)
      assert.equal(engine.runtimeStats.connectionCrashes, 2)
      assert.deepEqual(events.filter((e) => e.type === 'warning'), [], 'the account machine did not crash with its child')
      assert.equal((await acc.invoke({ _: 'help.getNearestDc' }))._, 'nearestDc')
    } finally {
      await engine.stop()
    }
  })
})
