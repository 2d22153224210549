// SRP for 2FA (passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow): the client's
// A and M1, and the server-side helpers the test DC needs (verifier v, srp_B, checking M1).
// Knows nothing about account.password or inputCheckPasswordSRP objects: plain fields in and out.
// https://core.telegram.org/api/srp
import { pbkdf2Sync } from 'node:crypto'
import { bigIntFromBytes, bigIntToBytes, constantTimeEqual } from './bytes.js'
import type { RandomSource } from './bytes.js'
import { checkDhGroup, checkDhPublicValue, dhModPow } from './dh.js'
import type { DhError } from './dh.js'
import { sha256 } from './hash.js'

/** PBKDF2-HMAC-SHA512 iterations fixed by the algorithm's name. */
export const SRP_PBKDF2_ITERATIONS = 100_000
/** Bound on fresh secrets tried when g^a falls outside the safety margin (probability ~2^-64 each). */
const SRP_MAX_SECRET_TRIES = 8

/** The fields of passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow. */
export interface SrpAlgo {
  salt1: Uint8Array
  salt2: Uint8Array
  g: number
  /** 2048-bit modulus, big-endian. */
  p: Uint8Array
}

/** What the client sends in inputCheckPasswordSRP. */
export interface SrpClientProof {
  srpId: bigint
  A: Uint8Array
  M1: Uint8Array
}

/** Why an SRP step was refused. */
export type SrpError =
  | DhError
  | { kind: 'srp-u-zero'; expected: 'u ≠ 0'; actual: 0n }
  | { kind: 'srp-m1-mismatch'; expected: Uint8Array; actual: Uint8Array }
  | { kind: 'srp-no-secret'; expected: 'g^a inside the safety margin'; actual: number }

export type SrpResult<T> = { ok: true; value: T } | { ok: false; error: SrpError }

const SIZE = 256

function pad(x: bigint): Uint8Array {
  return bigIntToBytes(x, SIZE)
}

function toBytes(password: string | Uint8Array): Uint8Array {
  return typeof password === 'string' ? new TextEncoder().encode(password) : password
}

/** SH(data, salt) := H(salt | data | salt) */
function sh(data: Uint8Array, salt: Uint8Array): Uint8Array {
  return sha256(salt, data, salt)
}

/**
 * x := PH2(password, salt1, salt2) := SH(pbkdf2(sha512, PH1(password, salt1, salt2), salt1, 100000), salt2),
 * PH1(password, salt1, salt2) := SH(SH(password, salt1), salt2). Costs one 100k-round PBKDF2.
 */
export function srpPasswordHash(password: string | Uint8Array, salt1: Uint8Array, salt2: Uint8Array): Uint8Array {
  const ph1 = sh(sh(toBytes(password), salt1), salt2)
  const kdf = pbkdf2Sync(ph1, salt1, SRP_PBKDF2_ITERATIONS, 64, 'sha512')
  return sh(new Uint8Array(kdf.buffer, kdf.byteOffset, kdf.length), salt2)
}

/** v := pow(g, x) mod p, padded to 2048 bits: the verifier the server stores (new_password_hash). */
export function srpVerifier(algo: SrpAlgo, password: string | Uint8Array): SrpResult<Uint8Array> {
  const group = checkDhGroup(algo.p, algo.g)
  if (!group.ok) return group
  const x = bigIntFromBytes(srpPasswordHash(password, algo.salt1, algo.salt2))
  return { ok: true, value: dhModPow(BigInt(algo.g), x, group.value.p) }
}

function kOf(p: bigint, g: number): bigint {
  return bigIntFromBytes(sha256(pad(p), pad(BigInt(g))))
}

function uOf(gA: Uint8Array, gB: Uint8Array): bigint {
  return bigIntFromBytes(sha256(gA, gB))
}

/** M := H(H(p) xor H(g) | H(salt1) | H(salt2) | g_a | g_b | k_x) */
function proof(algo: SrpAlgo, p: bigint, gA: Uint8Array, gB: Uint8Array, sessionKey: Uint8Array): Uint8Array {
  const hp = sha256(pad(p))
  const hg = sha256(pad(BigInt(algo.g)))
  const x = new Uint8Array(32)
  for (let i = 0; i < 32; i++) x[i] = hp[i]! ^ hg[i]!
  return sha256(x, sha256(algo.salt1), sha256(algo.salt2), gA, gB, sessionKey)
}

/**
 * Client side: from account.password's algo, srp_B and srp_id and the user's password, computes
 * A (= g_a) and M1 for inputCheckPasswordSRP. `random(256)` supplies the secret a.
 * Checks p and g like dh_prime/g, and srp_B like g_b.
 */
export function srpClientProof(
  input: { algo: SrpAlgo; srpB: Uint8Array; srpId: bigint; password: string | Uint8Array },
  random: RandomSource,
): SrpResult<SrpClientProof> {
  const { algo, srpB } = input
  const group = checkDhGroup(algo.p, algo.g)
  if (!group.ok) return group
  const p = group.value.p
  const gBCheck = checkDhPublicValue(srpB, p, 'g_b')
  if (!gBCheck.ok) return gBCheck
  const gB = pad(gBCheck.value)
  const g = BigInt(algo.g)

  let a = 0n
  let gA: Uint8Array | null = null
  for (let i = 0; i < SRP_MAX_SECRET_TRIES && gA === null; i++) {
    a = bigIntFromBytes(random(SIZE))
    const candidate = dhModPow(g, a, p)
    if (checkDhPublicValue(candidate, p, 'g_a').ok) gA = candidate
  }
  if (gA === null) {
    return { ok: false, error: { kind: 'srp-no-secret', expected: 'g^a inside the safety margin', actual: SRP_MAX_SECRET_TRIES } }
  }
  const u = uOf(gA, gB)
  if (u === 0n) return { ok: false, error: { kind: 'srp-u-zero', expected: 'u ≠ 0', actual: 0n } }

  const x = bigIntFromBytes(srpPasswordHash(input.password, algo.salt1, algo.salt2))
  const v = bigIntFromBytes(dhModPow(g, x, p))
  const kv = (kOf(p, algo.g) * v) % p
  const t = (((gBCheck.value - kv) % p) + p) % p
  const sA = dhModPow(t, a + u * x, p)
  const kA = sha256(sA)
  return { ok: true, value: { srpId: input.srpId, A: gA, M1: proof(algo, p, gA, gB, kA) } }
}

/** Server-side SRP state for one account.password answer: the secret b and the srp_B sent. */
export interface SrpServerSession {
  b: Uint8Array
  gB: Uint8Array
}

/** Server side: g_b := (k·v + g^b) mod p, with b from `random(256)`. */
export function srpServerStart(algo: SrpAlgo, verifier: Uint8Array, random: RandomSource): SrpResult<SrpServerSession> {
  const group = checkDhGroup(algo.p, algo.g)
  if (!group.ok) return group
  const p = group.value.p
  const kv = (kOf(p, algo.g) * bigIntFromBytes(verifier)) % p
  for (let i = 0; i < SRP_MAX_SECRET_TRIES; i++) {
    const b = random(SIZE)
    const gB = (kv + bigIntFromBytes(dhModPow(BigInt(algo.g), bigIntFromBytes(b), p))) % p
    if (checkDhPublicValue(gB, p, 'g_b').ok) return { ok: true, value: { b, gB: pad(gB) } }
  }
  return { ok: false, error: { kind: 'srp-no-secret', expected: 'g^a inside the safety margin', actual: SRP_MAX_SECRET_TRIES } }
}

/**
 * Server side: checks the client's A and M1 against the stored verifier and the session's b.
 * s_b := pow(g_a · pow(v, u), b) mod p; k_b := H(s_b); M1 must equal H(H(p) xor H(g) | … | k_b).
 */
export function srpServerVerify(
  algo: SrpAlgo,
  verifier: Uint8Array,
  session: SrpServerSession,
  A: Uint8Array,
  M1: Uint8Array,
): SrpResult<true> {
  const group = checkDhGroup(algo.p, algo.g)
  if (!group.ok) return group
  const p = group.value.p
  const gACheck = checkDhPublicValue(A, p, 'g_a')
  if (!gACheck.ok) return gACheck
  const gA = pad(gACheck.value)
  const u = uOf(gA, session.gB)
  if (u === 0n) return { ok: false, error: { kind: 'srp-u-zero', expected: 'u ≠ 0', actual: 0n } }
  const vu = bigIntFromBytes(dhModPow(bigIntFromBytes(verifier), u, p))
  const sB = dhModPow((gACheck.value * vu) % p, bigIntFromBytes(session.b), p)
  const expected = proof(algo, p, gA, session.gB, sha256(sB))
  if (!constantTimeEqual(expected, M1)) return { ok: false, error: { kind: 'srp-m1-mismatch', expected, actual: M1 } }
  return { ok: true, value: true }
}
