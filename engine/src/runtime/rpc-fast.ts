// The common path of rpcMachine — queued → inFlight.sent → inFlight.acked → done — as a plain
// transition function, so that a call which goes out once and gets its answer never needs an actor.
// Anything else (an rpc_error, a resend, a cancel, the deadline) hands the call to a real rpcMachine
// actor started in the same state (`rpcStateValue`), and the machine decides from there.
// Knows nothing of sockets, promises or timers; rpc-fast.test.ts checks every step against the machine.
import type { RpcEvent, RpcSettlement } from '@mtswarm/machines'
import { rpcMachine } from '@mtswarm/machines'

/** Where a call on the common path is: rpcMachine's active.queued, active.inFlight.sent, active.inFlight.acked. */
export type FastRpcPhase = 'queued' | 'sent' | 'acked'

/** What one event does to a call on the common path. */
export type FastRpcStep =
  /** The machine ignores this event in this state (rpc.ignores.ts). */
  | { readonly kind: 'ignore' }
  /** A move within the common path; `msgId` is set when the event assigns it. */
  | { readonly kind: 'move'; readonly phase: FastRpcPhase; readonly msgId?: bigint }
  /** A final state: run `effect` (if any), then settle with `settlement`. */
  | { readonly kind: 'settle'; readonly effect: 'dequeue' | null; readonly settlement: RpcSettlement }
  /** Off the common path: start a real rpcMachine actor in this state and give it the event. */
  | { readonly kind: 'machine' }

const IGNORE: FastRpcStep = { kind: 'ignore' }
const MACHINE: FastRpcStep = { kind: 'machine' }

/** The step rpcMachine takes for `event` in `phase`, when it stays on the common path. */
export function fastRpcStep(phase: FastRpcPhase, event: RpcEvent): FastRpcStep {
  switch (event.type) {
    case 'rpc.sent':
      return phase === 'queued' ? { kind: 'move', phase: 'sent', msgId: event.msgId } : IGNORE
    case 'rpc.acked':
      return phase === 'sent' ? { kind: 'move', phase: 'acked' } : IGNORE
    case 'rpc.resultReceived':
      // NB: in queued, the answer to an earlier copy: the machine takes the call off the queue first.
      return { kind: 'settle', effect: phase === 'queued' ? 'dequeue' : null, settlement: { ok: true, result: event.result } }
    case 'rpc.errorReceived':
    case 'rpc.resend':
      return phase === 'queued' ? IGNORE : MACHINE
    case 'rpc.cancel':
      return MACHINE
  }
}

/** rpcMachine's state value for `phase` (to start an actor there with `resolveState`). */
export function rpcStateValue(phase: FastRpcPhase): { active: 'queued' } | { active: { inFlight: 'sent' | 'acked' } } {
  return phase === 'queued' ? { active: 'queued' } : { active: { inFlight: phase } }
}

/**
 * The event of rpcMachine's own deadline (`active.after.rpcTimeout`), read from the machine. An
 * actor started from a resolved state has no timers of the states it did not enter itself, so the
 * runtime keeps the deadline and delivers this event; the machine's guarded transitions decide.
 */
export const RPC_DEADLINE_EVENT: string = deadlineEventType()

function deadlineEventType(): string {
  const active = (rpcMachine.root.states as Record<string, { after?: readonly { eventType: string }[] }>)['active']
  const type = active?.after?.[0]?.eventType
  if (type === undefined) throw new Error('rpcMachine: active has no after-transition (rpcTimeout)')
  return type
}
