// Factorization of the handshake's pq (a product of two primes, normally < 2^63) into p < q.
// Knows nothing about TL: bytes or bigint in, bigints out.
// https://core.telegram.org/mtproto/auth_key#proof-of-work
//
// Main path: SQUFOF (Shanks' square forms) racing four multipliers side by side, its hot loops in
// WebAssembly (pq.wat). For N < 2^64 the quadratic forms' coefficients stay below ~2^39, so every
// step is exact f64 arithmetic (no BigInt, no 64-bit mulmod). One cycle needs O(N^(1/4)) ≈ 50k
// dependent steps (a division each) for a 62-bit N; four independent cycles held in wasm locals
// fill the pipelines (~3 ns a step against ~9 for one cycle, ~12 for the same loop in JS), and the
// first proper square among four comes about four times sooner. Pollard–Brent over BigInt needs
// about as many steps, each two 64-bit mulmods far dearer: it stays as the fallback for the rare
// N on which every group of multipliers fails, and for N ≥ 2^64.

import { bigIntFromBytes } from './bytes.js'
import { PQ_WASM_BASE64 } from './generated/pq-wasm.js'
import { instantiateWasm, type WasmMemory } from './wasm-instance.js'

/** Result of factorizing pq: p < q, p·q = pq. */
export interface PqFactors {
  p: bigint
  q: bigint
}

/** Why pq was refused. */
export type PqError =
  | { kind: 'pq-too-small'; expected: 'pq > 3'; actual: bigint }
  /** `actualBits`, not the value: a hostile pq may be any length, and is never read past 8 bytes. */
  | { kind: 'pq-too-large'; expected: 'pq < 2^63'; actualBits: number }
  | { kind: 'pq-prime'; expected: 'a product of two primes'; actual: bigint }
  /** A factor was found, but p or q is not prime (three or more prime factors). */
  | { kind: 'pq-not-two-primes'; expected: 'a product of two primes'; actual: bigint; p: bigint; q: bigint }
  /** The work budget ran out (a composite neither SQUFOF nor the bounded Pollard–Brent split). */
  | { kind: 'pq-not-factored'; expected: 'a product of two primes'; actual: bigint }

/** pq must be below this (https://core.telegram.org/mtproto/auth_key: "pq < 2^63"). */
export const PQ_LIMIT = 1n << 63n

/** The work one factorization did; each count stays within its `MAX_PQ_*` budget. */
export interface PqWork {
  /** SQUFOF forward rounds (two steps per racer each), summed over multiplier groups. */
  squfofRounds: number
  /** SQUFOF reverse-cycle steps, summed over every square form tried. */
  reverseSteps: number
  /** Pollard–Brent iterations (one x² + c and one product mod N each). */
  pollardSteps: number
}

/**
 * Pollard–Brent iterations allowed in the fallback: each costs two 63-bit BigInt mulmods (≈ 0.35 µs
 * on a loaded core), so the whole fallback stays near 6 ms. It is only reached by a composite that
 * every SQUFOF multiplier group failed on, which for a genuine pq is rare; within this budget it
 * still finds any factor below ~2^26 with high probability.
 */
export const MAX_PQ_POLLARD_STEPS = 1 << 14

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
/** Forward cycles run side by side (pq.wat has exactly this many racers in locals). */
const SQUFOF_RACERS = 4
// Racer j's six f64s at 48·j in pq.wat's memory (see its header); rounds done at f64 index 24.
const RACER_F64S = 6
const R_P0 = 0
const R_P = 1
const R_QPREV = 2
const R_Q = 3
const R_SMALL = 4
const R_QMID = 5
const ROUNDS_DONE_F64 = 24
const REVERSE_STEPS_F64 = 25

interface PqExports {
  memory: WasmMemory
  race(rounds: number): number
  reverse(p0: number, p: number, qPrev: number, q: number, limit: number): number
}

let pqWasm: { ex: PqExports; state: Float64Array } | undefined

/** pq.wat, instantiated on first use. Its memory never grows, so the state view stays valid. */
function squfofWasm(): { ex: PqExports; state: Float64Array } {
  if (pqWasm === undefined) {
    const ex = instantiateWasm<PqExports>(PQ_WASM_BASE64)
    pqWasm = { ex, state: new Float64Array(ex.memory.buffer, 0, REVERSE_STEPS_F64 + 1) }
  }
  return pqWasm
}

/** Bound on forward rounds (two steps each) per multiplier group (≈ 1.5·N^(1/4) rounds). */
function roundBound(n: bigint): number {
  return Math.ceil(1.5 * Math.sqrt(Math.sqrt(Number(n)))) + 500
}

const MULTIPLIER_GROUPS = Math.ceil(MULTIPLIERS.length / SQUFOF_RACERS)

/** SQUFOF forward rounds one factorization may run: every group's bound at the largest pq. */
export const MAX_PQ_SQUFOF_ROUNDS = MULTIPLIER_GROUPS * roundBound(PQ_LIMIT - 1n)

/**
 * Reverse-cycle steps one factorization may run, over all square forms tried. A reverse cycle from
 * a proper square form takes about half the forward steps (two a round) that found it, so this is
 * the forward budget's own size; it stops an N whose cycles keep missing.
 */
export const MAX_PQ_REVERSE_STEPS = MAX_PQ_SQUFOF_ROUNDS

/**
 * Work limits of one factorization. The defaults are the `MAX_PQ_*` budgets; smaller ones make a
 * caller's bound tighter (and let tests reach what no real pq does: later multiplier groups, a
 * spent reverse budget, a pq left unsplit).
 */
export interface PqBudget {
  /** Forward rounds per multiplier group (default: roundBound of the pq, ≈ 1.5·pq^(1/4)). */
  readonly roundsPerGroup?: number
  /** Reverse-cycle steps over the whole factorization (default MAX_PQ_REVERSE_STEPS). */
  readonly reverseSteps?: number
  /** Pollard–Brent iterations (default MAX_PQ_POLLARD_STEPS). */
  readonly pollardSteps?: number
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
function squfofReverse(n: bigint, kn: bigint, P0: number, Pprev: number, r: number, work: PqWork, maxSteps: number): bigint {
  const left = maxSteps - work.reverseSteps
  if (left <= 0) return 0n
  const b0 = Math.floor((P0 - Pprev) / r)
  const P = b0 * r + Pprev
  const Q = Number((kn - BigInt(P) * BigInt(P)) / BigInt(r))
  const { ex, state } = squfofWasm()
  const ambiguous = ex.reverse(P0, P, r, Q, left)
  work.reverseSteps += state[REVERSE_STEPS_F64]!
  if (ambiguous < 0) return 0n
  const f = bigGcd(n, BigInt(ambiguous))
  return f > 1n && f < n ? f : 0n
}

/**
 * Racing SQUFOF (Gower & Wagstaff, "Square form factorization", Math. Comp. 77 (2008)) over one
 * group of multipliers. Improper square forms are skipped without a reverse cycle: while going
 * forward, each racer queues g = Q/gcd(Q, 2k) whenever g < 2·√(2·√(kN)); a square r² whose
 * r/gcd(r, 2k) is 1 or queued would only lead back to a trivial factor. Returns a factor or 0.
 */
function squfofRace(n: bigint, ks: number[], bound: number, work: PqWork, maxReverseSteps: number): bigint {
  const { ex, state: s } = squfofWasm()
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
    const o = kns.length * RACER_F64S
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
  if (used.length === 0) return 0n
  // fewer usable multipliers than racers: the spare racers repeat racer 0 (harmless, rare)
  for (let j = used.length; j < SQUFOF_RACERS; j++) {
    s.copyWithin(j * RACER_F64S, 0, RACER_F64S)
    kns.push(kns[0]!)
    limits.push(limits[0]!)
    queues.push([...queues[0]!])
    used.push(used[0]!)
  }
  for (let left = bound; left > 0; ) {
    const events = ex.race(left)
    left -= s[ROUNDS_DONE_F64]!
    work.squfofRounds += s[ROUNDS_DONE_F64]!
    for (let j = 0; j < SQUFOF_RACERS; j++) {
      if ((events & (1 << j)) === 0) continue
      const o = j * RACER_F64S
      const k2 = 2 * used[j]!
      const queue = queues[j]!
      for (const Q of [s[o + R_QMID]!, s[o + R_Q]!]) {
        const g = Q / smallGcd(Q, k2)
        if (g < limits[j]!) queue.push(g)
      }
      const Q = s[o + R_Q]!
      const r = Math.round(Math.sqrt(Q))
      if (r * r !== Q) continue
      const rr = r / smallGcd(r, k2)
      if (rr === 1 || queue.includes(rr)) continue
      const f = squfofReverse(n, kns[j]!, s[o + R_P0]!, s[o + R_P]!, r, work, maxReverseSteps)
      if (f !== 0n) return f
    }
  }
  return 0n
}

/**
 * Pollard–Brent over BigInt: slow but general; factorizePq uses it only when SQUFOF gives up (no
 * pq in a large random sample ever got there), so it is exported for its own tests. Returns a
 * nontrivial factor of the odd composite n, 2 for an even n, or 0 once `work.pollardSteps` reaches
 * MAX_PQ_POLLARD_STEPS (a prime n always ends there).
 */
export function pollardBrent(n: bigint, work: PqWork, maxSteps = MAX_PQ_POLLARD_STEPS): bigint {
  const m = 128n
  const spend = (): boolean => {
    if (work.pollardSteps >= maxSteps) return false
    work.pollardSteps++
    return true
  }
  for (let c = 1n; c < 100n; c++) {
    let y = 2n
    let r = 1n
    let q = 1n
    let g = 1n
    let x = y
    let ys = y
    while (g === 1n) {
      x = y
      for (let i = 0n; i < r; i++) {
        if (!spend()) return 0n
        y = (y * y + c) % n
      }
      let k = 0n
      while (k < r && g === 1n) {
        ys = y
        const lim = m < r - k ? m : r - k
        for (let i = 0n; i < lim; i++) {
          if (!spend()) return 0n
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
        if (!spend()) return 0n
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

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n
  base %= mod
  for (; exp > 0n; exp >>= 1n) {
    if (exp & 1n) result = (result * base) % mod
    base = (base * base) % mod
  }
  return result
}

// These twelve bases decide primality exactly for every n < 3.3·10^24 (Sorenson & Webster, 2015),
// so far past 2^64.
const MILLER_RABIN_BASES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n]

/** Deterministic Miller–Rabin for n < 2^64: about 12·64 mulmods, well under a millisecond. */
export function isPrime64(n: bigint): boolean {
  if (n < 2n) return false
  for (const a of MILLER_RABIN_BASES) if (n % a === 0n) return n === a
  let d = n - 1n
  let s = 0
  while ((d & 1n) === 0n) {
    d >>= 1n
    s++
  }
  witness: for (const a of MILLER_RABIN_BASES) {
    let x = modPow(a, d, n)
    if (x === 1n || x === n - 1n) continue
    for (let i = 1; i < s; i++) {
      x = (x * x) % n
      if (x === n - 1n) continue witness
    }
    return false
  }
  return true
}

/** Bit length of a big-endian number, ignoring leading zero bytes (never converts it). */
function bitLength(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length && bytes[i] === 0) i++
  if (i === bytes.length) return 0
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!))
}

/** Splits n (3 < n < 2^63, not prime) into a nontrivial factor, or 0 once the budget is spent. */
function findFactor(n: bigint, work: PqWork, budget: PqBudget): bigint {
  const small = trialDivision(n)
  if (small !== 0n) return small
  const bound = budget.roundsPerGroup ?? roundBound(n)
  const maxReverse = budget.reverseSteps ?? MAX_PQ_REVERSE_STEPS
  for (let g = 0; g < MULTIPLIERS.length; g += SQUFOF_RACERS) {
    // NB: pq.wat's f64 arithmetic is exact only for k·N < 2^70 (N < 2^59.8 with k = 1155).
    const ks = MULTIPLIERS.slice(g, g + SQUFOF_RACERS).filter((k) => n * BigInt(k) < 1n << 70n)
    if (ks.length === 0) continue
    const f = squfofRace(n, ks, bound, work, maxReverse)
    if (f !== 0n) return f
  }
  return pollardBrent(n, work, budget.pollardSteps ?? MAX_PQ_POLLARD_STEPS)
}

/**
 * Splits pq (a bigint, or big-endian bytes as they come in resPQ) into primes p ≤ q.
 * Refuses, with a typed error: pq ≤ 3, pq ≥ 2^63, a prime pq, a pq with more than two prime
 * factors, and a pq not split within the fixed work budget. Pass `work` to read what it cost, and
 * `budget` for tighter limits than the defaults.
 */
export function factorizePq(
  pq: bigint | Uint8Array,
  work: PqWork = { squfofRounds: 0, reverseSteps: 0, pollardSteps: 0 },
  budget: PqBudget = {},
): { ok: true; value: PqFactors } | { ok: false; error: PqError } {
  const fail = (error: PqError): { ok: false; error: PqError } => ({ ok: false, error })
  if (typeof pq !== 'bigint') {
    const bits = bitLength(pq)
    if (bits > 63) return fail({ kind: 'pq-too-large', expected: 'pq < 2^63', actualBits: bits })
  }
  const n = typeof pq === 'bigint' ? pq : bigIntFromBytes(pq)
  if (n <= 3n) return fail({ kind: 'pq-too-small', expected: 'pq > 3', actual: n })
  if (n >= PQ_LIMIT) return fail({ kind: 'pq-too-large', expected: 'pq < 2^63', actualBits: n.toString(2).length })
  if (isPrime64(n)) return fail({ kind: 'pq-prime', expected: 'a product of two primes', actual: n })
  const f = findFactor(n, work, budget)
  if (f === 0n) return fail({ kind: 'pq-not-factored', expected: 'a product of two primes', actual: n })
  const other = n / f
  const [p, q] = f < other ? [f, other] : [other, f]
  if (!isPrime64(p) || !isPrime64(q)) return fail({ kind: 'pq-not-two-primes', expected: 'a product of two primes', actual: n, p, q })
  return { ok: true, value: { p, q } }
}
