// Duplicate / replay detection for msg_ids received from the other side: the last N ids plus a
// floor below which everything is rejected. Knows nothing of time windows or parity.
// https://core.telegram.org/mtproto/security_guidelines#checking-msg-id

/** How many received msg_ids are remembered per session by default. */
export const DEFAULT_REPLAY_WINDOW_SIZE = 1000

/** Whether a received msg_id may be processed. */
export type ReplayCheck =
  | { readonly kind: 'ok' }
  | { readonly kind: 'duplicate'; readonly msgId: bigint }
  | { readonly kind: 'below-window'; readonly msgId: bigint; readonly floor: bigint }

/**
 * Keeps the `size` highest msg_ids seen. An id equal to a stored one is a duplicate; an id not
 * above the highest id ever evicted (the floor) cannot be told apart from a replay and is rejected.
 */
export class ReplayWindow {
  private readonly ids: bigint[] = [] // ascending
  private floorId: bigint | null = null
  readonly size: number

  constructor(size = DEFAULT_REPLAY_WINDOW_SIZE) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`replay window size must be >= 1, got ${size}`)
    this.size = size
  }

  /** Checks without recording. */
  check(msgId: bigint): ReplayCheck {
    if (this.floorId !== null && msgId <= this.floorId) return { kind: 'below-window', msgId, floor: this.floorId }
    const i = this.lowerBound(msgId)
    if (this.ids[i] === msgId) return { kind: 'duplicate', msgId }
    return { kind: 'ok' }
  }

  /** Records an id that passed `check` (and every other receive check). */
  add(msgId: bigint): void {
    const i = this.lowerBound(msgId)
    if (this.ids[i] === msgId) return
    this.ids.splice(i, 0, msgId)
    if (this.ids.length > this.size) this.floorId = this.ids.shift() as bigint
  }

  /** The highest id recorded, or null before the first. */
  get highest(): bigint | null {
    return this.ids[this.ids.length - 1] ?? null
  }

  /** Ids currently remembered. */
  get count(): number {
    return this.ids.length
  }

  private lowerBound(msgId: bigint): number {
    let lo = 0
    let hi = this.ids.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.ids[mid] as bigint) < msgId) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
