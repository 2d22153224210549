// Model-based coverage of accountMachine: every state reached by a shortest path, every
// (state, event) pair handled or listed in ACCOUNT_IGNORES.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  eventCoverageProblems,
  exploreMachine,
  redundantIgnores,
  statesWithoutDescription,
  unreachedStates,
} from '../testing/coverage.js'
import { ACCOUNT_EVENT_TYPES } from './account.events.js'
import { ACCOUNT_IGNORES } from './account.ignores.js'
import type { AccountContext } from './account.logic.js'
import { phoneSecret, secret } from '../secret/secret.js'
import { accountMachine } from './account.machine.js'

const err = (id: string, ...messages: string[]) =>
  messages.map((errorMessage) => ({ type: `xstate.error.actor.${id}`, error: { errorMessage } }))

const explored = exploreMachine(accountMachine, {
  input: { accountId: 'a1', homeDcId: 2 },
  samples: {
    'account.start': [{ type: 'account.start' }],
    'account.stop': [{ type: 'account.stop' }],
    'login.start': [{ type: 'login.start', phone: phoneSecret('+15550100') }],
    'login.code': [{ type: 'login.code', code: secret('12345') }],
    'login.password': [{ type: 'login.password', password: secret('hunter2') }],
    'login.signUp': [{ type: 'login.signUp', firstName: 'A', lastName: 'B' }],
    'login.cancel': [{ type: 'login.cancel' }],
    'login.bot': [{ type: 'login.bot', token: secret('42:bot-secret') }],
    'account.logOut': [{ type: 'account.logOut' }],
    'auth.error': [
      { type: 'auth.error', dcId: 2, errorMessage: 'AUTH_KEY_UNREGISTERED' },
      { type: 'auth.error', dcId: 2, errorMessage: 'USER_MIGRATE_4' },
      { type: 'auth.error', dcId: 5, errorMessage: 'AUTH_KEY_UNREGISTERED' },
    ],
    'dc.needed': [{ type: 'dc.needed', dcId: 5 }],
    'dc.ready': [
      { type: 'dc.ready', dcId: 2 },
      { type: 'dc.ready', dcId: 4 },
    ],
    'dc.down': [{ type: 'dc.down', dcId: 2, reason: 'pong timeout' }],
    'xstate.done.actor.sendCode': [{ type: 'xstate.done.actor.sendCode', output: { phoneCodeHash: secret('h') } }],
    'xstate.error.actor.sendCode': err('sendCode', 'PHONE_MIGRATE_4', 'PHONE_NUMBER_INVALID'),
    'xstate.done.actor.signIn': [
      { type: 'xstate.done.actor.signIn', output: { kind: 'authorized', userId: 10n } },
      { type: 'xstate.done.actor.signIn', output: { kind: 'signUpRequired' } },
    ],
    'xstate.error.actor.signIn': err('signIn', 'SESSION_PASSWORD_NEEDED', 'PHONE_CODE_INVALID', 'PHONE_CODE_EXPIRED'),
    'xstate.done.actor.checkPassword': [{ type: 'xstate.done.actor.checkPassword', output: { userId: 10n } }],
    'xstate.error.actor.checkPassword': err('checkPassword', 'PASSWORD_HASH_INVALID', 'SRP_ID_INVALID'),
    'xstate.done.actor.signUp': [{ type: 'xstate.done.actor.signUp', output: { userId: 11n } }],
    'xstate.error.actor.signUp': err('signUp', 'FIRSTNAME_INVALID'),
    'xstate.done.actor.importAuthorization': [
      { type: 'xstate.done.actor.importAuthorization', output: { userId: 10n } },
    ],
    'xstate.error.actor.importAuthorization': err('importAuthorization', 'AUTH_BYTES_INVALID'),
    'xstate.done.actor.importBotAuthorization': [{ type: 'xstate.done.actor.importBotAuthorization', output: { userId: 12n } }],
    'xstate.error.actor.importBotAuthorization': err('importBotAuthorization', 'USER_MIGRATE_4', 'ACCESS_TOKEN_INVALID'),
    'xstate.done.actor.logOut': [{ type: 'xstate.done.actor.logOut', output: undefined }],
    'xstate.error.actor.logOut': err('logOut', 'AUTH_KEY_UNREGISTERED', 'INTERNAL'),
  },
  project: (c: AccountContext) => [c.homeDcId, c.userId !== null, c.botToken !== null, c.migrations, c.dcIds.length],
})

describe('accountMachine paths', () => {
  test('every state is reached by a generated shortest path', () => {
    assert.deepEqual(unreachedStates(accountMachine, explored.byValue), [])
  })

  test('every (state, event type) pair is handled or explicitly ignored', () => {
    assert.deepEqual(eventCoverageProblems(accountMachine, explored.byValue, ACCOUNT_EVENT_TYPES, ACCOUNT_IGNORES), [])
  })

  test('every ignore entry is needed', () => {
    assert.deepEqual(redundantIgnores(accountMachine, explored.byValue, ACCOUNT_EVENT_TYPES, ACCOUNT_IGNORES), [])
  })

  test('every state has a description', () => {
    assert.deepEqual(statesWithoutDescription(accountMachine), [])
  })

  test('secrets never reach the context', () => {
    for (const s of explored.snapshots) {
      const json = JSON.stringify(s.context, (_k, v) => (typeof v === 'bigint' ? String(v) : v))
      assert.ok(!json.includes('hunter2') && !json.includes('12345') && !json.includes('bot-secret'), json)
    }
  })
})
