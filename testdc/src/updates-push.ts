// Pushing the world's update deliveries to online sessions: the fan-out to every online session
// of the user, except the auth key that caused the change, through the update faults (drop,
// updatesTooLong, delay, reorder). What a delivery looks like in TL is the `updates` hook's
// (default `apiUpdatesHook`, the API's own converter); sessions encode at their layer.
// https://core.telegram.org/api/updates
import type { DcServer } from './dc-server.js'
import type { ServerContext } from './server-context.js'
import type { Session } from './session.js'
import type { TlValue } from './types.js'
import { combineDeliveries, type UpdateDelivery } from './world/index.js'

/** Longest a reorder fault holds a push back when no later push to its session comes (ms). */
export const UPDATE_REORDER_HOLD_MAX_MS = 1_000

/** https://core.telegram.org/constructor/updatesTooLong: "too many updates, call getDifference". */
const UPDATES_TOO_LONG: TlValue = { _: 'updatesTooLong' }

/** A session's pending pushes under the delay and reorder faults. */
interface Lane {
  /** Delayed pushes in send order; due times never decrease (delays never overtake each other). */
  readonly queue: Array<{ readonly dueMs: number; readonly obj: TlValue }>
  timer: NodeJS.Timeout | undefined
  /** A push the reorder fault holds until the session's next push has gone. */
  held: TlValue | undefined
}

/**
 * Sends world deliveries to sessions. One per test DC; `close()` cancels what is still held.
 * NB: a push decided on while its session was online is sent even if the session went offline
 * meanwhile: the session queues it for its next connection (as for an undelayed push).
 */
export class UpdatePusher {
  private readonly lanes = new WeakMap<Session, Lane>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private closed = false

  constructor(
    private readonly ctx: ServerContext,
    private readonly dcs: ReadonlyMap<number, DcServer>,
  ) {}

  /**
   * Sends one delivery to every online session of the user on every DC, except sessions of the
   * auth key that caused it (its caller gets the change in the RPC answer). Returns how many
   * sessions it was pushed (or held) for; dropped pushes are not counted.
   */
  push(delivery: UpdateDelivery): number {
    if (this.closed) return 0
    const { world, faults } = this.ctx
    let pushed = 0
    let obj: TlValue | undefined
    let built = false
    for (const key of world.authKeysOf(delivery.userId)) {
      if (delivery.origin !== undefined && delivery.origin.dcId === key.dcId && delivery.origin.authKeyId === key.authKeyId) continue
      const sessions = this.dcs.get(key.dcId)?.liveSessions(key.authKeyId)
      if (sessions === undefined) continue
      for (const session of sessions) {
        if (!session.online || session.updatesDisabled) continue
        if (!built) {
          obj = this.ctx.updates(delivery, world)
          built = true
        }
        if (obj === undefined) return 0
        const verdict = faults.updatePush()
        if (verdict === 'drop') continue
        this.send(session, verdict === 'tooLong' ? this.tooLong(delivery) : obj)
        pushed++
      }
    }
    return pushed
  }

  /**
   * Sends one flush of the world: a user's deliveries from the same origin go out as one push
   * (updatesCombined when more than one bumped its seq), as Telegram sends what happened together.
   */
  pushBatch(deliveries: readonly UpdateDelivery[]): number {
    if (deliveries.length === 1) return this.push(deliveries[0] as UpdateDelivery)
    const users = new Set<bigint>()
    for (const d of deliveries) users.add(d.userId)
    // the common case (a post to a group or channel): one delivery per user, nothing to combine
    if (users.size === deliveries.length) return deliveries.reduce((n, d) => n + this.push(d), 0)
    const groups = new Map<string, UpdateDelivery[]>()
    for (const d of deliveries) {
      const key = `${d.userId}/${d.origin === undefined ? '' : `${d.origin.dcId}:${d.origin.authKeyId}`}`
      const group = groups.get(key)
      if (group === undefined) groups.set(key, [d])
      else group.push(d)
    }
    let pushed = 0
    for (const group of groups.values()) pushed += this.push(combineDeliveries(group))
    return pushed
  }

  /**
   * What the updatesTooLong fault pushes instead of `delivery`: for channel messages only,
   * `updateChannelTooLong` from the pts before them (as Telegram tells of a channel gap: the common
   * box's getDifference does not carry channel messages); else `updatesTooLong`.
   * https://core.telegram.org/constructor/updateChannelTooLong
   */
  private tooLong(delivery: UpdateDelivery): TlValue {
    const from = new Map<bigint, number>()
    for (const u of delivery.updates) {
      if (u.kind !== 'newChannelMessage') return UPDATES_TOO_LONG
      if (!from.has(u.message.channelId)) from.set(u.message.channelId, u.pts - u.ptsCount)
    }
    const updates = [...from].map(([channelId, pts]) => ({ kind: 'channelTooLong' as const, channelId, pts }))
    const instead: UpdateDelivery = { userId: delivery.userId, updates, date: delivery.date, seq: 0, origin: delivery.origin }
    return this.ctx.updates(instead, this.ctx.world) ?? UPDATES_TOO_LONG
  }

  /** Cancels every held or delayed push. */
  close(): void {
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }

  /** One push to one session, through the reorder and delay faults. */
  private send(session: Session, obj: TlValue): void {
    const faults = this.ctx.faults
    let lane = this.lanes.get(session)
    if (lane === undefined && (faults.config.reorderUpdatesProbability ?? 0) <= 0 && (faults.config.delayUpdatesMs ?? 0) <= 0 && (faults.config.updatesJitterMs ?? 0) <= 0) {
      return session.push(obj) // the fast path: no update fault touches this session
    }
    if (lane === undefined) {
      lane = { queue: [], timer: undefined, held: undefined }
      this.lanes.set(session, lane)
    }
    if (lane.held === undefined && faults.reorderUpdate()) {
      const held = obj
      lane.held = held
      this.later(UPDATE_REORDER_HOLD_MAX_MS, () => {
        if (lane.held !== held) return
        lane.held = undefined
        this.deliverAfterDelay(session, lane, held)
      })
      return
    }
    this.deliverAfterDelay(session, lane, obj)
    const held = lane.held
    if (held !== undefined) {
      // the held push goes right after the one that overtook it (same due time, later timer)
      lane.held = undefined
      this.deliverAfterDelay(session, lane, held)
    }
  }

  private deliverAfterDelay(session: Session, lane: Lane, obj: TlValue): void {
    const delay = this.ctx.faults.updateDelayMs()
    if (delay <= 0 && lane.queue.length === 0) return session.push(obj)
    const now = Date.now()
    lane.queue.push({ dueMs: Math.max(now + delay, lane.queue.at(-1)?.dueMs ?? 0), obj })
    this.armLane(session, lane)
  }

  /** One timer per lane drains its queue in order (one timer per push could fire out of order). */
  private armLane(session: Session, lane: Lane): void {
    const first = lane.queue[0]
    if (lane.timer !== undefined || first === undefined) return
    const t = setTimeout(() => {
      this.timers.delete(t)
      lane.timer = undefined
      if (this.closed) return
      const now = Date.now()
      while (lane.queue.length > 0 && (lane.queue[0] as { dueMs: number }).dueMs <= now) session.push((lane.queue.shift() as { obj: TlValue }).obj)
      this.armLane(session, lane)
    }, Math.max(0, first.dueMs - Date.now()))
    this.timers.add(t)
    lane.timer = t
  }

  private later(ms: number, run: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t)
      if (!this.closed) run()
    }, ms)
    this.timers.add(t)
  }
}
