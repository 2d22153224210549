import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { fromHex, toHex } from './bytes.js'
import {
  authKeyAuxHash,
  authKeyId,
  authKeyIdBytes,
  deriveTmpAes,
  initialServerSalt,
  initialServerSaltBytes,
  newNonceHash,
} from './handshake-keys.js'
import { sha1 } from './hash.js'
import { SAMPLE } from './samples-auth-key.vectors.js'

describe('handshake key material', () => {
  // core.telegram.org/mtproto/samples-auth_key, step 6 inputs
  test('samples-auth_key: tmp_aes_key / tmp_aes_iv from new_nonce and server_nonce', () => {
    const { key, iv } = deriveTmpAes(fromHex(SAMPLE.newNonce), fromHex(SAMPLE.serverNonce))
    assert.equal(toHex(key), toHex(fromHex(SAMPLE.tmpAesKey)))
    assert.equal(toHex(iv), toHex(fromHex(SAMPLE.tmpAesIv)))
  })

  // core.telegram.org/mtproto/samples-auth_key, step 9 (dh_gen_ok.new_nonce_hash1)
  test('samples-auth_key: new_nonce_hash1 from new_nonce and auth_key', () => {
    const h = newNonceHash(fromHex(SAMPLE.newNonce), fromHex(SAMPLE.authKey), 1)
    assert.equal(toHex(h), toHex(fromHex(SAMPLE.newNonceHash1)))
  })

  test('new_nonce_hash 1, 2 and 3 differ and follow the definition', () => {
    const newNonce = fromHex(SAMPLE.newNonce)
    const authKey = fromHex(SAMPLE.authKey)
    const hashes = ([1, 2, 3] as const).map((n) => toHex(newNonceHash(newNonce, authKey, n)))
    assert.equal(new Set(hashes).size, 3)
    const aux = sha1(authKey).subarray(0, 8)
    assert.equal(toHex(authKeyAuxHash(authKey)), toHex(aux))
    const manual = sha1(newNonce, Uint8Array.of(2), aux).subarray(4, 20)
    assert.equal(hashes[1], toHex(manual))
  })

  test('samples-auth_key: auth_key_id is the low 64 bits of SHA1(auth_key)', () => {
    const authKey = fromHex(SAMPLE.authKey)
    const digest = sha1(authKey)
    assert.equal(toHex(authKeyIdBytes(authKey)), toHex(digest.subarray(12, 20)))
    const view = new DataView(digest.buffer, digest.byteOffset + 12, 8)
    assert.equal(authKeyId(authKey), view.getBigInt64(0, true))
  })

  test('samples-auth_key: server_salt = new_nonce[0:8] xor server_nonce[0:8]', () => {
    // A8BBC849512DAC6C xor E11DBC3BC97D91A2 = 49A6747298503DCE
    const bytes = initialServerSaltBytes(fromHex(SAMPLE.newNonce), fromHex(SAMPLE.serverNonce))
    assert.equal(toHex(bytes), '49a6747298503dce')
    // read as a little-endian signed TL long
    assert.equal(initialServerSalt(fromHex(SAMPLE.newNonce), fromHex(SAMPLE.serverNonce)), -0x31c2af678d8b59b7n)
  })

  test('wrong nonce sizes are programmer errors', () => {
    assert.throws(() => deriveTmpAes(new Uint8Array(16), new Uint8Array(16)), RangeError)
    assert.throws(() => newNonceHash(new Uint8Array(31), new Uint8Array(256), 1), RangeError)
  })
})
