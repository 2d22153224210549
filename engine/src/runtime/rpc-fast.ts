// The common path of rpcMachine — queued → inFlight.sent → inFlight.acked → done — as a table, so
// that a call which goes out once and gets its answer never needs an actor. The table is not
// written by hand: it is *generated from the machine* when this module loads, by running xstate's
// pure `transition()` once per (state of the path, event type) on a probe event and reading what
// the machine did. Whatever the generator cannot express as "ignore", "move within the path" or
// "settle with the event's result" is `machine`: the call gets a real rpcMachine actor started in
// its current state (`rpcStateValue`), and the machine decides from there. A change to the machine
// changes the table; nothing here restates its rules. Knows nothing of sockets, promises or timers.
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate'
import { RPC_EVENT_TYPES, rpcMachine, type RpcContext, type RpcEvent, type RpcInput } from '@mtswarm/machines'

/** Where a call on the common path is: rpcMachine's active.queued, active.inFlight.sent, active.inFlight.acked. */
export type FastRpcPhase = 'queued' | 'sent' | 'acked'

/** What one event does to a call on the common path. */
export type FastRpcStep =
  /** The machine has no transition for this event here (rpc.ignores.ts). */
  | { readonly kind: 'ignore' }
  /** A move within the common path, no effect; `takesMsgId`: the event's msgId becomes the call's. */
  | { readonly kind: 'move'; readonly phase: FastRpcPhase; readonly takesMsgId: boolean }
  /** A final state settling with the event's result, after `dequeue` when set. */
  | { readonly kind: 'settle'; readonly dequeue: boolean }
  /** Anything else: start a real rpcMachine actor in this state and give it the event. */
  | { readonly kind: 'machine' }

/** The generated table: phase → event type → step. */
export type FastRpcTable = Readonly<Record<FastRpcPhase, Readonly<Record<RpcEvent['type'], FastRpcStep>>>>

export const FAST_RPC_PHASES: readonly FastRpcPhase[] = ['queued', 'sent', 'acked']

/** rpcMachine's state value for `phase` (to start an actor there with `resolveState`). */
export function rpcStateValue(phase: FastRpcPhase): { active: 'queued' } | { active: { inFlight: 'sent' | 'acked' } } {
  return phase === 'queued' ? { active: 'queued' } : { active: { inFlight: phase } }
}

const PROBE_INPUT: RpcInput = { requestId: 1, method: 'probe', dcId: 2 }
/** The msg_id a probed call already has in flight, and the one the probe event carries. */
const HELD_MSG_ID = 0x1000n
const PROBE_MSG_ID = 0x2000n
/** A result only the probe can produce: a settlement holding it settles "with the event's result". */
const PROBE_RESULT = Object.freeze({ _: 'probe' })

/** One probe event per type (the Record makes a new event type a compile error here until sampled). */
const PROBES: Readonly<Record<RpcEvent['type'], RpcEvent>> = {
  'rpc.sent': { type: 'rpc.sent', msgId: PROBE_MSG_ID },
  'rpc.acked': { type: 'rpc.acked', msgId: PROBE_MSG_ID },
  'rpc.resultReceived': { type: 'rpc.resultReceived', msgId: PROBE_MSG_ID, result: PROBE_RESULT },
  'rpc.errorReceived': { type: 'rpc.errorReceived', msgId: PROBE_MSG_ID, errorCode: 400, errorMessage: 'PROBE' },
  'rpc.resend': { type: 'rpc.resend', reason: 'reconnect' },
  'rpc.cancel': { type: 'rpc.cancel' },
  'rpc.protocolFailed': { type: 'rpc.protocolFailed', msgId: PROBE_MSG_ID, failure: { kind: 'badMsg', code: 64 } },
  'rpc.deadline': { type: 'rpc.deadline' },
}

const IGNORE: FastRpcStep = { kind: 'ignore' }
const MACHINE: FastRpcStep = { kind: 'machine' }

/** The machine's snapshot of a call in `phase` (the probe's starting point). */
function probeSnapshot(machine: AnyStateMachine, phase: FastRpcPhase): AnyMachineSnapshot {
  const [initial] = initialTransition(machine, PROBE_INPUT)
  const context: RpcContext = { ...(initial.context as RpcContext), msgId: phase === 'queued' ? null : HELD_MSG_ID }
  return machine.resolveState({ value: rpcStateValue(phase), context }) as AnyMachineSnapshot
}

/** The transitions the machine would consider for `type` in `phase`: the deepest node that has any. */
function candidates(machine: AnyStateMachine, phase: FastRpcPhase, type: string): readonly { guard?: unknown }[] {
  const path = phase === 'queued' ? ['active', 'queued'] : ['active', 'inFlight', phase]
  const nodes = [machine.root]
  for (const key of path) nodes.push(nodes[nodes.length - 1]!.states[key]!)
  for (const node of nodes.reverse()) {
    const t = node.transitions.get(type)
    if (t !== undefined && t.length > 0) return t
  }
  return []
}

function phaseOf(value: unknown): FastRpcPhase | null {
  const v = JSON.stringify(value)
  for (const p of FAST_RPC_PHASES) if (JSON.stringify(rpcStateValue(p)) === v) return p
  return null
}

/** What the machine does for `type` in `phase`, in the table's terms. */
function probe(machine: AnyStateMachine, phase: FastRpcPhase, type: RpcEvent['type']): FastRpcStep {
  const defs = candidates(machine, phase, type)
  if (defs.length === 0) return IGNORE
  // NB: a guard decides on the payload or the context; one probe cannot stand for every event.
  if (defs.length > 1 || defs.some((d) => d.guard !== undefined)) return MACHINE
  const before = probeSnapshot(machine, phase)
  const [after, actions] = transition(machine, before, PROBES[type])
  const effects: string[] = actions.map((a) => a.type as string)
  const was = before.context as RpcContext
  const now = after.context as RpcContext
  if (after.status === 'done') {
    const s = now.settlement
    const onlySettleEffects = effects.every((e) => e === 'dequeue' || e === 'settle') && effects.includes('settle')
    if (s !== null && s.ok && s.result === PROBE_RESULT && onlySettleEffects) return { kind: 'settle', dequeue: effects.includes('dequeue') }
    return MACHINE
  }
  const next = phaseOf(after.value)
  if (next === null || effects.length > 0) return MACHINE
  // Only msgId may change on a move; anything else in the context is the machine's business.
  const { msgId: _a, ...restWas } = was
  const { msgId: _b, ...restNow } = now
  if (JSON.stringify(restWas) !== JSON.stringify(restNow)) return MACHINE
  if (now.msgId !== was.msgId && now.msgId !== PROBE_MSG_ID) return MACHINE
  return { kind: 'move', phase: next, takesMsgId: now.msgId === PROBE_MSG_ID && was.msgId !== PROBE_MSG_ID }
}

/**
 * Builds the table from the machine (once, at load; a few ms). `machine` is rpcMachine; the test
 * passes variants of it to show the table follows the machine.
 */
export function generateFastRpcTable(machine: AnyStateMachine = rpcMachine): FastRpcTable {
  const [initial, entry] = initialTransition(machine, PROBE_INPUT)
  // NB: the runtime runs the entry effect of `queued` itself (enqueue) when a call starts without an actor.
  if (phaseOf(initial.value) !== 'queued' || entry.map((a) => a.type).join() !== 'enqueue') {
    throw new Error(`rpcMachine no longer starts in active.queued with enqueue: ${JSON.stringify(initial.value)}`)
  }
  const table = {} as Record<FastRpcPhase, Record<RpcEvent['type'], FastRpcStep>>
  for (const phase of FAST_RPC_PHASES) {
    table[phase] = {} as Record<RpcEvent['type'], FastRpcStep>
    for (const type of RPC_EVENT_TYPES) table[phase][type] = probe(machine, phase, type)
  }
  return table
}

/** rpcMachine's common path, generated from it. */
export const FAST_RPC_TABLE: FastRpcTable = generateFastRpcTable()

/** The step rpcMachine takes for `event` in `phase` (one table lookup). */
export function fastRpcStep(phase: FastRpcPhase, event: RpcEvent): FastRpcStep {
  return FAST_RPC_TABLE[phase][event.type]
}
