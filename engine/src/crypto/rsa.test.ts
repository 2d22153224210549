import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { bigIntFromBytes, fromHex, int64LeBytes, toHex } from './bytes.js'
import {
  checkRsaLegacyHash,
  rsaLegacyDecrypt,
  rsaLegacyEncrypt,
  rsaPadDecrypt,
  rsaPadEncrypt,
  rsaRawDecrypt,
  rsaRawEncrypt,
  rsaRawEncryptBigInt,
} from './rsa.js'
import { parseRsaPrivateKey, parseRsaPublicKey, rsaFingerprint, rsaPublicKeyFromComponents, tlBytes } from './rsa-key.js'
import { SAMPLE } from './samples-auth-key.vectors.js'
import { seededRandom } from './test-random.js'

// Telegram's production key whose fingerprint the samples page selects (85FD64DE851D9DD0 on the wire).
// Modulus as published in Telegram's RSA PUBLIC KEY (the same value ships in @mtcute/core's key table).
const TELEGRAM_N = BigInt(
  '0xe8bb3305c0b52c6cf2afdf7637313489e63e05268e5badb601af417786472e5f93b85438968e20e6729a301c0afc121b' +
    'f7151f834436f7fda680847a66bf64accec78ee21c0b316f0edafe2f41908da7bd1f4a5107638eeb67040ace472a14f9' +
    '0d9f7c2b7def99688ba3073adb5750bb02964902a359fe745d8170e36876d4fd8a5d41b2a76cbff9a13267eb9580b2d0' +
    '6d10357448d20d9da2191cb5d8c93982961cdfdeda629e37f1fb09a0722027696032fe61ed663db7a37f6f263d370f69' +
    'db53a0dc0a1748bdaaff6209d5645485e6e001d1953255757e4b8e42813347b11da6ab500fd0ace7e6dfa3736199ccaf' +
    '9397ed0745a427dcfa6cd67bcb1acff3',
)
// The legacy key the seed 000 server offered (fingerprint 216BE86C022BB4C3 on the wire).
const LEGACY_N = BigInt(
  '0xc150023e2f70db7985ded064759cfecf0af328e69a41daf4d6f01b538135a6f91f8f8b2a0ec9ba9720ce352efcf6c568' +
    '0ffc424bd634864902de0b4bd6d49f4e580230e3ae97d95c8b19442b3c0a10d8f5633fecedd6926a7f6dab0ddb7d457f' +
    '9ea81b8465fcd6fffeed114011df91c059caedaf97625f6c96ecc74725556934ef781d866b34f011fce4d835a090196e' +
    '9a5f0e4449af7eb697ddb9076494ca5f81104a305b6dd27665722c46b60e5df680fb16b210607ef217652e60236c255f' +
    '6a28315f4083a96791d7214bf64c1df4fd0db1944fb26a2a57031b32eee64ad15a8ba68885cde74a5bfc920f6abf59ba' +
    '5c75506373e7130f9042da922179251f',
)

const { privateKey: testPrivatePem } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicExponent: 65537,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
})
const testKey = parseRsaPrivateKey(testPrivatePem)

describe('RSA keys', () => {
  test('TL bytes encoding: short and long forms, padded to 4', () => {
    assert.equal(toHex(tlBytes(fromHex('0102'))), '02010200')
    assert.equal(toHex(tlBytes(new Uint8Array(3))), '03000000')
    const long = tlBytes(new Uint8Array(256))
    assert.equal(long.length, 260)
    assert.equal(toHex(long.subarray(0, 4)), 'fe000100')
  })

  // core.telegram.org/mtproto/samples-auth_key step 2: the client's key has fingerprint 85FD64DE851D9DD0
  test('fingerprint of Telegram key = samples-auth_key 85FD64DE851D9DD0', () => {
    const fp = rsaFingerprint(TELEGRAM_N, 65537n)
    assert.equal(toHex(int64LeBytes(fp)), SAMPLE.fingerprintWire.toLowerCase())
  })

  // shared/seeds/000_*.txt resPQ: server_public_key_fingerprints = [216BE86C022BB4C3]
  test('fingerprint of the legacy key = seed 000 fingerprint 216BE86C022BB4C3', () => {
    assert.equal(toHex(int64LeBytes(rsaFingerprint(LEGACY_N, 65537n))), '216be86c022bb4c3')
  })

  test('PKCS#1 "RSA PUBLIC KEY" and SPKI "PUBLIC KEY" PEMs parse to the same n, e, fingerprint', () => {
    const key = rsaPublicKeyFromComponents(TELEGRAM_N, 65537n)
    const pkcs1 = key.keyObject.export({ format: 'pem', type: 'pkcs1' }).toString()
    const spki = key.keyObject.export({ format: 'pem', type: 'spki' }).toString()
    assert.match(pkcs1, /BEGIN RSA PUBLIC KEY/)
    assert.match(spki, /BEGIN PUBLIC KEY/)
    for (const pem of [pkcs1, spki]) {
      const k = parseRsaPublicKey(pem)
      assert.equal(k.n, TELEGRAM_N)
      assert.equal(k.e, 65537n)
      assert.equal(k.fingerprint, key.fingerprint)
      assert.equal(k.size, 256)
    }
  })

  test('a non-key PEM is rejected', () => {
    assert.throws(() => parseRsaPublicKey('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'), TypeError)
  })
})

describe('RSA', () => {
  test('raw RSA: native and BigInt agree, private key inverts', () => {
    const rnd = seededRandom('raw')
    const value = rnd(255)
    const a = rsaRawEncrypt(testKey.publicKey, value)
    assert.ok(a.ok)
    assert.equal(toHex(a.value), toHex(rsaRawEncryptBigInt(testKey.publicKey, value)))
    const back = rsaRawDecrypt(testKey, a.value)
    assert.ok(back.ok)
    assert.equal(bigIntFromBytes(back.value), bigIntFromBytes(value))
  })

  test('typed errors: value ≥ n, too long, wrong ciphertext length', () => {
    const n = testKey.publicKey.n
    const tooBig = fromHex(n.toString(16).padStart(512, '0'))
    assert.equal(rsaRawEncrypt(testKey.publicKey, tooBig).ok ? 'ok' : 'err', 'err')
    const r1 = rsaRawEncrypt(testKey.publicKey, tooBig)
    assert.ok(!r1.ok && r1.error.kind === 'rsa-input-not-below-modulus')
    const r2 = rsaRawEncrypt(testKey.publicKey, new Uint8Array(257))
    assert.deepEqual(r2, { ok: false, error: { kind: 'rsa-data-too-long', expected: 256, actual: 257 } })
    const r3 = rsaRawDecrypt(testKey, new Uint8Array(255))
    assert.deepEqual(r3, { ok: false, error: { kind: 'rsa-bad-ciphertext-length', expected: 256, actual: 255 } })
    const r4 = rsaRawDecrypt(testKey, tooBig)
    assert.ok(!r4.ok && r4.error.kind === 'rsa-input-not-below-modulus')
  })

  test('RSA_PAD round-trip: server recovers data + padding', () => {
    const data = fromHex(SAMPLE.pqInnerData)
    const enc = rsaPadEncrypt(testKey.publicKey, data, seededRandom('pad'))
    assert.ok(enc.ok)
    assert.equal(enc.value.length, 256)
    const dec = rsaPadDecrypt(testKey, enc.value)
    assert.ok(dec.ok)
    assert.equal(dec.value.length, 192)
    assert.equal(toHex(dec.value.subarray(0, data.length)), toHex(data))
  })

  test('RSA_PAD is deterministic given the random source, and differs across sources', () => {
    const data = fromHex(SAMPLE.pqInnerData)
    const a = rsaPadEncrypt(testKey.publicKey, data, seededRandom(1))
    const b = rsaPadEncrypt(testKey.publicKey, data, seededRandom(1))
    const c = rsaPadEncrypt(testKey.publicKey, data, seededRandom(2))
    assert.ok(a.ok && b.ok && c.ok)
    assert.equal(toHex(a.value), toHex(b.value))
    assert.notEqual(toHex(a.value), toHex(c.value))
  })

  test('RSA_PAD retries with a fresh temp_key while key_aes_encrypted ≥ n', () => {
    // With n just above 2^2047, about half of all key_aes_encrypted values are ≥ n.
    const lowKey = rsaPublicKeyFromComponents((1n << 2047n) + 1n, 65537n)
    let retried = 0
    for (let seed = 0; seed < 40; seed++) {
      const base = seededRandom(`retry-${seed}`)
      let tempKeys = 0
      const rnd = (n: number) => {
        if (n === 32) tempKeys++
        return base(n)
      }
      const enc = rsaPadEncrypt(lowKey, new Uint8Array(10), rnd)
      assert.ok(enc.ok)
      assert.ok(bigIntFromBytes(enc.value) < lowKey.n)
      if (tempKeys > 1) retried++
    }
    assert.ok(retried > 0, 'some seed needed more than one temp_key')
  })

  test('typed errors: RSA_PAD data too long, hash mismatch on a forged block', () => {
    const r = rsaPadEncrypt(testKey.publicKey, new Uint8Array(145), seededRandom(0))
    assert.deepEqual(r, { ok: false, error: { kind: 'rsa-data-too-long', expected: 144, actual: 145 } })
    // A raw block that is not RSA_PAD-shaped decrypts to garbage with a wrong hash.
    const forged = rsaRawEncrypt(testKey.publicKey, seededRandom('forged')(255))
    assert.ok(forged.ok)
    const d = rsaPadDecrypt(testKey, forged.value)
    assert.ok(!d.ok && d.error.kind === 'rsa-pad-hash-mismatch')
  })

  test('legacy scheme round-trip and hash check', () => {
    const data = fromHex(SAMPLE.pqInnerData)
    const enc = rsaLegacyEncrypt(testKey.publicKey, data, seededRandom('legacy'))
    assert.ok(enc.ok)
    const block = rsaLegacyDecrypt(testKey, enc.value)
    assert.ok(block.ok)
    const checked = checkRsaLegacyHash(block.value, data.length)
    assert.ok(checked.ok)
    assert.equal(toHex(checked.value), toHex(data))
    const wrong = checkRsaLegacyHash(block.value, data.length - 4)
    assert.ok(!wrong.ok && wrong.error.kind === 'rsa-legacy-hash-mismatch')
  })

  test('typed errors: legacy data too long, legacy bad prefix', () => {
    assert.deepEqual(rsaLegacyEncrypt(testKey.publicKey, new Uint8Array(236), seededRandom(0)), {
      ok: false,
      error: { kind: 'rsa-data-too-long', expected: 235, actual: 236 },
    })
    // A 256-byte plaintext with a non-zero first byte is not a 255-byte legacy block.
    const v = seededRandom('prefix')(256)
    v[0] = 0x01
    const enc = rsaRawEncrypt(testKey.publicKey, v)
    assert.ok(enc.ok)
    assert.deepEqual(rsaLegacyDecrypt(testKey, enc.value), { ok: false, error: { kind: 'rsa-legacy-bad-prefix', expected: 0, actual: 1 } })
  })
})
