// The client handshake steps against hand-built server answers: the order of resPQ's checks (the
// cheap ones before the costly factoring), the refusals of step 2, and the g_b redraw of step 3.
// The full client ↔ server runs live in handshake.test.ts.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { bigIntToBytes, parseRsaPrivateKey, type RsaPrivateKey } from '../crypto/index.js'
import { seededRandom } from '../crypto/test-random.js'
import type { mtp } from '../tl/index.js'
import { clientHandshake, type ClientHandshakeOptions } from './handshake-client.js'
import type { HandshakeError } from './handshake-shared.js'
import type { Result } from './result.js'

function makeKey(bits: number): RsaPrivateKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 })
  return parseRsaPrivateKey(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string)
}
const serverKey = makeKey(2048)
const options: ClientHandshakeOptions = { publicKeys: [serverKey.publicKey], dcId: 2 }

// core.telegram.org/mtproto/samples-auth_key, step 3: pq 2694724800268887959 = 1513098571 · 1780931429
const SAMPLE_PQ = bigIntToBytes(2694724800268887959n)
// A 62-bit prime (checked with `openssl prime`): before pq was bounded, factoring it never ended.
const PRIME_62 = bigIntToBytes(2305843009213706309n)

function errorOf<T>(r: Result<T, HandshakeError>): HandshakeError {
  assert.equal(r.ok, false, 'expected a handshake error')
  return (r as { error: HandshakeError }).error
}

function resPq(nonce: Uint8Array, fields: Partial<mtp.RawMt_resPQ> = {}): mtp.RawMt_resPQ {
  return {
    _: 'mt_resPQ',
    nonce,
    serverNonce: new Uint8Array(16).fill(7),
    pq: SAMPLE_PQ,
    serverPublicKeyFingerprints: [serverKey.publicKey.fingerprint],
    ...fields,
  }
}

describe('client step 2: resPQ is checked cheaply before pq is factored', () => {
  test('an unknown fingerprint is refused before a hostile pq is looked at', () => {
    const rand = seededRandom('fp-first')
    const s1 = clientHandshake.step1(rand)
    const e = errorOf(clientHandshake.step2(s1.state, resPq(s1.state.nonce, { pq: PRIME_62, serverPublicKeyFingerprints: [42n] }), options, rand))
    assert.deepEqual(e, { kind: 'no-matching-public-key', expected: [serverKey.publicKey.fingerprint], received: [42n] })
  })

  test('a wrong nonce is refused before a hostile pq is looked at', () => {
    const rand = seededRandom('nonce-first')
    const s1 = clientHandshake.step1(rand)
    const e = errorOf(clientHandshake.step2(s1.state, resPq(new Uint8Array(16), { pq: PRIME_62 }), options, rand))
    assert.equal(e.kind, 'nonce-mismatch')
  })

  test('with a known key and the right nonce, a hostile pq is refused as pq-refused', () => {
    const rand = seededRandom('pq-last')
    const s1 = clientHandshake.step1(rand)
    const e = errorOf(clientHandshake.step2(s1.state, resPq(s1.state.nonce, { pq: PRIME_62 }), options, rand))
    assert.deepEqual(e, { kind: 'pq-refused', error: { kind: 'pq-prime', expected: 'a product of two primes', actual: 2305843009213706309n } })
    const big = errorOf(clientHandshake.step2(s1.state, resPq(s1.state.nonce, { pq: new Uint8Array(9).fill(0xff) }), options, rand))
    assert.deepEqual(big, { kind: 'pq-refused', error: { kind: 'pq-too-large', expected: 'pq < 2^63', actualBits: 72 } })
  })
})
