// The handshake machine's three step actors, built on the protocol's pure client steps: each
// sends one plain message over the connection and awaits the next plain answer. The machine owns
// order, timeouts and retries; these own bytes only. Knows nothing of sockets (a PlainChannel).
// What they hand the machine between steps (nonces, new_nonce, the DH exponent) and at the end
// (the key, the first salt) is boxed: the machine's context and outputs reach `inspect`.
// https://core.telegram.org/mtproto/auth_key
import { fromPromise } from 'xstate'
import { handshakeMachine, secret, type Secret, type SetClientDhParamsOutput } from '@mtswarm/machines'
import { rememberSafePrime, type RandomSource, type RsaPublicKey } from '../crypto/index.js'
import {
  clientHandshake,
  type ClientAwaitingDhGen,
  type ClientAwaitingDhParams,
  type ClientAwaitingResPq,
  type HandshakeError,
} from '../protocol/index.js'
import type { TlObject, mtp } from '../tl/index.js'
import { whyNotSafePrime } from './safe-prime.js'

/** Plain (unencrypted) messages of one connection, as the handshake needs them. */
export interface PlainChannel {
  /** Frames `request` as a plain message and writes it. */
  send(request: TlObject): void
  /** The next plain message from the server, decoded; rejects when `signal` aborts. */
  receive(signal: AbortSignal): Promise<TlObject>
}

/** A step refused the server's answer: carries the protocol's typed reason. */
export class HandshakeStepError extends Error {
  override readonly name = 'HandshakeStepError'
  constructor(readonly error: HandshakeError) {
    super(`handshake step failed: ${error.kind}`)
  }
}

interface AfterResPq {
  readonly state: ClientAwaitingResPq
  readonly resPq: mtp.TypeResPQ
}
interface AfterDhParams {
  readonly state: ClientAwaitingDhParams
  readonly answer: mtp.TypeServer_DH_Params
}
/** What setClientDhParams carries: the first attempt, or a dh_gen_retry's ready request. */
type DhGenCarry =
  | { readonly kind: 'first'; readonly after: AfterDhParams }
  | { readonly kind: 'retry'; readonly request: mtp.RawMt_set_client_DH_paramsRequest; readonly state: ClientAwaitingDhGen }

export interface HandshakeActorsOptions {
  /** The plain channel of the connection that owns `system` (the actor system of its machine). */
  readonly channel: (system: unknown, dcId: number) => PlainChannel
  readonly publicKeys: readonly RsaPublicKey[]
  /** DC id as p_q_inner_data_dc wants it (the runtime adds its test offset). */
  readonly wireDcId: (dcId: number) => number
  readonly random: RandomSource
  readonly nowMs: () => number
}

/** The step state a previous step boxed (the machine hands it on without looking). */
function unbox<T>(carry: Secret<unknown> | null): T {
  if (carry === null) throw new Error('handshake step started without the previous step state')
  return carry.reveal() as T
}

/** handshakeMachine with the engine's step actors. */
export function handshakeLogic(o: HandshakeActorsOptions) {
  return handshakeMachine.provide({
    actors: {
      reqPq: fromPromise<{ carry: Secret<unknown> }, { dcId: number; attempt: number }>(async ({ input, signal, system }) => {
        const ch = o.channel(system, input.dcId)
        const { request, state } = clientHandshake.step1(o.random)
        const answer = ch.receive(signal)
        ch.send(request)
        const carry: AfterResPq = { state, resPq: (await answer) as mtp.TypeResPQ }
        return { carry: secret(carry) }
      }),
      reqDhParams: fromPromise<{ carry: Secret<unknown> }, { dcId: number; carry: Secret<unknown> | null }>(async ({ input, signal, system }) => {
        const ch = o.channel(system, input.dcId)
        const prev = unbox<AfterResPq>(input.carry)
        const r = clientHandshake.step2(prev.state, prev.resPq, { publicKeys: o.publicKeys, dcId: o.wireDcId(input.dcId) }, o.random)
        if (!r.ok) throw new HandshakeStepError(r.error)
        const answer = ch.receive(signal)
        ch.send(r.value.request)
        const carry: DhGenCarry = { kind: 'first', after: { state: r.value.state, answer: (await answer) as mtp.TypeServer_DH_Params } }
        return { carry: secret(carry) }
      }),
      setClientDhParams: fromPromise<SetClientDhParamsOutput, { dcId: number; carry: Secret<unknown> | null; retry: number }>(
        async ({ input, signal, system }) => {
          const ch = o.channel(system, input.dcId)
          const carry = unbox<DhGenCarry>(input.carry)
          let request: mtp.RawMt_set_client_DH_paramsRequest
          let state: ClientAwaitingDhGen
          if (carry.kind === 'first') {
            let r = clientHandshake.step3(carry.after.state, carry.after.answer, o.random, o.nowMs())
            if (!r.ok && r.error.kind === 'dh-prime-unverified') {
              // NB: off the event loop (libuv's pool): the test costs ~0.4 s of CPU per prime.
              const why = await whyNotSafePrime(r.error.prime)
              if (why !== null) {
                throw new HandshakeStepError({ kind: 'dh-check-failed', error: { kind: 'dh-prime-not-safe', expected: 'p and (p−1)/2 prime', actual: why } })
              }
              rememberSafePrime(r.error.prime)
              r = clientHandshake.step3(carry.after.state, carry.after.answer, o.random, o.nowMs())
            }
            if (!r.ok) throw new HandshakeStepError(r.error)
            request = r.value.request
            state = r.value.state
          } else {
            request = carry.request
            state = carry.state
          }
          const answer = ch.receive(signal)
          ch.send(request)
          const f = clientHandshake.finish(state, (await answer) as mtp.TypeSet_client_DH_params_answer, o.random)
          if (!f.ok) {
            if (f.error.kind === 'dh-gen-fail') return { kind: 'dhGenFail' }
            throw new HandshakeStepError(f.error)
          }
          if (f.value.kind === 'retry') {
            const next: DhGenCarry = { kind: 'retry', request: f.value.request, state: f.value.state }
            return { kind: 'dhGenRetry', carry: secret(next) }
          }
          const k = f.value.key
          return {
            kind: 'dhGenOk',
            result: { authKey: secret(k.authKey), authKeyId: k.authKeyId, serverSalt: secret(k.serverSalt), timeOffsetMs: k.timeOffsetMs },
          }
        },
      ),
    },
  })
}
