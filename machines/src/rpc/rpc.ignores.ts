// The (state, event) pairs the RPC machine deliberately ignores, with the reason. The paths test
// fails when a pair is neither handled nor listed here.
import { ignoreAll } from '../testing/coverage.js'
import type { IgnoreTable } from '../testing/coverage.js'
import { RPC_EVENT_TYPES } from './rpc.events.js'
import type { RpcEvent } from './rpc.events.js'

const SETTLED = 'settled: late events change nothing, settle already ran once'

export const RPC_IGNORES: IgnoreTable<RpcEvent['type']> = {
  'active.queued': {
    'rpc.acked': 'ack for a copy superseded by the re-queue; the new copy will be acked itself',
    'rpc.errorReceived': 'error for a superseded copy; the re-queued copy gets its own answer',
    'rpc.protocolFailed': 'a refusal of a superseded copy; the re-queued copy is judged on its own',
    'rpc.resend': 'already queued: a second resend must not queue it twice (exactly once)',
  },
  'active.inFlight': {
    'rpc.sent': 'already written; the connection reports each copy once',
  },
  'active.inFlight.acked': {
    'rpc.acked': 'duplicate msgs_ack',
  },
  'active.waiting': {
    'rpc.sent': 'not queued while sleeping, so nothing can be written',
    'rpc.acked': 'late ack of the copy that got FLOOD_WAIT',
    'rpc.resultReceived': 'the FLOOD_WAIT was that copy\'s answer; no other copy exists',
    'rpc.errorReceived': 'the FLOOD_WAIT was that copy\'s answer; no other copy exists',
    'rpc.protocolFailed': 'the FLOOD_WAIT was that copy\'s answer; no other copy exists',
    'rpc.resend': 'nothing on the wire to resend; the wait ends in queued anyway',
  },
  done: ignoreAll(RPC_EVENT_TYPES, SETTLED),
  failed: ignoreAll(RPC_EVENT_TYPES, SETTLED),
  cancelled: ignoreAll(RPC_EVENT_TYPES, SETTLED),
}
