// The inspector's memory: turns XState inspection events into small plain records, one per live
// actor (every one: the fleet counts come from current states, not from a capped log) plus a
// bounded number of finished ones. It holds actors only weakly and knows nothing about HTTP.
import type { InspectionEvent } from 'xstate'
import { Secret } from '@mtswarm/machines'

/**
 * Which chart an actor runs: the machine id (`account`, `dcConnection`, `rpc`, `handshake`,
 * `updates`, any machine added later), or `other` for callback/promise actors.
 */
export type ActorKind = 'account' | 'dcConnection' | 'rpc' | 'handshake' | 'updates' | 'other' | (string & {})

export type ActorStatus = 'active' | 'done' | 'error' | 'stopped'

/** One actor as the page sees it: plain data only. */
export interface ActorRecord {
  /** The actor's session id (`x:12`), unique per actor system run. */
  readonly sessionId: string
  /** The actor's id relative to its parent (`rpc:42`, `socket`, `x:0`). */
  readonly id: string
  systemId: string | undefined
  /** Machine id (`rpc`, `dcConnection`, …) or, for non-machine actors, the `src` name. */
  readonly machine: string
  readonly kind: ActorKind
  readonly parent: string | undefined
  status: ActorStatus
  /** Dotted state paths of the current state value (several for parallel states). */
  state: string[]
  /** {@link stateLabel} of `state`: what the page shows in one line. */
  stateText: string
  /** The key this actor is counted under in {@link ActorTable.counts}. */
  countedAs: string
  lastEvent: string | undefined
  /** A few scalar context fields that name the actor (`requestId`, `method`, `dcId`, …). */
  label: Record<string, string | number | boolean>
  readonly createdMs: number
  updatedMs: number
  eventCount: number
}

/** One entry of an actor's event log: an event and the state it led to. */
export interface ActorEventRecord {
  readonly atMs: number
  /** Order in which the table logged it (events of one millisecond keep their order). */
  readonly seq: number
  readonly type: string
  /** Scalar fields of the event (see {@link summarizeEvent}). */
  readonly detail: string
  readonly source: string | undefined
  readonly state: string
}

/** One actor's column in a {@link Timeline}. */
export interface TimelineLane {
  readonly sessionId: string
  readonly name: string
  readonly machine: string
}

/** An event in a {@link Timeline}: which lane it happened in; `source` is the sender's id. */
export interface TimelineEntry extends ActorEventRecord {
  readonly lane: number
}

/** What {@link ActorTable.timeline} returns. */
export interface Timeline {
  readonly lanes: readonly TimelineLane[]
  readonly entries: readonly TimelineEntry[]
}

export interface ActorTableOptions {
  /** Finished actors kept for viewing (live ones are never dropped). */
  readonly maxFinishedActors?: number
  readonly maxEventsPerActor?: number
  readonly nowMs?: () => number
}

export interface ActorTableStats {
  /** Actors tracked now: every live one and at most maxFinishedActors finished ones. */
  readonly actors: number
  /** Actors ever seen. */
  readonly seen: number
  /** Finished actors dropped to respect maxFinishedActors (oldest first; they stay counted). */
  readonly evicted: number
  /** Inspection events received. */
  readonly inspectionEvents: number
}

export const DEFAULT_MAX_FINISHED_ACTORS = 2_000
export const DEFAULT_MAX_EVENTS_PER_ACTOR = 25
/** Bounds on what one event summary or label may hold. */
const MAX_DETAIL_CHARS = 160
const MAX_STRING_FIELD_CHARS = 48
const LABEL_KEYS = ['method', 'accountId', 'dcId', 'homeDcId', 'requestId', 'attempt', 'lastError'] as const
/** How deep and how long a context copy for the actor view may get. */
const MAX_CONTEXT_DEPTH = 4
const MAX_CONTEXT_ITEMS = 50

/** The fields of an actor ref the table reads; everything else of the ref is ignored. */
interface RefView {
  readonly sessionId: string
  readonly id?: string
  readonly systemId?: string
  /** Read for `systemId`: `@xstate.actor` is reported before the ref's own field is set. */
  readonly options?: { readonly systemId?: unknown }
  readonly _parent?: { readonly sessionId: string }
  readonly logic?: { readonly id?: unknown; readonly config?: unknown }
  readonly src?: unknown
}

/**
 * Tracks actors from inspection events. NB: it must never keep `actorRef`, a snapshot or an
 * event object strongly: only strings and numbers copied out of them and a WeakRef to the actor
 * (read for its context when someone looks), so a stopped actor can be collected.
 */
export class ActorTable {
  readonly maxFinishedActors: number
  readonly maxEventsPerActor: number
  private readonly nowMs: () => number
  private readonly actors = new Map<string, ActorRecord>()
  private readonly logs = new Map<string, ActorEventRecord[]>()
  private readonly refs = new Map<string, WeakRef<object>>()
  /** parent sessionId → tracked children's sessionIds. */
  private readonly childrenOf = new Map<string, Set<string>>()
  /** Finished actors in the order they finished: evicted first. */
  private readonly finished = new Set<string>()
  /** `kind → countedAs → n`, over every actor seen (finished ones stay counted after eviction). */
  private readonly countsByKind = new Map<ActorKind, Map<string, number>>()
  private readonly dirtyIds = new Set<string>()
  /** The sender of the event being processed, until its snapshot event arrives. */
  private readonly pendingSource = new Map<string, string | undefined>()
  private readonly removedIds = new Set<string>()
  private seen = 0
  private evicted = 0
  private inspectionEvents = 0
  private logged = 0

  constructor(options: ActorTableOptions = {}) {
    this.maxFinishedActors = positiveInt(options.maxFinishedActors ?? DEFAULT_MAX_FINISHED_ACTORS, 'maxFinishedActors')
    this.maxEventsPerActor = positiveInt(options.maxEventsPerActor ?? DEFAULT_MAX_EVENTS_PER_ACTOR, 'maxEventsPerActor')
    this.nowMs = options.nowMs ?? Date.now
  }

  /** Feed one XState inspection event (the `inspect` option of `createActor`). */
  record(ev: InspectionEvent): void {
    this.inspectionEvents++
    if (ev.type !== '@xstate.actor' && ev.type !== '@xstate.snapshot' && ev.type !== '@xstate.event') return
    const ref = ev.actorRef as unknown as RefView
    const rec = this.actors.get(ref.sessionId) ?? this.add(ref, ev.actorRef)
    if (ev.type === '@xstate.event') {
      rec.lastEvent = ev.event.type
      rec.eventCount++
      rec.updatedMs = this.nowMs()
      this.dirtyIds.add(rec.sessionId)
      // Logged with the snapshot event that follows it (XState sends one per processed event).
      this.pendingSource.set(rec.sessionId, (ev.sourceRef as RefView | undefined)?.sessionId)
      return
    }
    if (ev.type === '@xstate.snapshot') {
      const snap = ev.snapshot as { status?: unknown; value?: unknown; context?: unknown }
      const status = asStatus(snap.status)
      // A stop after done/error keeps the final state.
      if (!(status === 'stopped' && rec.status !== 'active')) {
        rec.status = status
        rec.state = snap.value === undefined ? [] : statePaths(snap.value)
        rec.stateText = stateLabel(rec.state, rec.status)
        this.recount(rec, countKey(rec))
      }
      if (rec.status === 'active') this.finished.delete(rec.sessionId)
      else if (!this.finished.has(rec.sessionId)) {
        this.finished.add(rec.sessionId)
        if (this.finished.size > this.maxFinishedActors) this.evictOne()
      }
      // Read again on every change: a label is what the actor says now (homeDcId after a move).
      rec.label = labelOf(snap.context)
      rec.systemId ??= systemIdOf(ref)
      rec.updatedMs = this.nowMs()
      this.log(rec, ev.event, this.pendingSource.get(rec.sessionId))
      this.pendingSource.delete(rec.sessionId)
      this.dirtyIds.add(rec.sessionId)
    }
  }

  get(sessionId: string): ActorRecord | undefined {
    return this.actors.get(sessionId)
  }

  /** The actor's last events, oldest first (at most maxEventsPerActor). */
  events(sessionId: string): readonly ActorEventRecord[] {
    return this.logs.get(sessionId) ?? []
  }

  all(): ActorRecord[] {
    return [...this.actors.values()]
  }

  /** Every tracked session id, in the order the actors appeared. */
  ids(): IterableIterator<string> {
    return this.actors.keys()
  }

  /** The tracked children of an actor (connections of an account, calls of a connection …). */
  children(sessionId: string): ActorRecord[] {
    const out: ActorRecord[] = []
    for (const id of this.childrenOf.get(sessionId) ?? []) {
      const rec = this.actors.get(id)
      if (rec !== undefined) out.push(rec)
    }
    return out
  }

  /**
   * The sequence of an actor and its descendants (an account, its connections, their sockets and
   * handshakes): one lane per actor, breadth first (at most `maxLanes`), and their logged events
   * merged in time order (the last `maxEntries`). Each log is bounded by maxEventsPerActor.
   */
  timeline(sessionId: string, maxLanes = 24, maxEntries = 400): Timeline | undefined {
    const root = this.actors.get(sessionId)
    if (root === undefined) return undefined
    const lanes: TimelineLane[] = []
    const queue = [root]
    while (queue.length > 0 && lanes.length < maxLanes) {
      const rec = queue.shift()!
      lanes.push({ sessionId: rec.sessionId, name: rec.systemId ?? rec.id, machine: rec.machine })
      queue.push(...this.children(rec.sessionId))
    }
    const entries: TimelineEntry[] = []
    lanes.forEach((lane, i) => {
      for (const e of this.events(lane.sessionId)) entries.push({ ...e, lane: i, source: e.source === undefined ? undefined : (this.actors.get(e.source)?.id ?? e.source) })
    })
    entries.sort((a, b) => a.seq - b.seq)
    return { lanes, entries: entries.slice(-maxEntries) }
  }

  /**
   * The actor's context now, as plain JSON-safe data: bigints as strings, `Secret` boxes as their
   * printed form (`[redacted]`), bytes as their length, functions and actor refs left out, depth
   * and breadth capped. `undefined` once the actor is gone.
   */
  context(sessionId: string): unknown {
    const actor = this.refs.get(sessionId)?.deref() as { getSnapshot?: () => { context?: unknown } } | undefined
    if (actor?.getSnapshot === undefined) return undefined
    return plain(actor.getSnapshot().context, 0)
  }

  /** Per kind, how many actors (tracked or finished and evicted) are in each state. */
  counts(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {}
    for (const [kind, byState] of this.countsByKind) {
      const o: Record<string, number> = {}
      for (const [k, n] of byState) if (n > 0) o[k] = n
      out[kind] = o
    }
    return out
  }

  stats(): ActorTableStats {
    return { actors: this.actors.size, seen: this.seen, evicted: this.evicted, inspectionEvents: this.inspectionEvents }
  }

  /**
   * Takes up to `max` changed actors and every removed id since the last call (the rest stay
   * pending for the next call).
   */
  drain(max: number): { changed: ActorRecord[]; removed: string[] } {
    const changed: ActorRecord[] = []
    for (const id of this.dirtyIds) {
      if (changed.length >= max) break
      this.dirtyIds.delete(id)
      const rec = this.actors.get(id)
      if (rec !== undefined) changed.push(rec)
    }
    const removed = [...this.removedIds]
    this.removedIds.clear()
    return { changed, removed }
  }

  /** Forget pending changes (nobody is watching; a new viewer starts from {@link all}). */
  clearPending(): void {
    this.dirtyIds.clear()
    this.removedIds.clear()
  }

  get pending(): number {
    return this.dirtyIds.size + this.removedIds.size
  }

  private add(ref: RefView, actor: object): ActorRecord {
    const logicId = ref.logic !== undefined && ref.logic.config !== undefined ? ref.logic.id : undefined
    const machine = typeof logicId === 'string' ? logicId : typeof ref.src === 'string' ? ref.src : 'actor'
    const now = this.nowMs()
    const rec: ActorRecord = {
      sessionId: ref.sessionId,
      id: typeof ref.id === 'string' ? ref.id : ref.sessionId,
      systemId: systemIdOf(ref),
      machine,
      // Every state machine is a kind of its own (its chart can be drawn); `other` = helpers.
      kind: typeof logicId === 'string' && logicId !== 'other' ? logicId : 'other',
      parent: ref._parent?.sessionId,
      status: 'active',
      state: [],
      stateText: 'starting',
      countedAs: '',
      lastEvent: undefined,
      label: {},
      createdMs: now,
      updatedMs: now,
      eventCount: 0,
    }
    this.actors.set(rec.sessionId, rec)
    this.refs.set(rec.sessionId, new WeakRef(actor))
    if (rec.parent !== undefined) {
      let kids = this.childrenOf.get(rec.parent)
      if (kids === undefined) this.childrenOf.set(rec.parent, (kids = new Set()))
      kids.add(rec.sessionId)
    }
    this.seen++
    this.removedIds.delete(rec.sessionId)
    this.dirtyIds.add(rec.sessionId)
    this.recount(rec, 'starting')
    return rec
  }

  /** Drops the oldest finished actor (it stays counted in its final state). */
  private evictOne(): void {
    let victim: string | undefined
    for (const id of this.finished) {
      victim = id
      break
    }
    if (victim === undefined) return
    this.finished.delete(victim)
    const parent = this.actors.get(victim)?.parent
    if (parent !== undefined) this.childrenOf.get(parent)?.delete(victim)
    this.childrenOf.delete(victim)
    this.actors.delete(victim)
    this.logs.delete(victim)
    this.refs.delete(victim)
    this.pendingSource.delete(victim)
    this.dirtyIds.delete(victim)
    this.removedIds.add(victim)
    this.evicted++
  }

  private recount(rec: ActorRecord, next: string): void {
    if (rec.countedAs === next) return
    let byState = this.countsByKind.get(rec.kind)
    if (byState === undefined) this.countsByKind.set(rec.kind, (byState = new Map()))
    if (rec.countedAs !== '') {
      const n = (byState.get(rec.countedAs) ?? 1) - 1
      if (n > 0) byState.set(rec.countedAs, n)
      else byState.delete(rec.countedAs)
    }
    if (next !== '') byState.set(next, (byState.get(next) ?? 0) + 1)
    rec.countedAs = next
  }

  private log(rec: ActorRecord, event: { type: string }, source: string | undefined): void {
    let log = this.logs.get(rec.sessionId)
    if (log === undefined) this.logs.set(rec.sessionId, (log = []))
    log.push({ atMs: rec.updatedMs, seq: this.logged++, type: event.type, detail: summarizeEvent(event), source, state: rec.stateText })
    if (log.length > this.maxEventsPerActor) log.splice(0, log.length - this.maxEventsPerActor)
  }
}

/** `{ active: { inFlight: 'sent' } }` → `['active.inFlight.sent']`; parallel regions give one path each. */
export function statePaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value]
  if (value === null || typeof value !== 'object') return prefix === '' ? [] : [prefix.slice(0, -1)]
  const out: string[] = []
  for (const [k, v] of Object.entries(value)) out.push(...statePaths(v, `${prefix}${k}.`))
  return out.length === 0 && prefix !== '' ? [prefix.slice(0, -1)] : out
}

/**
 * The event's scalar fields as `k=v` pairs, at most `MAX_DETAIL_CHARS` characters; objects
 * are left out. Secrets arrive boxed from their source (machines' events carry `Secret`), so a
 * box shows as its printed form (`code=[redacted]`, `phone=[redacted …0042]`): this table keeps
 * no list of secret field names of its own.
 */
export function summarizeEvent(event: object): string {
  const parts: string[] = []
  for (const [k, v] of Object.entries(event)) {
    if (k === 'type') continue
    if (v instanceof Secret) parts.push(`${k}=${String(v)}`)
    else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') parts.push(`${k}=${String(v)}`)
    else if (typeof v === 'string') parts.push(`${k}=${v.length > MAX_STRING_FIELD_CHARS ? `${v.slice(0, MAX_STRING_FIELD_CHARS)}…` : v}`)
  }
  const s = parts.join(' ')
  return s.length > MAX_DETAIL_CHARS ? `${s.slice(0, MAX_DETAIL_CHARS)}…` : s
}

function systemIdOf(ref: RefView): string | undefined {
  const s = ref.systemId ?? ref.options?.systemId
  return typeof s === 'string' ? s : undefined
}

function labelOf(context: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  if (context === null || typeof context !== 'object') return out
  const ctx = context as Record<string, unknown>
  for (const k of LABEL_KEYS) {
    const v = ctx[k]
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v
    else if (typeof v === 'bigint') out[k] = v.toString()
    else if (typeof v === 'string') out[k] = v.length > MAX_STRING_FIELD_CHARS ? `${v.slice(0, MAX_STRING_FIELD_CHARS)}…` : v
  }
  return out
}

/**
 * One line for a state: `active.inFlight.sent`, or for parallel regions their common prefix and
 * the rest: `online.ready(salt.fresh, keepalive.quiet, acks.none)`.
 */
export function stateLabel(paths: readonly string[], status: ActorStatus): string {
  if (paths.length === 0) return status
  if (paths.length === 1) return paths[0] as string
  const prefix = commonPrefix(paths)
  if (prefix === '') return paths.join(', ')
  return `${prefix}(${paths.map((p) => p.slice(prefix.length + 1)).join(', ')})`
}

/** The dotted prefix shared by every path ('' when none). */
function commonPrefix(paths: readonly string[]): string {
  const split = paths.map((p) => p.split('.'))
  const first = split[0] ?? []
  let n = 0
  while (n < first.length - 1 && split.every((s) => s.length > n + 1 && s[n] === first[n])) n++
  return first.slice(0, n).join('.')
}

/** Counts group parallel regions under their common prefix (`online.ready`). */
function countKey(rec: ActorRecord): string {
  if (rec.status === 'error' || rec.status === 'stopped') return rec.status
  if (rec.state.length > 1) return commonPrefix(rec.state) || stateLabel(rec.state, rec.status)
  return stateLabel(rec.state, rec.status)
}

/** A JSON-safe copy of context data (see {@link ActorTable.context}). */
function plain(v: unknown, depth: number): unknown {
  if (v instanceof Secret) return String(v)
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'string') return v.length > 200 ? `${v.slice(0, 200)}…` : v
  if (v === null || typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' ? undefined : v
  if (v instanceof Uint8Array) return `<${v.length} bytes>`
  if (depth >= MAX_CONTEXT_DEPTH) return '…'
  // NB: actor refs (spawned children) are reachable from context; they are shown as their id.
  if ('sessionId' in v && 'send' in v) return `<actor ${String((v as { id?: unknown }).id)}>`
  if (Array.isArray(v)) return v.slice(0, MAX_CONTEXT_ITEMS).map((x) => plain(x, depth + 1))
  const out: Record<string, unknown> = {}
  let n = 0
  for (const [k, x] of Object.entries(v)) {
    if (n++ >= MAX_CONTEXT_ITEMS) break
    out[k] = plain(x, depth + 1)
  }
  return out
}

function asStatus(s: unknown): ActorStatus {
  return s === 'done' || s === 'error' || s === 'stopped' ? s : 'active'
}

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`)
  return n
}
