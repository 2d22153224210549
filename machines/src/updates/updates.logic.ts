// The bookkeeping of one account's update boxes (https://core.telegram.org/api/updates): the common
// box (pts, qts, seq, date) and one pts per channel, what an incoming update does to them (apply,
// drop as a duplicate, hold until a gap fills), and what a difference does. Pure functions over
// plain data: the machine calls them, the engine turns TL into items and back.

/** The common box's position, as in updates.state. */
export interface CommonState {
  readonly pts: number
  readonly qts: number
  readonly seq: number
  /** Unix seconds. */
  readonly date: number
}

/**
 * One update as the machine sees it. `payload` is opaque (the engine's TL object).
 * - `pts`: counted in pts (updateNewMessage, updateNewChannelMessage, updateReadHistory… carry pts, pts_count);
 * - `qts`: counted in qts (updateNewEncryptedMessage, updateBotStopped…);
 * - `plain`: no position of its own (updateUserStatus …): applied when its envelope is;
 * - `channelTooLong`: updateChannelTooLong: the channel's box must be fetched.
 */
export type UpdateItem =
  | { readonly kind: 'pts'; readonly channelId: bigint | null; readonly pts: number; readonly ptsCount: number; readonly payload: unknown }
  | { readonly kind: 'qts'; readonly qts: number; readonly payload: unknown }
  | { readonly kind: 'plain'; readonly payload: unknown }
  | { readonly kind: 'channelTooLong'; readonly channelId: bigint; readonly pts: number | null }

/**
 * One Updates object (a push, or the `updates` inside an RPC result): its items and its seq.
 * `seq` 0 means "not in the seq sequence" (updateShort*, and `updates` that only carry pts updates).
 */
export interface UpdatesEnvelope {
  readonly items: readonly UpdateItem[]
  readonly seqStart: number
  readonly seq: number
  readonly date: number
}

/** Where a delivered item sits: committing this position covers it. */
export type BoxPosition =
  | { readonly box: 'common'; readonly state: CommonState }
  | { readonly box: 'channel'; readonly channelId: bigint; readonly pts: number }

/** One update handed to the engine for delivery, in its box's order. */
export interface DeliveredItem {
  readonly payload: unknown
  readonly position: BoxPosition
}

/** A channel's box. */
export interface ChannelBox {
  readonly pts: number
  /** Items ahead of pts, waiting for the gap to fill (sorted by pts). */
  readonly held: readonly HeldItem[]
  /** Fetch the difference even with nothing held (updateChannelTooLong, a restart, a partial difference). */
  readonly mustFetch: boolean
  /** getChannelDifference is in flight. */
  readonly fetching: boolean
}

/** An item waiting for its gap, with the envelope's date. */
export interface HeldItem {
  readonly item: Extract<UpdateItem, { kind: 'pts' | 'qts' }>
  readonly date: number
}

/** updates.getDifference, as the machine sees it. Items of new messages come first, then other updates. */
export type DifferenceAnswer =
  | { readonly kind: 'empty'; readonly date: number; readonly seq: number }
  | { readonly kind: 'difference' | 'slice'; readonly items: readonly UpdateItem[]; readonly state: CommonState }
  | { readonly kind: 'tooLong'; readonly pts: number }

/** updates.getChannelDifference, as the machine sees it. */
export type ChannelDifferenceAnswer =
  | { readonly kind: 'empty'; readonly pts: number }
  | { readonly kind: 'difference'; readonly items: readonly UpdateItem[]; readonly pts: number; readonly final: boolean }
  /** The server no longer has the range: `items` are the channel's latest messages, pts restarts there. */
  | { readonly kind: 'tooLong'; readonly items: readonly UpdateItem[]; readonly pts: number }

/** Tunables (engine options pass them as machine input). */
export interface UpdatesTiming {
  /** How long a gap may stay open before getDifference (TDLib 0.7 s, grammers/Telethon 0.5 s). */
  readonly gapTimeoutMs: number
  /**
   * A connection down at least this long resynchronises with getDifference when it is back. 0
   * (the default, as TDLib does): every reconnect, since any outage can lose pushes and a quiet
   * account would otherwise find out only at the next idle difference.
   */
  readonly resyncAfterDownMs: number
  /**
   * While synced, getDifference (and every channel's) this often: a lost push that no later
   * update follows leaves no gap to see (core.telegram.org/api/updates suggests ~15 minutes).
   */
  readonly idleDifferenceMs: number
}

/** Defaults: see UpdatesTiming. */
export const DEFAULT_UPDATES_TIMING: UpdatesTiming = { gapTimeoutMs: 500, resyncAfterDownMs: 0, idleDifferenceMs: 15 * 60_000 }
/** Held items beyond this: stop waiting, fetch the difference now (a flood of gaps is not a gap). */
export const MAX_HELD_ITEMS = 1_000
/** getDifference / getChannelDifference retry delays after a failure (then the last repeats). */
export const DIFFERENCE_RETRY_MS: readonly number[] = [1_000, 2_000, 5_000, 10_000]
/** getChannelDifference errors after which the account no longer follows the channel. */
export const CHANNEL_LOST_ERRORS: ReadonlySet<string> = new Set([
  'CHANNEL_PRIVATE',
  'CHANNEL_INVALID',
  'CHANNEL_PUBLIC_GROUP_NA',
  'USER_BANNED_IN_CHANNEL',
])

export interface UpdatesInput {
  readonly accountId: string
  readonly timing?: Partial<UpdatesTiming>
}

export interface UpdatesContext {
  readonly accountId: string
  readonly timing: UpdatesTiming
  /** null until getState answered or the store gave it. */
  readonly common: CommonState | null
  /** Common-box items ahead of pts/qts, waiting for their gap. */
  readonly held: readonly HeldItem[]
  /** Envelopes whose seq_start is ahead of seq, or that arrived before the state was known. */
  readonly heldEnvelopes: readonly UpdatesEnvelope[]
  /** By channel id in decimal. */
  readonly channels: Readonly<Record<string, ChannelBox>>
  /** When the home connection went down (event time), or null. */
  readonly downSinceMs: number | null
  /** Consecutive failed getState/getDifference calls. */
  readonly failures: number
}

/** What the store holds for an account (or nothing yet). */
export interface StoredUpdateState {
  readonly common: CommonState | null
  readonly channels: readonly { readonly channelId: bigint; readonly pts: number }[]
}

/** Channel boxes from the dialogs (fresh state): a box an update already started is kept. */
export function seedChannels(context: UpdatesContext, channels: readonly { readonly channelId: bigint; readonly pts: number }[]): UpdatesContext {
  if (channels.length === 0) return context
  const next: Record<string, ChannelBox> = { ...context.channels }
  for (const c of channels) next[key(c.channelId)] ??= { pts: c.pts, held: [], mustFetch: false, fetching: false }
  return { ...context, channels: next }
}

/** The stored state taken over at start: every stored channel needs a difference. */
export function fromStore(context: UpdatesContext, stored: StoredUpdateState): UpdatesContext {
  const channels: Record<string, ChannelBox> = {}
  for (const c of stored.channels) channels[key(c.channelId)] = { pts: c.pts, held: [], mustFetch: true, fetching: false }
  return { ...context, common: stored.common, channels }
}

export function initialUpdatesContext(input: UpdatesInput): UpdatesContext {
  return {
    accountId: input.accountId,
    timing: { ...DEFAULT_UPDATES_TIMING, ...input.timing },
    common: null,
    held: [],
    heldEnvelopes: [],
    channels: {},
    downSinceMs: null,
    failures: 0,
  }
}

/** What applying something produced: the next context and the items to deliver, in order. */
export interface Applied {
  readonly context: UpdatesContext
  readonly delivered: readonly DeliveredItem[]
  /** Channels whose box restarted without the missed range (channelDifferenceTooLong). */
  readonly lostChannels?: readonly bigint[]
  /** A channel whose difference is not final: fetch its next part now. */
  readonly refetch?: { readonly channelId: bigint; readonly pts: number }
  /**
   * Positions reached after the delivered items (a difference's state): committed once those
   * items are handled. NB: the items of a difference carry the position *before* it, so a commit
   * can never pass a difference that is only partly handled.
   */
  readonly marks?: readonly BoxPosition[]
}

/** How an item compares with its box: apply it now, drop it (already applied), or hold it (a gap). */
export type Verdict = 'apply' | 'duplicate' | 'gap'

/** https://core.telegram.org/api/updates#update-handling: local + count vs the update's own. */
export function judge(local: number, count: number, remote: number): Verdict {
  if (local + count === remote) return 'apply'
  return local + count > remote ? 'duplicate' : 'gap'
}

export function retryDelayMs(failures: number): number {
  return DIFFERENCE_RETRY_MS[Math.min(failures, DIFFERENCE_RETRY_MS.length) - 1] ?? DIFFERENCE_RETRY_MS[0] ?? 1_000
}

const key = (channelId: bigint): string => channelId.toString()

/** A working copy of the context that one event's processing mutates, then freezes back. */
class Draft {
  common: CommonState | null
  held: HeldItem[]
  heldEnvelopes: UpdatesEnvelope[]
  channels: Record<string, ChannelBox> | null = null
  readonly delivered: DeliveredItem[] = []
  lostChannels: bigint[] | undefined
  readonly marks: BoxPosition[] = []

  constructor(readonly base: UpdatesContext) {
    this.common = base.common
    this.held = base.held as HeldItem[]
    this.heldEnvelopes = base.heldEnvelopes as UpdatesEnvelope[]
  }

  channel(id: bigint): ChannelBox | undefined {
    return (this.channels ?? this.base.channels)[key(id)]
  }

  setChannel(id: bigint, box: ChannelBox | undefined): void {
    this.channels ??= { ...this.base.channels }
    if (box === undefined) delete this.channels[key(id)]
    else this.channels[key(id)] = box
  }

  done(): Applied {
    const context: UpdatesContext = {
      ...this.base,
      common: this.common,
      held: this.held,
      heldEnvelopes: this.heldEnvelopes,
      channels: this.channels ?? this.base.channels,
    }
    return {
      context,
      delivered: this.delivered,
      ...(this.lostChannels === undefined ? {} : { lostChannels: this.lostChannels }),
      ...(this.marks.length === 0 ? {} : { marks: this.marks }),
    }
  }

  deliverCommon(payload: unknown): void {
    this.delivered.push({ payload, position: { box: 'common', state: this.common as CommonState } })
  }

  /**
   * One item against its box. Common-box items need `common` (callers check). `date` is the
   * envelope's: the common date moves with what is applied.
   */
  offer(item: UpdateItem, date: number): void {
    switch (item.kind) {
      case 'plain':
        this.deliverCommon(item.payload)
        return
      case 'channelTooLong': {
        const box = this.channel(item.channelId)
        // NB: a channel we have no pts for starts from the one given; without one, nothing to fetch from.
        if (box === undefined) {
          if (item.pts !== null) this.setChannel(item.channelId, { pts: item.pts, held: [], mustFetch: true, fetching: false })
          return
        }
        if (item.pts !== null && item.pts <= box.pts) return
        this.setChannel(item.channelId, { ...box, mustFetch: true })
        return
      }
      case 'qts': {
        const c = this.common as CommonState
        const v = judge(c.qts, 1, item.qts)
        if (v === 'apply') {
          this.common = { ...c, qts: item.qts, date: Math.max(c.date, date) }
          this.deliverCommon(item.payload)
        } else if (v === 'gap') this.hold(item, date)
        return
      }
      case 'pts': {
        if (item.channelId !== null) return this.offerChannel(item, item.channelId)
        const c = this.common as CommonState
        const v = judge(c.pts, item.ptsCount, item.pts)
        if (v === 'apply') {
          this.common = { ...c, pts: item.pts, date: Math.max(c.date, date) }
          this.deliverCommon(item.payload)
        } else if (v === 'gap') this.hold(item, date)
        return
      }
    }
  }

  private hold(item: HeldItem['item'], date: number): void {
    const pos = (h: HeldItem['item']) => (h.kind === 'pts' ? h.pts : h.qts)
    if (this.held.some((h) => h.item.kind === item.kind && pos(h.item) === pos(item))) return
    this.held = [...this.held, { item, date }].sort((a, b) => pos(a.item) - pos(b.item))
  }

  private offerChannel(item: Extract<UpdateItem, { kind: 'pts' }>, channelId: bigint): void {
    const box = this.channel(channelId)
    if (box === undefined) {
      // A channel seen for the first time: its box starts just before this update.
      this.setChannel(channelId, { pts: item.pts, held: [], mustFetch: false, fetching: false })
      this.delivered.push({ payload: item.payload, position: { box: 'channel', channelId, pts: item.pts } })
      return
    }
    if (box.fetching) {
      // The difference in flight will bring it or is older than it: keep it for after.
      this.setChannel(channelId, holdIn(box, item))
      return
    }
    const v = judge(box.pts, item.ptsCount, item.pts)
    if (v === 'duplicate') return
    if (v === 'gap') {
      this.setChannel(channelId, holdIn(box, item))
      return
    }
    this.delivered.push({ payload: item.payload, position: { box: 'channel', channelId, pts: item.pts } })
    this.setChannel(channelId, this.drainChannel(channelId, { ...box, pts: item.pts }))
  }

  /** Applies a channel's held items that are now in order (drops the ones now behind). */
  drainChannel(channelId: bigint, box: ChannelBox): ChannelBox {
    let pts = box.pts
    const rest: HeldItem[] = []
    for (const h of box.held) {
      const it = h.item as Extract<UpdateItem, { kind: 'pts' }>
      const v = judge(pts, it.ptsCount, it.pts)
      if (v === 'apply') {
        pts = it.pts
        this.delivered.push({ payload: it.payload, position: { box: 'channel', channelId, pts } })
      } else if (v === 'gap') rest.push(h)
    }
    return { ...box, pts, held: rest }
  }

  /** Re-offers the common box's held items in order until none applies. */
  drainCommon(): void {
    for (let progress = true; progress && this.held.length > 0; ) {
      progress = false
      const held = this.held
      this.held = []
      for (const h of held) {
        const before = this.delivered.length
        this.offer(h.item, h.date)
        if (this.delivered.length > before) progress = true
      }
    }
  }

  /**
   * One envelope (https://core.telegram.org/api/updates#updates-sequence): its seq first — ahead
   * of ours it waits whole, behind ours it was applied already — then every item against its box.
   */
  envelope(env: UpdatesEnvelope): void {
    if (env.seq !== 0) {
      const c = this.common as CommonState
      const start = env.seqStart !== 0 ? env.seqStart : env.seq
      const v = judge(c.seq, 1, start)
      if (v === 'duplicate') return
      if (v === 'gap') {
        this.heldEnvelopes = [...this.heldEnvelopes, env]
        return
      }
    }
    for (const item of env.items) this.offer(item, env.date)
    if (env.seq !== 0) {
      const c = this.common as CommonState
      this.common = { ...c, seq: env.seq, date: Math.max(c.date, env.date) }
    }
    this.drainCommon()
  }

  /** Held envelopes whose seq is now next, applied in seq order (others stay held or drop). */
  drainEnvelopes(): void {
    for (let progress = true; progress && this.heldEnvelopes.length > 0; ) {
      progress = false
      const waiting = [...this.heldEnvelopes].sort((a, b) => (a.seqStart || a.seq) - (b.seqStart || b.seq))
      this.heldEnvelopes = []
      for (const env of waiting) {
        const seqBefore = (this.common as CommonState).seq
        const heldBefore = this.heldEnvelopes.length
        this.envelope(env)
        if ((this.common as CommonState).seq !== seqBefore || this.heldEnvelopes.length === heldBefore) progress = true
      }
    }
  }
}

function holdIn(box: ChannelBox, item: Extract<UpdateItem, { kind: 'pts' }>): ChannelBox {
  if (box.held.some((h) => (h.item as typeof item).pts === item.pts)) return box
  const held = [...box.held, { item, date: 0 }].sort((a, b) => (a.item as typeof item).pts - (b.item as typeof item).pts)
  return { ...box, held }
}

/** Envelopes, in arrival order, while the common state is known (synced, gap). */
export function acceptEnvelope(context: UpdatesContext, envs: readonly UpdatesEnvelope[]): Applied {
  const d = new Draft(context)
  for (const env of envs) {
    d.envelope(env)
    if (d.heldEnvelopes.length > 0) d.drainEnvelopes()
  }
  return d.done()
}

/**
 * An envelope while getDifference is in flight: channel items go to their boxes as usual; common
 * items and seq wait (the difference covers them or they apply after it).
 */
export function acceptDuringDifference(context: UpdatesContext, envs: readonly UpdatesEnvelope[]): Applied {
  const d = new Draft(context)
  for (const env of envs) {
    const common: UpdateItem[] = []
    for (const item of env.items) {
      const isChannel = (item.kind === 'pts' || item.kind === 'channelTooLong') && item.channelId !== null
      if (isChannel) d.offer(item, env.date)
      else common.push(item)
    }
    if (common.length > 0 || env.seq !== 0) d.heldEnvelopes = [...d.heldEnvelopes, { ...env, items: common }]
  }
  return d.done()
}

/** Envelopes kept while the state was unknown or a difference ran, replayed against the state now known. */
export function replayHeld(context: UpdatesContext): Applied {
  const d = new Draft(context)
  const waiting = d.heldEnvelopes
  d.heldEnvelopes = []
  // NB: seq-less envelopes first in arrival order; seq-bearing ones by seq (drainEnvelopes).
  for (const env of waiting) {
    if (env.seq === 0) d.envelope(env)
    else d.heldEnvelopes.push(env)
  }
  d.drainEnvelopes()
  d.drainCommon()
  return d.done()
}

/**
 * A getDifference answer: its items are applied whatever their pts (the server says they are
 * what we missed), all at the answer's state; channel items go to their boxes; items held for
 * the common box that the new state covers are dropped.
 */
export function acceptDifference(context: UpdatesContext, answer: DifferenceAnswer): Applied {
  const d = new Draft(context)
  const c = context.common as CommonState
  switch (answer.kind) {
    case 'empty':
      d.common = { ...c, date: answer.date, seq: answer.seq }
      break
    case 'tooLong':
      // NB: what happened between is gone for good; the engine tells the handlers (a lost range).
      d.common = { ...c, pts: answer.pts }
      break
    case 'difference':
    case 'slice':
      for (const item of answer.items) {
        if (item.kind === 'channelTooLong' || (item.kind === 'pts' && item.channelId !== null)) d.offer(item, answer.state.date)
        else d.deliverCommon(item.payload)
      }
      d.common = answer.state
      break
  }
  d.marks.push({ box: 'common', state: d.common as CommonState })
  const now = d.common as CommonState
  d.held = d.held.filter((h) => (h.item.kind === 'pts' ? h.item.pts > now.pts : h.item.qts > now.qts))
  return d.done()
}

/** A getChannelDifference answer for `channelId`. */
export function acceptChannelDifference(context: UpdatesContext, channelId: bigint, answer: ChannelDifferenceAnswer): Applied {
  const d = new Draft(context)
  const box = d.channel(channelId)
  if (box === undefined) return d.done()
  // NB: items carry the box's pts before the answer; the answer's pts is a mark after them.
  const before: BoxPosition = { box: 'channel', channelId, pts: box.pts }
  const mark = (pts: number) => d.marks.push({ box: 'channel', channelId, pts })
  switch (answer.kind) {
    case 'empty': {
      const held = box.held.filter((h) => (h.item as { pts: number }).pts > answer.pts)
      mark(Math.max(box.pts, answer.pts))
      d.setChannel(channelId, d.drainChannel(channelId, { pts: Math.max(box.pts, answer.pts), held, mustFetch: false, fetching: false }))
      break
    }
    case 'difference': {
      for (const item of answer.items) if (item.kind !== 'channelTooLong') d.delivered.push({ payload: item.payload, position: before })
      mark(answer.pts)
      const held = box.held.filter((h) => (h.item as { pts: number }).pts > answer.pts)
      if (!answer.final) {
        // NB: more remain: the next part is fetched at once, the box stays fetching.
        d.setChannel(channelId, { pts: answer.pts, held, mustFetch: false, fetching: true })
        return { ...d.done(), refetch: { channelId, pts: answer.pts } }
      }
      d.setChannel(channelId, d.drainChannel(channelId, { pts: answer.pts, held, mustFetch: false, fetching: false }))
      break
    }
    case 'tooLong': {
      for (const item of answer.items) if (item.kind !== 'channelTooLong') d.delivered.push({ payload: item.payload, position: before })
      mark(answer.pts)
      d.lostChannels = [channelId]
      const held = box.held.filter((h) => (h.item as { pts: number }).pts > answer.pts)
      d.setChannel(channelId, d.drainChannel(channelId, { pts: answer.pts, held, mustFetch: false, fetching: false }))
      break
    }
  }
  return d.done()
}

/** Channels with an open gap and no fetch in flight, marked as fetching; their ids and pts. */
export function startChannelFetches(context: UpdatesContext): { context: UpdatesContext; fetches: { channelId: bigint; pts: number }[] } {
  const fetches: { channelId: bigint; pts: number }[] = []
  let channels: Record<string, ChannelBox> | null = null
  for (const [k, box] of Object.entries(context.channels)) {
    if (!channelWantsFetch(box)) continue
    channels ??= { ...context.channels }
    channels[k] = { ...box, fetching: true }
    fetches.push({ channelId: BigInt(k), pts: box.pts })
  }
  return { context: channels === null ? context : { ...context, channels }, fetches }
}

/** A failed getChannelDifference: a lost channel is forgotten, any other failure reopens the gap. */
export function channelFetchFailed(context: UpdatesContext, channelId: bigint, errorMessage: string): UpdatesContext {
  const box = context.channels[key(channelId)]
  if (box === undefined) return context
  const channels = { ...context.channels }
  if (CHANNEL_LOST_ERRORS.has(errorMessage)) delete channels[key(channelId)]
  else channels[key(channelId)] = { ...box, fetching: false, mustFetch: true }
  return { ...context, channels }
}

/** Every stored channel box needs a difference (after a restart or a long outage). */
export function reopenChannels(context: UpdatesContext): UpdatesContext {
  const entries = Object.entries(context.channels)
  if (entries.length === 0) return context
  return { ...context, channels: Object.fromEntries(entries.map(([k, b]) => [k, { ...b, mustFetch: true }])) }
}

export const hasCommonGap = (c: UpdatesContext): boolean => c.held.length > 0 || c.heldEnvelopes.length > 0
/** A channel box with a gap (held items or a forced fetch) and no fetch in flight. */
export const channelWantsFetch = (b: ChannelBox): boolean => !b.fetching && (b.mustFetch || b.held.length > 0)
export const hasChannelGap = (c: UpdatesContext): boolean => Object.values(c.channels).some(channelWantsFetch)
export const tooManyHeld = (c: UpdatesContext): boolean =>
  c.held.length + c.heldEnvelopes.length > MAX_HELD_ITEMS
