// What a runtime is configured with: where the DCs are, whose RSA keys to trust, the client's
// initConnection identity, the transport, and the seams for time and randomness. Defaults are
// filled once here; nothing else in runtime/ reads process-wide state.
import type { InspectionEvent } from 'xstate'
import type { RandomSource, RsaPublicKey } from '../crypto/index.js'
import type { SessionStore } from '@mtswarm/storage'
import { MAX_CONCURRENT_HANDSHAKES } from './handshake-gate.js'
import { createPooledRandom } from './random.js'
import type { ClientTransportName } from '../transport/index.js'
import type { InitConnectionClient } from '../protocol/index.js'

/** The timer source of every actor (XState's clock shape; SimulatedClock fits). */
export interface Clock {
  setTimeout(fn: (...args: any[]) => void, timeout: number): any
  clearTimeout(id: any): void
}

/** One DC address. */
export interface DcEndpoint {
  readonly id: number
  readonly host: string
  readonly port: number
}

/** Transports the runtime speaks (client side). */
/** The MTProto transports a runtime can speak (obfuscated2 wraps one of the others). */
export type RuntimeTransport = ClientTransportName

/** initConnection fields (https://core.telegram.org/method/initConnection); langPack is always ''. */
export type ClientIdentity = InitConnectionClient

/** {@link createRuntime}'s options. */
export interface RuntimeOptions {
  readonly store: SessionStore
  /** Every DC the runtime may connect to (the account layer picks which). */
  readonly dcs: readonly DcEndpoint[]
  /** RSA keys trusted for the handshake. */
  readonly publicKeys: readonly RsaPublicKey[]
  readonly client: ClientIdentity
  /** Default 'intermediate'. */
  readonly transport?: RuntimeTransport
  /** Added to the DC id in p_q_inner_data_dc (10000 for Telegram's test servers); default 0. */
  readonly dcIdOffset?: number
  /** Timers of every actor (XState clock); default the real one. */
  readonly clock?: Clock
  /** Wall clock in ms for msg_ids and salts; default Date.now. */
  readonly nowMs?: () => number
  /** Default node:crypto's CSPRNG through a 4 KiB pool ({@link createPooledRandom}). */
  readonly random?: RandomSource
  /** FLOOD_WAIT up to this many seconds is slept through (rpc machine default otherwise). */
  readonly floodSleepThresholdSec?: number
  /** Per-call deadline (rpc machine default otherwise). */
  readonly rpcTimeoutMs?: number
  /** Handshakes in flight per DC (default MAX_CONCURRENT_HANDSHAKES); the rest wait for a slot. */
  readonly maxConcurrentHandshakes?: number
  /** Stately inspection hook, passed to every actor this runtime creates. */
  readonly inspect?: (event: InspectionEvent) => void
}

/** Options with every default applied. */
export interface ResolvedRuntimeOptions extends Required<Omit<RuntimeOptions, 'clock' | 'inspect' | 'floodSleepThresholdSec' | 'rpcTimeoutMs'>> {
  readonly clock: Clock | undefined
  readonly inspect: ((event: InspectionEvent) => void) | undefined
  readonly floodSleepThresholdSec: number | undefined
  readonly rpcTimeoutMs: number | undefined
}

export function resolveOptions(o: RuntimeOptions): ResolvedRuntimeOptions {
  if (o.publicKeys.length === 0) throw new RangeError('RuntimeOptions.publicKeys is empty: the handshake could trust no server')
  return {
    store: o.store,
    dcs: o.dcs,
    publicKeys: o.publicKeys,
    client: o.client,
    transport: o.transport ?? 'intermediate',
    dcIdOffset: o.dcIdOffset ?? 0,
    clock: o.clock,
    nowMs: o.nowMs ?? Date.now,
    random: o.random ?? createPooledRandom(),
    floodSleepThresholdSec: o.floodSleepThresholdSec,
    rpcTimeoutMs: o.rpcTimeoutMs,
    inspect: o.inspect,
    maxConcurrentHandshakes: o.maxConcurrentHandshakes ?? MAX_CONCURRENT_HANDSHAKES,
  }
}
