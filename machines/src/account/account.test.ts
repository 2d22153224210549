// Scenario tests for accountMachine: login steps faked via `provide`; its openDc effect creates
// real dcConnection machines over a fake socket as the account's children (as the engine does),
// so the ready report travels child → parent.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SimulatedClock, createActor, fromCallback, fromPromise, waitFor, type AnyActorRef } from 'xstate'
import { PING_INTERVAL_MS } from '../dc-connection/dc-connection.logic.js'
import { dcConnectionMachine } from '../dc-connection/dc-connection.machine.js'
import { phoneSecret, secret } from '../secret/secret.js'
import { recordActions } from '../testing/recorder.js'
import { revealDeep } from '../testing/reveal.js'
import { IMPORT_RETRY_MS, MAX_IMPORT_ATTEMPTS, REVOCATION_ERRORS, type AccountInput } from './account.logic.js'
import { accountMachine } from './account.machine.js'
import type { BotLoginInput, CheckPasswordInput, LogOutInput, SendCodeInput, SendCodeOutput, SignInInput, SignInOutput } from './account.machine.js'

const rpcError = (errorMessage: string) => Object.assign(new Error(errorMessage), { errorMessage })

interface Fakes {
  sendCode?: (i: SendCodeInput) => Promise<SendCodeOutput>
  signIn?: (i: SignInInput) => Promise<SignInOutput>
  checkPassword?: (i: CheckPasswordInput) => Promise<{ userId: bigint }>
  importAuthorization?: () => Promise<{ userId: bigint }>
  importBotAuthorization?: (i: BotLoginInput) => Promise<{ userId: bigint }>
  logOut?: (i: LogOutInput) => Promise<void>
}

/** Drives a fresh account (its signIn answering SESSION_PASSWORD_NEEDED) to loggingIn.passwordNeeded. */
async function untilPasswordNeeded(actor: ReturnType<typeof start>['actor']): Promise<void> {
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'anonymous')
    actor.send({ type: 'login.start', phone: phoneSecret('+15550100') })
    await waitFor(actor, (s) => s.matches({ loggingIn: 'codeSent' }))
    actor.send({ type: 'login.code', code: secret('12345') })
    await waitFor(actor, (s) => s.matches({ loggingIn: 'passwordNeeded' }))
}

function start(input: Partial<AccountInput> = {}, fakes: Fakes = {}) {
  const rec = recordActions(['saveAuthorization', 'dropAuthorization', 'forgetAuthorization', 'forgetImportedDc'] as const)
  const steps: Array<[string, unknown]> = []
  const opened: number[] = []
  const children = new Map<number, AnyActorRef>()
  const crash = { onPing: false }
  const connection = dcConnectionMachine.provide({
    actions: {
      sendPing: () => {
        if (crash.onPing) throw new Error('effect exploded')
      },
    },
    actors: {
      socket: fromCallback(({ sendBack, input }) => {
        opened.push(input.dcId)
        sendBack({ type: 'socket.connected' })
      }),
    },
  })
  const step = <I, O>(name: string, fn: (i: I) => Promise<O>) =>
    fromPromise<O, I>(({ input }) => {
      steps.push([name, input])
      return fn(input)
    })
  const machine = accountMachine.provide({
    actions: {
      ...rec.actions,
      openDc: ({ self }, p) => {
        const child = createActor(connection, { parent: self, id: `dc:a1/${p.dcId}`, input: { dcId: p.dcId, authKeyId: p.authKeyId } })
        children.set(p.dcId, child)
        child.start()
        child.send({ type: 'connection.open' })
      },
      closeDcs: (_, p) => {
        // NB: a child created with a parent cannot be stop()ped; its machine closes (final state).
        for (const dcId of p.dcIds) children.get(dcId)?.send({ type: 'connection.close' })
      },
    },
    actors: {
      sendCode: step('sendCode', fakes.sendCode ?? (async () => ({ phoneCodeHash: secret('hash') }))),
      signIn: step('signIn', fakes.signIn ?? (async (): Promise<SignInOutput> => ({ kind: 'authorized', userId: 10n }))),
      checkPassword: step('checkPassword', fakes.checkPassword ?? (async () => ({ userId: 10n }))),
      signUp: step('signUp', async () => ({ userId: 11n })),
      importAuthorization: step('importAuthorization', fakes.importAuthorization ?? (async () => ({ userId: 10n }))),
      importBotAuthorization: step('importBotAuthorization', fakes.importBotAuthorization ?? (async () => ({ userId: 12n }))),
      logOut: step('logOut', fakes.logOut ?? (async () => undefined)),
    },
  })
  const clock = new SimulatedClock()
  const actor = createActor(machine, {
    clock,
    input: { accountId: 'a1', homeDcId: 2, authKeyIds: { 2: 1n, 4: 2n }, ...input },
  }).start()
  return { actor, rec, steps, opened, clock, children, crash }
}

describe('accountMachine', () => {
  test('start opens the home DC connection as a child; its own ready report makes the account anonymous', async () => {
    const { actor, opened, children } = start()
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'anonymous')
    assert.deepEqual(opened, [2])
    assert.deepEqual([...children.keys()], [2])
    assert.equal(children.get(2)?._parent, actor)
    assert.deepEqual(actor.getSnapshot().context.dcIds, [2])
  })

  test('a crashing connection child does not take the account down: the crash is noted', async () => {
    const { actor, children, clock, crash } = start({ userId: 10n })
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'authorized')
    const child = children.get(2)!
    // The child shares the account's system (and clock): its keepalive ping's effect throws.
    crash.onPing = true
    clock.increment(PING_INTERVAL_MS)
    assert.equal(child.getSnapshot().status, 'error')
    assert.equal(actor.getSnapshot().status, 'active')
    assert.equal(actor.getSnapshot().value, 'authorized')
    assert.equal(actor.getSnapshot().context.lastError, 'connection crashed: effect exploded')
  })

  test('a restored login goes straight to authorized', async () => {
    const { actor } = start({ userId: 10n })
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'authorized')
  })

  test('code → SESSION_PASSWORD_NEEDED → password → authorized; secrets only in step inputs', async () => {
    const { actor, steps, rec } = start(
      {},
      { signIn: async () => Promise.reject(rpcError('SESSION_PASSWORD_NEEDED')) },
    )
    await untilPasswordNeeded(actor)
    actor.send({ type: 'login.password', password: secret('hunter2') })
    await waitFor(actor, (s) => s.value === 'authorized')
    assert.deepEqual(revealDeep(steps), [
      ['sendCode', { accountId: 'a1', dcId: 2, phone: '+15550100' }],
      ['signIn', { accountId: 'a1', dcId: 2, phone: '+15550100', phoneCodeHash: 'hash', code: '12345' }],
      ['checkPassword', { accountId: 'a1', dcId: 2, password: 'hunter2' }],
    ])
    assert.deepEqual(rec.of('saveAuthorization'), [{ accountId: 'a1', userId: 10n, homeDcId: 2 }])
    const c = actor.getSnapshot().context
    assert.equal(c.phone, null)
    assert.equal(c.phoneCodeHash, null)
  })

  test('the code, password, phone and phone_code_hash are boxed wherever the machine holds them', async () => {
    const { actor } = start({}, { signIn: async () => Promise.reject(rpcError('SESSION_PASSWORD_NEEDED')) })
    const seen: string[] = []
    const sub = actor.subscribe((s) => seen.push(JSON.stringify(s.context, (_k, v) => (typeof v === 'bigint' ? String(v) : v))))
    await untilPasswordNeeded(actor)
    const c = actor.getSnapshot().context
    assert.equal(c.phone?.reveal(), '+15550100')
    assert.equal(c.phoneCodeHash?.reveal(), 'hash')
    assert.equal(JSON.stringify(c.phone), '"[redacted …0100]"')
    sub.unsubscribe()
    const all = seen.join('\n')
    for (const s of ['15550100', 'hash', '12345']) assert.ok(!all.includes(s), `${s} printed in a snapshot's context`)
    assert.ok(all.includes('[redacted …0100]'))
  })

  test('PHONE_MIGRATE_4 moves the home DC: connect DC 4, send the code again there', async () => {
    let n = 0
    const { actor, steps, opened } = start(
      {},
      {
        sendCode: async () => {
          if (n++ === 0) throw rpcError('PHONE_MIGRATE_4')
          return { phoneCodeHash: secret('h4') }
        },
      },
    )
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'anonymous')
    actor.send({ type: 'login.start', phone: phoneSecret('+15550100') })
    await waitFor(actor, (s) => s.matches({ loggingIn: 'codeSent' }))
    assert.deepEqual(opened, [2, 4])
    assert.equal(actor.getSnapshot().context.homeDcId, 4)
    assert.deepEqual(
      steps.map(([, i]) => (i as SendCodeInput).dcId),
      [2, 4],
    )
  })

  test('USER_MIGRATE_4 while authorized imports the authorization on DC 4', async () => {
    const { actor, steps, rec } = start({ userId: 10n })
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'authorized')
    actor.send({ type: 'auth.error', dcId: 2, errorMessage: 'USER_MIGRATE_4' })
    await waitFor(actor, (s) => s.value === 'authorized' && s.context.homeDcId === 4)
    assert.deepEqual(steps, [['importAuthorization', { accountId: 'a1', fromDcId: 2, toDcId: 4 }]])
    assert.deepEqual(rec.of('saveAuthorization').at(-1), { accountId: 'a1', userId: 10n, homeDcId: 4 })
  })

  test('USER_MIGRATE_4: a failed export/import (500) is tried again after IMPORT_RETRY_MS, and succeeds', async () => {
    let failures = MAX_IMPORT_ATTEMPTS - 1
    const { actor, steps, clock } = start(
      { userId: 10n },
      { importAuthorization: async () => (failures-- > 0 ? Promise.reject(rpcError('INTERNAL')) : { userId: 10n }) },
    )
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'authorized')
    actor.send({ type: 'auth.error', dcId: 2, errorMessage: 'USER_MIGRATE_4' })
    for (let i = 1; i < MAX_IMPORT_ATTEMPTS; i++) {
      await waitFor(actor, (s) => s.matches({ migrating: 'importRetry' }))
      assert.equal(actor.getSnapshot().context.userId, 10n, 'still logged in while retrying')
      clock.increment(IMPORT_RETRY_MS)
    }
    await waitFor(actor, (s) => s.value === 'authorized' && s.context.homeDcId === 4)
    assert.equal(steps.length, MAX_IMPORT_ATTEMPTS)
    assert.equal(actor.getSnapshot().context.userId, 10n)
  })

  test('USER_MIGRATE_4: export/import failing every try leaves the account logged in on its old home DC', async () => {
    const { actor, steps, clock, rec } = start({ userId: 10n }, { importAuthorization: async () => Promise.reject(rpcError('INTERNAL')) })
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'authorized')
    actor.send({ type: 'auth.error', dcId: 2, errorMessage: 'USER_MIGRATE_4' })
    for (let i = 1; i < MAX_IMPORT_ATTEMPTS; i++) {
      await waitFor(actor, (s) => s.matches({ migrating: 'importRetry' }))
      clock.increment(IMPORT_RETRY_MS)
    }
    await waitFor(actor, (s) => s.value === 'authorized')
    const c = actor.getSnapshot().context
    assert.deepEqual([c.userId, c.homeDcId], [10n, 2])
    assert.equal(steps.length, MAX_IMPORT_ATTEMPTS)
    assert.deepEqual(rec.of('dropAuthorization'), [])
  })

  test('USER_MIGRATE_4: the old DC answering AUTH_KEY_UNREGISTERED to the export revokes the login', async () => {
    const { actor } = start({ userId: 10n }, { importAuthorization: async () => Promise.reject(rpcError('AUTH_KEY_UNREGISTERED')) })
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'authorized')
    actor.send({ type: 'auth.error', dcId: 2, errorMessage: 'USER_MIGRATE_4' })
    await waitFor(actor, (s) => s.value === 'revoked')
    assert.equal(actor.getSnapshot().context.revokedBy, 'AUTH_KEY_UNREGISTERED')
  })

  test('AUTH_KEY_UNREGISTERED revokes the login; logging in again is possible', async () => {
    const { actor, rec } = start({ userId: 10n })
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'authorized')
    actor.send({ type: 'auth.error', dcId: 2, errorMessage: 'AUTH_KEY_UNREGISTERED' })
    assert.equal(actor.getSnapshot().value, 'revoked')
    assert.deepEqual(rec.of('dropAuthorization'), [{ accountId: 'a1', reason: 'AUTH_KEY_UNREGISTERED' }])
    assert.equal(actor.getSnapshot().context.userId, null)
    actor.send({ type: 'login.start', phone: phoneSecret('+15550100') })
    await waitFor(actor, (s) => s.matches({ loggingIn: 'codeSent' }))
  })

  test('AUTH_KEY_UNREGISTERED from a non-home DC forgets only that DC\'s copy; the home login stands', async () => {
    const { actor, rec } = start({ userId: 10n })
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'authorized')
    actor.send({ type: 'auth.error', dcId: 4, errorMessage: 'AUTH_KEY_UNREGISTERED' })
    assert.equal(actor.getSnapshot().value, 'authorized')
    assert.equal(actor.getSnapshot().context.userId, 10n)
    assert.deepEqual(rec.of('dropAuthorization'), [])
    assert.deepEqual(rec.of('forgetImportedDc'), [{ accountId: 'a1', dcId: 4 }])
  })

  test('every revocation error of the table revokes a home-DC login', async () => {
    for (const reason of REVOCATION_ERRORS) {
      const { actor, rec } = start({ userId: 10n })
      actor.send({ type: 'account.start' })
      await waitFor(actor, (s) => s.value === 'authorized')
      actor.send({ type: 'auth.error', dcId: 2, errorMessage: reason })
      assert.equal(actor.getSnapshot().value, 'revoked', reason)
      assert.deepEqual(rec.of('dropAuthorization'), [{ accountId: 'a1', reason }])
    }
  })

  test('bot login: USER_MIGRATE_4 moves the home DC, the token is sent again there, authorized; the token is never printed', async () => {
    let n = 0
    const { actor, steps, opened, rec } = start(
      {},
      {
        importBotAuthorization: async () => {
          if (n++ === 0) throw rpcError('USER_MIGRATE_4')
          return { userId: 12n }
        },
      },
    )
    const seen: string[] = []
    actor.subscribe((s) => seen.push(JSON.stringify(s.context, (_k, v) => (typeof v === 'bigint' ? String(v) : v))))
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'anonymous')
    actor.send({ type: 'login.bot', token: secret('42:bot-secret') })
    await waitFor(actor, (s) => s.value === 'authorized')
    assert.deepEqual(opened, [2, 4])
    assert.deepEqual(revealDeep(steps), [
      ['importBotAuthorization', { accountId: 'a1', dcId: 2, token: '42:bot-secret' }],
      ['importBotAuthorization', { accountId: 'a1', dcId: 4, token: '42:bot-secret' }],
    ])
    assert.deepEqual(rec.of('saveAuthorization'), [{ accountId: 'a1', userId: 12n, homeDcId: 4 }])
    assert.equal(actor.getSnapshot().context.botToken, null)
    assert.ok(!seen.join('\n').includes('bot-secret'))
  })

  test('a refused bot token ends the login in anonymous with the error noted', async () => {
    const { actor } = start({}, { importBotAuthorization: async () => Promise.reject(rpcError('ACCESS_TOKEN_INVALID')) })
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'anonymous')
    actor.send({ type: 'login.bot', token: secret('42:wrong') })
    await waitFor(actor, (s) => s.value === 'anonymous' && s.context.lastError !== null)
    assert.deepEqual([actor.getSnapshot().context.lastError, actor.getSnapshot().context.botToken], ['ACCESS_TOKEN_INVALID', null])
  })

  test('logOut: auth.logOut on the home DC, then anonymous with the login forgotten; a failed one stays authorized', async () => {
    let fail = true
    const { actor, steps, rec } = start({ userId: 10n }, { logOut: async () => (fail ? Promise.reject(rpcError('INTERNAL')) : undefined) })
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'authorized')
    actor.send({ type: 'account.logOut' })
    await waitFor(actor, (s) => s.value === 'authorized' && steps.length === 1)
    assert.equal(actor.getSnapshot().context.userId, 10n)
    assert.deepEqual(rec.of('forgetAuthorization'), [])
    fail = false
    actor.send({ type: 'account.logOut' })
    await waitFor(actor, (s) => s.value === 'anonymous')
    assert.deepEqual(steps, [['logOut', { accountId: 'a1', dcId: 2 }], ['logOut', { accountId: 'a1', dcId: 2 }]])
    assert.deepEqual(rec.of('forgetAuthorization'), [{ accountId: 'a1' }])
    assert.equal(actor.getSnapshot().context.userId, null)
  })

  test('an unrelated auth.error in authorized changes nothing', async () => {
    const { actor } = start({ userId: 10n })
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'authorized')
    actor.send({ type: 'auth.error', dcId: 2, errorMessage: 'PEER_ID_INVALID' })
    assert.equal(actor.getSnapshot().value, 'authorized')
  })

  test('dc.needed opens one connection per DC; stop closes them all', async () => {
    const { actor, opened, children } = start({ userId: 10n })
    actor.send({ type: 'account.start' })
    await waitFor(actor, (s) => s.value === 'authorized')
    actor.send({ type: 'dc.needed', dcId: 5 })
    actor.send({ type: 'dc.needed', dcId: 5 })
    assert.deepEqual(opened, [2, 5])
    const child = children.get(5)
    assert.ok(child)
    actor.send({ type: 'account.stop' })
    assert.equal(actor.getSnapshot().status, 'done')
    assert.deepEqual([children.get(2)?.getSnapshot().status, child.getSnapshot().status], ['done', 'done'])
  })
})
