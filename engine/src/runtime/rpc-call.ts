// One call's runtime record: the request, the promise, where rpcMachine has it (on the common path
// without an actor, or in an rpcMachine actor), and where its body currently is (which connection,
// which session ref, which msg_ids). Knows nothing of sockets; the connection fills in ref/msg_ids.
import type { Actor } from 'xstate'
import type { RpcInput, rpcMachine } from '@mtswarm/machines'
import { serializeObject, type TlObject } from '../tl/index.js'
import type { DcConnection } from './dc-connection.js'
import type { FastRpcPhase } from './rpc-fast.js'

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
  /** On the common path (no actor yet): its rpcMachine state; null once it has an actor or settled. */
  fast: FastRpcPhase | null = null
  /** The msg_id the common path recorded (rpcMachine's context.msgId). */
  fastMsgId: bigint | null = null
  /** The runtime's deadline timer (common-path calls and the actors started from them). */
  deadline: unknown = undefined
  /** rpcMachine's input (kept to start an actor for the call later). */
  input: RpcInput | null = null
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
    if (this.fast !== null) return this.fast === 'queued' ? 'queued' : 'inFlight'
    const s = this.actor?.getSnapshot()
    if (s === undefined || s.status !== 'active') return 'settled'
    if (s.matches({ active: 'queued' })) return 'queued'
    if (s.matches({ active: 'inFlight' })) return 'inFlight'
    return 'waiting'
  }
}
