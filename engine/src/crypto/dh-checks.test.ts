// The dh_prime / g checks across several real 2048-bit safe primes (so each quadratic-residue rule
// meets both outcomes), the safe-prime test of a prime the client has not seen before, and the
// value forms (bytes or bigint) each check takes. Oracle: Euler's criterion, computed here.
// https://core.telegram.org/mtproto/auth_key (item 6 of "Presenting proof of work")
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { bigIntFromBytes, bigIntToBytes } from './bytes.js'
import { TELEGRAM_DH_PRIME, checkDhGroup, checkDhPublicValue, dhModPow, dhSharedKey, isKnownSafePrime } from './dh.js'
import { OPENSSL_SAFE_A, OPENSSL_SAFE_B, RFC3526_2048, UNSAFE_PRIME_2048 } from './dh-primes.vectors.js'

/** Euler's criterion: g is a quadratic residue mod the prime p iff g^((p−1)/2) ≡ 1. */
function isResidue(g: number, p: bigint): boolean {
  return bigIntFromBytes(dhModPow(BigInt(g), (p - 1n) / 2n, p)) === 1n
}

describe('DH group checks over several safe primes', () => {
  // residues of the four primes: mod 8 → 3, 7, 7, 7; mod 5 → 3, 4, 3, 3; mod 7 → 6, 5, 2, 3; mod 24 → 11, 23, 23, 23
  const primes: [string, bigint][] = [
    ['Telegram', TELEGRAM_DH_PRIME],
    ['RFC 3526 2048-bit', RFC3526_2048],
    ['OpenSSL A', OPENSSL_SAFE_A],
    ['OpenSSL B', OPENSSL_SAFE_B],
  ]

  test('the residues cover both outcomes of every rule that can fail on a safe prime', () => {
    assert.deepEqual(
      primes.map(([, p]) => [p % 8n, p % 5n, p % 7n, p % 24n]),
      [
        [3n, 3n, 6n, 11n],
        [7n, 4n, 5n, 23n],
        [7n, 3n, 2n, 23n],
        [7n, 3n, 3n, 23n],
      ],
    )
  })

  test('an unknown safe prime passes the safe-prime test once and is remembered', () => {
    for (const [name, p] of primes.slice(1)) {
      const r = checkDhGroup(bigIntToBytes(p), 4) // g = 4 is a square: no residue rule, only the prime is judged
      assert.deepEqual(r, { ok: true, value: { p, g: 4 } }, name)
      assert.equal(isKnownSafePrime(p), true, name)
    }
    assert.equal(isKnownSafePrime(TELEGRAM_DH_PRIME), true)
  })

  for (const [name, p] of primes) {
    test(`${name}: for every g in 2..7 the check agrees with Euler's criterion, and a refusal says which rule`, () => {
      for (let g = 2; g <= 7; g++) {
        const r = checkDhGroup(p, g)
        const euler = isResidue(g, p)
        assert.equal(r.ok, euler, `g = ${g}`)
        if (r.ok) {
          assert.deepEqual(r.value, { p, g })
          continue
        }
        const [expected, modulus] = ({ 2: ['p mod 8 = 7', 8n], 3: ['p mod 3 = 2', 3n], 5: ['p mod 5 ∈ {1, 4}', 5n], 6: ['p mod 24 ∈ {19, 23}', 24n], 7: ['p mod 7 ∈ {3, 5, 6}', 7n] } as Record<number, [string, bigint]>)[g]!
        assert.deepEqual(r.error, { kind: 'dh-g-not-quadratic-residue', g, expected, actual: `p mod ${modulus} = ${p % modulus}` })
      }
    })
  }

  test('a prime whose (p − 1)/2 is composite is refused, also for a g with no residue rule', () => {
    assert.equal(isKnownSafePrime(UNSAFE_PRIME_2048), false)
    for (const g of [3, 4]) {
      assert.deepEqual(checkDhGroup(UNSAFE_PRIME_2048, g), {
        ok: false,
        error: { kind: 'dh-prime-not-safe', expected: 'p and (p−1)/2 prime', actual: '(p−1)/2 composite' },
      })
    }
    assert.equal(isKnownSafePrime(UNSAFE_PRIME_2048), false)
  })
})

describe('DH values as bytes or bigint', () => {
  test('checkDhPublicValue returns the value as a bigint whichever form it came in', () => {
    const x = TELEGRAM_DH_PRIME / 3n
    assert.deepEqual(checkDhPublicValue(bigIntToBytes(x), TELEGRAM_DH_PRIME, 'g_a'), { ok: true, value: x })
    assert.deepEqual(checkDhPublicValue(x, TELEGRAM_DH_PRIME, 'g_a'), { ok: true, value: x })
  })

  test('dhSharedKey takes the peer value as bytes or bigint, with the same key', () => {
    const group = { p: TELEGRAM_DH_PRIME, g: 3 }
    const peer = TELEGRAM_DH_PRIME / 5n
    const secret = new Uint8Array(256).fill(0x5a)
    assert.deepEqual(dhSharedKey(group, peer, secret), dhSharedKey(group, bigIntToBytes(peer, 256), secret))
    assert.equal(dhSharedKey(group, peer, secret).length, 256)
  })

  test('an exponent of p − 1 or more is reduced mod p − 1 (Fermat), not mod anything else', () => {
    const p = TELEGRAM_DH_PRIME
    assert.equal(bigIntFromBytes(dhModPow(2n, p + 1n, p)), 4n) // 2^(p+1) = 2^2 · 2^(p−1) ≡ 4
    assert.equal(bigIntFromBytes(dhModPow(3n, 2n * (p - 1n) + 3n, p)), 27n)
  })
})
