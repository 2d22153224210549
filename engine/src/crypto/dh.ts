// Diffie–Hellman for the auth-key handshake: 2048-bit modexp on OpenSSL, and every check the
// security guidelines ask of dh_prime, g, g_a and g_b, each failing with its own typed error.
// Knows nothing about the TL objects that carry the values.
// https://core.telegram.org/mtproto/security_guidelines#g-a-and-g-b-validation
// https://core.telegram.org/mtproto/auth_key#presenting-proof-of-work-server-authentication (item 6)
import { checkPrimeSync, constants, createDiffieHellman, createPublicKey, publicEncrypt } from 'node:crypto'
import type { DiffieHellman } from 'node:crypto'
import { bigIntFromBytes, bigIntToBytes, toHex } from './bytes.js'

/** dh_prime must be exactly this many bits (2^2047 < p < 2^2048). */
export const DH_PRIME_BITS = 2048
/** g_a and g_b must lie in (2^(2048−64), dh_prime − 2^(2048−64)). */
export const DH_SAFETY_MARGIN_BITS = 64

/** Telegram's production dh_prime (a safe prime; as sent in server_DH_inner_data by every DC). */
export const TELEGRAM_DH_PRIME = BigInt(
  '0xC71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F48198A0AA7C14058229493D22530F4DB' +
    'FA336F6E0AC925139543AED44CCE7C3720FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F64' +
    '2477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4A4A695811051907E162753B56B0F6B41' +
    '0DBA74D8A84B2A14B3144E0EF1284754FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4' +
    'E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F0D8115F635B105EE2E4E15D04B2454BF' +
    '6F4FADF034B10403119CD8E3B92FCC5B',
)

/** A failed DH check: what was expected and what arrived. */
export type DhError =
  | { kind: 'dh-prime-bad-size'; expected: typeof DH_PRIME_BITS; actual: number }
  | { kind: 'dh-prime-not-safe'; expected: 'p and (p−1)/2 prime'; actual: 'p composite' | '(p−1)/2 composite' }
  | { kind: 'dh-g-out-of-range'; expected: '2..7'; actual: number }
  | { kind: 'dh-g-not-quadratic-residue'; g: number; expected: string; actual: string }
  | { kind: 'dh-value-out-of-range'; which: DhValueName; expected: '1 < x < dh_prime − 1'; actual: bigint }
  | { kind: 'dh-value-outside-safety-margin'; which: DhValueName; expected: '2^1984 < x < dh_prime − 2^1984'; actual: bigint }

/** Which public value a check was about. */
export type DhValueName = 'g_a' | 'g_b'

export type DhResult<T> = { ok: true; value: T } | { ok: false; error: DhError }

/** Validated group parameters. */
export interface DhGroup {
  p: bigint
  g: number
}

const knownSafePrimes = new Set<bigint>([TELEGRAM_DH_PRIME])
/** Primes remembered as safe beyond Telegram's (a server cannot grow the set without bound). */
export const MAX_REMEMBERED_SAFE_PRIMES = 16

/**
 * Remembers `p` as a verified safe prime (the caller checked p and (p − 1)/2, e.g. with the async
 * `crypto.checkPrime`, so that checkDhGroup need not run the check synchronously).
 */
export function rememberSafePrime(p: bigint): void {
  if (knownSafePrimes.size > MAX_REMEMBERED_SAFE_PRIMES) {
    for (const q of knownSafePrimes) {
      if (q !== TELEGRAM_DH_PRIME) {
        knownSafePrimes.delete(q)
        break
      }
    }
  }
  knownSafePrimes.add(p)
}

/**
 * The prime of `dhPrime` when checkDhGroup would have to test it for safety (the right size, not
 * known yet), else null. A 2048-bit primality test costs ~0.4 s of CPU: a client must not run it
 * on the event loop for whatever prime a server sends; it verifies asynchronously first.
 */
export function unverifiedDhPrime(dhPrime: Uint8Array | bigint): bigint | null {
  const p = typeof dhPrime === 'bigint' ? dhPrime : bigIntFromBytes(dhPrime)
  if (p === 0n || p.toString(2).length !== DH_PRIME_BITS) return null
  return knownSafePrimes.has(p) ? null : p
}

/** True when `p` is the known prime or has been verified safe in this process. */
export function isKnownSafePrime(p: bigint): boolean {
  return knownSafePrimes.has(p)
}

// Quadratic-residue condition on p for each g, from quadratic reciprocity (auth_key, item 6):
// g generates the subgroup of order (p−1)/2 exactly when g is a quadratic residue mod p.
function residueCondition(g: number, p: bigint): { ok: boolean; expected: string; actual: string } {
  switch (g) {
    case 2: {
      const r = p % 8n
      return { ok: r === 7n, expected: 'p mod 8 = 7', actual: `p mod 8 = ${r}` }
    }
    case 3: {
      const r = p % 3n
      return { ok: r === 2n, expected: 'p mod 3 = 2', actual: `p mod 3 = ${r}` }
    }
    case 4:
      return { ok: true, expected: 'none', actual: 'none' }
    case 5: {
      const r = p % 5n
      return { ok: r === 1n || r === 4n, expected: 'p mod 5 ∈ {1, 4}', actual: `p mod 5 = ${r}` }
    }
    case 6: {
      const r = p % 24n
      return { ok: r === 19n || r === 23n, expected: 'p mod 24 ∈ {19, 23}', actual: `p mod 24 = ${r}` }
    }
    case 7: {
      const r = p % 7n
      return { ok: r === 3n || r === 5n || r === 6n, expected: 'p mod 7 ∈ {3, 5, 6}', actual: `p mod 7 = ${r}` }
    }
    default:
      return { ok: false, expected: '2..7', actual: String(g) }
  }
}

/**
 * Checks dh_prime and g from server_DH_inner_data: p is a 2048-bit safe prime (Telegram's known
 * prime, or verified with OpenSSL's primality test and then remembered), g ∈ 2..7 and g is a
 * quadratic residue mod p (so it generates the subgroup of prime order (p−1)/2).
 */
export function checkDhGroup(dhPrime: Uint8Array | bigint, g: number): DhResult<DhGroup> {
  const p = typeof dhPrime === 'bigint' ? dhPrime : bigIntFromBytes(dhPrime)
  const bits = p === 0n ? 0 : p.toString(2).length
  if (bits !== DH_PRIME_BITS) return { ok: false, error: { kind: 'dh-prime-bad-size', expected: DH_PRIME_BITS, actual: bits } }
  if (!Number.isInteger(g) || g < 2 || g > 7) return { ok: false, error: { kind: 'dh-g-out-of-range', expected: '2..7', actual: g } }
  if (!knownSafePrimes.has(p)) {
    if (!checkPrimeSync(p)) return { ok: false, error: { kind: 'dh-prime-not-safe', expected: 'p and (p−1)/2 prime', actual: 'p composite' } }
    if (!checkPrimeSync((p - 1n) / 2n)) {
      return { ok: false, error: { kind: 'dh-prime-not-safe', expected: 'p and (p−1)/2 prime', actual: '(p−1)/2 composite' } }
    }
    knownSafePrimes.add(p)
  }
  const residue = residueCondition(g, p)
  if (!residue.ok) {
    return { ok: false, error: { kind: 'dh-g-not-quadratic-residue', g, expected: residue.expected, actual: residue.actual } }
  }
  return { ok: true, value: { p, g } }
}

/**
 * Checks g_a (client side) or g_b (server side): 1 < x < p − 1, and the recommended
 * 2^(2048−64) < x < p − 2^(2048−64).
 */
export function checkDhPublicValue(value: Uint8Array | bigint, p: bigint, which: DhValueName): DhResult<bigint> {
  const x = typeof value === 'bigint' ? value : bigIntFromBytes(value)
  if (x <= 1n || x >= p - 1n) {
    return { ok: false, error: { kind: 'dh-value-out-of-range', which, expected: '1 < x < dh_prime − 1', actual: x } }
  }
  const margin = 1n << BigInt(DH_PRIME_BITS - DH_SAFETY_MARGIN_BITS)
  if (x <= margin || x >= p - margin) {
    return {
      ok: false,
      error: { kind: 'dh-value-outside-safety-margin', which, expected: '2^1984 < x < dh_prime − 2^1984', actual: x },
    }
  }
  return { ok: true, value: x }
}

// One OpenSSL DH context, for Telegram's prime: createDiffieHellman runs a primality check on
// the prime (~170 ms, synchronous), after which setPrivateKey + computeSecret is a plain native
// modexp. Made on first use (the first handshake pays the check once per process).
let telegramContext: DiffieHellman | undefined

function telegramDh(): DiffieHellman {
  return (telegramContext ??= createDiffieHellman(Buffer.from(toHex(bigIntToBytes(TELEGRAM_DH_PRIME)), 'hex'), Buffer.from([2])))
}

function bigModPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let b = base % mod
  let e = exp
  let r = 1n
  while (e > 0n) {
    if (e & 1n) r = (r * b) % mod
    b = (b * b) % mod
    e >>= 1n
  }
  return r
}

/** base^exp mod n through OpenSSL's raw RSA public operation (n odd, exponent of any size). */
function rsaPathModPow(base: bigint, exp: bigint, n: bigint, size: number): Uint8Array {
  const key = createPublicKey({
    key: {
      kty: 'RSA',
      n: Buffer.from(bigIntToBytes(n)).toString('base64url'),
      e: Buffer.from(bigIntToBytes(exp)).toString('base64url'),
    },
    format: 'jwk',
  })
  const out = publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, bigIntToBytes(base, size))
  return new Uint8Array(out.buffer, out.byteOffset, out.length)
}

/**
 * base^exp mod p for an odd prime p (exp is reduced mod p − 1), as big-endian bytes of p's length.
 * Telegram's prime runs on a cached OpenSSL DH context. Other primes, and any base OpenSSL's DH
 * code refuses as a "public key" (it wants 1 < x < p − 1 and, for a safe prime, membership in the
 * order-(p−1)/2 subgroup), go through the raw-RSA modexp; tiny cases take BigInt.
 */
export function dhModPow(base: bigint, exp: bigint, p: bigint): Uint8Array {
  const size = bigIntToBytes(p).length
  const b = base % p
  const e = exp % (p - 1n)
  if (b <= 1n || e <= 1n) return bigIntToBytes(bigModPow(b, e, p), size)
  // NB: making an OpenSSL DH context runs its own primality test of p (~170 ms, synchronous), so
  // only Telegram's prime gets one; any other prime a server sends (verified off the event loop,
  // see unverifiedDhPrime) takes the raw-RSA modexp, which tests nothing.
  if (p !== TELEGRAM_DH_PRIME) return rsaPathModPow(b, e, p, size)
  const dh = telegramDh()
  try {
    // NB: the context is shared; set the exponent right before each use (no await in between).
    dh.setPrivateKey(Buffer.from(bigIntToBytes(e)))
    const out = dh.computeSecret(Buffer.from(bigIntToBytes(b, size)))
    if (out.length === size) return new Uint8Array(out.buffer, out.byteOffset, out.length)
    const padded = new Uint8Array(size)
    padded.set(out, size - out.length)
    return padded
  } catch {
    return rsaPathModPow(b, e, p, size)
  }
}

/** g_a (or g_b) = g^secret mod p, 256 bytes. */
export function dhPublicValue(group: DhGroup, secret: Uint8Array): Uint8Array {
  return dhModPow(BigInt(group.g), bigIntFromBytes(secret), group.p)
}

/** The shared secret (the auth_key) = peer^secret mod p, 256 bytes. */
export function dhSharedKey(group: DhGroup, peerValue: Uint8Array | bigint, secret: Uint8Array): Uint8Array {
  const peer = typeof peerValue === 'bigint' ? peerValue : bigIntFromBytes(peerValue)
  return dhModPow(peer, bigIntFromBytes(secret), group.p)
}
