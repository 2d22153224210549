// How a call can end without an answer from the server: its deadline passed, or its caller gave
// up. Knows nothing about the RPC machine; it only reports what the engine decided.
import { MtSwarmError } from './mtswarm-error.js'

/** The call's deadline (`timeout`, default the engine's) passed before an answer. */
export class TimeoutError extends MtSwarmError {
  readonly kind = 'timeout' as const

  constructor(
    readonly method: string,
    /** The deadline that passed, in ms. */
    readonly afterMs: number,
    /** True when the server had the request and was told to drop the answer (rpc_drop_answer). */
    readonly answerDropped = false,
  ) {
    super(`${method} timed out after ${afterMs} ms`)
  }
}

/** The caller's AbortSignal fired (or the account was stopped) before an answer. */
export class CancelledError extends MtSwarmError {
  readonly kind = 'cancelled' as const

  constructor(
    readonly method: string,
    /** True when the server had the request and was told to drop the answer (rpc_drop_answer). */
    readonly answerDropped = false,
    /** The signal's reason, when one was given. */
    readonly reason?: unknown,
  ) {
    super(`${method} cancelled`)
  }
}
