// accountMachine on the runtime: its connection children are proxies onto runtime connections,
// its login steps are raw calls; a code login that starts on the wrong DC (PHONE_MIGRATE_2 moves
// the home DC) and a 2FA login (SRP) end authorized and persisted.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createActor, waitFor } from 'xstate'
import { accountLogic, createAccountActor } from '@mtswarm/engine'
import { phoneSecret, secret } from '@mtswarm/machines'
import { createMemoryStore } from '@mtswarm/storage'
import { runtimeFor, startDc } from './harness.js'

const WAIT = { timeout: 20_000 }

describe('account machine on the runtime', () => {
  test('code login with PHONE_MIGRATE_2: the home DC moves, the code is sent there, authorized', async () => {
    const dc = await startDc()
    const store = createMemoryStore()
    const rt = runtimeFor(dc, { store })
    const bob = dc.world.presetUser({ phone: '9996620002', firstName: 'Bob' })
    const account = createActor(accountLogic(rt, 'bob', { apiHash: 'test' }), { input: { accountId: 'bob', homeDcId: 1 } })
    try {
      account.start()
      account.send({ type: 'account.start' })
      await waitFor(account, (s) => s.matches('anonymous'), WAIT)
      account.send({ type: 'login.start', phone: phoneSecret('9996620002') })
      await waitFor(account, (s) => s.matches({ loggingIn: 'codeSent' }), WAIT)
      assert.equal(account.getSnapshot().context.homeDcId, 2)
      account.send({ type: 'login.code', code: secret('22222') })
      await waitFor(account, (s) => s.matches('authorized'), WAIT)
      assert.equal(account.getSnapshot().context.userId, bob.id)
      assert.deepEqual(account.getSnapshot().context.dcIds, [1, 2])
      const stored = await store.getAccount('bob')
      assert.equal(stored?.userId, bob.id)
      assert.equal(stored?.homeDcId, 2)
      assert.equal(stored?.loginState, 'authorized')
      assert.ok(rt.connection('bob', 2).ready)
    } finally {
      account.stop()
      await rt.stop()
      await dc.close()
    }
  })

  test('two accounts on one shared account logic; 2FA: SESSION_PASSWORD_NEEDED, then the SRP proof is accepted', async () => {
    const dc = await startDc()
    const rt = runtimeFor(dc)
    const carol = dc.world.presetUser({ phone: '9996610003', firstName: 'Carol', password: 'hunter2' })
    const dave = dc.world.presetUser({ phone: '9996610004', firstName: 'Dave' })
    const account = createAccountActor(rt, { accountId: 'carol', homeDcId: 1 }, { apiHash: 'test' })
    const other = createAccountActor(rt, { accountId: 'dave', homeDcId: 1 }, { apiHash: 'test' })
    try {
      account.start()
      other.start()
      account.send({ type: 'account.start' })
      other.send({ type: 'account.start' })
      await waitFor(account, (s) => s.matches('anonymous'), WAIT)
      await waitFor(other, (s) => s.matches('anonymous'), WAIT)
      assert.deepEqual(rt.liveConnections().map((c) => c.key).sort(), ['carol/1', 'dave/1'])
      account.send({ type: 'login.start', phone: phoneSecret('9996610003') })
      other.send({ type: 'login.start', phone: phoneSecret('9996610004') })
      await waitFor(account, (s) => s.matches({ loggingIn: 'codeSent' }), WAIT)
      await waitFor(other, (s) => s.matches({ loggingIn: 'codeSent' }), WAIT)
      account.send({ type: 'login.code', code: secret('11111') })
      other.send({ type: 'login.code', code: secret('11111') })
      await waitFor(other, (s) => s.matches('authorized'), WAIT)
      assert.equal(other.getSnapshot().context.userId, dave.id)
      await waitFor(account, (s) => s.matches({ loggingIn: 'passwordNeeded' }), WAIT)
      account.send({ type: 'login.password', password: secret('wrong') })
      await waitFor(account, (s) => s.matches({ loggingIn: 'passwordNeeded' }) && s.context.lastError === 'PASSWORD_HASH_INVALID', WAIT)
      account.send({ type: 'login.password', password: secret('hunter2') })
      await waitFor(account, (s) => s.matches('authorized'), WAIT)
      assert.equal(account.getSnapshot().context.userId, carol.id)
      // Stopping an account closes its connections (the proxy children's finalize).
      other.stop()
      assert.deepEqual(rt.liveConnections().map((c) => c.key), ['carol/1'])
    } finally {
      account.stop()
      other.stop()
      await rt.stop()
      await dc.close()
    }
  })
})
