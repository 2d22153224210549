// The client handshake steps against hand-built server answers: the order of resPQ's checks (the
// cheap ones before the costly factoring), the refusals of step 2, and the g_b redraw of step 3.
// The full client ↔ server runs live in handshake.test.ts.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import {
  TELEGRAM_DH_PRIME,
  bigIntFromBytes,
  bigIntToBytes,
  checkDhPublicValue,
  deriveTmpAes,
  newNonceHash,
  parseRsaPrivateKey,
  rememberSafePrime,
  rsaPadDecrypt,
  type RsaPrivateKey,
} from '../crypto/index.js'
import { OPENSSL_SAFE_A } from '../crypto/dh-primes.vectors.js'
import { seededRandom } from '../crypto/test-random.js'
import { sha1 } from '../crypto/hash.js'
import { deserializeObject, type mtp } from '../tl/index.js'
import { clientHandshake, type ClientAwaitingDhGen, type ClientAwaitingDhParams, type ClientHandshakeOptions } from './handshake-client.js'
import { serverHandshake, type ServerHandshakeOptions } from './handshake-server.js'
import { decryptInner, encryptInner, type HandshakeError } from './handshake-shared.js'
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

const T0 = 1_700_000_000_000

function value<T>(r: Result<T, HandshakeError>): T {
  if (!r.ok) assert.fail(`unexpected handshake error: ${r.error.kind}`)
  return r.value
}

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

describe('client step 2: the request it sends', () => {
  /** Decrypts req_DH_params.encrypted_data with the server key, as the server would. */
  function innerOf(request: mtp.RawMt_req_DH_paramsRequest): mtp.TypeP_Q_inner_data {
    const data = rsaPadDecrypt(serverKey, request.encryptedData)
    assert.ok(data.ok, 'the server key decrypts encrypted_data')
    return deserializeObject(data.value) as mtp.TypeP_Q_inner_data
  }

  test('a permanent key: p_q_inner_data_dc with p < q from pq, the nonces, and no expires_in anywhere', () => {
    const rand = seededRandom('permanent')
    const s1 = clientHandshake.step1(rand)
    const s2 = value(clientHandshake.step2(s1.state, resPq(s1.state.nonce), options, rand))
    const inner = innerOf(s2.request)
    assert.equal(inner._, 'mt_p_q_inner_data_dc')
    assert.equal(bigIntFromBytes(inner.p), 1513098571n)
    assert.equal(bigIntFromBytes(inner.q), 1780931429n)
    assert.deepEqual([bigIntFromBytes(s2.request.p), bigIntFromBytes(s2.request.q)], [1513098571n, 1780931429n])
    assert.equal(s2.request.publicKeyFingerprint, serverKey.publicKey.fingerprint)
    assert.ok(inner._ === 'mt_p_q_inner_data_dc' && inner.dc === 2, 'p_q_inner_data_dc for DC 2')
    assert.deepEqual(inner.newNonce, s2.state.newNonce)
    assert.equal(s2.state.newNonce.length, 32)
    assert.equal('expiresIn' in s2.state, false)
  })

  test('a temporary key (expiresIn): p_q_inner_data_temp_dc carries expires_in, and the state keeps it', () => {
    const rand = seededRandom('temporary')
    const s1 = clientHandshake.step1(rand)
    const s2 = value(clientHandshake.step2(s1.state, resPq(s1.state.nonce), { ...options, expiresIn: 86400 }, rand))
    const inner = innerOf(s2.request)
    assert.ok(inner._ === 'mt_p_q_inner_data_temp_dc', inner._)
    assert.equal(inner.expiresIn, 86400)
    assert.equal(inner.dc, 2)
    assert.equal(s2.state.expiresIn, 86400)
  })

  test('the trusted key is the one the server lists, whatever its place in either list', () => {
    const rand = seededRandom('key-choice')
    const s1 = clientHandshake.step1(rand)
    const other = makeKey(2048)
    const s2 = value(
      clientHandshake.step2(
        s1.state,
        resPq(s1.state.nonce, { serverPublicKeyFingerprints: [7n, serverKey.publicKey.fingerprint] }),
        { ...options, publicKeys: [other.publicKey, serverKey.publicKey] },
        rand,
      ),
    )
    assert.equal(s2.request.publicKeyFingerprint, serverKey.publicKey.fingerprint)
    assert.equal(innerOf(s2.request)._, 'mt_p_q_inner_data_dc')
  })

  test('a resPQ of another constructor is refused as unexpected-constructor', () => {
    const rand = seededRandom('ctor')
    const s1 = clientHandshake.step1(rand)
    const wrong = { _: 'mt_server_DH_params_fail', nonce: s1.state.nonce } as unknown as mtp.TypeResPQ
    assert.deepEqual(errorOf(clientHandshake.step2(s1.state, wrong, options, rand)), {
      kind: 'unexpected-constructor',
      expected: 'mt_resPQ',
      received: 'mt_server_DH_params_fail',
    })
  })

  test('RSA_PAD that cannot fit under a trusted key (a 1024-bit modulus) is refused as rsa-failed', () => {
    const small = makeKey(1024)
    const rand = seededRandom('rsa-fail')
    const s1 = clientHandshake.step1(rand)
    const e = errorOf(
      clientHandshake.step2(s1.state, resPq(s1.state.nonce, { serverPublicKeyFingerprints: [small.publicKey.fingerprint] }), { ...options, publicKeys: [small.publicKey] }, rand),
    )
    assert.deepEqual(e, { kind: 'rsa-failed', error: { kind: 'rsa-pad-no-temp-key', expected: 'key_aes_encrypted < n', actual: 64 } })
  })
})

const serverOptions: ServerHandshakeOptions = { privateKeys: [serverKey], dhPrime: TELEGRAM_DH_PRIME, g: 3, dcId: 2 }

/** A client in awaiting-dh-params and the server's real server_DH_params_ok for it. */
function toStep3(seed: string): { state: ClientAwaitingDhParams; answer: mtp.TypeServer_DH_Params; srand: (n: number) => Uint8Array } {
  const crand = seededRandom(`c-${seed}`)
  const srand = seededRandom(`s-${seed}`)
  const s1 = clientHandshake.step1(crand)
  const r1 = serverHandshake.step1(s1.request, serverOptions, srand)
  const s2 = value(clientHandshake.step2(s1.state, r1.response, options, crand))
  const r2 = value(serverHandshake.step2(r1.state, s2.request, serverOptions, srand, T0))
  return { state: s2.state, answer: r2.response, srand }
}

/** Random bytes where the first `bad` requests for a 256-byte b get all zeros (g^0 = 1: out of range). */
function badFirst(bad: number, seed: string): { random: (n: number) => Uint8Array; draws: () => number } {
  const rand = seededRandom(seed)
  let draws = 0
  return {
    random: (n) => {
      if (n !== 256) return rand(n)
      draws++
      return draws <= bad ? new Uint8Array(256) : rand(n)
    },
    draws: () => draws,
  }
}

describe('client step 3: g_b is redrawn until it passes its own range check', () => {
  test('a first b whose g_b fails the check is replaced; the g_b sent passes it, and the server derives the same key', () => {
    const { state, answer } = toStep3('redraw')
    const r = badFirst(1, 'redraw-b')
    const s3 = value(clientHandshake.step3(state, answer, r.random, T0))
    assert.equal(r.draws(), 2)
    const tmp = deriveTmpAes(state.newNonce, state.serverNonce)
    const inner = decryptInner(s3.request.encryptedData, tmp)
    assert.ok(inner.ok && inner.value._ === 'mt_client_DH_inner_data', 'client_DH_inner_data under the tmp key')
    const gB = (inner.value as mtp.RawMt_client_DH_inner_data).gB
    assert.ok(checkDhPublicValue(gB, TELEGRAM_DH_PRIME, 'g_b').ok, 'the g_b sent passes the range check')
    assert.notEqual(bigIntFromBytes(gB), 1n)
    assert.equal(s3.state.retries, 0)
    assert.equal(s3.state.authKey.length, 256)
  })

  test('seven bad draws are survived; after eight, a typed dh-check-failed for g_b', () => {
    const { state, answer } = toStep3('eight')
    const seven = badFirst(7, 'seven-b')
    assert.equal(clientHandshake.step3(state, answer, seven.random, T0).ok, true, 'seven bad draws, then a good one')
    assert.equal(seven.draws(), 8)
    const eight = badFirst(8, 'eight-b')
    const e = errorOf(clientHandshake.step3(state, answer, eight.random, T0))
    assert.equal(eight.draws(), 8)
    assert.deepEqual(e, {
      kind: 'dh-check-failed',
      error: { kind: 'dh-value-out-of-range', which: 'g_b', expected: '1 < x < dh_prime − 1', actual: 1n },
    })
  })

  test('the time offset is server_time minus the local clock, in whole seconds of server time', () => {
    const { state, answer } = toStep3('offset')
    const s3 = value(clientHandshake.step3(state, answer, seededRandom('offset-b'), T0 - 2500))
    assert.equal(s3.state.timeOffsetMs, 2500)
  })

  test('server_DH_params_fail with the right new_nonce_hash is refused as server-dh-params-fail', () => {
    const { state, answer } = toStep3('params-fail')
    const fail: mtp.RawMt_server_DH_params_fail = {
      _: 'mt_server_DH_params_fail',
      nonce: answer.nonce,
      serverNonce: answer.serverNonce,
      newNonceHash: sha1(state.newNonce).subarray(4, 20),
    }
    assert.deepEqual(errorOf(clientHandshake.step3(state, fail, seededRandom('x'), T0)), {
      kind: 'server-dh-params-fail',
      expected: 'server_DH_params_ok',
      received: 'server_DH_params_fail',
    })
  })

  test('an inner object other than server_DH_inner_data is refused as unexpected-constructor', () => {
    const { state, answer } = toStep3('inner-ctor')
    const tmp = deriveTmpAes(state.newNonce, state.serverNonce)
    const wrongInner = encryptInner({ _: 'mt_client_DH_inner_data', nonce: state.nonce, serverNonce: state.serverNonce, retryId: 0n, gB: new Uint8Array(8) }, tmp, seededRandom('pad'))
    const e = errorOf(clientHandshake.step3(state, { ...(answer as mtp.RawMt_server_DH_params_ok), encryptedAnswer: wrongInner }, seededRandom('x'), T0))
    assert.deepEqual(e, { kind: 'unexpected-constructor', expected: 'mt_server_DH_inner_data', received: 'mt_client_DH_inner_data' })
  })
})

describe('client steps: states, nonce fields and constructors named exactly', () => {
  test('each step hands back the state type of the next one, and a permanent key carries no expiresIn', () => {
    const rand = seededRandom('states')
    const s1 = clientHandshake.step1(rand)
    assert.deepEqual(s1, { request: { _: 'mt_req_pq_multi', nonce: s1.state.nonce }, state: { step: 'awaiting-res-pq', nonce: s1.state.nonce } })
    assert.equal(s1.state.nonce.length, 16)
    const { state, answer } = toStep3('states')
    assert.equal(state.step, 'awaiting-dh-params')
    const s3 = value(clientHandshake.step3(state, answer, seededRandom('states-b'), T0))
    assert.equal(s3.state.step, 'awaiting-dh-gen')
    assert.equal('expiresIn' in s3.state, false)
  })

  test('step 3: a wrong server_nonce outside, a wrong nonce inside, each names its field', () => {
    const { state, answer } = toStep3('fields')
    const outer = errorOf(clientHandshake.step3(state, { ...answer, serverNonce: new Uint8Array(16) }, seededRandom('x'), T0))
    assert.ok(outer.kind === 'nonce-mismatch' && outer.field === 'server_nonce', JSON.stringify(outer.kind))
    const tmp = deriveTmpAes(state.newNonce, state.serverNonce)
    const ok = answer as mtp.RawMt_server_DH_params_ok
    const inner = decryptInner(ok.encryptedAnswer, tmp)
    assert.ok(inner.ok, 'the real answer decrypts')
    const forged = encryptInner({ ...(inner.value as mtp.RawMt_server_DH_inner_data), nonce: new Uint8Array(16) }, tmp, seededRandom('pad'))
    const e = errorOf(clientHandshake.step3(state, { ...ok, encryptedAnswer: forged }, seededRandom('x'), T0))
    assert.ok(e.kind === 'nonce-mismatch' && e.field === 'nonce', JSON.stringify(e.kind))
    const badGa = encryptInner({ ...(inner.value as mtp.RawMt_server_DH_inner_data), gA: bigIntToBytes(1n) }, tmp, seededRandom('pad'))
    assert.deepEqual(errorOf(clientHandshake.step3(state, { ...ok, encryptedAnswer: badGa }, seededRandom('x'), T0)), {
      kind: 'dh-check-failed',
      error: { kind: 'dh-value-out-of-range', which: 'g_a', expected: '1 < x < dh_prime − 1', actual: 1n },
    })
  })

  test('step 3: a dh_prime this process has not verified is handed back to be checked off the event loop, then accepted', () => {
    const { state, answer } = toStep3('unverified')
    const tmp = deriveTmpAes(state.newNonce, state.serverNonce)
    const ok = answer as mtp.RawMt_server_DH_params_ok
    const inner = decryptInner(ok.encryptedAnswer, tmp)
    assert.ok(inner.ok, 'the real answer decrypts')
    // OPENSSL_SAFE_A ≡ 2 mod 3, so g = 3 generates its subgroup; g_a = p/3 is inside the safety margin
    const other = { ...(inner.value as mtp.RawMt_server_DH_inner_data), dhPrime: bigIntToBytes(OPENSSL_SAFE_A), gA: bigIntToBytes(OPENSSL_SAFE_A / 3n) }
    const forged = { ...ok, encryptedAnswer: encryptInner(other, tmp, seededRandom('pad')) }
    assert.deepEqual(errorOf(clientHandshake.step3(state, forged, seededRandom('x'), T0)), { kind: 'dh-prime-unverified', prime: OPENSSL_SAFE_A })
    rememberSafePrime(OPENSSL_SAFE_A) // what the runtime does after crypto.checkPrime said p and (p − 1)/2 are prime
    const s3 = value(clientHandshake.step3(state, forged, seededRandom('unverified-b'), T0))
    assert.equal(s3.state.group.p, OPENSSL_SAFE_A)
  })

  test('step 3: server_DH_params_fail with a wrong new_nonce_hash names new_nonce', () => {
    const { state, answer } = toStep3('fail-hash')
    const fail: mtp.RawMt_server_DH_params_fail = { _: 'mt_server_DH_params_fail', nonce: answer.nonce, serverNonce: answer.serverNonce, newNonceHash: new Uint8Array(16) }
    const e = errorOf(clientHandshake.step3(state, fail, seededRandom('x'), T0))
    assert.ok(e.kind === 'nonce-mismatch' && e.field === 'new_nonce', JSON.stringify(e.kind))
  })

  test('step 3: an answer of another constructor is refused as unexpected-constructor', () => {
    const { state, answer } = toStep3('ctor3')
    const wrong = { _: 'mt_dh_gen_ok', nonce: answer.nonce, serverNonce: answer.serverNonce } as unknown as mtp.TypeServer_DH_Params
    assert.deepEqual(errorOf(clientHandshake.step3(state, wrong, seededRandom('x'), T0)), {
      kind: 'unexpected-constructor',
      expected: 'mt_server_DH_params_ok',
      received: 'mt_dh_gen_ok',
    })
  })
})

describe('client finish: dh_gen_ok, dh_gen_retry, dh_gen_fail', () => {
  function awaitingGen(seed: string): ClientAwaitingDhGen {
    const { state, answer } = toStep3(seed)
    return value(clientHandshake.step3(state, answer, seededRandom(`${seed}-b`), T0)).state
  }
  const answerOf = (s: ClientAwaitingDhGen) => ({ nonce: s.nonce, serverNonce: s.serverNonce })

  test('dh_gen_ok for a permanent key: the key, and no expiresIn field', () => {
    const s = awaitingGen('gen-ok')
    const done = value(clientHandshake.finish(s, { _: 'mt_dh_gen_ok', ...answerOf(s), newNonceHash1: newNonceHash(s.newNonce, s.authKey, 1) }, seededRandom('x')))
    assert.ok(done.kind === 'done', done.kind)
    assert.equal('expiresIn' in done.key, false)
    assert.deepEqual(done.key.authKey, s.authKey)
  })

  test('a wrong nonce is refused, naming the nonce field', () => {
    const s = awaitingGen('gen-nonce')
    const e = errorOf(clientHandshake.finish(s, { _: 'mt_dh_gen_ok', ...answerOf(s), nonce: new Uint8Array(16), newNonceHash1: new Uint8Array(16) }, seededRandom('x')))
    assert.ok(e.kind === 'nonce-mismatch' && e.field === 'nonce', JSON.stringify(e.kind))
  })

  test('dh_gen_fail: with its own hash it is dh-gen-fail; with a forged hash, new-nonce-hash-mismatch 3', () => {
    const s = awaitingGen('gen-fail')
    const hash3 = newNonceHash(s.newNonce, s.authKey, 3)
    assert.deepEqual(errorOf(clientHandshake.finish(s, { _: 'mt_dh_gen_fail', ...answerOf(s), newNonceHash3: hash3 }, seededRandom('x'))), {
      kind: 'dh-gen-fail',
      expected: 'dh_gen_ok',
      received: 'dh_gen_fail',
    })
    const forged = errorOf(clientHandshake.finish(s, { _: 'mt_dh_gen_fail', ...answerOf(s), newNonceHash3: new Uint8Array(16) }, seededRandom('x')))
    assert.ok(forged.kind === 'new-nonce-hash-mismatch' && forged.which === 3, JSON.stringify(forged.kind))
  })

  test('dh_gen_retry whose new b keeps failing its check ends in a typed dh-check-failed', () => {
    const s = awaitingGen('gen-retry')
    const bad = badFirst(8, 'retry-b')
    const e = errorOf(clientHandshake.finish(s, { _: 'mt_dh_gen_retry', ...answerOf(s), newNonceHash2: newNonceHash(s.newNonce, s.authKey, 2) }, bad.random))
    assert.ok(e.kind === 'dh-check-failed' && e.error.kind === 'dh-value-out-of-range', JSON.stringify(e.kind))
  })

  test('an answer of another constructor is refused as unexpected-constructor', () => {
    const s = awaitingGen('gen-ctor')
    const wrong = { _: 'mt_server_DH_params_ok', ...answerOf(s) } as unknown as mtp.TypeSet_client_DH_params_answer
    assert.deepEqual(errorOf(clientHandshake.finish(s, wrong, seededRandom('x'))), {
      kind: 'unexpected-constructor',
      expected: 'mt_dh_gen_ok',
      received: 'mt_server_DH_params_ok',
    })
  })
})
