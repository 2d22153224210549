// What this side sent and may still have to match or send again: RPC queries waiting for their
// rpc_result (msg_id → method name, to decode the result) and bodies kept for a resend after
// bad_server_salt, bad_msg_notification 16/17/32/33 or msg_resend_req. Knows nothing of timers,
// encryption or TL; bodies are opaque bytes.
// https://core.telegram.org/mtproto/service_messages_about_messages

/** One message as it went out. */
export interface SentMessage {
  readonly msgId: bigint
  readonly seqNo: number
  /** The serialized TL body, exactly as sent. */
  readonly body: Uint8Array
  /** Content-related (odd seqno): an RPC query or another message that asked for an ack. */
  readonly contentRelated: boolean
  /** TL method name when this is an RPC query, used to decode its rpc_result. */
  readonly method?: string
  /** The caller's handle for the request, kept across re-sends under new msg_ids. */
  readonly ref?: number
}

/**
 * The ledger of in-flight messages of one session.
 * NB: an RPC stays here until its rpc_result arrives (a msgs_ack does not settle it), so that it
 * can be re-sent if the server loses the session; everything else leaves on its ack.
 */
export class SentMessages {
  private readonly byId = new Map<bigint, SentMessage>()
  private readonly containers = new Map<bigint, bigint[]>()
  private readonly containerOf = new Map<bigint, bigint>()

  /** Records a message that was just sent (alone or inside a container). */
  record(message: SentMessage): void {
    this.byId.set(message.msgId, message)
  }

  /** Records that `containerMsgId` carried these (already recorded) messages. */
  recordContainer(containerMsgId: bigint, innerMsgIds: readonly bigint[]): void {
    this.containers.set(containerMsgId, [...innerMsgIds])
    for (const id of innerMsgIds) this.containerOf.set(id, containerMsgId)
  }

  /** True when `msgId` is a message or container sent by this side and not yet settled. */
  has(msgId: bigint): boolean {
    return this.byId.has(msgId) || this.containers.has(msgId)
  }

  /** The still-pending messages of a container we sent, or undefined when `msgId` is no container of ours. */
  membersOf(msgId: bigint): bigint[] | undefined {
    const inner = this.containers.get(msgId)
    return inner === undefined ? undefined : [...inner]
  }

  /** The message sent with this id, if still in flight. */
  get(msgId: bigint): SentMessage | undefined {
    return this.byId.get(msgId)
  }

  /** The RPC method awaiting a result under `reqMsgId`, without settling it. */
  methodOf(reqMsgId: bigint): string | undefined {
    return this.byId.get(reqMsgId)?.method
  }

  /** An rpc_result for `reqMsgId` arrived: returns the query and forgets it. */
  settle(reqMsgId: bigint): SentMessage | undefined {
    const message = this.byId.get(reqMsgId)
    if (message !== undefined) this.forget(reqMsgId)
    return message
  }

  /**
   * msgs_ack from the other side: forgets every acked message that is not an RPC query (those wait
   * for their result). Returns the ids of acked RPC queries (the RPC machine moves them to `acked`).
   */
  acknowledge(msgIds: readonly bigint[]): bigint[] {
    const rpcs: bigint[] = []
    for (const id of msgIds) {
      const message = this.byId.get(id)
      if (message === undefined) continue
      if (message.method !== undefined) rpcs.push(id)
      else this.forget(id)
    }
    return rpcs
  }

  /**
   * Removes and returns what was sent under `msgId` so it can go out again under new ids: the
   * message itself, or every still-pending message of a container. Empty when nothing is known
   * (the notification is then not about a message this side sent, and must be ignored).
   */
  takeForResend(msgId: bigint): SentMessage[] {
    const inner = this.containers.get(msgId)
    const ids = inner ?? [msgId]
    const out: SentMessage[] = []
    for (const id of ids) {
      const message = this.byId.get(id)
      if (message === undefined) continue
      out.push(message)
      this.forget(id)
    }
    this.containers.delete(msgId)
    return out
  }

  /** msg_ids in flight below `msgId`, oldest first (new_session_created.first_msg_id: these may be lost). */
  idsBefore(msgId: bigint): bigint[] {
    return [...this.byId.keys()].filter((id) => id < msgId).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /** Removes and returns everything in flight, oldest first (new session, reconnect). */
  takeAll(): SentMessage[] {
    const out = [...this.byId.values()].sort((a, b) => (a.msgId < b.msgId ? -1 : a.msgId > b.msgId ? 1 : 0))
    this.byId.clear()
    this.containers.clear()
    this.containerOf.clear()
    return out
  }

  /** Messages in flight. */
  get size(): number {
    return this.byId.size
  }

  private forget(msgId: bigint): void {
    this.byId.delete(msgId)
    const containerId = this.containerOf.get(msgId)
    if (containerId === undefined) return
    this.containerOf.delete(msgId)
    const siblings = this.containers.get(containerId)
    if (siblings === undefined) return
    const left = siblings.filter((id) => id !== msgId)
    if (left.length === 0) this.containers.delete(containerId)
    else this.containers.set(containerId, left)
  }
}
