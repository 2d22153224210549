// Events the account (user session) machine receives: from its owner, from the login flow's
// caller, from its DC connection children, and auth-related RPC errors the engine forwards.
// Secrets (code, password, bot token) travel boxed (Secret) in events straight into the invoked step; context
// never keeps them (the bot token stays, boxed, until the login ends: a USER_MIGRATE sends it again
// on the new home DC). The phone is boxed too (personal data), printed with its last digits only.
import type { DcConnectionReport } from '../dc-connection/dc-connection.events.js'
import type { Secret } from '../secret/secret.js'

/** Events of {@link accountMachine}. */
export type AccountEvent =
  | { type: 'account.start' }
  | { type: 'account.stop' }
  | { type: 'login.start'; phone: Secret<string> }
  | { type: 'login.code'; code: Secret<string> }
  | { type: 'login.password'; password: Secret<string> }
  | { type: 'login.signUp'; firstName: string; lastName: string }
  | { type: 'login.cancel' }
  | { type: 'login.bot'; token: Secret<string> }
  | { type: 'account.logOut' }
  /** `dcId`: the DC whose call failed (only the home DC's errors move or revoke the login). */
  | { type: 'auth.error'; dcId: number; errorMessage: string }
  | { type: 'dc.needed'; dcId: number }
  | DcConnectionReport

export const ACCOUNT_EVENT_DESCRIPTIONS: Readonly<Record<AccountEvent['type'], string>> = {
  'account.start': 'bring the session up (connect the home DC, key it if needed)',
  'account.stop': 'shut the session down; children stop with it',
  'login.start': 'begin logging in with a phone number (auth.sendCode)',
  'login.code': 'the login code the user received (auth.signIn)',
  'login.password': 'the 2FA password (SRP check done by the engine)',
  'login.signUp': 'names for a phone number with no account (auth.signUp)',
  'login.cancel': 'abandon the login in progress',
  'login.bot': 'log in as a bot with its token (auth.importBotAuthorization)',
  'account.logOut': 'log out (auth.logOut); the keys stay, the account is anonymous again',
  'auth.error': 'an RPC of this session failed with an auth-level error (revocation, USER_MIGRATE_X)',
  'dc.needed': 'a call needs another DC (media, 303): make sure a connection exists',
  'dc.ready': 'a DC connection child reports ready',
  'dc.down': 'a DC connection child reports it went down (it reconnects by itself)',
}

export const ACCOUNT_EVENT_TYPES = Object.keys(ACCOUNT_EVENT_DESCRIPTIONS) as AccountEvent['type'][]
