// Extracts a drawable graph (states, hierarchy, labelled transitions) from a machine definition by
// walking machine.root. Pure; the Mermaid and SVG writers consume it.
import type { AnyStateMachine, AnyStateNode } from 'xstate'

export interface ChartState {
  /** Dotted path ('online.ready.salt'); '' never appears (the root is not a state). */
  path: string
  key: string
  parent: string | null
  kind: 'atomic' | 'compound' | 'parallel' | 'final' | 'history'
  description: string | null
  /** The child entered by default (compound states). */
  initial: string | null
  children: string[]
}

export interface ChartEdge {
  from: string
  /** Target path; equals `from` for targetless (self) transitions. */
  to: string
  label: string
}

export interface ChartGraph {
  id: string
  description: string | null
  /** Top-level initial state. */
  initial: string | null
  states: ChartState[]
  edges: ChartEdge[]
}

const pathOf = (node: AnyStateNode) => node.path.join('.')

/** Short label for an event descriptor: 'after pingInterval', 'done: handshake', … */
export function eventLabel(eventType: string): string {
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType)
  if (after) return `after ${after[1]}`
  const done = /^xstate\.done\.actor\.(.+)$/.exec(eventType)
  if (done) return `done: ${/^\d+\./.test(done[1]!) ? 'invoked' : done[1]}`
  const error = /^xstate\.error\.actor\.(.+)$/.exec(eventType)
  if (error) return `error: ${/^\d+\./.test(error[1]!) ? 'invoked' : error[1]}`
  if (eventType.startsWith('xstate.done.state.')) return 'done'
  if (eventType === '') return 'always'
  return eventType
}

/**
 * A guard as a reader should see it: its name (`homeDcReady`), `and`/`or`/`not` spelt out over
 * their parts, and an inline guard by the transition's description or else its own expression
 * (`event.dcId === context.homeDcId`), shortened to {@link MAX_GUARD_CHARS}; never a bare `[if]`.
 */
export function guardLabel(guard: unknown, description?: string): string | null {
  if (guard === undefined || guard === null) return null
  if (typeof guard === 'string') return guard
  if (typeof guard === 'object' && 'type' in guard && typeof (guard as { type: unknown }).type === 'string') {
    return (guard as { type: string }).type
  }
  if (typeof guard !== 'function') return 'guard'
  const parts = (guard as { guards?: unknown[] }).guards
  if (Array.isArray(parts)) {
    const inner = parts.map((g) => guardLabel(g) ?? 'guard')
    if (guard.name === 'not') return `!${inner[0]}`
    return inner.join(guard.name === 'or' ? ' | ' : ' & ')
  }
  // The description's head names the case ('SESSION_PASSWORD_NEEDED: 2FA' → its code).
  if (description) return shorten(description.split(/:\s/)[0]!)
  return shorten(inlineGuardExpression(String(guard)))
}

/** `({ context, event }) => event.dcId === context.homeDcId` → `event.dcId === context.homeDcId`. */
function inlineGuardExpression(source: string): string {
  const arrow = /^\s*(?:async\s*)?(?:\([^)]*\)|[\w$]+)\s*=>\s*/.exec(source)
  const body = arrow ? source.slice(arrow[0].length) : source
  return body.replace(/^\{\s*return\s+/, '').replace(/;?\s*\}\s*$/, '').replace(/\s+/g, ' ').trim()
}

const MAX_GUARD_CHARS = 34
const shorten = (s: string) => (s.length > MAX_GUARD_CHARS ? `${s.slice(0, MAX_GUARD_CHARS - 1)}…` : s)

/** The machine's states and transitions, in document order. */
export function statechartGraph(machine: AnyStateMachine): ChartGraph {
  const states: ChartState[] = []
  const edges: ChartEdge[] = []
  const walk = (node: AnyStateNode): void => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      const path = pathOf(child)
      const initialTarget = child.type === 'compound' ? child.initial?.target?.[0] : undefined
      states.push({
        path,
        key: child.key,
        parent: node === machine.root ? null : pathOf(node),
        kind: child.type,
        description: child.description ?? null,
        initial: initialTarget ? pathOf(initialTarget) : null,
        children: (Object.values(child.states) as AnyStateNode[]).map(pathOf),
      })
      const transitions = [...child.transitions.values()].flat()
      for (const t of [...transitions, ...(child.always ?? [])]) {
        const guard = guardLabel(t.guard, t.description)
        const label = eventLabel(t.eventType) + (guard ? ` [${guard}]` : '')
        const targets = (t.target ?? []) as AnyStateNode[]
        if (targets.length === 0) edges.push({ from: path, to: path, label })
        for (const target of targets) edges.push({ from: path, to: pathOf(target), label })
      }
      walk(child)
    }
  }
  walk(machine.root)
  const rootInitial = machine.root.initial?.target?.[0]
  return {
    id: machine.id,
    description: machine.root.description ?? null,
    initial: rootInitial ? pathOf(rootInitial) : null,
    states,
    edges,
  }
}

/**
 * A short fingerprint of a graph (FNV-1a over its JSON, hex): written into every SVG, so a reader
 * of a committed diagram can tell whether it still shows the machine as defined now.
 */
export function graphHash(graph: ChartGraph): string {
  let h = 0x811c9dc5
  const text = JSON.stringify(graph)
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(16).padStart(8, '0')
}
