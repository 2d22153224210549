// The runtime's outward-facing plain types: what an account's channel on the bus carries, and the
// runtime's counters. No behaviour here.
import type { TlObject } from '../tl/index.js'

/**
 * What the runtime tells the owner of an account (the client layer, the account machine), on the
 * account's key of the account bus. Type names are dotted lower-case; `dc.ready`, `dc.down` and
 * `auth.error` have the account machine's event shapes (plus detail).
 */
export type AccountNotice =
  | { readonly type: 'dc.ready'; readonly dcId: number }
  | { readonly type: 'dc.down'; readonly dcId: number; readonly reason: string }
  /** A fresh auth key was stored (durably) for this DC. */
  | { readonly type: 'key.created'; readonly dcId: number; readonly authKeyId: bigint }
  /** A revocation-class rpc_error (AUTH_KEY_UNREGISTERED, SESSION_REVOKED, USER_DEACTIVATED). */
  | { readonly type: 'auth.error'; readonly dcId: number; readonly method: string; readonly errorMessage: string }
  /** A call got 303 X_MIGRATE_N and was moved to DC N (the account may move its home DC). */
  | {
      readonly type: 'rpc.migrated'
      readonly requestId: number
      readonly method: string
      readonly fromDcId: number
      readonly toDcId: number
      readonly errorMessage: string
    }
  /** Anything the server pushed that is not an answer (updates, updateShort …). */
  | { readonly type: 'updates'; readonly dcId: number; readonly update: TlObject }
  /** new_session_created: the server started a new session for us (pushes in between may be lost). */
  | { readonly type: 'session.created'; readonly dcId: number }
  /** A connection gave up after its restart budget; its calls were failed. */
  | { readonly type: 'connection.failed'; readonly dcId: number; readonly reason: string }

/** Counters (plain numbers; read any time). */
export class RuntimeStats {
  callsStarted = 0
  callsSettled = 0
  callsFailed = 0
  /** A second settle attempt for a call (must stay 0: every call settles exactly once). */
  doubleSettles = 0
  resends = 0
  /** Calls that got an rpcMachine actor (left the common path, or every call while inspecting). */
  rpcActors = 0
  socketsOpened = 0
  keysCreated = 0
  flushes = 0
  packetsOut = 0
  packetsRefused = 0
  badServerSalts = 0
  ignoredMessages = 0
  connectionCrashes = 0
  rpcCrashes = 0
  storeWriteErrors = 0
}
