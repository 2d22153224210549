import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { bigIntFromBytes, bigIntToBytes, fromHex, toHex } from './bytes.js'
import { TELEGRAM_DH_PRIME, checkDhGroup, checkDhPublicValue, dhModPow, dhPublicValue, dhSharedKey } from './dh.js'
import { UNSAFE_PRIME_2048 } from './dh-primes.vectors.js'
import { SAMPLE } from './samples-auth-key.vectors.js'
import { SEED_000 } from './seed-000.vectors.js'

const answer = fromHex(SAMPLE.answerWithHash).subarray(20)
// server_DH_inner_data: id(4) nonce(16) server_nonce(16) g(4) dh_prime(4+256) g_a(4+256) server_time(4)
const sampleG = new DataView(answer.buffer, answer.byteOffset).getInt32(36, true)
const samplePrime = answer.subarray(44, 300)
const sampleGa = answer.subarray(304, 560)

describe('DH', () => {
  // core.telegram.org/mtproto/samples-auth_key, steps 6-8
  test('samples-auth_key: server_DH_inner_data carries g = 3 and the known prime; both pass', () => {
    assert.equal(sampleG, SAMPLE.g)
    assert.equal(bigIntFromBytes(samplePrime), TELEGRAM_DH_PRIME)
    const group = checkDhGroup(samplePrime, sampleG)
    assert.deepEqual(group, { ok: true, value: { p: TELEGRAM_DH_PRIME, g: 3 } })
    assert.ok(checkDhPublicValue(sampleGa, TELEGRAM_DH_PRIME, 'g_a').ok)
    assert.ok(checkDhPublicValue(fromHex(SAMPLE.gB), TELEGRAM_DH_PRIME, 'g_b').ok)
  })

  test('samples-auth_key: g_b = g^b mod p', () => {
    const group = { p: TELEGRAM_DH_PRIME, g: 3 }
    assert.equal(toHex(dhPublicValue(group, fromHex(SAMPLE.b))), toHex(fromHex(SAMPLE.gB)))
  })

  test('samples-auth_key: auth_key = g_a^b mod p', () => {
    const group = { p: TELEGRAM_DH_PRIME, g: 3 }
    assert.equal(toHex(dhSharedKey(group, sampleGa, fromHex(SAMPLE.b))), toHex(fromHex(SAMPLE.authKey)))
  })

  // shared/seeds/000_*.txt: the real server's dh_prime, g = 3, g_a; the client's g_b
  test('seed 000: the server sent the known prime with g = 3; g_a and g_b pass the range checks', () => {
    assert.equal(bigIntFromBytes(fromHex(SEED_000.dhPrime)), TELEGRAM_DH_PRIME)
    assert.ok(checkDhGroup(fromHex(SEED_000.dhPrime), 3).ok)
    assert.ok(checkDhPublicValue(fromHex(SEED_000.gA), TELEGRAM_DH_PRIME, 'g_a').ok)
    assert.ok(checkDhPublicValue(fromHex(SEED_000.gB), TELEGRAM_DH_PRIME, 'g_b').ok)
  })

  test('g = 2 with the known prime is rejected (p mod 8 = 3): the old samples page combination', () => {
    assert.deepEqual(checkDhGroup(TELEGRAM_DH_PRIME, 2), {
      ok: false,
      error: { kind: 'dh-g-not-quadratic-residue', g: 2, expected: 'p mod 8 = 7', actual: 'p mod 8 = 3' },
    })
  })

  test("the residue rules agree with Euler's criterion g^((p−1)/2) = 1 for every g in 2..7", () => {
    const p = TELEGRAM_DH_PRIME
    for (let g = 2; g <= 7; g++) {
      const euler = bigIntFromBytes(dhModPow(BigInt(g), (p - 1n) / 2n, p)) === 1n
      assert.equal(checkDhGroup(p, g).ok, euler, `g = ${g}`)
    }
  })

  test('modexp agrees with BigInt, including edge bases', () => {
    const p = TELEGRAM_DH_PRIME
    const ref = (b: bigint, e: bigint) => {
      let r = 1n
      let x = b % p
      while (e > 0n) {
        if (e & 1n) r = (r * x) % p
        x = (x * x) % p
        e >>= 1n
      }
      return r
    }
    for (const [b, e] of [
      [0xdeadbeefn, 0x123456789abcdefn],
      [p - 2n, 3n],
      [1n, 99n],
      [p - 1n, 3n],
      [0n, 5n],
      [12345n, 0n],
      [2n, p - 1n],
    ] as const) {
      assert.equal(bigIntFromBytes(dhModPow(b, e, p)), ref(b, e), `${b}^${e}`)
      assert.equal(dhModPow(b, e, p).length, 256)
    }
  })

  test('typed error: dh-prime-bad-size', () => {
    assert.deepEqual(checkDhGroup(TELEGRAM_DH_PRIME >> 1n, 3), { ok: false, error: { kind: 'dh-prime-bad-size', expected: 2048, actual: 2047 } })
    assert.deepEqual(checkDhGroup(bigIntToBytes(0n), 3), { ok: false, error: { kind: 'dh-prime-bad-size', expected: 2048, actual: 0 } })
  })

  test('typed error: dh-prime-not-safe (composite p; prime p with composite (p−1)/2)', () => {
    const composite = TELEGRAM_DH_PRIME + 4n // p mod 3 = 2, so p + 4 is divisible by 3
    assert.equal(composite % 3n, 0n)
    const c = checkDhGroup(composite, 3)
    assert.deepEqual(c, { ok: false, error: { kind: 'dh-prime-not-safe', expected: 'p and (p−1)/2 prime', actual: 'p composite' } })
    const unsafe = UNSAFE_PRIME_2048
    const r = checkDhGroup(unsafe, 4)
    assert.deepEqual(r, { ok: false, error: { kind: 'dh-prime-not-safe', expected: 'p and (p−1)/2 prime', actual: '(p−1)/2 composite' } })
  })

  test('typed error: dh-g-out-of-range', () => {
    for (const g of [0, 1, 8, 2.5]) {
      assert.deepEqual(checkDhGroup(TELEGRAM_DH_PRIME, g), { ok: false, error: { kind: 'dh-g-out-of-range', expected: '2..7', actual: g } })
    }
  })

  test('typed errors: dh-value-out-of-range and dh-value-outside-safety-margin', () => {
    const p = TELEGRAM_DH_PRIME
    const margin = 1n << 1984n
    for (const x of [0n, 1n, p - 1n, p, p + 5n]) {
      const r = checkDhPublicValue(x, p, 'g_a')
      assert.deepEqual(r, { ok: false, error: { kind: 'dh-value-out-of-range', which: 'g_a', expected: '1 < x < dh_prime − 1', actual: x } })
    }
    for (const x of [2n, margin, p - margin, p - 2n]) {
      const r = checkDhPublicValue(x, p, 'g_b')
      assert.deepEqual(r, {
        ok: false,
        error: { kind: 'dh-value-outside-safety-margin', which: 'g_b', expected: '2^1984 < x < dh_prime − 2^1984', actual: x },
      })
    }
    assert.ok(checkDhPublicValue(margin + 1n, p, 'g_a').ok)
    assert.ok(checkDhPublicValue(p - margin - 1n, p, 'g_a').ok)
  })

  test('client and server agree on the shared key', () => {
    const group = { p: TELEGRAM_DH_PRIME, g: 3 }
    const a = fromHex('11'.repeat(256))
    const b = fromHex('22'.repeat(256))
    const gA = dhPublicValue(group, a)
    const gB = dhPublicValue(group, b)
    assert.equal(toHex(dhSharedKey(group, gB, a)), toHex(dhSharedKey(group, gA, b)))
  })
})
