// The one map from how a call ended (a typed failure: the rpc machine's RpcFailure or the
// runtime's RuntimeFailure) to the public error classes. Every call's rejection is built here and
// nowhere else: no failure travels as a string to be parsed again.
import type { RpcFailure } from '@mtswarm/machines'
import { CancelledError, TimeoutError } from './call-errors.js'
import type { MtSwarmError } from './mtswarm-error.js'
import { ProtocolError } from './protocol-error.js'
import { RpcError } from './rpc-error.js'
import { TransportError } from './transport-error.js'
import { UsageError } from './usage-error.js'

/** Why the runtime (not the server, not the rpc machine) ended a call. */
export type RuntimeFailure =
  /**
   * The connection gave the call up: its actor crashed past the restart budget, or the server
   * refused its key. `transportErrorCode`: the transport error (−404 …) behind it, when there was one.
   */
  | { readonly kind: 'connectionFailed'; readonly dcId: number; readonly reason: string; readonly transportErrorCode?: number }
  /** The runtime (or the account) was stopped with the call pending. */
  | { readonly kind: 'stopped' }
  /** No endpoint is configured for the DC the call (or a 303) points to. */
  | { readonly kind: 'unknownDc'; readonly dcId: number }

/** Every way a call can end without a result. */
export type CallFailure = RpcFailure | RuntimeFailure

/**
 * The public error for a call of `method` that ended with `failure`:
 * server errors keep Telegram's code and message (`RpcError.from`: FloodWaitError, MigrateError);
 * a flood wait past the threshold is 420 FLOOD_WAIT_X; too many 303s are 303 TOO_MANY_MIGRATIONS_N;
 * bad_msg_notification, an undecodable answer and a resend loop are ProtocolErrors; the deadline
 * and the caller's abort are TimeoutError/CancelledError; a lost connection is a TransportError
 * (with the transport code when one caused it); a stopped engine and an unknown DC are UsageErrors.
 */
export function callError(method: string, failure: CallFailure): MtSwarmError {
  switch (failure.kind) {
    case 'rpcError':
      return RpcError.from(failure.errorCode, failure.errorMessage, method)
    case 'floodWait':
      return RpcError.from(420, `FLOOD_WAIT_${failure.seconds}`, method)
    case 'tooManyMigrations':
      return RpcError.from(303, `TOO_MANY_MIGRATIONS_${failure.dcId}`, method)
    case 'badMsg':
      return new ProtocolError({ kind: 'bad-msg-notification', code: failure.code }, method)
    case 'undecodable':
      return new ProtocolError({ kind: 'undecodable-result', tlKind: failure.tlKind }, method)
    case 'tooManyResends':
      return new ProtocolError({ kind: 'too-many-resends', resends: failure.resends, limit: failure.limit }, method)
    case 'timeout':
      return new TimeoutError(method, failure.afterMs, failure.answerDropped)
    case 'cancelled':
      return new CancelledError(method, failure.answerDropped)
    case 'connectionFailed':
      return new TransportError(failure.transportErrorCode, failure.reason, failure.dcId, method)
    case 'stopped':
      return new UsageError('stopped', `${method}: the engine (or account) was stopped with the call pending`)
    case 'unknownDc':
      return new UsageError('bad-config', `${method}: no endpoint is configured for DC ${failure.dcId}`, undefined, 'dcs')
  }
}
