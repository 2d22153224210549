// The (state, event) pairs the account machine deliberately ignores, with the reason.
import { ignoreAll } from '../testing/coverage.js'
import type { IgnoreTable } from '../testing/coverage.js'
import { ACCOUNT_EVENT_TYPES } from './account.events.js'
import type { AccountEvent } from './account.events.js'

type T = AccountEvent['type']

const STARTED = 'already started'
const DC_READY = 'a reconnect or a non-home DC: nothing to decide here'
const loginInputs = (reason: string, ...types: Array<'login.code' | 'login.password' | 'login.signUp'>) =>
  Object.fromEntries(types.map((t) => [t, reason])) as Partial<Record<T, string>>
const NO_LOGIN = {
  'login.code': 'no login in progress',
  'login.password': 'no login in progress',
  'login.signUp': 'no login in progress',
  'login.cancel': 'no login in progress',
} as const

export const ACCOUNT_IGNORES: IgnoreTable<T> = {
  empty: {
    ...NO_LOGIN,
    'login.start': 'start the account first; login needs a keyed home DC',
    'auth.error': 'no RPC runs before start',
    'dc.ready': 'no connection exists yet',
  },
  keying: {
    ...NO_LOGIN,
    'account.start': STARTED,
    'login.start': 'the home DC is not keyed yet; the caller waits for anonymous',
    'auth.error': 'no user RPC runs while keying',
  },
  anonymous: {
    ...NO_LOGIN,
    'account.start': STARTED,
    'auth.error': 'not logged in: nothing to revoke or move',
    'dc.ready': DC_READY,
  },
  loggingIn: {
    'account.start': STARTED,
    'login.start': 'a login is in progress; cancel it first',
    'auth.error': 'login steps report their errors themselves',
    'dc.ready': DC_READY,
  },
  'loggingIn.sendingCode': loginInputs('not asked for yet', 'login.code', 'login.password', 'login.signUp'),
  'loggingIn.codeSent': loginInputs('not asked for', 'login.password', 'login.signUp'),
  'loggingIn.checkingCode': loginInputs('a code is being checked', 'login.code', 'login.password', 'login.signUp'),
  'loggingIn.passwordNeeded': loginInputs('the password is asked for, not this', 'login.code', 'login.signUp'),
  'loggingIn.checkingPassword': loginInputs('a password is being checked', 'login.code', 'login.password', 'login.signUp'),
  'loggingIn.signUpNeeded': loginInputs('names are asked for, not this', 'login.code', 'login.password'),
  'loggingIn.signingUp': loginInputs('sign-up in progress', 'login.code', 'login.password', 'login.signUp'),
  authorized: {
    ...NO_LOGIN,
    'account.start': STARTED,
    'login.start': 'already logged in',
    'dc.ready': DC_READY,
  },
  migrating: {
    ...NO_LOGIN,
    'account.start': STARTED,
    'login.start': 'moving the home DC; login resumes by itself',
    'auth.error': 'already moving; errors from the old DC are stale',
  },
  'migrating.importingAuthorization': { 'dc.ready': DC_READY },
  'migrating.importRetry': { 'dc.ready': DC_READY },
  revoked: {
    ...NO_LOGIN,
    'account.start': STARTED,
    'auth.error': 'already revoked',
    'dc.ready': DC_READY,
  },
  stopped: ignoreAll(ACCOUNT_EVENT_TYPES, 'stopped for good'),
}
