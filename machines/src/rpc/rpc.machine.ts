// The life of one RPC: queued → inFlight (sent → acked) → done | failed | cancelled, with resend,
// flood wait and DC migration. The deadline is an event (`rpc.deadline`): the runtime keeps one
// timer per call, whether the call runs in an actor or on its common path without one. Owns the rules; the engine supplies the effects (enqueue, dequeue,
// dropAnswer, settle, notifyMigrated) with `rpcMachine.provide({ actions })`.
import { assign, setup, stateIn } from 'xstate'
import { RPC_EVENT_DESCRIPTIONS } from './rpc.events.js'
import type { RpcEvent } from './rpc.events.js'
import {
  MAX_RPC_MIGRATIONS,
  MAX_RPC_RESENDS,
  canMigrate,
  floodSeconds,
  floodWaitWithinThreshold,
  initialRpcContext,
  isFloodWait,
  isMigrate,
  migrateDcId,
  surfacesMigrate,
} from './rpc.logic.js'
import type { RpcContext, RpcInput, RpcSettlement } from './rpc.logic.js'

/** Effects the engine provides; each receives plain params, never the context. */
export interface RpcEffects {
  /** Put the request on the outbound queue of `dcId` (entered `queued`). */
  enqueue: { requestId: number; dcId: number }
  /** Take a still-queued request off the outbound queue. */
  dequeue: { requestId: number; dcId: number }
  /** Send rpc_drop_answer for `msgId` (the server has the request; we no longer want the answer). */
  dropAnswer: { requestId: number; dcId: number; msgId: bigint }
  /** Resolve or reject the caller's promise. Runs exactly once, on entering a final state. */
  settle: { requestId: number; settlement: RpcSettlement }
  /** A 303 moved this call to another DC (followed, not surfaced; the account may want to move its home DC too). */
  notifyMigrated: { requestId: number; fromDcId: number; toDcId: number; errorMessage: string }
}

const ev = RPC_EVENT_DESCRIPTIONS
const noop = () => {}

const settleParams = ({ context }: { context: RpcContext }): RpcEffects['settle'] => ({
  requestId: context.requestId,
  // NB: every transition into a final state assigns `settlement` first.
  settlement: context.settlement as RpcSettlement,
})
const dropParams = ({ context }: { context: RpcContext }): RpcEffects['dropAnswer'] => ({
  requestId: context.requestId,
  dcId: context.dcId,
  msgId: context.msgId ?? 0n,
})
const queueParams = ({ context }: { context: RpcContext }) => ({ requestId: context.requestId, dcId: context.dcId })

/** One RPC call. Input {@link RpcInput}; output (and the single `settle`) {@link RpcSettlement}. */
export const rpcMachine = setup({
  types: {
    context: {} as RpcContext,
    events: {} as RpcEvent,
    input: {} as RpcInput,
    output: {} as RpcSettlement,
  },
  actions: {
    enqueue: (_: unknown, _p: RpcEffects['enqueue']) => noop(),
    dequeue: (_: unknown, _p: RpcEffects['dequeue']) => noop(),
    dropAnswer: (_: unknown, _p: RpcEffects['dropAnswer']) => noop(),
    settle: (_: unknown, _p: RpcEffects['settle']) => noop(),
    notifyMigrated: (_: unknown, _p: RpcEffects['notifyMigrated']) => noop(),
  },
  guards: {
    canResend: ({ context }) => context.resends.length < MAX_RPC_RESENDS,
    floodWaitWithinThreshold: ({ context, event }) =>
      event.type === 'rpc.errorReceived' && floodWaitWithinThreshold(context, event.errorMessage),
    isFloodWait: ({ event }) => event.type === 'rpc.errorReceived' && isFloodWait(event.errorMessage),
    canMigrate: ({ context, event }) => event.type === 'rpc.errorReceived' && canMigrate(context, event.errorMessage),
    isMigrate: ({ event }) => event.type === 'rpc.errorReceived' && isMigrate(event.errorMessage),
    surfacesMigrate: ({ context, event }) => event.type === 'rpc.errorReceived' && surfacesMigrate(context, event.errorMessage),
    inFlight: stateIn('#rpc.active.inFlight'),
  },
  delays: {
    floodWait: ({ context }) => context.floodWaitSec * 1000,
  },
}).createMachine({
  id: 'rpc',
  description: 'One RPC call: every call settles exactly once, with a result or a typed error.',
  context: ({ input }) => initialRpcContext(input),
  initial: 'active',
  output: ({ context }) => context.settlement as RpcSettlement,
  states: {
    active: {
      description: 'The call is live; its deadline (rpc.deadline, timeoutMs after enqueue) runs across resends and flood waits.',
      initial: 'queued',
      on: {
        'rpc.deadline': [
          {
            guard: 'inFlight',
            target: '#rpc.failed',
            description: 'deadline passed while the server had the request: drop its answer',
            actions: [
              { type: 'dropAnswer', params: dropParams },
              assign({
                settlement: ({ context }) => ({
                  ok: false,
                  error: { kind: 'timeout', afterMs: context.timeoutMs, answerDropped: true },
                }),
              }),
            ],
          },
          {
            target: '#rpc.failed',
            description: 'deadline passed before the request was on the wire',
            actions: [
              { type: 'dequeue', params: queueParams },
              assign({
                settlement: ({ context }) => ({
                  ok: false,
                  error: { kind: 'timeout', afterMs: context.timeoutMs, answerDropped: false },
                }),
              }),
            ],
          },
        ],
      },
      states: {
        queued: {
          description: 'Waiting for the connection of dcId to write it (it assigns the msg_id).',
          entry: { type: 'enqueue', params: queueParams },
          on: {
            'rpc.sent': {
              target: 'inFlight',
              description: ev['rpc.sent'],
              actions: assign({ msgId: ({ event }) => event.msgId }),
            },
            'rpc.resultReceived': {
              target: '#rpc.done',
              description: 'the answer to an earlier copy arrived after it was re-queued: take it',
              actions: [
                { type: 'dequeue', params: queueParams },
                assign({ settlement: ({ event }) => ({ ok: true, result: event.result }) }),
              ],
            },
            'rpc.cancel': {
              target: '#rpc.cancelled',
              description: 'cancelled before it was written: just take it off the queue',
              actions: [
                { type: 'dequeue', params: queueParams },
                assign({ settlement: { ok: false, error: { kind: 'cancelled', answerDropped: false } } }),
              ],
            },
          },
        },
        inFlight: {
          description: 'Written under msgId; waiting for the answer.',
          initial: 'sent',
          states: {
            sent: {
              description: 'On the wire, not acknowledged yet (a reconnect resends it).',
              on: { 'rpc.acked': { target: 'acked', description: ev['rpc.acked'] } },
            },
            acked: {
              description: 'The server acknowledged it; only the answer is missing.',
            },
          },
          on: {
            'rpc.resultReceived': {
              target: '#rpc.done',
              description: ev['rpc.resultReceived'],
              actions: assign({ settlement: ({ event }) => ({ ok: true, result: event.result }) }),
            },
            'rpc.errorReceived': [
              {
                guard: 'floodWaitWithinThreshold',
                target: 'waiting',
                description: 'FLOOD_WAIT_X with X ≤ floodSleepThresholdSec: sleep, then queue again',
                actions: assign({
                  floodWaitSec: ({ event }) => floodSeconds(event.errorMessage),
                  msgId: null,
                }),
              },
              {
                guard: 'isFloodWait',
                target: '#rpc.failed',
                description: 'FLOOD_WAIT_X longer than the threshold: fail with the wait in the error',
                actions: assign({
                  settlement: ({ context, event }) => ({
                    ok: false,
                    error: {
                      kind: 'floodWait',
                      seconds: floodSeconds(event.errorMessage),
                      thresholdSec: context.floodSleepThresholdSec,
                    },
                  }),
                }),
              },
              {
                guard: 'surfacesMigrate',
                target: '#rpc.failed',
                description: '303 X_MIGRATE_N with surfaceMigrate: settle with the 303, the caller moves itself',
                actions: assign({
                  settlement: ({ event }) => ({
                    ok: false,
                    error: { kind: 'rpcError', errorCode: event.errorCode, errorMessage: event.errorMessage },
                  }),
                }),
              },
              {
                guard: 'canMigrate',
                target: 'queued',
                description: '303 X_MIGRATE_N: queue the call again on DC N',
                actions: [
                  {
                    type: 'notifyMigrated',
                    params: ({ context, event }) => ({
                      requestId: context.requestId,
                      fromDcId: context.dcId,
                      toDcId: migrateDcId(event.errorMessage, context.dcId),
                      errorMessage: event.errorMessage,
                    }),
                  },
                  assign({
                    dcId: ({ context, event }) => migrateDcId(event.errorMessage, context.dcId),
                    migrations: ({ context }) => context.migrations + 1,
                    msgId: null,
                  }),
                ],
              },
              {
                guard: 'isMigrate',
                target: '#rpc.failed',
                description: 'too many 303 redirects',
                actions: assign({
                  settlement: ({ event, context }) => ({
                    ok: false,
                    error: {
                      kind: 'tooManyMigrations',
                      dcId: migrateDcId(event.errorMessage, context.dcId),
                      limit: MAX_RPC_MIGRATIONS,
                    },
                  }),
                }),
              },
              {
                target: '#rpc.failed',
                description: 'any other rpc_error fails the call with it',
                actions: assign({
                  settlement: ({ event }) => ({
                    ok: false,
                    error: { kind: 'rpcError', errorCode: event.errorCode, errorMessage: event.errorMessage },
                  }),
                }),
              },
            ],
            'rpc.protocolFailed': {
              target: '#rpc.failed',
              description: ev['rpc.protocolFailed'],
              actions: assign({ settlement: ({ event }) => ({ ok: false, error: event.failure }) }),
            },
            'rpc.resend': [
              {
                guard: 'canResend',
                target: 'queued',
                description: ev['rpc.resend'],
                actions: assign({
                  resends: ({ context, event }) => [
                    ...context.resends,
                    { reason: event.reason, previousMsgId: context.msgId },
                  ],
                  msgId: null,
                }),
              },
              {
                target: '#rpc.failed',
                description: 'resent too often: fail instead of looping',
                actions: assign({
                  settlement: ({ context }) => ({
                    ok: false,
                    error: { kind: 'tooManyResends', resends: context.resends.length, limit: MAX_RPC_RESENDS },
                  }),
                }),
              },
            ],
            'rpc.cancel': {
              target: '#rpc.cancelled',
              description: 'cancelled after it was written: tell the server to drop the answer',
              actions: [
                { type: 'dropAnswer', params: dropParams },
                assign({ settlement: { ok: false, error: { kind: 'cancelled', answerDropped: true } } }),
              ],
            },
          },
        },
        waiting: {
          description: 'Sleeping through a FLOOD_WAIT (floodWaitSec) before queueing again.',
          after: { floodWait: { target: 'queued', description: 'flood wait over: queue again' } },
          on: {
            'rpc.cancel': {
              target: '#rpc.cancelled',
              description: 'cancelled while sleeping: nothing is on the wire',
              actions: assign({ settlement: { ok: false, error: { kind: 'cancelled', answerDropped: false } } }),
            },
          },
        },
      },
    },
    done: {
      type: 'final',
      description: 'Settled with the result.',
      entry: { type: 'settle', params: settleParams },
    },
    failed: {
      type: 'final',
      description: 'Settled with a typed error (rpc_error, flood wait, timeout, loop limits).',
      entry: { type: 'settle', params: settleParams },
    },
    cancelled: {
      type: 'final',
      description: 'Settled as cancelled by the caller.',
      entry: { type: 'settle', params: settleParams },
    },
  },
})
