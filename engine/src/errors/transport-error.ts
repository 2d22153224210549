// TransportError: the connection itself failed — a transport error code instead of a packet
// (https://core.telegram.org/mtproto/mtproto-transports#transport-errors), or a socket that could
// not be kept up. Knows nothing about sockets; carries what happened.
import { MtSwarmError } from './mtswarm-error.js'

/** Transport error codes the server sends instead of a packet (as negative int32). */
export const TRANSPORT_ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  [-404]: 'auth key not found (the server forgot it, or the packet went to the wrong DC)',
  [-429]: 'too many connections or transport flood: back off',
  [-444]: 'invalid DC id',
}

/**
 * A call failed because its connection did. `code` is the transport code when the server sent one
 * (−404, −429, −444), else undefined; `reason` says what gave up.
 */
export class TransportError extends MtSwarmError {
  readonly kind = 'transport' as const

  constructor(
    /** Transport error code (−404/−429/−444), undefined when the socket failed without one. */
    readonly code: number | undefined,
    /** What failed, e.g. 'connection gave up after 3 restarts: ECONNREFUSED'. */
    readonly reason: string,
    /** The DC of the connection, when known. */
    readonly dcId?: number,
    /** The method of the call that failed with it, when it was a call. */
    readonly method?: string,
  ) {
    super(`${code === undefined ? 'transport failure' : `transport error ${code}`}${dcId === undefined ? '' : ` on DC ${dcId}`}: ${reason}`)
  }

  /** Description of `code` from {@link TRANSPORT_ERROR_DESCRIPTIONS}. */
  get description(): string | undefined {
    return this.code === undefined ? undefined : TRANSPORT_ERROR_DESCRIPTIONS[this.code]
  }
}
