import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { aesIgeDecrypt, aesIgeEncrypt, aesIgeEncryptTs, createAesIge } from './aes-ige.js'
import { concatBytes, fromHex, toHex } from './bytes.js'
import { sha1 } from './hash.js'
import { SAMPLE } from './samples-auth-key.vectors.js'
import { SEED_000 } from './seed-000.vectors.js'

/** Textbook IGE, one block at a time on OpenSSL's AES-ECB: the reference every path is checked against. */
function referenceIge(data: Uint8Array, key: Uint8Array, iv: Uint8Array, encrypt: boolean): Uint8Array {
  const alg = `aes-${key.length * 8}-ecb`
  const out = new Uint8Array(data.length)
  // encrypt: y_i = E(x_i ⊕ y_(i−1)) ⊕ x_(i−1); decrypt: x_i = D(y_i ⊕ x_(i−1)) ⊕ y_(i−1)
  let prevIn = encrypt ? iv.slice(16, 32) : iv.slice(0, 16)
  let prevOut = encrypt ? iv.slice(0, 16) : iv.slice(16, 32)
  for (let o = 0; o < data.length; o += 16) {
    const block = data.slice(o, o + 16)
    const input = new Uint8Array(16)
    for (let i = 0; i < 16; i++) input[i] = block[i]! ^ prevOut[i]!
    const transformed = encrypt
      ? createCipheriv(alg, key, null).setAutoPadding(false).update(input)
      : createDecipheriv(alg, key, null).setAutoPadding(false).update(input)
    for (let i = 0; i < 16; i++) out[o + i] = transformed[i]! ^ prevIn[i]!
    prevIn = block
    prevOut = out.slice(o, o + 16)
  }
  return out
}

describe('AES-IGE', () => {
  // OpenSSL test/igetest.c, ige_test_vectors[] (openssl/openssl, commit 01af32e8904f2d686abf8e93234dbed4a2b3db5b).
  // They use AES-128 keys; the IGE construction is the same for every key size.
  test('OpenSSL igetest.c vector 0 (encrypt, AES-128)', () => {
    const key = fromHex('000102030405060708090a0b0c0d0e0f')
    const iv = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f')
    const plain = new Uint8Array(32)
    const cipher = fromHex('1a8519a6557be652e9da8e43da4ef4453cf456b4ca488aa383c79c98b34797cb')
    assert.equal(toHex(aesIgeEncrypt(plain, key, iv)), toHex(cipher))
    assert.equal(toHex(aesIgeEncryptTs(plain, key, iv)), toHex(cipher))
    assert.equal(toHex(aesIgeDecrypt(cipher, key, iv)), toHex(plain))
  })

  test('OpenSSL igetest.c vector 1 (decrypt, AES-128)', () => {
    const key = fromHex('5468697320697320616e20696d706c65')
    const iv = fromHex('6d656e746174696f6e206f6620494745206d6f646520666f72204f70656e5353')
    const cipher = fromHex('4c2e204c6574277320686f70652042656e20676f74206974207269676874210a')
    const plain = fromHex('99706487a1cde613bc6de0b6f24b1c7aa448c8b9c3403e3467a8cad89340f53b')
    // The vector's "in" is fed to AES_ige_encrypt(..., AES_DECRYPT): in = ciphertext, out = plaintext.
    assert.equal(toHex(aesIgeDecrypt(cipher, key, iv)), toHex(plain))
    assert.equal(toHex(aesIgeEncrypt(plain, key, iv)), toHex(cipher))
  })

  test('every path matches the block-by-block reference (AES-128 and AES-256, 1..300 blocks)', () => {
    for (const keyLength of [16, 32]) {
      for (const blocks of [1, 2, 3, 5, 6, 7, 8, 64, 300]) {
        const key = randomBytes(keyLength)
        const iv = randomBytes(32)
        const plain = randomBytes(blocks * 16)
        const cipher = referenceIge(plain, key, iv, true)
        assert.equal(toHex(referenceIge(cipher, key, iv, false)), toHex(plain), 'reference round-trip')
        assert.equal(toHex(aesIgeEncrypt(plain, key, iv)), toHex(cipher), `native path, ${blocks} blocks`)
        assert.equal(toHex(aesIgeEncryptTs(plain, key, iv)), toHex(cipher), `TS path, ${blocks} blocks`)
        assert.equal(toHex(aesIgeDecrypt(cipher, key, iv)), toHex(plain), `decrypt, ${blocks} blocks`)
      }
    }
  })

  test('unaligned inputs (byteOffset not a multiple of 4) give the same result', () => {
    const key = randomBytes(32)
    const iv = randomBytes(32)
    const plain = randomBytes(1024)
    const shifted = new Uint8Array(1025 + 3).subarray(1, 1025)
    shifted.set(plain)
    const shiftedIv = new Uint8Array(35).subarray(3)
    shiftedIv.set(iv)
    const expected = aesIgeEncrypt(plain, key, iv)
    assert.equal(toHex(aesIgeEncrypt(shifted, key, shiftedIv)), toHex(expected))
    const shiftedCipher = new Uint8Array(1026).subarray(2)
    shiftedCipher.set(expected)
    assert.equal(toHex(aesIgeDecrypt(shiftedCipher, key, shiftedIv)), toHex(plain))
  })

  test('inputs are not modified', () => {
    const key = randomBytes(32)
    const iv = randomBytes(32)
    const plain = randomBytes(4096)
    const copy = plain.slice()
    const cipher = aesIgeEncrypt(plain, key, iv)
    const cipherCopy = cipher.slice()
    aesIgeDecrypt(cipher, key, iv)
    assert.deepEqual(plain, copy)
    assert.deepEqual(cipher, cipherCopy)
  })

  test('bad lengths are programmer errors', () => {
    assert.throws(() => aesIgeEncrypt(new Uint8Array(15), new Uint8Array(32), new Uint8Array(32)), RangeError)
    assert.throws(() => aesIgeDecrypt(new Uint8Array(16), new Uint8Array(31), new Uint8Array(32)), RangeError)
    assert.throws(() => aesIgeDecrypt(new Uint8Array(16), new Uint8Array(32), new Uint8Array(16)), RangeError)
  })

  test('createAesIge binds key and iv', () => {
    const ige = createAesIge(randomBytes(32), randomBytes(32))
    const plain = randomBytes(160)
    assert.equal(toHex(ige.decrypt(ige.encrypt(plain))), toHex(plain))
  })

  // core.telegram.org/mtproto/samples-auth_key, steps 6 and 7.1
  test('samples-auth_key: encrypted_answer decrypts to answer_with_hash, whose SHA1 matches', () => {
    const out = aesIgeDecrypt(fromHex(SAMPLE.encryptedAnswer), fromHex(SAMPLE.tmpAesKey), fromHex(SAMPLE.tmpAesIv))
    assert.equal(toHex(out), toHex(fromHex(SAMPLE.answerWithHash)))
    const answer = out.subarray(20, 20 + SAMPLE.answerLength)
    assert.equal(toHex(sha1(answer)), toHex(out.subarray(0, 20)))
  })

  test('samples-auth_key: client_DH_inner_data encrypts to the published encrypted_data', () => {
    // client_DH_inner_data#6643b654 nonce:int128 server_nonce:int128 retry_id:long g_b:string
    const data = concatBytes(
      fromHex('54B64366'),
      fromHex(SAMPLE.nonce),
      fromHex(SAMPLE.serverNonce),
      new Uint8Array(8),
      fromHex('FE000100'),
      fromHex(SAMPLE.gB),
    )
    const withHash = concatBytes(sha1(data), data, fromHex(SAMPLE.clientDhPadding))
    assert.equal(withHash.length % 16, 0)
    const key = fromHex(SAMPLE.tmpAesKey)
    const iv = fromHex(SAMPLE.tmpAesIv)
    assert.equal(toHex(aesIgeEncrypt(withHash, key, iv)), toHex(fromHex(SAMPLE.clientEncryptedData)))
    assert.equal(toHex(aesIgeDecrypt(fromHex(SAMPLE.clientEncryptedData), key, iv)), toHex(withHash))
  })

  // shared/seeds/000_95fee1d298aa0fab.txt: a real server's server_DH_params_ok
  test('seed 000: enc_answer decrypts with the logged tmp_aes_key/iv to SHA1(answer) + the logged answer', () => {
    const out = aesIgeDecrypt(fromHex(SEED_000.encAnswer), fromHex(SEED_000.tmpAesKey), fromHex(SEED_000.tmpAesIv))
    assert.equal(toHex(out.subarray(20)), toHex(fromHex(SEED_000.answer)))
    // server_DH_inner_data is 564 bytes here too (2048-bit prime and g_a); 8 bytes of padding follow.
    assert.equal(toHex(sha1(out.subarray(20, 20 + 564))), toHex(out.subarray(0, 20)))
    // and it re-encrypts to the bytes the server sent
    assert.equal(toHex(aesIgeEncrypt(out, fromHex(SEED_000.tmpAesKey), fromHex(SEED_000.tmpAesIv))), toHex(fromHex(SEED_000.encAnswer)))
  })

  test("seed 000: the client's enc_data decrypts to SHA1 + client_DH_inner_data carrying the logged g_b", () => {
    const out = aesIgeDecrypt(fromHex(SEED_000.encData), fromHex(SEED_000.tmpAesKey), fromHex(SEED_000.tmpAesIv))
    const data = concatBytes(
      fromHex('54B64366'),
      fromHex(SEED_000.nonce),
      fromHex(SEED_000.serverNonce),
      new Uint8Array(8),
      fromHex('FE000100'),
      fromHex(SEED_000.gB),
    )
    assert.equal(toHex(out.subarray(0, 20)), toHex(sha1(data)))
    assert.equal(toHex(out.subarray(20, 20 + data.length)), toHex(data))
  })
})
