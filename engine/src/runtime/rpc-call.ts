// One call's runtime record: the request, the promise, the rpcMachine actor that decides its
// fate, and where its body currently is (which connection, which session ref, which msg_ids).
// Knows nothing of sockets; the connection fills in ref/msg_ids, the machine decides.
import type { Actor } from 'xstate'
import type { rpcMachine } from '@mtswarm/machines'
import { serializeObject, type TlObject } from '../tl/index.js'
import type { DcConnection } from './dc-connection.js'

/** Where the call's machine is, as the connection needs to know it. */
export type CallPhase = 'queued' | 'inFlight' | 'waiting' | 'settled'

export class RpcCall {
  /** The session handle of its body while the body is in a session (queued or in flight). */
  ref: number | null = null
  /** True while its body sits in the session's queue (not written yet). */
  inSessionQueue = false
  /** The connection it is routed to. */
  conn: DcConnection | null = null
  /** Every msg_id it went out under since it was last routed. */
  readonly msgIds = new Set<bigint>()
  lastMsgId: bigint | null = null
  acked = false
  settled = false
  /** Settle on 303 instead of following it (CallOptions.migrate = 'surface'). */
  surfaceMigrate = false
  actor: Actor<typeof rpcMachine> | null = null
  #body: Uint8Array | null = null

  constructor(
    readonly requestId: number,
    readonly accountId: string,
    readonly request: TlObject,
    /** The innermost method name (decodes the result). */
    readonly method: string,
    /** The request's bytes when the caller already has them. */
    body?: Uint8Array,
  ) {
    this.#body = body ?? null
  }

  /** The serialized request (computed once). */
  body(): Uint8Array {
    this.#body ??= serializeObject(this.request)
    return this.#body
  }

  /** The RPC machine's phase. */
  actorState(): CallPhase {
    const s = this.actor?.getSnapshot()
    if (s === undefined || s.status !== 'active') return 'settled'
    if (s.matches({ active: 'queued' })) return 'queued'
    if (s.matches({ active: 'inFlight' })) return 'inFlight'
    return 'waiting'
  }
}
