// One connection's table of calls: which call a session ref or a msg_id belongs to, which calls
// wait for a session, when each was last acknowledged, and which msg_ids each of our
// msgs_state_req probes asked about. Plain maps: knows nothing of sockets, bytes or machines.
import type { RouteContext } from '../protocol/index.js'
import type { ClientSession } from '../protocol/index.js'
import type { RpcCall } from './rpc-call.js'

export class CallTable {
  /** Calls whose body is in the session (queued or in flight), by session ref. */
  readonly byRef = new Map<number, RpcCall>()
  /** Calls by every msg_id they went out under (an answer to an older copy still settles them). */
  readonly byMsgId = new Map<bigint, RpcCall>()
  /** Calls routed here while no session exists (connecting, handshaking, key dropped). */
  readonly waiting = new Set<RpcCall>()
  /** Every call currently routed to this connection. */
  readonly calls = new Set<RpcCall>()
  /** Calls whose body sits in the session's queue, not written yet (first send, or put back for a resend). */
  readonly inSessionQueue = new Set<RpcCall>()
  /** When each in-flight call was last acknowledged (local ms), for the stale-call probe. */
  private readonly ackedAt = new Map<RpcCall, number>()
  /** Our msgs_state_req: by session ref until flushed, then by msg_id; the msg_ids each asked about. */
  private readonly probesByRef = new Map<number, readonly bigint[]>()
  private readonly probes = new Map<bigint, readonly bigint[]>()

  /** Forgets a call; returns the msg_ids it went out under (for the session to forget too). */
  forget(call: RpcCall): bigint[] {
    this.waiting.delete(call)
    this.calls.delete(call)
    this.inSessionQueue.delete(call)
    this.ackedAt.delete(call)
    if (call.ref !== null) this.byRef.delete(call.ref)
    const ids = [...call.msgIds]
    for (const id of ids) this.byMsgId.delete(id)
    return ids
  }

  /** A flushed ref went out under `msgId`: its call (now found by that msg_id too), if it was a call's. */
  sent(ref: number, msgId: bigint): RpcCall | undefined {
    const call = this.byRef.get(ref)
    if (call !== undefined) {
      this.byMsgId.set(msgId, call)
      return call
    }
    const asked = this.probesByRef.get(ref)
    if (asked !== undefined) {
      this.probesByRef.delete(ref)
      this.probes.set(msgId, asked)
    }
    return undefined
  }

  /** The server acknowledged the call's latest copy at `nowMs`. */
  acked(call: RpcCall, nowMs: number): void {
    this.ackedAt.set(call, nowMs)
  }

  /** The call got its answer (or error): nothing left to probe. */
  answered(call: RpcCall): void {
    this.ackedAt.delete(call)
  }

  /**
   * The latest msg_ids of calls acknowledged at least `unansweredForMs` ago and still unanswered.
   * NB: each is asked about once per threshold: its clock restarts now.
   */
  stale(nowMs: number, unansweredForMs: number): bigint[] {
    const out: bigint[] = []
    for (const [call, at] of this.ackedAt) {
      const msgId = call.msgId
      if (nowMs - at < unansweredForMs || msgId === null) continue
      out.push(msgId)
      this.ackedAt.set(call, nowMs)
    }
    return out
  }

  /** Our msgs_state_req about `msgIds` was queued under session ref `ref`. */
  probeQueued(ref: number, msgIds: readonly bigint[]): void {
    this.probesByRef.set(ref, msgIds)
  }

  /** A new session: refs and probes of the old one mean nothing now. */
  sessionDropped(): void {
    this.byRef.clear()
    this.inSessionQueue.clear()
    this.probesByRef.clear()
    this.probes.clear()
  }

  /** What the pure router needs to know of these calls and `session`. */
  routeContext(session: ClientSession, nowMs: number): RouteContext<RpcCall> {
    return {
      callOf: (msgId) => this.byMsgId.get(msgId),
      lastMsgIdOf: (call) => call.msgId,
      methodOf: (call) => call.method,
      probeOf: (reqMsgId) => {
        const asked = this.probes.get(reqMsgId)
        this.probes.delete(reqMsgId)
        return asked
      },
      received: (msgId) => session.hasReceived(msgId),
      sessionId: session.sessionId,
      timeOffsetMs: session.timeOffsetMs,
      nowMs,
    }
  }
}
