// The server half of Telegram's 2FA SRP (https://core.telegram.org/api/srp): the verifier stored
// per account, the server's ephemeral B, and the check of the client's M1. Knows no TL and no
// accounts; the world calls it through the `SrpServer` interface so another implementation
// (engine/src/crypto once it has SRP) can be passed instead.
import { createHash, pbkdf2Sync } from 'node:crypto'

/**
 * The 2048-bit safe prime Telegram sends in
 * `passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow` (the same prime as the
 * MTProto DH handshake's dh_prime, https://core.telegram.org/mtproto/auth_key), with g = 3.
 * NB: checked prime and safe ((p-1)/2 prime) in srp.test.ts.
 */
export const TELEGRAM_SRP_P_HEX =
  'c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4db' +
  'fa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64' +
  '2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b41' +
  '0dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4' +
  'e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf' +
  '6f4fadf034b10403119cd8e3b92fcc5b'
export const TELEGRAM_SRP_G = 3

/** PBKDF2 rounds of the only KDF Telegram defines today. */
export const SRP_PBKDF2_ITERATIONS = 100_000
const SRP_BYTES = 256

/** The KDF parameters of one account (what `account.getPassword` returns as current_algo). */
export interface SrpParams {
  readonly salt1: Uint8Array
  readonly salt2: Uint8Array
  readonly g: number
  /** 2048-bit big-endian modulus. */
  readonly p: Uint8Array
}

/** What the world needs from SRP. All byte strings big-endian, numbers padded to 256 bytes. */
export interface SrpServer {
  /** v = g^x mod p with x = PH2(password, salt1, salt2). */
  verifier(password: string, params: SrpParams): Uint8Array
  /** B = (k·v + g^b) mod p for the server secret `b` (256 random bytes). */
  serverPublic(params: SrpParams, verifier: Uint8Array, b: Uint8Array): Uint8Array
  /** True when the client's (A, M1) proves knowledge of the password behind `verifier`. */
  check(
    params: SrpParams,
    verifier: Uint8Array,
    b: Uint8Array,
    B: Uint8Array,
    A: Uint8Array,
    M1: Uint8Array,
  ): boolean
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}

export function bytesToBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + Buffer.from(b).toString('hex'))
}

/** Big-endian, left-padded to `length` bytes. */
export function bigIntToBytes(v: bigint, length = SRP_BYTES): Uint8Array {
  const hex = v.toString(16).padStart(length * 2, '0')
  if (hex.length > length * 2) throw new RangeError(`value does not fit in ${length} bytes`)
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n
  let b = base % mod
  let e = exp
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod
    b = (b * b) % mod
    e >>= 1n
  }
  return result
}

const sh = (data: Uint8Array, salt: Uint8Array): Uint8Array => sha256(salt, data, salt)

/** PH2(password, salt1, salt2) from https://core.telegram.org/api/srp, i.e. x as bytes. */
export function passwordHash(password: string, salt1: Uint8Array, salt2: Uint8Array): Uint8Array {
  const ph1 = sh(sh(new TextEncoder().encode(password), salt1), salt2)
  const stretched = pbkdf2Sync(ph1, salt1, SRP_PBKDF2_ITERATIONS, 64, 'sha512')
  return sh(new Uint8Array(stretched), salt2)
}

/** k = H(p | g), u = H(A | B), and M1 = H(H(p) xor H(g) | H(salt1) | H(salt2) | A | B | K). */
export function srpK(params: SrpParams): bigint {
  return bytesToBigInt(sha256(params.p, bigIntToBytes(BigInt(params.g))))
}

export function srpU(A: Uint8Array, B: Uint8Array): bigint {
  return bytesToBigInt(sha256(A, B))
}

export function srpM1(params: SrpParams, A: Uint8Array, B: Uint8Array, K: Uint8Array): Uint8Array {
  const hp = sha256(params.p)
  const hg = sha256(bigIntToBytes(BigInt(params.g)))
  const x = hp.map((v, i) => v ^ (hg[i] as number))
  return sha256(x, sha256(params.salt1), sha256(params.salt2), A, B, K)
}

function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let d = 0
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number)
  return d === 0
}

/** SRP 6a as Telegram specifies it, with node:crypto hashes and BigInt arithmetic. */
export const telegramSrpServer: SrpServer = {
  verifier(password, params) {
    const p = bytesToBigInt(params.p)
    const x = bytesToBigInt(passwordHash(password, params.salt1, params.salt2))
    return bigIntToBytes(modPow(BigInt(params.g), x, p))
  },
  serverPublic(params, verifier, b) {
    const p = bytesToBigInt(params.p)
    const gb = modPow(BigInt(params.g), bytesToBigInt(b), p)
    return bigIntToBytes((srpK(params) * bytesToBigInt(verifier) + gb) % p)
  },
  check(params, verifier, b, B, A, M1) {
    const p = bytesToBigInt(params.p)
    const a = bytesToBigInt(A)
    // The client's public value must be a proper group element: https://core.telegram.org/api/srp
    if (A.length !== SRP_BYTES || a <= 1n || a >= p - 1n) return false
    const u = srpU(A, B)
    if (u === 0n) return false
    const S = modPow((a * modPow(bytesToBigInt(verifier), u, p)) % p, bytesToBigInt(b), p)
    return timingSafeEqual(srpM1(params, A, B, sha256(bigIntToBytes(S))), M1)
  },
}
