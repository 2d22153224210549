// The client side of the auth key handshake as pure steps: req_pq_multi → req_DH_params →
// set_client_DH_params → finish (dh_gen_ok / dh_gen_retry / dh_gen_fail). Each step takes the
// previous step's state type, so an out-of-order call does not compile. Knows nothing of
// transports, plain-message framing or timeouts (the handshake machine owns those).
// https://core.telegram.org/mtproto/auth_key
import {
  authKeyAuxHash,
  authKeyId as computeAuthKeyId,
  bigIntToBytes,
  checkDhGroup,
  unverifiedDhPrime,
  checkDhPublicValue,
  deriveTmpAes,
  dhPublicValue,
  dhSharedKey,
  factorizePq,
  initialServerSalt,
  newNonceHash,
  readInt64Le,
  rsaPadEncrypt,
  type DhGroup,
  type RsaPublicKey,
  type TmpAesParams,
} from '../crypto/index.js'
import { serializeObject, type mtp } from '../tl/index.js'
import {
  MAX_DH_GEN_RETRIES,
  checkNonce,
  decryptInner,
  encryptInner,
  newNonceHashForFail,
  type HandshakeError,
} from './handshake-shared.js'
import { err, ok, type Result } from './result.js'

/** Bound on fresh `b` exponents tried when g_b falls outside the safety margin (p ≈ 2^-63 each). */
const MAX_DH_SECRET_TRIES = 8

/** Where and how to create the key. */
export interface ClientHandshakeOptions {
  /** The server's RSA keys this client trusts. */
  readonly publicKeys: readonly RsaPublicKey[]
  /**
   * DC id as p_q_inner_data_dc wants it: +10000 for test servers, negative for media DCs.
   * https://core.telegram.org/mtproto/auth_key#4-encrypted-data-payload-generation
   */
  readonly dcId: number
  /** Seconds: creates a temporary key (p_q_inner_data_temp_dc) that expires after this. */
  readonly expiresIn?: number
}

/** After step 1: waiting for resPQ. */
export interface ClientAwaitingResPq {
  readonly step: 'awaiting-res-pq'
  readonly nonce: Uint8Array
}

/** After step 2: waiting for server_DH_params. */
export interface ClientAwaitingDhParams {
  readonly step: 'awaiting-dh-params'
  readonly nonce: Uint8Array
  readonly serverNonce: Uint8Array
  readonly newNonce: Uint8Array
  readonly expiresIn?: number
}

/** After step 3 (or a retry): waiting for dh_gen_ok / dh_gen_retry / dh_gen_fail. */
export interface ClientAwaitingDhGen {
  readonly step: 'awaiting-dh-gen'
  readonly nonce: Uint8Array
  readonly serverNonce: Uint8Array
  readonly newNonce: Uint8Array
  readonly tmpAes: TmpAesParams
  readonly group: DhGroup
  readonly gA: bigint
  /** The key this attempt would produce. */
  readonly authKey: Uint8Array
  /** Server clock minus local clock, from server_DH_inner_data.server_time. */
  readonly timeOffsetMs: number
  readonly retries: number
  readonly expiresIn?: number
}

/** The handshake's outcome. */
export interface AuthKeyCreated {
  /** 256 bytes. */
  readonly authKey: Uint8Array
  readonly authKeyId: bigint
  /** substr(new_nonce, 0, 8) XOR substr(server_nonce, 0, 8). */
  readonly serverSalt: bigint
  /** Server clock minus local clock, in ms. */
  readonly timeOffsetMs: number
  /** Set for a temporary key. */
  readonly expiresIn?: number
}

/** Step 1: a fresh nonce and req_pq_multi. */
function step1(random: (n: number) => Uint8Array): {
  request: mtp.RawMt_req_pq_multiRequest
  state: ClientAwaitingResPq
} {
  const nonce = random(16)
  return { request: { _: 'mt_req_pq_multi', nonce }, state: { step: 'awaiting-res-pq', nonce } }
}

/**
 * Step 2: checks resPQ's nonce, picks a trusted key by fingerprint, factorizes pq (bounded), and sends
 * p_q_inner_data_dc (or _temp_dc) under RSA_PAD in req_DH_params.
 */
function step2(
  state: ClientAwaitingResPq,
  resPq: mtp.TypeResPQ,
  options: ClientHandshakeOptions,
  random: (n: number) => Uint8Array,
): Result<{ request: mtp.RawMt_req_DH_paramsRequest; state: ClientAwaitingDhParams }, HandshakeError> {
  if (resPq._ !== 'mt_resPQ') return err({ kind: 'unexpected-constructor', expected: 'mt_resPQ', received: (resPq as { _: string })._ })
  const nonceError = checkNonce('nonce', state.nonce, resPq.nonce)
  if (nonceError) return err(nonceError)
  // NB: the nonce and a trusted fingerprint are checked before pq is factored: factoring is the
  // one step whose cost a hostile resPQ chooses, so a reply that fails the cheap checks never pays it.
  const key = options.publicKeys.find((k) => resPq.serverPublicKeyFingerprints.includes(k.fingerprint))
  if (key === undefined) {
    return err({
      kind: 'no-matching-public-key',
      expected: options.publicKeys.map((k) => k.fingerprint),
      received: resPq.serverPublicKeyFingerprints,
    })
  }
  const factors = factorizePq(resPq.pq)
  if (!factors.ok) return err({ kind: 'pq-refused', error: factors.error })
  const newNonce = random(32)
  const p = bigIntToBytes(factors.value.p)
  const q = bigIntToBytes(factors.value.q)
  const common = { pq: resPq.pq, p, q, nonce: state.nonce, serverNonce: resPq.serverNonce, newNonce, dc: options.dcId }
  const inner: mtp.TypeP_Q_inner_data =
    options.expiresIn === undefined
      ? { _: 'mt_p_q_inner_data_dc', ...common }
      : { _: 'mt_p_q_inner_data_temp_dc', ...common, expiresIn: options.expiresIn }
  const encrypted = rsaPadEncrypt(key, serializeObject(inner), random)
  if (!encrypted.ok) return err({ kind: 'rsa-failed', error: encrypted.error })
  return ok({
    request: {
      _: 'mt_req_DH_params',
      nonce: state.nonce,
      serverNonce: resPq.serverNonce,
      p,
      q,
      publicKeyFingerprint: key.fingerprint,
      encryptedData: encrypted.value,
    },
    state: {
      step: 'awaiting-dh-params',
      nonce: state.nonce,
      serverNonce: resPq.serverNonce,
      newNonce,
      ...(options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn }),
    },
  })
}

/**
 * Step 3: decrypts server_DH_params_ok with the tmp key, checks nonces, the SHA1, dh_prime, g and
 * g_a, then answers with a fresh g_b in set_client_DH_params.
 */
function step3(
  state: ClientAwaitingDhParams,
  answer: mtp.TypeServer_DH_Params,
  random: (n: number) => Uint8Array,
  nowMs: number,
): Result<{ request: mtp.RawMt_set_client_DH_paramsRequest; state: ClientAwaitingDhGen }, HandshakeError> {
  const nonceError = checkNonce('nonce', state.nonce, answer.nonce) ?? checkNonce('server_nonce', state.serverNonce, answer.serverNonce)
  if (nonceError) return err(nonceError)
  if (answer._ === 'mt_server_DH_params_fail') {
    const hashError = checkNonce('new_nonce', newNonceHashForFail(state.newNonce), answer.newNonceHash)
    if (hashError) return err(hashError)
    return err({ kind: 'server-dh-params-fail', expected: 'server_DH_params_ok', received: 'server_DH_params_fail' })
  }
  if (answer._ !== 'mt_server_DH_params_ok') {
    return err({ kind: 'unexpected-constructor', expected: 'mt_server_DH_params_ok', received: (answer as { _: string })._ })
  }
  const tmpAes = deriveTmpAes(state.newNonce, state.serverNonce)
  const decrypted = decryptInner(answer.encryptedAnswer, tmpAes)
  if (!decrypted.ok) return decrypted
  const inner = decrypted.value
  if (inner._ !== 'mt_server_DH_inner_data') {
    return err({ kind: 'unexpected-constructor', expected: 'mt_server_DH_inner_data', received: inner._ })
  }
  const innerNonceError =
    checkNonce('nonce', state.nonce, inner.nonce) ?? checkNonce('server_nonce', state.serverNonce, inner.serverNonce)
  if (innerNonceError) return err(innerNonceError)
  const unverified = unverifiedDhPrime(inner.dhPrime)
  if (unverified !== null) return err({ kind: 'dh-prime-unverified', prime: unverified })
  const group = checkDhGroup(inner.dhPrime, inner.g)
  if (!group.ok) return err({ kind: 'dh-check-failed', error: group.error })
  const gA = checkDhPublicValue(inner.gA, group.value.p, 'g_a')
  if (!gA.ok) return err({ kind: 'dh-check-failed', error: gA.error })
  return clientDhAttempt(
    {
      step: 'awaiting-dh-gen',
      nonce: state.nonce,
      serverNonce: state.serverNonce,
      newNonce: state.newNonce,
      tmpAes,
      group: group.value,
      gA: gA.value,
      authKey: new Uint8Array(0),
      timeOffsetMs: inner.serverTime * 1000 - nowMs,
      retries: 0,
      ...(state.expiresIn === undefined ? {} : { expiresIn: state.expiresIn }),
    },
    0n,
    random,
  )
}

/** Picks b, computes g_b and the key, and encrypts client_DH_inner_data (item 7). */
function clientDhAttempt(
  base: ClientAwaitingDhGen,
  retryId: bigint,
  random: (n: number) => Uint8Array,
): Result<{ request: mtp.RawMt_set_client_DH_paramsRequest; state: ClientAwaitingDhGen }, HandshakeError> {
  let lastError: HandshakeError | undefined
  for (let i = 0; i < MAX_DH_SECRET_TRIES; i++) {
    const b = random(256)
    const gB = dhPublicValue(base.group, b)
    const check = checkDhPublicValue(gB, base.group.p, 'g_b')
    if (!check.ok) {
      lastError = { kind: 'dh-check-failed', error: check.error }
      continue
    }
    const authKey = dhSharedKey(base.group, base.gA, b)
    const inner: mtp.RawMt_client_DH_inner_data = {
      _: 'mt_client_DH_inner_data',
      nonce: base.nonce,
      serverNonce: base.serverNonce,
      retryId,
      gB,
    }
    return ok({
      request: {
        _: 'mt_set_client_DH_params',
        nonce: base.nonce,
        serverNonce: base.serverNonce,
        encryptedData: encryptInner(inner, base.tmpAes, random),
      },
      state: { ...base, authKey },
    })
  }
  return err(lastError as HandshakeError)
}

/** What `finish` returns when the server asks for another attempt. */
export interface ClientRetry {
  readonly kind: 'retry'
  readonly request: mtp.RawMt_set_client_DH_paramsRequest
  readonly state: ClientAwaitingDhGen
}

/**
 * Finish: dh_gen_ok → the key (new_nonce_hash1 checked); dh_gen_retry → a new attempt with
 * retry_id = auth_key_aux_hash of this one (new_nonce_hash2 checked); dh_gen_fail → an error.
 */
function finish(
  state: ClientAwaitingDhGen,
  answer: mtp.TypeSet_client_DH_params_answer,
  random: (n: number) => Uint8Array,
): Result<{ readonly kind: 'done'; readonly key: AuthKeyCreated } | ClientRetry, HandshakeError> {
  const nonceError = checkNonce('nonce', state.nonce, answer.nonce) ?? checkNonce('server_nonce', state.serverNonce, answer.serverNonce)
  if (nonceError) return err(nonceError)
  const check = (which: 1 | 2 | 3, received: Uint8Array): HandshakeError | null => {
    const expected = newNonceHash(state.newNonce, state.authKey, which)
    return checkNonce('new_nonce', expected, received) === null ? null : { kind: 'new-nonce-hash-mismatch', which, expected, received }
  }
  switch (answer._) {
    case 'mt_dh_gen_ok': {
      const hashError = check(1, answer.newNonceHash1)
      if (hashError) return err(hashError)
      return ok({
        kind: 'done',
        key: {
          authKey: state.authKey,
          authKeyId: computeAuthKeyId(state.authKey),
          serverSalt: initialServerSalt(state.newNonce, state.serverNonce),
          timeOffsetMs: state.timeOffsetMs,
          ...(state.expiresIn === undefined ? {} : { expiresIn: state.expiresIn }),
        },
      })
    }
    case 'mt_dh_gen_retry': {
      const hashError = check(2, answer.newNonceHash2)
      if (hashError) return err(hashError)
      if (state.retries >= MAX_DH_GEN_RETRIES) return err({ kind: 'too-many-retries', expected: MAX_DH_GEN_RETRIES, received: state.retries + 1 })
      const retryId = readInt64Le(authKeyAuxHash(state.authKey))
      const next = clientDhAttempt({ ...state, retries: state.retries + 1 }, retryId, random)
      if (!next.ok) return next
      return ok({ kind: 'retry', request: next.value.request, state: next.value.state })
    }
    case 'mt_dh_gen_fail': {
      const hashError = check(3, answer.newNonceHash3)
      if (hashError) return err(hashError)
      return err({ kind: 'dh-gen-fail', expected: 'dh_gen_ok', received: 'dh_gen_fail' })
    }
    default:
      return err({ kind: 'unexpected-constructor', expected: 'mt_dh_gen_ok', received: (answer as { _: string })._ })
  }
}

/**
 * The client's handshake steps, in order: `step1 → step2 → step3 → finish` (finish may hand back
 * a retry whose request goes out and whose state goes to finish again).
 */
export const clientHandshake = { step1, step2, step3, finish } as const
