// The server side of the auth key handshake as pure steps, mirroring handshake-client.ts, for the
// project's test DC: resPQ (pq from the random source), server_DH_params_ok (RSA_PAD or the legacy
// scheme, every p_q_inner_data variant), dh_gen_ok / dh_gen_retry / dh_gen_fail. Knows nothing of
// sockets, key storage or timeouts; whether a key id is already taken is the caller's answer.
// https://core.telegram.org/mtproto/auth_key
import {
  authKeyAuxHash,
  authKeyId as computeAuthKeyId,
  bigIntFromBytes,
  bigIntToBytes,
  checkDhGroup,
  checkDhPublicValue,
  checkRsaLegacyHash,
  deriveTmpAes,
  dhPublicValue,
  dhSharedKey,
  initialServerSalt,
  newNonceHash,
  readInt64Le,
  rsaLegacyDecrypt,
  rsaPadDecrypt,
  type DhGroup,
  type RsaPrivateKey,
  type TmpAesParams,
} from '../crypto/index.js'
import type { mtp } from '../tl/index.js'
import { MAX_DH_GEN_RETRIES, checkNonce, decryptInner, encryptInner, readInnerObject, type HandshakeError } from './handshake-shared.js'
import { err, ok, type Result } from './result.js'

/** The server's configuration. */
export interface ServerHandshakeOptions {
  readonly privateKeys: readonly RsaPrivateKey[]
  /** dh_prime; must be a 2048-bit safe prime. */
  readonly dhPrime: bigint
  /** Generator, 2..7, a quadratic residue mod dh_prime. */
  readonly g: number
  /** When set, a p_q_inner_data that names another DC is refused. */
  readonly dcId?: number
}

/** After step 1: waiting for req_DH_params. */
export interface ServerAwaitingDhParams {
  readonly step: 'server-awaiting-dh-params'
  readonly nonce: Uint8Array
  readonly serverNonce: Uint8Array
  readonly pq: Uint8Array
  readonly p: Uint8Array
  readonly q: Uint8Array
}

/** After step 2 (or a retry): waiting for set_client_DH_params. */
export interface ServerAwaitingClientDh {
  readonly step: 'server-awaiting-client-dh'
  readonly nonce: Uint8Array
  readonly serverNonce: Uint8Array
  readonly newNonce: Uint8Array
  readonly tmpAes: TmpAesParams
  readonly group: DhGroup
  readonly a: Uint8Array
  /** retry_id the next client_DH_inner_data must carry: 0, then the last attempt's auth_key_aux_hash. */
  readonly expectedRetryId: bigint
  readonly retries: number
  readonly dc?: number
  readonly expiresIn?: number
}

/** A key the server agreed on. */
export interface ServerAuthKey {
  readonly authKey: Uint8Array
  readonly authKeyId: bigint
  readonly serverSalt: bigint
  /** The DC the client named in p_q_inner_data_dc / _temp_dc. */
  readonly dc?: number
  /** Set for a temporary key. */
  readonly expiresIn?: number
}

/** Whether the server accepts the key (ok), asks for another attempt (retry, e.g. the id is taken) or gives up. */
export type DhGenVerdict = 'ok' | 'retry' | 'fail'

// A 31-bit prime via deterministic Miller–Rabin (bases 2, 7, 61 suffice below 4,759,123,141).
function isPrime32(n: number): boolean {
  if (n < 2) return false
  for (const small of [2, 3, 5, 7, 11, 13, 61]) if (n % small === 0) return n === small
  let d = n - 1
  let s = 0
  while (d % 2 === 0) {
    d /= 2
    s++
  }
  const N = BigInt(n)
  outer: for (const a of [2n, 7n, 61n]) {
    let x = modPow(a, BigInt(d), N)
    if (x === 1n || x === N - 1n) continue
    for (let i = 1; i < s; i++) {
      x = (x * x) % N
      if (x === N - 1n) continue outer
    }
    return false
  }
  return true
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n
  let b = base % mod
  let e = exp
  while (e > 0n) {
    if (e & 1n) r = (r * b) % mod
    b = (b * b) % mod
    e >>= 1n
  }
  return r
}

function randomPrime31(random: (n: number) => Uint8Array): number {
  for (;;) {
    const bytes = random(4)
    // in [2^30, 2^31), odd
    const candidate = ((((bytes[0] as number) | ((bytes[1] as number) << 8) | ((bytes[2] as number) << 16) | ((bytes[3] as number) << 24)) >>> 2) | 0x40000000 | 1) >>> 0
    if (isPrime32(candidate)) return candidate
  }
}

/**
 * Two distinct primes p < q in [2^30, 2^31) from the random source, so pq < 2^62 as the docs
 * promise ("normally, pq is less than or equal to 2^63-1").
 */
export function randomPq(random: (n: number) => Uint8Array): { p: bigint; q: bigint } {
  const a = randomPrime31(random)
  let b = randomPrime31(random)
  while (b === a) b = randomPrime31(random)
  return a < b ? { p: BigInt(a), q: BigInt(b) } : { p: BigInt(b), q: BigInt(a) }
}

/** Step 1: answers req_pq_multi (or the old req_pq) with a fresh server_nonce and pq. */
function step1(
  request: mtp.RawMt_req_pq_multiRequest | mtp.RawMt_req_pqRequest,
  options: ServerHandshakeOptions,
  random: (n: number) => Uint8Array,
  factors: { p: bigint; q: bigint } = randomPq(random),
): { response: mtp.RawMt_resPQ; state: ServerAwaitingDhParams } {
  const serverNonce = random(16)
  const p = bigIntToBytes(factors.p)
  const q = bigIntToBytes(factors.q)
  const pq = bigIntToBytes(factors.p * factors.q)
  return {
    response: {
      _: 'mt_resPQ',
      nonce: request.nonce,
      serverNonce,
      pq,
      serverPublicKeyFingerprints: options.privateKeys.map((k) => k.publicKey.fingerprint),
    },
    state: { step: 'server-awaiting-dh-params', nonce: request.nonce, serverNonce, pq, p, q },
  }
}

type PqInner = mtp.TypeP_Q_inner_data

function isPqInner(obj: { _: string }): obj is PqInner {
  return (
    obj._ === 'mt_p_q_inner_data' ||
    obj._ === 'mt_p_q_inner_data_dc' ||
    obj._ === 'mt_p_q_inner_data_temp' ||
    obj._ === 'mt_p_q_inner_data_temp_dc'
  )
}

/** Decrypts req_DH_params.encrypted_data: RSA_PAD first, then the legacy SHA1 scheme. */
function decryptPqInner(key: RsaPrivateKey, encrypted: Uint8Array): Result<PqInner, HandshakeError> {
  const padded = rsaPadDecrypt(key, encrypted)
  if (padded.ok) {
    const parsed = readInnerObject(padded.value)
    if (!parsed.ok) return parsed
    if (!isPqInner(parsed.value.obj)) {
      return err({ kind: 'unexpected-constructor', expected: 'mt_p_q_inner_data_dc', received: parsed.value.obj._ })
    }
    return ok(parsed.value.obj)
  }
  const legacy = rsaLegacyDecrypt(key, encrypted)
  if (!legacy.ok) return err({ kind: 'rsa-failed', error: padded.error, legacyError: legacy.error })
  const parsed = readInnerObject(legacy.value.dataWithPadding)
  // NB: a block that does not even parse was not legacy either: report the RSA_PAD failure.
  if (!parsed.ok || !isPqInner(parsed.value.obj)) return err({ kind: 'rsa-failed', error: padded.error })
  const hashed = checkRsaLegacyHash(legacy.value, parsed.value.length)
  if (!hashed.ok) return err({ kind: 'rsa-failed', error: padded.error, legacyError: hashed.error })
  return ok(parsed.value.obj)
}

function sameBytes(field: 'p' | 'q' | 'pq', expected: Uint8Array, received: Uint8Array): HandshakeError | null {
  // Compared as numbers: a client may send leading zero bytes.
  return bigIntFromBytes(expected) === bigIntFromBytes(received) ? null : { kind: 'pq-mismatch', field, expected, received }
}

/**
 * Step 2: checks req_DH_params, decrypts p_q_inner_data (any variant, RSA_PAD or legacy), checks
 * it against step 1, and answers server_DH_params_ok with a fresh g_a.
 */
function step2(
  state: ServerAwaitingDhParams,
  request: mtp.RawMt_req_DH_paramsRequest,
  options: ServerHandshakeOptions,
  random: (n: number) => Uint8Array,
  nowMs: number,
): Result<{ response: mtp.RawMt_server_DH_params_ok; state: ServerAwaitingClientDh }, HandshakeError> {
  const nonceError = checkNonce('nonce', state.nonce, request.nonce) ?? checkNonce('server_nonce', state.serverNonce, request.serverNonce)
  if (nonceError) return err(nonceError)
  const pqError = sameBytes('p', state.p, request.p) ?? sameBytes('q', state.q, request.q)
  if (pqError) return err(pqError)
  const key = options.privateKeys.find((k) => k.publicKey.fingerprint === request.publicKeyFingerprint)
  if (key === undefined) {
    return err({
      kind: 'unknown-fingerprint',
      expected: options.privateKeys.map((k) => k.publicKey.fingerprint),
      received: request.publicKeyFingerprint,
    })
  }
  const inner = decryptPqInner(key, request.encryptedData)
  if (!inner.ok) return inner
  const data = inner.value
  const innerError =
    checkNonce('nonce', state.nonce, data.nonce) ??
    checkNonce('server_nonce', state.serverNonce, data.serverNonce) ??
    sameBytes('pq', state.pq, data.pq) ??
    sameBytes('p', state.p, data.p) ??
    sameBytes('q', state.q, data.q)
  if (innerError) return err(innerError)
  const dc = 'dc' in data ? data.dc : undefined
  if (dc !== undefined && options.dcId !== undefined && dc !== options.dcId) {
    return err({ kind: 'dc-mismatch', expected: options.dcId, received: dc })
  }
  const expiresIn = 'expiresIn' in data ? data.expiresIn : undefined
  const group = checkDhGroup(options.dhPrime, options.g)
  if (!group.ok) throw new RangeError(`server misconfigured: ${group.error.kind}`)
  let a: Uint8Array
  let gA: Uint8Array
  for (;;) {
    a = random(256)
    gA = dhPublicValue(group.value, a)
    if (checkDhPublicValue(gA, group.value.p, 'g_a').ok) break
  }
  const tmpAes = deriveTmpAes(data.newNonce, state.serverNonce)
  const answer: mtp.RawMt_server_DH_inner_data = {
    _: 'mt_server_DH_inner_data',
    nonce: state.nonce,
    serverNonce: state.serverNonce,
    g: options.g,
    dhPrime: bigIntToBytes(options.dhPrime, 256),
    gA,
    serverTime: Math.floor(nowMs / 1000),
  }
  return ok({
    response: {
      _: 'mt_server_DH_params_ok',
      nonce: state.nonce,
      serverNonce: state.serverNonce,
      encryptedAnswer: encryptInner(answer, tmpAes, random),
    },
    state: {
      step: 'server-awaiting-client-dh',
      nonce: state.nonce,
      serverNonce: state.serverNonce,
      newNonce: data.newNonce,
      tmpAes,
      group: group.value,
      a,
      expectedRetryId: 0n,
      retries: 0,
      ...(dc === undefined ? {} : { dc }),
      ...(expiresIn === undefined ? {} : { expiresIn }),
    },
  })
}

/** What step 3 produced. */
export type ServerDhGenOutcome =
  | { readonly kind: 'done'; readonly response: mtp.RawMt_dh_gen_ok; readonly key: ServerAuthKey }
  | { readonly kind: 'retry'; readonly response: mtp.RawMt_dh_gen_retry; readonly state: ServerAwaitingClientDh }
  | { readonly kind: 'failed'; readonly response: mtp.RawMt_dh_gen_fail }

/**
 * Step 3: decrypts client_DH_inner_data, checks nonces, the SHA1, retry_id and g_b, computes the
 * key, and answers according to `verdict` (default: ok). A retry keeps the state for the next
 * set_client_DH_params.
 */
function step3(
  state: ServerAwaitingClientDh,
  request: mtp.RawMt_set_client_DH_paramsRequest,
  verdict: (authKeyId: bigint) => DhGenVerdict = () => 'ok',
): Result<ServerDhGenOutcome, HandshakeError> {
  const nonceError = checkNonce('nonce', state.nonce, request.nonce) ?? checkNonce('server_nonce', state.serverNonce, request.serverNonce)
  if (nonceError) return err(nonceError)
  const decrypted = decryptInner(request.encryptedData, state.tmpAes)
  if (!decrypted.ok) return decrypted
  const inner = decrypted.value
  if (inner._ !== 'mt_client_DH_inner_data') {
    return err({ kind: 'unexpected-constructor', expected: 'mt_client_DH_inner_data', received: inner._ })
  }
  const innerNonceError =
    checkNonce('nonce', state.nonce, inner.nonce) ?? checkNonce('server_nonce', state.serverNonce, inner.serverNonce)
  if (innerNonceError) return err(innerNonceError)
  if (inner.retryId !== state.expectedRetryId) {
    return err({ kind: 'retry-id-mismatch', expected: state.expectedRetryId, received: inner.retryId })
  }
  const gB = checkDhPublicValue(inner.gB, state.group.p, 'g_b')
  if (!gB.ok) return err({ kind: 'dh-check-failed', error: gB.error })
  const authKey = dhSharedKey(state.group, gB.value, state.a)
  const authKeyId = computeAuthKeyId(authKey)
  const base = { nonce: state.nonce, serverNonce: state.serverNonce }
  switch (verdict(authKeyId)) {
    case 'ok':
      return ok({
        kind: 'done',
        response: { _: 'mt_dh_gen_ok', ...base, newNonceHash1: newNonceHash(state.newNonce, authKey, 1) },
        key: {
          authKey,
          authKeyId,
          serverSalt: initialServerSalt(state.newNonce, state.serverNonce),
          ...(state.dc === undefined ? {} : { dc: state.dc }),
          ...(state.expiresIn === undefined ? {} : { expiresIn: state.expiresIn }),
        },
      })
    case 'retry':
      if (state.retries >= MAX_DH_GEN_RETRIES) {
        return ok({ kind: 'failed', response: { _: 'mt_dh_gen_fail', ...base, newNonceHash3: newNonceHash(state.newNonce, authKey, 3) } })
      }
      return ok({
        kind: 'retry',
        response: { _: 'mt_dh_gen_retry', ...base, newNonceHash2: newNonceHash(state.newNonce, authKey, 2) },
        state: { ...state, expectedRetryId: readInt64Le(authKeyAuxHash(authKey)), retries: state.retries + 1 },
      })
    case 'fail':
      return ok({ kind: 'failed', response: { _: 'mt_dh_gen_fail', ...base, newNonceHash3: newNonceHash(state.newNonce, authKey, 3) } })
  }
}

/** The server's handshake steps, in order: `step1 → step2 → step3` (step3 may hand back a retry state). */
export const serverHandshake = { step1, step2, step3 } as const
