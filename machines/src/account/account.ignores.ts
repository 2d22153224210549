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
const NOT_LOGGED_IN = 'not logged in: nothing to log out of'

export const ACCOUNT_IGNORES: IgnoreTable<T> = {
  empty: {
    ...NO_LOGIN,
    'login.start': 'start the account first; login needs a keyed home DC',
    'login.bot': 'start the account first; login needs a keyed home DC',
    'account.logOut': NOT_LOGGED_IN,
    'auth.error': 'no RPC runs before start',
    'dc.ready': 'no connection exists yet',
  },
  keying: {
    ...NO_LOGIN,
    'account.start': STARTED,
    'login.start': 'the home DC is not keyed yet; the caller waits for anonymous',
    'login.bot': 'the home DC is not keyed yet; the caller waits for anonymous',
    'account.logOut': 'the caller waits for a settled state first',
    'auth.error': 'no user RPC runs while keying',
  },
  anonymous: {
    ...NO_LOGIN,
    'account.start': STARTED,
    'auth.error': 'not logged in: nothing to revoke or move',
    'account.logOut': NOT_LOGGED_IN,
    'dc.ready': DC_READY,
  },
  loggingIn: {
    'account.start': STARTED,
    'login.start': 'a login is in progress; cancel it first',
    'login.bot': 'a login is in progress; cancel it first',
    'account.logOut': 'not logged in yet; cancel the login instead',
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
  'loggingIn.signingInBot': loginInputs('a bot login asks for nothing', 'login.code', 'login.password', 'login.signUp'),
  authorized: {
    ...NO_LOGIN,
    'account.start': STARTED,
    'login.start': 'already logged in',
    'login.bot': 'already logged in',
    'dc.ready': DC_READY,
  },
  loggingOut: {
    ...NO_LOGIN,
    'account.start': STARTED,
    'login.start': 'logging out; log in once it is anonymous',
    'login.bot': 'logging out; log in once it is anonymous',
    'account.logOut': 'already logging out',
    'auth.error': 'the logOut step reports its own error; the login ends either way',
    'dc.ready': DC_READY,
  },
  migrating: {
    ...NO_LOGIN,
    'account.start': STARTED,
    'login.start': 'moving the home DC; login resumes by itself',
    'login.bot': 'moving the home DC; login resumes by itself',
    'account.logOut': 'moving the home DC; log out once it settles',
    'auth.error': 'already moving; errors from the old DC are stale',
  },
  'migrating.importingAuthorization': { 'dc.ready': DC_READY },
  'migrating.importRetry': { 'dc.ready': DC_READY },
  revoked: {
    ...NO_LOGIN,
    'account.start': STARTED,
    'auth.error': 'already revoked',
    'account.logOut': 'already logged out by the server',
    'dc.ready': DC_READY,
  },
  stopped: ignoreAll(ACCOUNT_EVENT_TYPES, 'stopped for good'),
}
