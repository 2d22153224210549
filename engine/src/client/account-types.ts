// The account's public types (snapshot, sign-in result, per-call options), what an account needs
// from its engine, and small pure helpers the account uses. Types and pure functions only.
import type { tl } from '../tl/index.js'
import type { AccountLogic } from './account-steps.js'
import type { EngineEvent } from './engine-events.js'
import type { ResolvedEngineOptions } from './options.js'
import type { RuntimePort } from './runtime-adapter.js'
import type { UpdateDelivery } from '../updates/delivery.js'

/** Per-call options of {@link Account.invoke}. */
export interface InvokeOptions {
  /** Aborting cancels the call (it rejects with CancelledError). */
  readonly signal?: AbortSignal
  /** Deadline in ms across resends and flood waits (rejects with TimeoutError). */
  readonly timeout?: number
  /**
   * Send on this DC instead of the account's home DC. An authorized account gets its authorization
   * carried there first (auth.exportAuthorization / auth.importAuthorization), once.
   */
  readonly dcId?: number
}

/** What {@link Account.state$} emits: the account machine's state and the parts of its context that matter. */
export interface AccountSnapshot {
  /**
   * The machine's state, dotted: 'loading' (reading the store), 'empty', 'keying', 'anonymous',
   * 'loggingIn.sendingCode', 'loggingIn.codeSent', 'loggingIn.checkingCode', 'loggingIn.passwordNeeded',
   * 'loggingIn.checkingPassword', 'loggingIn.signUpNeeded', 'loggingIn.signingUp',
   * 'loggingIn.signingInBot', 'authorized', 'loggingOut', 'migrating.connecting',
   * 'migrating.importingAuthorization', 'migrating.importRetry', 'revoked', 'stopped'.
   */
  readonly state: string
  readonly homeDcId: number
  /** Telegram user id once authorized. */
  readonly userId: bigint | null
  /** The last error message the machine noted (e.g. 'PHONE_CODE_INVALID'), or null. */
  readonly lastError: string | null
}

/** How {@link Account.signIn} ended. */
export type SignInResult =
  | { readonly status: 'authorized'; readonly user: tl.TypeUser }
  /** 2FA is on: call {@link Account.checkPassword}. */
  | { readonly status: 'passwordNeeded'; readonly hint: string | undefined }
  /** No account for this phone: call {@link Account.signUp}. */
  | { readonly status: 'signUpRequired' }

/** What an account needs from its engine. */
export interface AccountHost {
  readonly options: ResolvedEngineOptions
  readonly port: RuntimePort
  /** Update delivery of the whole engine (handlers, limits, commits). */
  readonly delivery: UpdateDelivery
  /** The account machine with the engine's effects provided. */
  readonly logic: AccountLogic
  emit(event: EngineEvent): void
  /** Keeps a background write until stop() flushes. */
  track(write: Promise<unknown>): void
  /** Rejects with UsageError when the engine is stopped. */
  checkRunning(what: string): void
  countRpc(ok: boolean): void
}

/** The machine's state value as one dotted string. */
export function stateString(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'object' && value !== null) {
    const [k, v] = Object.entries(value)[0] ?? ['?', undefined]
    return `${k}.${stateString(v)}`
  }
  return String(value)
}

/** The options without `dcId` (a retry goes where the authorization now is). */
export function withoutDc(options: InvokeOptions): InvokeOptions {
  const { dcId: _dcId, ...rest } = options
  return rest
}

/** What a refused argument was, without its content (it may be personal data or a secret). */
export function describeArgument(v: unknown): string {
  return typeof v === 'string' ? `a string of ${v.length} characters` : typeof v
}
