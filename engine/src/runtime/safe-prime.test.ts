// The handshake's asynchronous safe-prime check: the verdict per half, and a refused prime costs
// its primality tests once, not once per handshake that meets it again.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { UNSAFE_PRIME_2048 } from '../crypto/dh-primes.vectors.js'
import { TELEGRAM_DH_PRIME } from '../crypto/index.js'
import { primalityTests, whyNotSafePrime } from './safe-prime.js'

test("Telegram's prime is safe; an unsafe 2048-bit prime is refused with the half that is composite", async () => {
  assert.equal(await whyNotSafePrime(TELEGRAM_DH_PRIME), null)
  assert.equal(await whyNotSafePrime(UNSAFE_PRIME_2048), '(p−1)/2 composite')
  assert.equal(await whyNotSafePrime(UNSAFE_PRIME_2048 + 2n), 'p composite')
})

test('a refused prime met again is answered from memory, with no primality test', async () => {
  const p = UNSAFE_PRIME_2048
  await whyNotSafePrime(p)
  const before = primalityTests
  for (let i = 0; i < 5; i++) assert.equal(await whyNotSafePrime(p), '(p−1)/2 composite')
  assert.equal(primalityTests, before)
})
