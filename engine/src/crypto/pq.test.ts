import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { fromHex } from './bytes.js'
import { factorizePq } from './pq.js'
import { SAMPLE } from './samples-auth-key.vectors.js'
import { SEED_000 } from './seed-000.vectors.js'

// Deterministic 31-bit primes for the bulk check (generated once by trial division, listed here
// so the test needs no prime generator): each pair's product is a 61..62-bit pq like Telegram's.
const PRIMES_31 = [
  1073741827n, 1073741831n, 1073741833n, 1073741839n, 1500000001n, 1610612741n, 1879048201n,
  2147483629n, 2147483647n, 1234567891n, 1999999973n,
]

describe('pq factorization', () => {
  // core.telegram.org/mtproto/samples-auth_key, step 3: 2694724800268887959 = 1513098571 * 1780931429
  test('samples-auth_key pq', () => {
    assert.deepEqual(factorizePq(SAMPLE.pq), { ok: true, value: { p: SAMPLE.p, q: SAMPLE.q } })
  })

  // shared/seeds/000_95fee1d298aa0fab.txt: pq 18DDCAF407B7CDCD → P 45F57B87, Q 5AFE490B
  test('seed 000 pq, given as the big-endian bytes of resPQ', () => {
    const r = factorizePq(fromHex(SEED_000.pq))
    assert.deepEqual(r, { ok: true, value: { p: 0x45f57b87n, q: 0x5afe490bn } })
  })

  test('the old samples page pq 17ED48941A08F981 = 494C553B * 53911073', () => {
    // Widely quoted from earlier versions of core.telegram.org/mtproto/samples-auth_key.
    assert.deepEqual(factorizePq(0x17ed48941a08f981n), { ok: true, value: { p: 0x494c553bn, q: 0x53911073n } })
  })

  test('products of 31-bit primes, p < q, p·q = pq', () => {
    for (let i = 0; i < PRIMES_31.length; i++) {
      for (let j = i + 1; j < PRIMES_31.length; j++) {
        const a = PRIMES_31[i]!
        const b = PRIMES_31[j]!
        const r = factorizePq(a * b)
        assert.ok(r.ok, `${a} * ${b}`)
        assert.deepEqual(r.value, a < b ? { p: a, q: b } : { p: b, q: a })
      }
    }
  })

  test('small and edge cases: squares, tiny factors, the largest two-prime pq below 2^63', () => {
    assert.deepEqual(factorizePq(1073741827n * 1073741827n), { ok: true, value: { p: 1073741827n, q: 1073741827n } })
    assert.deepEqual(factorizePq(3n * 1073741827n), { ok: true, value: { p: 3n, q: 1073741827n } })
    assert.deepEqual(factorizePq(15n), { ok: true, value: { p: 3n, q: 5n } })
    assert.deepEqual(factorizePq(4n), { ok: true, value: { p: 2n, q: 2n } })
    // 2147483647 = 2^31 − 1 and 4294967291 (the largest 32-bit prime): pq just under 2^63
    assert.deepEqual(factorizePq(2147483647n * 4294967291n), { ok: true, value: { p: 2147483647n, q: 4294967291n } })
  })

  test('typed errors: pq-too-small, pq-prime, pq-too-large (two 32-bit primes, pq ≥ 2^63)', () => {
    assert.deepEqual(factorizePq(3n), { ok: false, error: { kind: 'pq-too-small', expected: 'pq > 3', actual: 3n } })
    const r = factorizePq(2147483647n)
    assert.deepEqual(r, { ok: false, error: { kind: 'pq-prime', expected: 'a product of two primes', actual: 2147483647n } })
    // 4294967291 and 4294967279 are the two largest 32-bit primes: pq just under 2^64, past the limit
    assert.deepEqual(factorizePq(4294967291n * 4294967279n), { ok: false, error: { kind: 'pq-too-large', expected: 'pq < 2^63', actualBits: 64 } })
  })
})
