// At-least-once delivery of updates to handlers. The updates machine hands over items in each
// box's order; here they run through one lane per chat (strictly in order inside a chat, chats
// side by side, under a per-account and a global concurrency limit), and a box's position is
// committed to the store only once every item up to it has been handled — so a crash between a
// handler's side effect and the commit replays the update, never loses it. A handler that keeps
// throwing is retried with backoff and then parked as a dead letter, in the same transaction as
// the position that passes it.
import type { BoxPosition, CommonState, DeliveredItem } from '@mtswarm/machines'
import type { ChannelPtsRecord, DeadLetterRecord, SessionStore, UpdatesCommit } from '@mtswarm/storage'
import { serializeObject, type TlObject, type tl } from '../tl/index.js'
import { chatOf, updateIdOf } from './normalize.js'

/** One update as a handler gets it. */
export interface DeliveredUpdate {
  /**
   * Stable across redeliveries (a push and the difference that repeats it give the same id for a
   * message): `account/chat/msgN` for messages, else `account/box position/constructor`.
   */
  readonly id: string
  readonly accountId: string
  /** 'user:ID', 'chat:ID', 'channel:ID', or 'account' for updates of no chat. */
  readonly chat: string
  /** The TL update; updateShortMessage and updateShortChatMessage arrive widened to updateNewMessage. */
  readonly update: tl.TypeUpdate | tl.RawUpdateShortSentMessage
  /** 1 on the first try, more on retries and dead-letter replays. */
  readonly attempt: number
}

/**
 * Handles one update. The update counts as handled when the returned promise resolves; a throw
 * or a rejection is retried with backoff, then the update is parked as a dead letter.
 */
export type UpdateHandler = (update: DeliveredUpdate) => void | Promise<void>

/** Delivery tunables (engine option `updates`). */
export interface DeliveryOptions {
  /** Handlers running at once in the whole engine. */
  readonly concurrency: number
  /** Handlers running at once per account (each chat runs one update at a time). */
  readonly perAccountConcurrency: number
  /** Delays between tries of a failing handler; after the last, the update is a dead letter. */
  readonly retryDelaysMs: readonly number[]
}

export const DEFAULT_DELIVERY: DeliveryOptions = { concurrency: 256, perAccountConcurrency: 16, retryDelaysMs: [100, 1_000, 5_000] }

/** How long stop() waits for running handlers before it leaves them (their updates stay uncommitted). */
export const STOP_WAIT_MS = 10_000

/** Entries a lane runs before it lets the other ready lanes in. */
const LANE_BURST = 64

/** Longest error text kept with a dead letter. */
export const MAX_DEAD_LETTER_ERROR = 2_000

interface Entry {
  readonly item: DeliveredItem
  readonly id: string
  readonly chat: string
  done: boolean
  attempts: number
  /** Handlers still to succeed (undefined: not started). */
  remaining: UpdateHandler[] | undefined
}

interface Lane {
  readonly account: AccountDelivery
  readonly queue: Entry[]
  busy: boolean
  ready: boolean
}

/** What the engine hands the pipeline: the store, a clock, a write tracker, a warning sink. */
export interface DeliveryHost {
  readonly store: SessionStore
  nowMs(): number
  /** Keeps a background write until stop() flushes. */
  track(write: Promise<unknown>): void
  warn(accountId: string, message: string): void
  setTimeout(fn: () => void, ms: number): unknown
}

/** The engine-wide part: fleet handlers, the global limit, the queue of lanes waiting for it. */
export class UpdateDelivery {
  private readonly handlers = new Set<UpdateHandler>()
  private readonly readyLanes: Lane[] = []
  private running = 0
  private pumping = false
  private pumpAgain = false
  /** Updates handed to handlers (first tries and retries), dead letters parked. */
  readonly counters = { handled: 0, retries: 0, deadLetters: 0, committed: 0 }

  constructor(
    readonly options: DeliveryOptions,
    readonly host: DeliveryHost,
  ) {}

  /** Registers a handler for every account's updates; returns its unregister function. */
  onUpdate(handler: UpdateHandler): () => void {
    this.handlers.add(handler)
    return () => void this.handlers.delete(handler)
  }

  /** The per-account part for `accountId`. */
  account(accountId: string): AccountDelivery {
    return new AccountDelivery(accountId, this)
  }

  /** @internal Handlers of the fleet, then the account's. */
  handlersFor(account: AccountDelivery): UpdateHandler[] {
    return this.handlers.size === 0 ? [...account.handlers] : [...this.handlers, ...account.handlers]
  }

  /** @internal */
  offer(lane: Lane): void {
    if (lane.ready || lane.busy || lane.queue.length === 0) return
    lane.ready = true
    this.readyLanes.push(lane)
    this.pump()
  }

  /** @internal Starts ready lanes while the limits allow (re-entrant calls fold into the running loop). */
  pump(): void {
    if (this.pumping) {
      this.pumpAgain = true
      return
    }
    this.pumping = true
    try {
      do {
        this.pumpAgain = false
        let skipped = 0
        while (this.running < this.options.concurrency && this.readyLanes.length > skipped) {
          const lane = this.readyLanes.shift() as Lane
          if (lane.account.running >= this.options.perAccountConcurrency) {
            this.readyLanes.push(lane)
            skipped++
            continue
          }
          lane.ready = false
          if (lane.busy || lane.queue.length === 0 || lane.account.stopped) continue
          this.running++
          lane.account.running++
          lane.busy = true
          lane.account.runLane(lane, () => {
            this.running--
            lane.account.running--
            lane.busy = false
            this.offer(lane)
            this.pump()
          })
        }
      } while (this.pumpAgain)
    } finally {
      this.pumping = false
    }
  }
}

/** One account's lanes, boxes and commits. */
export class AccountDelivery {
  /** @internal */
  readonly handlers = new Set<UpdateHandler>()
  /** @internal */
  running = 0
  /** @internal */
  stopped = false
  private readonly lanes = new Map<string, Lane>()
  /** Entries per box in box order: 'common' or a channel id. */
  private readonly boxes = new Map<string, Entry[]>()
  private commonToCommit: CommonState | null = null
  private readonly channelsToCommit = new Map<bigint, number>()
  private deadLetters: DeadLetterRecord[] = []
  private committing: Promise<void> | null = null
  private readonly idle: Array<() => void> = []

  /** @internal Use UpdateDelivery.account. */
  constructor(
    readonly accountId: string,
    private readonly fleet: UpdateDelivery,
  ) {}

  /** Registers a handler for this account's updates; returns its unregister function. */
  onUpdate(handler: UpdateHandler): () => void {
    this.handlers.add(handler)
    return () => void this.handlers.delete(handler)
  }

  /** Updates waiting or running. */
  get pending(): number {
    let n = 0
    for (const entries of this.boxes.values()) n += entries.length
    return n
  }

  /** Takes updates again after {@link AccountDelivery.stop} (the account logged in again). */
  resume(): void {
    this.stopped = false
  }

  /** Takes the machine's items, in box order. */
  enqueue(items: readonly DeliveredItem[]): void {
    if (this.stopped) return
    for (const item of items) {
      const chat = chatOf(item.payload)
      const entry: Entry = { item, id: updateIdOf(this.accountId, item.payload, positionKey(item.position)), chat, done: false, attempts: 0, remaining: undefined }
      const box = boxKey(item.position)
      let list = this.boxes.get(box)
      if (list === undefined) {
        list = []
        this.boxes.set(box, list)
      }
      list.push(entry)
      let lane = this.lanes.get(chat)
      if (lane === undefined) {
        lane = { account: this, queue: [], busy: false, ready: false }
        this.lanes.set(chat, lane)
      }
      lane.queue.push(entry)
      this.fleet.offer(lane)
    }
  }

  /** A position with nothing to hand to handlers (getState's answer): committed in its box's turn. */
  markPosition(position: BoxPosition): void {
    if (this.stopped) return
    const entry: Entry = { item: { payload: null, position }, id: '', chat: '', done: true, attempts: 0, remaining: undefined }
    const box = boxKey(position)
    const list = this.boxes.get(box)
    if (list === undefined) this.boxes.set(box, [entry])
    else list.push(entry)
    this.advance(box)
  }

  /**
   * @internal Runs a lane's entries one after another, then calls `done`. Handlers that return
   * without a promise cost no promise; a lane yields to the others after LANE_BURST entries.
   */
  runLane(lane: Lane, done: () => void): void {
    for (let n = 0; n < LANE_BURST && lane.queue.length > 0 && !this.stopped; n++) {
      const entry = lane.queue[0] as Entry
      const slow = this.tryHandlers(entry)
      if (slow !== null) {
        void slow.then((handled) => {
          if (handled) this.finish(lane, entry)
          this.runLane(lane, done)
        })
        return
      }
      this.finish(lane, entry)
    }
    done()
  }

  /** null when every handler returned (or resolved at once) without failing; else the rest of the work. */
  private tryHandlers(entry: Entry): Promise<boolean> | null {
    const handlers = (entry.remaining ??= this.fleet.handlersFor(this))
    if (handlers.length === 0) return null
    entry.attempts++
    this.fleet.counters.handled++
    const update = this.updateOf(entry)
    let pending: Array<{ handler: UpdateHandler; result: PromiseLike<unknown> }> | null = null
    let failed: UpdateHandler[] | null = null
    let firstError: unknown = null
    for (const h of handlers) {
      try {
        const r = h(update) as unknown
        if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') (pending ??= []).push({ handler: h, result: r as PromiseLike<unknown> })
      } catch (e) {
        ;(failed ??= []).push(h)
        firstError ??= e ?? new Error('handler threw')
      }
    }
    if (pending === null && failed === null) {
      entry.remaining = []
      return null
    }
    return this.settleSlow(entry, pending ?? [], failed ?? [], firstError)
  }

  /** Waits for the handlers' promises, then retries the failed ones with backoff; false when stopped first. */
  private async settleSlow(entry: Entry, pending: Array<{ handler: UpdateHandler; result: PromiseLike<unknown> }>, failedNow: UpdateHandler[], errorNow: unknown): Promise<boolean> {
    const failed = [...failedNow]
    let first = errorNow
    const results = await Promise.allSettled(pending.map((p) => p.result))
    results.forEach((r, i) => {
      if (r.status === 'rejected') {
        failed.push((pending[i] as { handler: UpdateHandler }).handler)
        first ??= r.reason ?? new Error('handler rejected')
      }
    })
    entry.remaining = failed
    const delays = this.fleet.options.retryDelaysMs
    while ((entry.remaining as UpdateHandler[]).length > 0) {
      if (this.stopped) return false // not handled: not committed, so replayed after a restart
      if (entry.attempts > delays.length) {
        this.park(entry, first)
        return true
      }
      this.fleet.counters.retries++
      await new Promise<void>((r) => this.fleet.host.setTimeout(r, delays[entry.attempts - 1] ?? 0))
      if (this.stopped) return false
      entry.attempts++
      this.fleet.counters.handled++
      const again = await Promise.allSettled((entry.remaining as UpdateHandler[]).map((h) => callHandler(h, this.updateOf(entry))))
      const still: UpdateHandler[] = []
      first = null
      again.forEach((r, i) => {
        if (r.status === 'rejected') {
          still.push((entry.remaining as UpdateHandler[])[i] as UpdateHandler)
          first ??= r.reason ?? new Error('handler rejected')
        }
      })
      entry.remaining = still
    }
    return true
  }

  private updateOf(entry: Entry): DeliveredUpdate {
    return { id: entry.id, accountId: this.accountId, chat: entry.chat, update: entry.item.payload as DeliveredUpdate['update'], attempt: entry.attempts }
  }

  private finish(lane: Lane, entry: Entry): void {
    lane.queue.shift()
    if (lane.queue.length === 0 && this.lanes.get(entry.chat) === lane) this.lanes.delete(entry.chat)
    entry.done = true
    this.advance(boxKey(entry.item.position))
  }

  private park(entry: Entry, error: unknown): void {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    this.deadLetters.push({
      accountId: this.accountId,
      id: entry.id,
      payload: serializeObject(entry.item.payload as TlObject),
      error: text.slice(0, MAX_DEAD_LETTER_ERROR),
      attempts: entry.attempts,
      parkedAtMs: this.fleet.host.nowMs(),
    })
    this.fleet.counters.deadLetters++
    this.fleet.host.warn(this.accountId, `update ${entry.id} parked as a dead letter after ${entry.attempts} tries: ${text.slice(0, 200)}`)
  }

  /** Moves a box's commit point over every handled entry at its head. */
  private advance(box: string): void {
    const list = this.boxes.get(box)
    if (list === undefined) return
    let last: Entry | undefined
    let n = 0
    while (n < list.length && (list[n] as Entry).done) last = list[n++]
    if (last === undefined) return
    list.splice(0, n)
    if (list.length === 0) this.boxes.delete(box)
    const p = last.item.position
    if (p.box === 'common') this.commonToCommit = p.state
    else this.channelsToCommit.set(p.channelId, p.pts)
    this.scheduleCommit()
    if (this.idle.length > 0 && this.pending === 0) for (const f of this.idle.splice(0)) f()
  }

  private scheduleCommit(): void {
    if (this.committing !== null) return
    // NB: one commit per account in flight; what arrives meanwhile rides the next one.
    const run = (async () => {
      await Promise.resolve()
      while (this.commonToCommit !== null || this.channelsToCommit.size > 0 || this.deadLetters.length > 0) {
        const commit = this.takeCommit()
        try {
          await this.fleet.host.store.commitUpdates(this.accountId, commit)
          this.fleet.counters.committed++
        } catch (e) {
          this.fleet.host.warn(this.accountId, `update state commit failed: ${String(e)}`)
          break
        }
      }
    })().finally(() => {
      this.committing = null
    })
    this.committing = run
    this.fleet.host.track(run)
  }

  private takeCommit(): UpdatesCommit {
    const now = this.fleet.host.nowMs()
    const common = this.commonToCommit
    const channels: ChannelPtsRecord[] = [...this.channelsToCommit].map(([channelId, pts]) => ({ accountId: this.accountId, channelId, pts, updatedAtMs: now }))
    const deadLetters = this.deadLetters
    this.commonToCommit = null
    this.channelsToCommit.clear()
    this.deadLetters = []
    return {
      ...(common === null ? {} : { common: { accountId: this.accountId, ...common, updatedAtMs: now } }),
      ...(channels.length === 0 ? {} : { channels }),
      ...(deadLetters.length === 0 ? {} : { deadLetters }),
    }
  }

  /** Resolves once nothing is waiting or running and the last commit is written. */
  async settled(): Promise<void> {
    if (this.pending > 0) await new Promise<void>((r) => this.idle.push(r))
    await this.committing
  }

  /**
   * Stops taking updates: running handlers finish (their updates commit), queued ones are left
   * uncommitted (a restart replays them). Resolves after the last commit.
   */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.running > 0) {
      // NB: a handler that never resolves must not hold the engine's stop forever: after
      // STOP_WAIT_MS its update is left uncommitted (a restart replays it).
      const until = this.fleet.host.nowMs() + STOP_WAIT_MS
      await new Promise<void>((r) => {
        const check = () => (this.running === 0 || this.fleet.host.nowMs() > until ? r() : this.fleet.host.setTimeout(check, 5))
        check()
      })
    }
    await this.committing
  }

  /** Runs the handlers for a replayed dead letter once; resolves when all succeeded. */
  async replay(id: string, update: DeliveredUpdate['update']): Promise<void> {
    const handlers = this.fleet.handlersFor(this)
    const u: DeliveredUpdate = { id, accountId: this.accountId, chat: chatOf(update), update, attempt: 1 }
    await Promise.all(handlers.map((h) => callHandler(h, u)))
  }
}

async function callHandler(h: UpdateHandler, u: DeliveredUpdate): Promise<void> {
  await h(u)
}

function boxKey(p: BoxPosition): string {
  return p.box === 'common' ? 'common' : p.channelId.toString()
}

function positionKey(p: BoxPosition): string {
  return p.box === 'common' ? `pts${p.state.pts}.qts${p.state.qts}.seq${p.state.seq}` : `channel:${p.channelId}/pts${p.pts}`
}
