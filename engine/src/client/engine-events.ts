// What an engine reports on `engine.events$`: logs and metrics as plain tagged objects (no
// formatting, no sinks). Knows nothing about how they are produced or consumed.

/**
 * One engine event. `type` is dotted lower-case; every event carries `atMs` (engine clock) and,
 * where it concerns one account, `accountId`.
 */
export type EngineEvent =
  /** A new auth key was made (and stored) for (account, DC): a full handshake happened. */
  | { readonly type: 'handshake'; readonly atMs: number; readonly accountId: string; readonly dcId: number }
  /** A connection became ready (first time or after a reconnect). */
  | { readonly type: 'dc.ready'; readonly atMs: number; readonly accountId: string; readonly dcId: number }
  /** A connection went down; it reconnects by itself. */
  | { readonly type: 'dc.down'; readonly atMs: number; readonly accountId: string; readonly dcId: number; readonly reason: string }
  /** A connection gave up (restart budget spent); its calls failed with TransportError. */
  | { readonly type: 'dc.failed'; readonly atMs: number; readonly accountId: string; readonly dcId: number; readonly reason: string }
  /** An account logged in through a login step (code, 2FA, sign-up, bot token, imported authorization). */
  | {
      readonly type: 'login'
      readonly atMs: number
      readonly accountId: string
      readonly userId: bigint
      readonly homeDcId: number
      readonly via: 'code' | 'password' | 'signUp' | 'bot' | 'import'
    }
  /** An account's state changed (the account machine's state value, dotted). */
  | { readonly type: 'account.state'; readonly atMs: number; readonly accountId: string; readonly state: string }
  /** A call settled. `error` is the error's message when it failed (e.g. 'PHONE_CODE_INVALID'). */
  | {
      readonly type: 'rpc.settled'
      readonly atMs: number
      readonly accountId: string
      readonly dcId: number
      readonly method: string
      readonly durationMs: number
      readonly ok: boolean
      readonly error?: string
    }
  /** A call was moved by 303 X_MIGRATE_N (the engine followed it). */
  | {
      readonly type: 'rpc.migrated'
      readonly atMs: number
      readonly accountId: string
      readonly method: string
      readonly fromDcId: number
      readonly toDcId: number
      readonly errorMessage: string
    }
  /** The home DC of an account moved (PHONE_MIGRATE during login, USER_MIGRATE after). */
  | { readonly type: 'account.migrated'; readonly atMs: number; readonly accountId: string; readonly fromDcId: number; readonly toDcId: number }
  /** The server revoked an authorization (AUTH_KEY_UNREGISTERED, SESSION_REVOKED …). */
  | { readonly type: 'auth.revoked'; readonly atMs: number; readonly accountId: string; readonly dcId: number; readonly errorMessage: string }
  /** Something the engine could not do in the background (a store write, a step's bookkeeping). */
  | { readonly type: 'warning'; readonly atMs: number; readonly accountId?: string; readonly message: string }

/** The `type`s of {@link EngineEvent}. */
export type EngineEventType = EngineEvent['type']
