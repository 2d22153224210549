// Factorization of the handshake's pq (a product of two primes, normally < 2^63) into p < q.
// Knows nothing about TL: bytes or bigint in, bigints out.
// https://core.telegram.org/mtproto/auth_key#proof-of-work
//
// Main path: SQUFOF (Shanks' square forms). For N < 2^64 it iterates on quadratic forms whose
// coefficients stay below ~2^38, so every step is exact Number arithmetic (no BigInt, no 64-bit
// mulmod); it needs O(N^(1/4)) ≈ 50k cheap steps for a 62-bit N. Pollard–Brent over BigInt needs
// about as many steps, each two 64-bit mulmods, which BigInt makes ~20× dearer — it stays as the
// fallback for the rare N on which every SQUFOF multiplier fails.

import { bigIntFromBytes } from './bytes.js'

/** Result of factorizing pq: p < q, p·q = pq. */
export interface PqFactors {
  p: bigint
  q: bigint
}

/** Why pq could not be split. */
export type PqError =
  | { kind: 'pq-too-small'; expected: 'pq > 3'; actual: bigint }
  | { kind: 'pq-not-factored'; expected: 'a product of two primes'; actual: bigint }

function bigGcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) {
    const t = a % b
    a = b
    b = t
  }
  return a
}

function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt of a negative number')
  if (n < 2n) return n
  let x = BigInt(Math.floor(Math.sqrt(Number(n))))
  // Newton steps from the float estimate; converge to floor(sqrt(n)).
  for (;;) {
    const y = (x + n / x) >> 1n
    if (y >= x) break
    x = y
  }
  while (x * x > n) x -= 1n
  while ((x + 1n) * (x + 1n) <= n) x += 1n
  return x
}

// Small square-free multipliers (products of small odd primes), in the order usually tried.
const MULTIPLIERS = [1, 3, 5, 7, 11, 15, 21, 33, 35, 55, 77, 105, 165, 231, 385, 1155]
// Bound on forward iterations per multiplier before moving on (≈ 3·N^(1/4) for N ~ 2^64).
function iterationBound(n: bigint): number {
  return Math.ceil(3 * Math.sqrt(Math.sqrt(Number(n)))) + 1000
}

/** Reverse cycle from the square form with root r; returns a nontrivial factor of n or 0. */
function squfofReverse(n: bigint, kn: bigint, P0: number, Pprev: number, r: number, bound: number): bigint {
  const b0 = Math.floor((P0 - Pprev) / r)
  let P = b0 * r + Pprev
  let Qp = r
  let Qc = Number((kn - BigInt(P) * BigInt(P)) / BigInt(r))
  for (let j = 0; j <= bound; j++) {
    const b = Math.floor((P0 + P) / Qc)
    const Pnext = b * Qc - P
    if (Pnext === P) break
    const Qnext = Qp + b * (P - Pnext)
    P = Pnext
    Qp = Qc
    Qc = Qnext
  }
  const f = bigGcd(n, BigInt(P))
  return f > 1n && f < n ? f : 0n
}

/** SQUFOF with multiplier k: walks the forward cycle, trying each square form it meets. */
function squfofWith(n: bigint, k: number, bound: number): bigint {
  const kn = n * BigInt(k)
  const p0big = isqrt(kn)
  const q1big = kn - p0big * p0big
  if (q1big === 0n) {
    const f = bigGcd(n, p0big)
    return f > 1n && f < n ? f : 0n
  }
  const P0 = Number(p0big)
  let Pprev = P0
  let Qprev = 1
  let Q = Number(q1big)
  for (let i = 1; i <= bound; i++) {
    const b = Math.floor((P0 + Pprev) / Q)
    const P = b * Q - Pprev
    const Qnext = Qprev + b * (Pprev - P)
    Qprev = Q
    Q = Qnext
    Pprev = P
    // Q is now Q_(i+1): square forms count at even indices only.
    if ((i & 1) === 1) {
      const r = Math.round(Math.sqrt(Q))
      if (r * r === Q) {
        const f = squfofReverse(n, kn, P0, Pprev, r, bound)
        if (f !== 0n) return f
      }
    }
  }
  return 0n
}

/** Pollard–Brent over BigInt: slow but general; used only when SQUFOF gives up. */
function pollardBrent(n: bigint): bigint {
  if (n % 2n === 0n) return 2n
  for (let c = 1n; c < 100n; c++) {
    let y = 2n
    let r = 1n
    let q = 1n
    let g = 1n
    let x = y
    let ys = y
    const m = 128n
    while (g === 1n) {
      x = y
      for (let i = 0n; i < r; i++) y = (y * y + c) % n
      let k = 0n
      while (k < r && g === 1n) {
        ys = y
        const lim = m < r - k ? m : r - k
        for (let i = 0n; i < lim; i++) {
          y = (y * y + c) % n
          q = (q * (x > y ? x - y : y - x)) % n
        }
        g = bigGcd(q, n)
        k += m
      }
      r *= 2n
    }
    if (g === n) {
      do {
        ys = (ys * ys + c) % n
        g = bigGcd(x > ys ? x - ys : ys - x, n)
      } while (g === 1n)
    }
    if (g !== n) return g
  }
  return 0n
}

function trialDivision(n: bigint): bigint {
  if (n % 2n === 0n) return 2n
  for (let d = 3n; d < 1000n && d * d <= n; d += 2n) if (n % d === 0n) return d
  return 0n
}

/**
 * Splits pq (a bigint, or big-endian bytes as they come in resPQ) into p < q.
 * Returns a typed error when pq has no nontrivial factor (prime, or ≤ 3).
 */
export function factorizePq(pq: bigint | Uint8Array): { ok: true; value: PqFactors } | { ok: false; error: PqError } {
  const n = typeof pq === 'bigint' ? pq : bigIntFromBytes(pq)
  if (n <= 3n) return { ok: false, error: { kind: 'pq-too-small', expected: 'pq > 3', actual: n } }
  let f = trialDivision(n)
  if (f === 0n) {
    const bound = iterationBound(n)
    for (const k of MULTIPLIERS) {
      // NB: k·N must keep P0 + P below 2^53 for exact Number steps: with N < 2^64, k ≤ 1155 gives < 2^38.
      f = squfofWith(n, k, bound)
      if (f !== 0n) break
    }
  }
  if (f === 0n) f = pollardBrent(n)
  if (f === 0n || f === n) return { ok: false, error: { kind: 'pq-not-factored', expected: 'a product of two primes', actual: n } }
  const other = n / f
  return { ok: true, value: f < other ? { p: f, q: other } : { p: other, q: f } }
}
