// Per-user and per-channel update sequences of the world: pts/qts/seq counters, a bounded log
// of what happened (for getDifference), and the fan-out of deliveries to listeners.
// Knows nothing about sessions or TL: the server layer subscribes and pushes to sessions.
// https://core.telegram.org/api/updates
import type {
  BoxMessage,
  CallContext,
  ChannelMessage,
  UpdateBatchListener,
  UpdateDelivery,
  UpdateListener,
  UpdateState,
  WorldUpdate,
} from './types.js'

/** Default bound of each user's and channel's retained update log. */
export const MAX_UPDATE_LOG_ENTRIES = 1_000
/** Default cap of messages per getDifference answer (beyond it: a slice). */
export const DIFFERENCE_LIMIT = 100
/**
 * A new user's pts before any update. NB: not 0 — Telegram never reports pts 0, and mtcute treats
 * pts 0 as "no state yet" and refetches it, dropping any update that arrives meanwhile.
 */
export const INITIAL_USER_PTS = 1

interface UserLogEntry {
  readonly update: WorldUpdate
  readonly date: number
  /** The user's pts once this entry applied (unchanged for entries not counted in pts). */
  readonly ptsAfter: number
  readonly ptsBased: boolean
}

interface UserSequence {
  pts: number
  qts: number
  seq: number
  readonly log: UserLogEntry[]
  /** Highest pts among entries dropped from the log: a client below it must refetch all. */
  droppedUpToPts: number
}

interface ChannelSequence {
  readonly log: Array<{ readonly message: ChannelMessage; readonly pts: number }>
  droppedUpToPts: number
}

/** updates.getDifference, as world data. */
export type Difference =
  | { readonly kind: 'empty'; readonly date: number; readonly seq: number }
  | {
      /** `slice`: more remain; call again from `state`. */
      readonly kind: 'difference' | 'slice'
      readonly newMessages: readonly BoxMessage[]
      readonly otherUpdates: readonly WorldUpdate[]
      readonly state: UpdateState
    }
  /** The log no longer reaches back to the client's pts: it must refetch dialogs. */
  | { readonly kind: 'tooLong'; readonly pts: number }

/** updates.getChannelDifference, as world data. */
export type ChannelDifference =
  | { readonly kind: 'empty'; readonly pts: number }
  | {
      readonly kind: 'difference'
      readonly newMessages: readonly ChannelMessage[]
      readonly pts: number
      /** False when more remain past `pts`. */
      readonly final: boolean
    }
  | { readonly kind: 'tooLong'; readonly pts: number }

/**
 * Several deliveries to one user as one, in order: every update, the last date, and over those
 * that bumped seq, `seqStart`..`seq` when more than one did (updatesCombined), else that one seq.
 * https://core.telegram.org/api/updates#updates-sequence
 */
export function combineDeliveries(deliveries: readonly UpdateDelivery[]): UpdateDelivery {
  const first = deliveries[0]
  if (first === undefined) throw new RangeError('combineDeliveries needs at least one delivery') // programmer error
  if (deliveries.length === 1) return first
  const seqs = deliveries.map((d) => d.seq).filter((s) => s !== 0)
  return {
    userId: first.userId,
    updates: deliveries.flatMap((d) => d.updates),
    date: (deliveries[deliveries.length - 1] as UpdateDelivery).date,
    seq: seqs.at(-1) ?? 0,
    ...(seqs.length > 1 ? { seqStart: seqs[0] as number } : {}),
    origin: first.origin,
  }
}

export class UpdateHub {
  private readonly users = new Map<bigint, UserSequence>()
  private readonly channels = new Map<bigint, ChannelSequence>()
  private readonly listeners = new Set<UpdateListener>()
  private readonly batchListeners = new Set<UpdateBatchListener>()
  private readonly queue: UpdateDelivery[] = []
  private flushing = false

  constructor(
    private readonly nowSeconds: () => number,
    private readonly logLimit: number,
  ) {}

  /** Registers a listener; returns its unsubscribe function. */
  subscribe(listener: UpdateListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Registers a listener for whole flushes (after the per-delivery listeners); returns its unsubscribe. */
  subscribeBatches(listener: UpdateBatchListener): () => void {
    this.batchListeners.add(listener)
    return () => this.batchListeners.delete(listener)
  }

  state(userId: bigint): UpdateState {
    const u = this.user(userId)
    return { pts: u.pts, qts: u.qts, seq: u.seq, date: this.nowSeconds() }
  }

  /** Reserves the next pts of a user (pts_count 1). */
  nextPts(userId: bigint): number {
    return ++this.user(userId).pts
  }

  /**
   * Logs `updates` for `userId` and queues one delivery. Entries counted in pts must already
   * carry their pts from nextPts; anything else bumps the user's seq.
   */
  deliver(userId: bigint, updates: readonly WorldUpdate[], origin: CallContext | undefined): void {
    if (updates.length === 0) return
    const u = this.user(userId)
    const date = this.nowSeconds()
    let seqBump = false
    for (const update of updates) {
      if (update.kind === 'newChannelMessage' || update.kind === 'channelTooLong') continue // channel boxes log on their own
      const ptsBased = update.kind === 'newMessage'
      if (!ptsBased) seqBump = true
      u.log.push({ update, date, ptsAfter: ptsBased ? update.pts : u.pts, ptsBased })
    }
    while (u.log.length > this.logLimit) {
      const dropped = u.log.shift() as UserLogEntry
      u.droppedUpToPts = Math.max(u.droppedUpToPts, dropped.ptsAfter)
    }
    if (seqBump) u.seq++
    this.queue.push({ userId, updates, date, seq: seqBump ? u.seq : 0, origin })
  }

  /** Logs a new channel message under the channel's pts. */
  recordChannelMessage(message: ChannelMessage, pts: number): void {
    let c = this.channels.get(message.channelId)
    if (c === undefined) {
      c = { log: [], droppedUpToPts: 0 }
      this.channels.set(message.channelId, c)
    }
    c.log.push({ message, pts })
    while (c.log.length > this.logLimit) {
      const dropped = c.log.shift()
      if (dropped !== undefined) c.droppedUpToPts = Math.max(c.droppedUpToPts, dropped.pts)
    }
  }

  /**
   * Hands queued deliveries to listeners, in order. Deliveries queued by a listener (if it
   * calls back into the world) are drained in the same loop.
   * NB: a listener that throws does not stop the others; the first error is rethrown at the end.
   */
  flush(): void {
    if (this.flushing) return
    this.flushing = true
    let firstError: unknown
    let failed = false
    const call = (run: () => void): void => {
      try {
        run()
      } catch (e) {
        if (!failed) {
          failed = true
          firstError = e
        }
      }
    }
    const batch: UpdateDelivery[] = []
    try {
      for (let d = this.queue.shift(); d !== undefined; d = this.queue.shift()) {
        const delivery = d
        if (this.batchListeners.size > 0) batch.push(delivery)
        for (const listener of [...this.listeners]) call(() => listener(delivery))
      }
      if (batch.length > 0) for (const listener of [...this.batchListeners]) call(() => listener(batch))
    } finally {
      this.flushing = false
    }
    if (failed) throw firstError
  }

  /** https://core.telegram.org/api/updates#recovering-gaps */
  difference(
    userId: bigint,
    from: { pts: number; date: number; qts: number },
    limit = DIFFERENCE_LIMIT,
  ): Difference {
    const u = this.user(userId)
    if (from.pts > u.pts || from.pts < u.droppedUpToPts) return { kind: 'tooLong', pts: u.pts }
    const pending = u.log.filter(
      (e) => e.ptsAfter > from.pts || (!e.ptsBased && e.ptsAfter === from.pts && e.date >= from.date),
    )
    if (pending.length === 0) return { kind: 'empty', date: this.nowSeconds(), seq: u.seq }
    let taken = pending
    let sliced = false
    let ptsSeen = 0
    for (let i = 0; i < pending.length; i++) {
      if (pending[i]?.ptsBased && ++ptsSeen > limit) {
        taken = pending.slice(0, i)
        sliced = true
        break
      }
    }
    const newMessages: BoxMessage[] = []
    const otherUpdates: WorldUpdate[] = []
    for (const e of taken) {
      if (e.update.kind === 'newMessage') newMessages.push(e.update.message)
      else otherUpdates.push(e.update)
    }
    const last = taken[taken.length - 1] as UserLogEntry
    const state: UpdateState = sliced
      ? { pts: last.ptsAfter, qts: u.qts, seq: u.seq, date: last.date }
      : this.state(userId)
    return { kind: sliced ? 'slice' : 'difference', newMessages, otherUpdates, state }
  }

  /** https://core.telegram.org/api/updates#recovering-gaps (channels) */
  channelDifference(channelId: bigint, currentPts: number, fromPts: number, limit = DIFFERENCE_LIMIT): ChannelDifference {
    const c = this.channels.get(channelId)
    const droppedUpTo = c?.droppedUpToPts ?? 0
    if (fromPts > currentPts || fromPts < droppedUpTo) return { kind: 'tooLong', pts: currentPts }
    const pending = (c?.log ?? []).filter((e) => e.pts > fromPts)
    if (pending.length === 0) return { kind: 'empty', pts: currentPts }
    const taken = pending.slice(0, limit)
    const last = taken[taken.length - 1] as { pts: number }
    return {
      kind: 'difference',
      newMessages: taken.map((e) => e.message),
      pts: last.pts,
      final: taken.length === pending.length,
    }
  }

  /** Every logged entry of a user, oldest first (for invariant checks). */
  logOf(userId: bigint): readonly { update: WorldUpdate; ptsAfter: number; ptsBased: boolean }[] {
    return this.user(userId).log
  }

  private user(userId: bigint): UserSequence {
    let u = this.users.get(userId)
    if (u === undefined) {
      u = { pts: INITIAL_USER_PTS, qts: 0, seq: 0, log: [], droppedUpToPts: 0 }
      this.users.set(userId, u)
    }
    return u
  }
}
