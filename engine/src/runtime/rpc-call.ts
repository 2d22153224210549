// One call's runtime record: the request, its promise's settler, and ONE field saying where the call
// is (`at`, rpcMachine's state as the runtime follows it: from the generated common-path table, or
// from the call's actor once it has one). The connection adds the body's session handle (`ref`)
// and the msg_ids it went out under. Knows nothing of sockets.
import type { Actor } from 'xstate'
import type { RpcInput, rpcMachine } from '@mtswarm/machines'
import type { CallFailure } from '../errors/index.js'
import { serializeObject, type TlObject } from '../tl/index.js'
import type { DcConnection } from './dc-connection.js'

/**
 * Where a call is — rpcMachine's state, nothing else:
 * `queued` (active.queued: in the session queue or the connection's waiting set),
 * `sent`/`acked` (active.inFlight.*, under `msgId`, the copy the machine follows),
 * `waiting` (active.waiting: a FLOOD_WAIT being slept through), `settled` (a final state).
 */
export type CallAt =
  | { readonly at: 'queued' }
  | { readonly at: 'sent'; readonly msgId: bigint }
  | { readonly at: 'acked'; readonly msgId: bigint }
  | { readonly at: 'waiting' }
  | { readonly at: 'settled' }

const QUEUED: CallAt = { at: 'queued' }

/** How a call ends, as its promise is told: the result, or the failure `callError` turns into the public error. */
export type CallSettlement = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: CallFailure }

export class RpcCall {
  /** Where the call is (see {@link CallAt}); written only from rpcMachine's transitions. */
  at: CallAt = QUEUED
  /**
   * The rpcMachine actor, once the call left the common path (or from the start when inspecting);
   * null while the generated table (rpc-fast.ts) steps it.
   */
  actor: Actor<typeof rpcMachine> | null = null
  /** The session handle of its body while a session holds it (queued or in flight). */
  ref: number | null = null
  /** The connection it is routed to. */
  conn: DcConnection | null = null
  /** Every msg_id it went out under since it was last routed (an answer to any of them counts). */
  readonly msgIds = new Set<bigint>()
  /** Resolves or rejects the caller's promise; null once used (a call settles once). */
  settler: ((s: CallSettlement) => void) | null = null
  /** The runtime's deadline timer (one per call; it sends `rpc.deadline`). */
  deadline: unknown = undefined
  #body: Uint8Array | null = null

  constructor(
    readonly requestId: number,
    readonly accountId: string,
    readonly request: TlObject,
    /** The innermost method name (decodes the result). */
    readonly method: string,
    /** rpcMachine's input (also what an actor started later is given). */
    readonly input: RpcInput,
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

  /** True once the call reached a final state. */
  get settled(): boolean {
    return this.at.at === 'settled'
  }

  /** The msg_id of the copy in flight (rpcMachine's context.msgId), null when none is. */
  get msgId(): bigint | null {
    return this.at.at === 'sent' || this.at.at === 'acked' ? this.at.msgId : null
  }
}

/** rpcMachine's snapshot as a {@link CallAt}. */
export function callAtOf(snapshot: { status: string; value: unknown; context: { msgId: bigint | null } }): CallAt {
  if (snapshot.status !== 'active') return { at: 'settled' }
  const v = snapshot.value as { active?: unknown }
  const active = v.active
  if (active === 'queued') return QUEUED
  if (active === 'waiting') return { at: 'waiting' }
  const inFlight = (active as { inFlight?: string } | undefined)?.inFlight
  const msgId = snapshot.context.msgId ?? 0n
  return inFlight === 'acked' ? { at: 'acked', msgId } : { at: 'sent', msgId }
}
