// Pure rules of the auth-key handshake's control flow: limits, per-step timeouts, retry backoff,
// and the typed outcome. The step computations (nonces, pq, RSA, DH) belong to the engine.
// https://core.telegram.org/mtproto/auth_key
import type { Secret } from '../secret/secret.js'

/** How long one step may wait for the server's answer. */
export const HANDSHAKE_STEP_TIMEOUT_MS = 10_000
/** Whole-handshake attempts (a timeout or a failed step restarts from req_pq_multi). */
export const MAX_HANDSHAKE_ATTEMPTS = 3
/** dh_gen_retry answers accepted before giving up. */
export const MAX_DH_GEN_RETRIES = 5
/** First retry delay; doubles per attempt up to HANDSHAKE_BACKOFF_MAX_MS. */
export const HANDSHAKE_BACKOFF_BASE_MS = 1_000
export const HANDSHAKE_BACKOFF_MAX_MS = 16_000

export type HandshakeStep = 'reqPq' | 'reqDhParams' | 'setClientDhParams'

/**
 * What a finished handshake hands back (the key bytes are the engine's, passed through boxed: the
 * output reaches `inspect`). The key id is public: it heads every encrypted packet.
 */
export interface HandshakeResult {
  authKey: Secret<Uint8Array>
  authKeyId: bigint
  serverSalt: Secret<bigint>
  /** server time − local time, from server_DH_inner_data.server_time. */
  timeOffsetMs: number
}

/** Answer of set_client_DH_params, decoded by the engine. */
export type SetClientDhParamsOutput =
  | { kind: 'dhGenOk'; result: HandshakeResult }
  | { kind: 'dhGenRetry'; carry: Secret<unknown> }
  | { kind: 'dhGenFail' }

/** Why one attempt (or the handshake) failed. */
export type HandshakeFailure =
  | { kind: 'timeout'; step: HandshakeStep; afterMs: number }
  | { kind: 'stepFailed'; step: HandshakeStep; error: string }
  | { kind: 'dhGenFail' }
  | { kind: 'tooManyDhRetries'; retries: number; limit: number }
  | { kind: 'aborted'; reason: string }

export type HandshakeOutput =
  | { ok: true; result: HandshakeResult }
  | { ok: false; failure: HandshakeFailure; attempts: number }

export interface HandshakeInput {
  dcId: number
  maxAttempts?: number
  stepTimeoutMs?: number
}

export interface HandshakeContext {
  dcId: number
  /** 1-based attempt number of the current run from req_pq_multi. */
  attempt: number
  maxAttempts: number
  stepTimeoutMs: number
  /** dh_gen_retry answers seen in this attempt. */
  dhRetries: number
  /**
   * Opaque state of the engine's step chain, handed from one step actor to the next. Boxed: it
   * holds nonces, new_nonce and the DH exponent, from which the key follows.
   */
  carry: Secret<unknown> | null
  lastFailure: HandshakeFailure | null
  output: HandshakeOutput | null
}

export function initialHandshakeContext(input: HandshakeInput): HandshakeContext {
  return {
    dcId: input.dcId,
    attempt: 1,
    maxAttempts: input.maxAttempts ?? MAX_HANDSHAKE_ATTEMPTS,
    stepTimeoutMs: input.stepTimeoutMs ?? HANDSHAKE_STEP_TIMEOUT_MS,
    dhRetries: 0,
    carry: null,
    lastFailure: null,
    output: null,
  }
}

/** Delay before attempt `attempt + 1`: base · 2^(attempt − 1), capped. */
export function handshakeBackoffMs(attempt: number): number {
  return Math.min(HANDSHAKE_BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1), HANDSHAKE_BACKOFF_MAX_MS)
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}
