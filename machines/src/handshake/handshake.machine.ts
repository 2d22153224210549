// Control flow of the auth-key handshake: req_pq_multi → req_DH_params → set_client_DH_params,
// dh_gen_retry, per-step timeouts, bounded attempts with backoff, typed failure.
// The steps themselves are engine-provided fromPromise actors (they send, receive and compute).
// https://core.telegram.org/mtproto/auth_key
import { assign, fromPromise, setup } from 'xstate'
import type { Secret } from '../secret/secret.js'
import type { HandshakeEvent } from './handshake.events.js'
import { HANDSHAKE_EVENT_DESCRIPTIONS } from './handshake.events.js'
import { MAX_DH_GEN_RETRIES, errorText, handshakeBackoffMs, initialHandshakeContext } from './handshake.logic.js'
import type {
  HandshakeContext,
  HandshakeFailure,
  HandshakeInput,
  HandshakeOutput,
  HandshakeStep,
  SetClientDhParamsOutput,
} from './handshake.logic.js'

/** Inputs of the engine-provided step actors. */
export interface ReqPqInput {
  dcId: number
  attempt: number
}
export interface ReqDhParamsInput {
  dcId: number
  carry: Secret<unknown> | null
}
export interface SetClientDhParamsInput {
  dcId: number
  carry: Secret<unknown> | null
  /** 0 on the first try, then one more per dh_gen_retry (the engine derives retry_id from carry). */
  retry: number
}

const notProvided = (name: string) => async (): Promise<never> => {
  throw new Error(`handshake actor '${name}' must be provided by the engine`)
}

type Ctx = { context: HandshakeContext }

/** Transition list for a failed attempt: back off while attempts remain, else fail for good. */
function failAttempt(failure: (args: { context: HandshakeContext; event: any }) => HandshakeFailure, description: string) {
  return [
    {
      guard: 'attemptsLeft' as const,
      target: '#handshake.backoff',
      description: `${description}; retry after backoff`,
      actions: assign<HandshakeContext, any, undefined, HandshakeEvent, any>({ lastFailure: failure }),
    },
    {
      target: '#handshake.failed',
      description: `${description}; no attempts left`,
      actions: assign<HandshakeContext, any, undefined, HandshakeEvent, any>({
        lastFailure: failure,
        output: (args: { context: HandshakeContext; event: any }): HandshakeOutput => ({
          ok: false,
          failure: failure(args),
          attempts: args.context.attempt,
        }),
      }),
    },
  ]
}

const stepTimeout = (step: HandshakeStep) =>
  failAttempt(({ context }) => ({ kind: 'timeout', step, afterMs: context.stepTimeoutMs }), `${step} timed out`)
const stepError = (step: HandshakeStep) =>
  failAttempt(({ event }) => ({ kind: 'stepFailed', step, error: errorText(event.error) }), `${step} failed`)

/** One handshake with one DC. Output {@link HandshakeOutput}. */
export const handshakeMachine = setup({
  types: {
    context: {} as HandshakeContext,
    events: {} as HandshakeEvent,
    input: {} as HandshakeInput,
    output: {} as HandshakeOutput,
  },
  actors: {
    reqPq: fromPromise<{ carry: Secret<unknown> }, ReqPqInput>(notProvided('reqPq')),
    reqDhParams: fromPromise<{ carry: Secret<unknown> }, ReqDhParamsInput>(notProvided('reqDhParams')),
    setClientDhParams: fromPromise<SetClientDhParamsOutput, SetClientDhParamsInput>(notProvided('setClientDhParams')),
  },
  actions: {
    /** An attempt failed and will be retried (for logs and the inspector). */
    attemptFailed: (_: unknown, _p: { dcId: number; attempt: number; failure: HandshakeFailure | null }) => {},
  },
  guards: {
    attemptsLeft: ({ context }) => context.attempt < context.maxAttempts,
    dhRetriesLeft: ({ context }) => context.dhRetries < MAX_DH_GEN_RETRIES,
  },
  delays: {
    stepTimeout: ({ context }) => context.stepTimeoutMs,
    retryBackoff: ({ context }) => handshakeBackoffMs(context.attempt),
  },
}).createMachine({
  id: 'handshake',
  description: 'Creates a permanent auth key with one DC; the machine decides order, retry and timeout.',
  context: ({ input }) => initialHandshakeContext(input),
  initial: 'reqPq',
  output: ({ context }) => context.output as HandshakeOutput,
  on: {
    'handshake.abort': {
      target: '.failed',
      description: HANDSHAKE_EVENT_DESCRIPTIONS['handshake.abort'],
      actions: assign({
        output: ({ context, event }) => ({
          ok: false as const,
          failure: { kind: 'aborted' as const, reason: event.reason },
          attempts: context.attempt,
        }),
      }),
    },
  },
  states: {
    reqPq: {
      description: 'req_pq_multi sent with a fresh nonce; waiting for resPQ.',
      invoke: {
        id: 'reqPq',
        src: 'reqPq',
        input: ({ context }: Ctx) => ({ dcId: context.dcId, attempt: context.attempt }),
        onDone: {
          target: 'reqDhParams',
          description: 'resPQ checked (nonce, fingerprint): go on',
          actions: assign({ carry: ({ event }) => event.output.carry }),
        },
        onError: stepError('reqPq'),
      },
      after: { stepTimeout: stepTimeout('reqPq') },
    },
    reqDhParams: {
      description: 'pq factored, p_q_inner_data RSA-encrypted and sent; waiting for server_DH_params.',
      invoke: {
        id: 'reqDhParams',
        src: 'reqDhParams',
        input: ({ context }: Ctx) => ({ dcId: context.dcId, carry: context.carry }),
        onDone: {
          target: 'setClientDhParams',
          description: 'server_DH_params_ok decrypted and checked: go on',
          actions: assign({ carry: ({ event }) => event.output.carry }),
        },
        onError: stepError('reqDhParams'),
      },
      after: { stepTimeout: stepTimeout('reqDhParams') },
    },
    setClientDhParams: {
      description: 'client_DH_inner_data sent (retry_id from the last dh_gen_retry); waiting for dh_gen_*.',
      invoke: {
        id: 'setClientDhParams',
        src: 'setClientDhParams',
        input: ({ context }: Ctx) => ({ dcId: context.dcId, carry: context.carry, retry: context.dhRetries }),
        onDone: [
          {
            guard: ({ event }) => event.output.kind === 'dhGenOk',
            target: 'done',
            description: 'dh_gen_ok: the auth key exists',
            actions: assign({
              output: ({ event }) => ({
                ok: true as const,
                result: (event.output as Extract<SetClientDhParamsOutput, { kind: 'dhGenOk' }>).result,
              }),
            }),
          },
          {
            guard: ({ context, event }) =>
              event.output.kind === 'dhGenRetry' && context.dhRetries < MAX_DH_GEN_RETRIES,
            target: 'setClientDhParams',
            reenter: true,
            description: 'dh_gen_retry: send set_client_DH_params again with a new b and retry_id',
            actions: assign({
              carry: ({ event }) => (event.output as Extract<SetClientDhParamsOutput, { kind: 'dhGenRetry' }>).carry,
              dhRetries: ({ context }) => context.dhRetries + 1,
            }),
          },
          {
            guard: ({ event }) => event.output.kind === 'dhGenRetry',
            target: 'failed',
            description: 'dh_gen_retry more often than MAX_DH_GEN_RETRIES',
            actions: assign({
              output: ({ context }) => ({
                ok: false as const,
                failure: { kind: 'tooManyDhRetries' as const, retries: context.dhRetries, limit: MAX_DH_GEN_RETRIES },
                attempts: context.attempt,
              }),
            }),
          },
          ...failAttempt(() => ({ kind: 'dhGenFail' }), 'dh_gen_fail'),
        ],
        onError: stepError('setClientDhParams'),
      },
      after: { stepTimeout: stepTimeout('setClientDhParams') },
    },
    backoff: {
      description: 'An attempt failed; waiting retryBackoff before starting over from req_pq_multi.',
      entry: {
        type: 'attemptFailed',
        params: ({ context }: Ctx) => ({ dcId: context.dcId, attempt: context.attempt, failure: context.lastFailure }),
      },
      after: {
        retryBackoff: {
          target: 'reqPq',
          description: 'start a new attempt',
          actions: assign({ attempt: ({ context }) => context.attempt + 1, dhRetries: 0, carry: null }),
        },
      },
    },
    done: { type: 'final', description: 'dh_gen_ok: output carries the key, its id, the salt and time offset.' },
    failed: { type: 'final', description: 'Gave up: output carries the typed failure and the attempts made.' },
  },
})
