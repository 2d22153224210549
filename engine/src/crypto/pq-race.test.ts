// The racing-SQUFOF pq path (pq.ts + pq.wat) on many inputs.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { factorizePq, type PqWork } from './pq.js'

function isPrime(n: bigint): boolean {
  if (n < 2n) return false
  if (n % 2n === 0n) return n === 2n
  for (let d = 3n; d * d <= n; d += 2n) if (n % d === 0n) return false
  return true
}

/** Deterministic primes with `bits` bits (xorshift32, then the next prime up). */
function primeStream(seed: number, bits: number): () => bigint {
  let x = seed >>> 0 || 1
  const next32 = (): number => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x
  }
  return () => {
    const hi = BigInt(next32())
    const lo = BigInt(next32())
    let c = (((hi << 32n) | lo) & ((1n << BigInt(bits)) - 1n)) | (1n << BigInt(bits - 1)) | 1n
    while (!isPrime(c)) c += 2n
    return c
  }
}

describe('pq factorization: racing SQUFOF', () => {
  test('300 products of two 30..32-bit primes below 2^63 (Telegram-sized pq): p·q = pq, p ≤ q, both prime', () => {
    // one factor of each pair from each stream: 31 + 32 bits stays below 2^63 as real pq does
    const total = { squfofRounds: 0, reverseSteps: 0 }
    for (const [seedA, bitsA, seedB, bitsB] of [
      [0x1234567, 31, 0x7654321, 31],
      [0x89abcdef, 32, 0xfedcba9, 31],
      [0x2468ace, 30, 0x1357bdf, 32],
    ] as const) {
      const primeA = primeStream(seedA, bitsA)
      const primeB = primeStream(seedB, bitsB)
      for (let i = 0; i < 100; i++) {
        const a = primeA()
        const b = primeB()
        assert.ok(a * b < 1n << 63n, `${a} * ${b} < 2^63`)
        const work: PqWork = { squfofRounds: 0, reverseSteps: 0, pollardSteps: 0 }
        const r = factorizePq(a * b, work)
        assert.ok(r.ok, `${a} * ${b}`)
        assert.deepEqual(r.value, a < b ? { p: a, q: b } : { p: b, q: a }, `${a} * ${b}`)
        // SQUFOF alone splits every one of them: the fallback is never needed for a genuine pq
        assert.equal(work.pollardSteps, 0, `${a} * ${b} needed the fallback`)
        total.squfofRounds += work.squfofRounds
        total.reverseSteps += work.reverseSteps
      }
    }
    // Bounds on the work the racing SQUFOF does over these 300 (2,571,142 rounds and 3,093,351 reverse
    // steps as written, plus a quarter): a slip that skips fewer improper square forms or loses the
    // race spends far more, even where it still finds the factors.
    assert.ok(total.squfofRounds <= 3_200_000, `${total.squfofRounds} forward rounds`)
    assert.ok(total.reverseSteps <= 3_900_000, `${total.reverseSteps} reverse steps`)
  })

  test('unbalanced factors: a 20-bit prime times a 40-bit prime', () => {
    const small = primeStream(77, 20)
    const big = primeStream(78, 40)
    for (let i = 0; i < 10; i++) {
      const a = small()
      const b = big()
      assert.deepEqual(factorizePq(a * b), { ok: true, value: { p: a, q: b } })
    }
  })

  test('pq ≥ 2^63 is refused unread, however easy its factors (the documented bound: pq < 2^63)', () => {
    const a = primeStream(5, 20)()
    const b = primeStream(6, 46)()
    assert.ok(a * b >= 1n << 64n)
    assert.deepEqual(factorizePq(a * b), { ok: false, error: { kind: 'pq-too-large', expected: 'pq < 2^63', actualBits: (a * b).toString(2).length } })
  })

  test('the same input twice gives the same answer (the shared wasm state is reset per call)', () => {
    const prime = primeStream(99, 31)
    const inputs = Array.from({ length: 20 }, () => prime() * prime())
    const first = inputs.map((n) => factorizePq(n))
    const second = inputs.map((n) => factorizePq(n))
    assert.deepEqual(second, first)
  })
})
