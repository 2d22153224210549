// Pure rules of a user session: which errors revoke it, which move its home DC, how login errors
// route the flow. https://core.telegram.org/api/auth · https://core.telegram.org/api/errors
import type { Secret } from '../secret/secret.js'

/** Home-DC moves allowed in a row before the session gives up (303 loops). */
export const MAX_ACCOUNT_MIGRATIONS = 3
/**
 * Tries of export/importAuthorization per USER_MIGRATE before the account stays on its old home
 * DC (still logged in there): one 500 must not log a user out.
 */
export const MAX_IMPORT_ATTEMPTS = 3
/** Wait between two tries of export/importAuthorization. */
export const IMPORT_RETRY_MS = 1_000

/**
 * Errors that end an authorization: the user must log in again. The one table: the connection side
 * forwards exactly these to the account (as `auth.error`), and the machine revokes on them.
 */
export const REVOCATION_ERRORS = [
  'AUTH_KEY_UNREGISTERED',
  'SESSION_REVOKED',
  'SESSION_EXPIRED',
  'USER_DEACTIVATED',
  'USER_DEACTIVATED_BAN',
] as const
export type RevocationReason = (typeof REVOCATION_ERRORS)[number]

const HOME_MIGRATE_RE = /^(?:PHONE|USER|NETWORK)_MIGRATE_(\d+)$/

/** The DC a PHONE_/USER_/NETWORK_MIGRATE_X error moves the home DC to, or null. */
export function homeMigrateDcId(errorMessage: string): number | null {
  const m = HOME_MIGRATE_RE.exec(errorMessage)
  return m ? Number(m[1]) : null
}

export function isRevocation(errorMessage: string): errorMessage is RevocationReason {
  return (REVOCATION_ERRORS as readonly string[]).includes(errorMessage)
}

/** errorMessage of a rejected login step (the engine rejects with `{ errorMessage }`). */
export function errorMessageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'errorMessage' in error) {
    const m = (error as { errorMessage: unknown }).errorMessage
    if (typeof m === 'string') return m
  }
  return error instanceof Error ? error.message : String(error)
}

/** Where a failed login step goes next. */
export type LoginErrorRoute = 'migrate' | 'passwordNeeded' | 'retryCode' | 'retryPassword' | 'abort'

export function routeLoginError(errorMessage: string): LoginErrorRoute {
  if (homeMigrateDcId(errorMessage) !== null) return 'migrate'
  switch (errorMessage) {
    case 'SESSION_PASSWORD_NEEDED':
      return 'passwordNeeded'
    case 'PHONE_CODE_INVALID':
    case 'PHONE_CODE_EMPTY':
      return 'retryCode'
    case 'PASSWORD_HASH_INVALID':
      return 'retryPassword'
    default:
      return 'abort'
  }
}

export interface AccountInput {
  accountId: string
  homeDcId: number
  /** Auth key ids already in storage, per DC. */
  authKeyIds?: Readonly<Record<number, bigint>>
  /** Set when storage says this session is logged in. */
  userId?: bigint | null
}

export interface AccountContext {
  accountId: string
  homeDcId: number
  authKeyIds: Readonly<Record<number, bigint>>
  userId: bigint | null
  /** Boxed: personal data, printed with its last digits only. */
  phone: Secret<string> | null
  /** Boxed: with the code it logs the phone in. */
  phoneCodeHash: Secret<string> | null
  /** Boxed: the token of a bot login in progress (sent again on the new home DC after USER_MIGRATE). */
  botToken: Secret<string> | null
  /** DCs it opened a connection to (openDc; the connection machines are its children). */
  dcIds: number[]
  migrations: number
  /** The home DC before the current USER_MIGRATE (where the login still is until it is imported). */
  previousHomeDcId: number | null
  /** Failed export/import tries in the current migration. */
  importAttempts: number
  lastError: string | null
  revokedBy: RevocationReason | null
}

export function initialAccountContext(input: AccountInput): AccountContext {
  return {
    accountId: input.accountId,
    homeDcId: input.homeDcId,
    authKeyIds: input.authKeyIds ?? {},
    userId: input.userId ?? null,
    phone: null,
    phoneCodeHash: null,
    botToken: null,
    dcIds: [],
    migrations: 0,
    previousHomeDcId: null,
    importAttempts: 0,
    lastError: null,
    revokedBy: null,
  }
}
