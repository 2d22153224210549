// Acknowledgement bookkeeping for received content-related messages: which msg_ids still owe a
// msgs_ack. Knows nothing of timers; the runtime decides when to flush.
// https://core.telegram.org/mtproto/service_messages_about_messages#acknowledgment-of-receipt

/** msgs_ack carries at most this many ids. */
export const MAX_ACK_IDS = 8192
/** Beyond this many pending acks a stand-alone msgs_ack should be sent ("say, over 16"). */
export const ACK_STANDALONE_THRESHOLD = 16

/**
 * msg_ids owed an acknowledgement, in arrival order, without duplicates.
 * NB: only content-related messages (odd seqno) belong here; acking anything else is harmless
 * but wasteful, and a container itself is never content-related.
 */
export class AckQueue {
  private readonly pending = new Set<bigint>()

  /** Remembers an id that needs an ack. Returns false when it was already pending. */
  add(msgId: bigint): boolean {
    if (this.pending.has(msgId)) return false
    this.pending.add(msgId)
    return true
  }

  /** True while an ack for `msgId` is owed. */
  has(msgId: bigint): boolean {
    return this.pending.has(msgId)
  }

  /** Takes up to `max` of the oldest pending ids out of the queue (for one msgs_ack). */
  take(max = MAX_ACK_IDS): bigint[] {
    const out: bigint[] = []
    for (const id of this.pending) {
      if (out.length >= max) break
      out.push(id)
    }
    for (const id of out) this.pending.delete(id)
    return out
  }

  /** Puts ids back (the packet that carried their ack was never sent). */
  restore(msgIds: readonly bigint[]): void {
    for (const id of msgIds) this.pending.add(id)
  }

  /** Pending ids. */
  get size(): number {
    return this.pending.size
  }

  /** True once enough acks piled up to send them on their own. */
  get shouldFlush(): boolean {
    return this.pending.size > ACK_STANDALONE_THRESHOLD
  }
}
