// Factorization of the handshake's pq (a product of two primes, normally < 2^63) into p < q.
// Knows nothing about TL: bytes or bigint in, bigints out.
// https://core.telegram.org/mtproto/auth_key#proof-of-work
//
// Main path: SQUFOF (Shanks' square forms) racing four multipliers side by side. For N < 2^64 it
// iterates on quadratic forms whose coefficients stay below ~2^39, so every step is exact Number
// arithmetic (no BigInt, no 64-bit mulmod). One cycle needs O(N^(1/4)) ≈ 50k dependent steps
// (a division each) for a 62-bit N; four independent cycles fill the CPU's pipelines, and the
// first proper square among four comes about four times sooner. Pollard–Brent over BigInt needs
// about as many steps, each two 64-bit mulmods ~20× dearer: it stays as the fallback for the rare
// N on which every group of multipliers fails.

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

// Square-free multipliers, raced SQUFOF_RACERS at a time (groups in this order).
const MULTIPLIERS = [1, 3, 5, 7, 11, 15, 21, 33, 35, 55, 77, 105, 165, 231, 385, 1155]
/** Forward cycles run side by side; the first proper square form wins. */
const SQUFOF_RACERS = 4
/** Per-racer state in raceForward's Float64Array. */
const R_P0 = 0
const R_P = 1
const R_QPREV = 2
const R_Q = 3
const R_QMID = 4
const R_SMALL = 5
const R_STRIDE = 6

/** Bound on forward rounds (two steps each) per multiplier group (≈ 1.5·N^(1/4) rounds). */
function roundBound(n: bigint): number {
  return Math.ceil(1.5 * Math.sqrt(Math.sqrt(Number(n)))) + 500
}

/**
 * The hot loop: advances every racer's forward cycle two steps per round, starting at racer
 * `from`, until a racer ends a round on a possible square or passes a small Q (both rare);
 * returns that racer's index, or −1 after `rounds` rounds.
 * Step: b = ⌊(P0 + P)/Q⌋, P' = b·Q − P, Q' = Q_prev + b·(P − P'). Square forms count at the
 * second step of a round only (odd i in the classic indexing: even-indexed Q).
 * NB: every value stays below 2^39 for k·N < 2^70, so Number arithmetic is exact.
 */
function raceForward(s: Float64Array, racers: number, from: number, rounds: number): number {
  for (let round = 0; round < rounds; round++) {
    for (let j = from; j < racers; j++) {
      const o = j * R_STRIDE
      const P0 = s[o + R_P0]!
      let P = s[o + R_P]!
      let Qprev = s[o + R_QPREV]!
      let Q = s[o + R_Q]!
      let b = Math.floor((P0 + P) / Q)
      let Pn = b * Q - P
      let Qn = Qprev + b * (P - Pn)
      const Qmid = Qn
      Qprev = Q
      Q = Qn
      P = Pn
      b = Math.floor((P0 + P) / Q)
      Pn = b * Q - P
      Qn = Qprev + b * (P - Pn)
      s[o + R_P] = Pn
      s[o + R_QPREV] = Q
      s[o + R_Q] = Qn
      const small = s[o + R_SMALL]!
      if (Qmid < small || Qn < small) {
        s[o + R_QMID] = Qmid
        return j
      }
      const r = Math.round(Math.sqrt(Qn))
      if (r * r === Qn) {
        s[o + R_QMID] = Qmid
        return j
      }
    }
    from = 0
  }
  return -1
}

function smallGcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b
    a = b
    b = t
  }
  return a
}

/** Reverse cycle from the square form with root r; returns a nontrivial factor of n or 0. */
function squfofReverse(n: bigint, kn: bigint, P0: number, Pprev: number, r: number): bigint {
  const b0 = Math.floor((P0 - Pprev) / r)
  let P = b0 * r + Pprev
  let Qp = r
  let Qc = Number((kn - BigInt(P) * BigInt(P)) / BigInt(r))
  // the ambiguous form comes within a period; the bound only guards against a logic error
  for (let j = 0; j < 1 << 26; j++) {
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

/**
 * Racing SQUFOF (Gower & Wagstaff, "Square form factorization", Math. Comp. 77 (2008)) over one
 * group of multipliers. Improper square forms are skipped without a reverse cycle: while going
 * forward, each racer queues g = Q/gcd(Q, 2k) whenever g < 2·√(2·√(kN)); a square r² whose
 * r/gcd(r, 2k) is 1 or queued would only lead back to a trivial factor. Returns a factor or 0.
 */
function squfofRace(n: bigint, ks: number[], bound: number): bigint {
  const s = new Float64Array(ks.length * R_STRIDE)
  const used: number[] = []
  const kns: bigint[] = []
  const limits: number[] = []
  const queues: number[][] = []
  for (const k of ks) {
    const kn = n * BigInt(k)
    const p0 = isqrt(kn)
    const q1 = kn - p0 * p0
    if (q1 === 0n) {
      // kN is a square: gcd(N, √(kN)) splits N, or this multiplier is useless
      const f = bigGcd(n, p0)
      if (f > 1n && f < n) return f
      continue
    }
    const o = kns.length * R_STRIDE
    const P0 = Number(p0)
    const limit = 2 * Math.sqrt(2 * Math.sqrt(Number(kn)))
    // Step i = 1 here, so that every round ends on an even index. NB: this skips Q_2 as a square
    // candidate, which can only cost time (a later square, or the next group, or the fallback).
    const Q1 = Number(q1)
    const b = Math.floor((P0 + P0) / Q1)
    const P = b * Q1 - P0
    const Q2 = 1 + b * (P0 - P)
    s[o + R_P0] = P0
    s[o + R_P] = P
    s[o + R_QPREV] = Q1
    s[o + R_Q] = Q2
    // g = Q/gcd(Q, 2k) ≥ Q/(2k): only Q below 2k·limit can queue anything
    s[o + R_SMALL] = 2 * k * limit
    const queue: number[] = []
    for (const Q of [Q1, Q2]) {
      const g = Q / smallGcd(Q, 2 * k)
      if (g < limit) queue.push(g)
    }
    kns.push(kn)
    limits.push(limit)
    queues.push(queue)
    used.push(k)
  }
  const racers = used.length
  let from = 0
  for (let left = bound; left > 0; ) {
    const j = raceForward(s, racers, from, left)
    if (j < 0) return 0n
    const o = j * R_STRIDE
    const k2 = 2 * used[j]!
    const queue = queues[j]!
    for (const Q of [s[o + R_QMID]!, s[o + R_Q]!]) {
      const g = Q / smallGcd(Q, k2)
      if (g < limits[j]!) queue.push(g)
    }
    const Q = s[o + R_Q]!
    const r = Math.round(Math.sqrt(Q))
    if (r * r === Q) {
      const rr = r / smallGcd(r, k2)
      if (rr !== 1 && !queue.includes(rr)) {
        const f = squfofReverse(n, kns[j]!, s[o + R_P0]!, s[o + R_P]!, r)
        if (f !== 0n) return f
      }
    }
    // NB: resume with the next racer of the same round; racer j has finished its round.
    from = j + 1
    if (from === racers) {
      from = 0
      left--
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
  // NB: the Number arithmetic of raceForward is exact only for k·N < 2^70 (N < 2^59.8 with k = 1155).
  if (f === 0n && n < 1n << 64n) {
    const bound = roundBound(n)
    for (let g = 0; g < MULTIPLIERS.length && f === 0n; g += SQUFOF_RACERS) {
      const ks = MULTIPLIERS.slice(g, g + SQUFOF_RACERS).filter((k) => n * BigInt(k) < 1n << 70n)
      if (ks.length > 0) f = squfofRace(n, ks, bound)
    }
  }
  if (f === 0n) f = pollardBrent(n)
  if (f === 0n || f === n) return { ok: false, error: { kind: 'pq-not-factored', expected: 'a product of two primes', actual: n } }
  const other = n / f
  return { ok: true, value: f < other ? { p: f, q: other } : { p: other, q: f } }
}
