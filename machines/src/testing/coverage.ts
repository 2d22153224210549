// Model-coverage helpers for the *.paths.test.ts files: walks a machine's reachable configurations
// (xstate/graph shortest paths) and checks every (state, event type) pair against an ignore table.
// Knows nothing about any particular machine; pure, no timers, no I/O.
import { getNextTransitions } from 'xstate'
import type { AnyEventObject, AnyMachineSnapshot, AnyStateMachine, AnyStateNode, EventObject, StateValue } from 'xstate'
import { getShortestPaths } from 'xstate/graph'

/**
 * Events a machine deliberately ignores, keyed by dotted state path (`'ready.keepalive.waiting'`,
 * or a compound state such as `'ready'`, which covers all its descendants). Each entry maps an
 * event type to the reason it is ignored there.
 */
export type IgnoreTable<TType extends string> = Readonly<Record<string, Readonly<Partial<Record<TType, string>>>>>

/** Every event type ignored with the same reason (final states, mostly). */
export function ignoreAll<TType extends string>(
  types: readonly TType[],
  reason: string,
): Partial<Record<TType, string>> {
  const out: Partial<Record<TType, string>> = {}
  for (const t of types) out[t] = reason
  return out
}

/** JSON.stringify that renders bigint and Uint8Array (context holds both). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`
    if (v instanceof Uint8Array) return `bytes:${v.length}`
    return v
  })
}

/** Dotted paths of every state node under `machine.root`, parents before children. */
export function allStatePaths(machine: AnyStateMachine): string[] {
  const out: string[] = []
  const walk = (node: AnyStateNode): void => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      out.push(child.path.join('.'))
      walk(child)
    }
  }
  walk(machine.root)
  return out
}

/** Dotted paths of every active state node of a state value (compound ones included). */
export function activePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value]
  const out: string[] = []
  for (const [key, sub] of Object.entries(value)) {
    out.push(prefix + key)
    if (sub !== undefined) out.push(...activePaths(sub, `${prefix}${key}.`))
  }
  return out
}

export interface ReachedState {
  /** The configuration, as a state-value string. */
  key: string
  snapshot: AnyMachineSnapshot
  /** Event types along the shortest path that reached it. */
  eventTypes: string[]
}

export interface ExploreOptions {
  /** Sample events per event type; internal `xstate.*` events default to `{ type }`. */
  samples: Readonly<Record<string, readonly AnyEventObject[]>>
  /** Which context fields make two snapshots different states for the walk (bounded ones only). */
  project?: (context: any) => unknown
  input?: unknown
}

/**
 * Shortest paths from the initial state to every reachable (value, projected context), grouped
 * by state value. NB: a sample is required for every non-internal event the machine handles, so
 * adding an event without a sample fails the walk instead of silently shrinking it.
 */
export function exploreMachine(machine: AnyStateMachine, options: ExploreOptions): Explored {
  const project = options.project ?? (() => null)
  const paths = getShortestPaths(machine, {
    input: options.input,
    serializeState: (s: AnyMachineSnapshot) => stableJson([s.value, s.status, project(s.context)]),
    serializeEvent: (e: EventObject) => stableJson(e),
    events: (s: AnyMachineSnapshot) => {
      if (s.status !== 'active') return []
      const types = new Set(getNextTransitions(s).map((t) => t.eventType))
      const out: EventObject[] = []
      for (const type of types) {
        if (type === '' || type === '*') continue
        const sample = options.samples[type]
        if (sample) out.push(...sample)
        else if (type.startsWith('xstate.')) out.push({ type })
        else throw new Error(`no sample event for '${type}'`)
      }
      return out
    },
  } as any)
  const byValue = new Map<string, ReachedState>()
  for (const p of paths) {
    const snapshot = p.state as AnyMachineSnapshot
    const key = stableJson(snapshot.value)
    const eventTypes = p.steps.map((st) => st.event.type)
    const prev = byValue.get(key)
    if (!prev || prev.eventTypes.length > eventTypes.length) byValue.set(key, { key, snapshot, eventTypes })
  }
  return { byValue, snapshots: paths.map((p) => p.state as AnyMachineSnapshot) }
}

export interface Explored {
  /** One shortest path per state value. */
  byValue: Map<string, ReachedState>
  /** Every reached (value, projected context) snapshot. */
  snapshots: AnyMachineSnapshot[]
}

/** State paths never active in any reached configuration. */
export function unreachedStates(machine: AnyStateMachine, reached: Map<string, ReachedState>): string[] {
  const seen = new Set<string>()
  for (const r of reached.values()) for (const p of activePaths(r.snapshot.value)) seen.add(p)
  return allStatePaths(machine).filter((p) => !seen.has(p))
}

function handledBy(node: AnyStateNode, type: string): boolean {
  if (node.type === 'final' && !node.parent?.parent) return false // top-level final: the machine is done
  for (let n: AnyStateNode | undefined = node; n; n = n.parent) {
    if (n.transitions.has(type)) return true
  }
  return false
}

function nodeAt(machine: AnyStateMachine, path: string): AnyStateNode | undefined {
  let node: AnyStateNode | undefined = machine.root
  for (const key of path.split('.')) {
    node = node?.states[key] as AnyStateNode | undefined
    if (!node) return undefined
  }
  return node
}

/**
 * Problems with the (state, event) table: pairs neither handled nor ignored in some reached
 * configuration, ignore entries for states that do not exist, and ignore entries for events the
 * state (or an ancestor) actually handles. Final configurations must list their events too.
 */
export function eventCoverageProblems<TType extends string>(
  machine: AnyStateMachine,
  reached: Map<string, ReachedState>,
  eventTypes: readonly TType[],
  ignores: IgnoreTable<TType>,
): string[] {
  const problems: string[] = []
  for (const r of reached.values()) {
    const active = activePaths(r.snapshot.value)
    const handled = new Set(
      r.snapshot.status === 'active' ? getNextTransitions(r.snapshot).map((t) => t.eventType) : [],
    )
    for (const type of eventTypes) {
      if (handled.has(type)) continue
      if (active.some((p) => ignores[p]?.[type] !== undefined)) continue
      problems.push(`${r.key}: '${type}' is neither handled nor listed as ignored`)
    }
  }
  for (const [path, entries] of Object.entries(ignores)) {
    const node = nodeAt(machine, path)
    if (!node) {
      problems.push(`ignore table names unknown state '${path}'`)
      continue
    }
    for (const type of Object.keys(entries)) {
      if (!(eventTypes as readonly string[]).includes(type)) problems.push(`'${path}' ignores unknown event '${type}'`)
      else if (handledBy(node, type)) problems.push(`'${path}' ignores '${type}' but handles it`)
    }
  }
  return problems
}

/** State nodes with no `description` (it shows in the inspector). */
export function statesWithoutDescription(machine: AnyStateMachine): string[] {
  return allStatePaths(machine).filter((p) => !nodeAt(machine, p)?.description)
}

/**
 * Ignore entries that could be deleted without the coverage check noticing (listed twice, or
 * for a configuration that is never reached). Keeps the table honest.
 */
export function redundantIgnores<TType extends string>(
  machine: AnyStateMachine,
  reached: Map<string, ReachedState>,
  eventTypes: readonly TType[],
  ignores: IgnoreTable<TType>,
): string[] {
  const out: string[] = []
  for (const [path, entries] of Object.entries(ignores)) {
    for (const type of Object.keys(entries) as TType[]) {
      const { [type]: _dropped, ...rest } = entries
      const without = { ...ignores, [path]: rest } as IgnoreTable<TType>
      if (eventCoverageProblems(machine, reached, eventTypes, without).length === 0) out.push(`${path}: ${type}`)
    }
  }
  return out
}
