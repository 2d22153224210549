// Typed failures a runtime call can settle with. Knows nothing of sockets; built from the RPC
// machine's RpcFailure or from the runtime's own supervision.
import type { RpcFailure } from '@mtswarm/machines'

/** Why the runtime (not the server) ended a call. */
export type RuntimeFailure =
  /** The connection actor crashed more often than the restart budget allows. */
  /** `transportErrorCode`: the transport error (−404 …) that made the connection give the call up, if one did. */
  | { readonly kind: 'connectionFailed'; readonly dcId: number; readonly reason: string; readonly transportErrorCode?: number }
  /** The runtime (or the account) was stopped with the call pending. */
  | { readonly kind: 'stopped' }
  /** No endpoint is configured for the DC the call (or a 303) points to. */
  | { readonly kind: 'unknownDc'; readonly dcId: number }

/**
 * A call that did not produce a result. `code`/`message` follow Telegram's rpc_error for server
 * errors (e.g. 400 PHONE_CODE_INVALID, 420 FLOOD_WAIT_30, 303 USER_MIGRATE_2); runtime-side
 * failures use negative codes. `failure` carries the typed detail.
 */
export class RpcError extends Error {
  override readonly name = 'RpcError'
  constructor(
    readonly code: number,
    override readonly message: string,
    readonly method: string,
    readonly failure: RpcFailure | RuntimeFailure,
  ) {
    super(message)
  }

  /** From the RPC machine's settlement. */
  static fromFailure(method: string, f: RpcFailure | RuntimeFailure): RpcError {
    switch (f.kind) {
      case 'rpcError':
        return new RpcError(f.errorCode, f.errorMessage, method, f)
      case 'floodWait':
        return new RpcError(420, `FLOOD_WAIT_${f.seconds}`, method, f)
      case 'timeout':
        return new RpcError(-408, 'RPC_TIMEOUT', method, f)
      case 'cancelled':
        return new RpcError(-499, 'RPC_CANCELLED', method, f)
      case 'tooManyResends':
        return new RpcError(-508, 'RPC_TOO_MANY_RESENDS', method, f)
      case 'tooManyMigrations':
        return new RpcError(303, `TOO_MANY_MIGRATIONS_${f.dcId}`, method, f)
      case 'connectionFailed':
        return new RpcError(-502, 'CONNECTION_FAILED', method, f)
      case 'stopped':
        return new RpcError(-503, 'RUNTIME_STOPPED', method, f)
      case 'unknownDc':
        return new RpcError(-400, `UNKNOWN_DC_${f.dcId}`, method, f)
    }
  }
}
