// Message sequence numbers for one session and direction. Knows nothing of which constructors are
// content-related; the caller says so.
// https://core.telegram.org/mtproto/description#message-sequence-number-msg-seqno

/** True when the sender marked the message content-related (odd seqno): it must be acknowledged. */
export function isContentRelated(seqNo: number): boolean {
  return (seqNo & 1) === 1
}

/**
 * Counts content-related messages: a content-related message gets `2n + 1` and increments n, any
 * other message gets `2n`.
 */
export class SeqNoCounter {
  private contentRelatedCount: number

  constructor(contentRelatedCount = 0) {
    this.contentRelatedCount = contentRelatedCount
  }

  /** The seqno for the next message. */
  next(contentRelated: boolean): number {
    if (!contentRelated) return this.contentRelatedCount * 2
    const seqNo = this.contentRelatedCount * 2 + 1
    this.contentRelatedCount++
    return seqNo
  }

  /** Content-related messages numbered so far (persist it with the session). */
  get count(): number {
    return this.contentRelatedCount
  }
}
