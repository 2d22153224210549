import { test, describe, before } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createAesIgeForMessage } from '@mtcute/core/utils.js'
import { ige256Decrypt, ige256Encrypt, initSync } from '@mtcute/wasm'
import { fromHex, toHex } from './bytes.js'
import { sha256 } from './hash.js'
import { computeMsgKey, decryptMessagePayload, deriveMessageAes, encryptMessagePayload } from './message-key.js'
import type { MessageDirection } from './message-key.js'
import { SAMPLE } from './samples-auth-key.vectors.js'

// mtcute's key derivation and its WASM AES-IGE serve as an independent implementation.
const mtcuteCrypto = {
  sha256: (d: Uint8Array) => sha256(d),
  createAesIge: (key: Uint8Array, iv: Uint8Array) => ({
    encrypt: (d: Uint8Array) => ige256Encrypt(d, key, iv),
    decrypt: (d: Uint8Array) => ige256Decrypt(d, key, iv),
  }),
} as unknown as Parameters<typeof createAesIgeForMessage>[0]

describe('MTProto 2.0 message keys', () => {
  before(() => {
    const require = createRequire(import.meta.url)
    initSync(readFileSync(require.resolve('@mtcute/wasm/mtcute.wasm')))
  })

  test('msg_key is the middle 16 bytes of SHA256(auth_key[88+x:+32] + plaintext)', () => {
    const authKey = fromHex(SAMPLE.authKey)
    const plain = randomBytes(64)
    for (const [direction, x] of [['client-to-server', 0], ['server-to-client', 8]] as const) {
      const large = sha256(authKey.subarray(88 + x, 120 + x), plain)
      assert.equal(toHex(computeMsgKey(authKey, plain, direction)), toHex(large.subarray(8, 24)))
    }
  })

  test('aes_key / aes_iv and ciphertext match mtcute for both directions', () => {
    const authKey = fromHex(SAMPLE.authKey)
    for (const direction of ['client-to-server', 'server-to-client'] as MessageDirection[]) {
      for (const size of [32, 1024, 4096]) {
        const plain = randomBytes(size)
        const { msgKey, ciphertext } = encryptMessagePayload(authKey, plain, direction)
        const theirs = createAesIgeForMessage(mtcuteCrypto, authKey, msgKey, direction === 'client-to-server')
        assert.equal(toHex(ciphertext), toHex(theirs.encrypt(plain)))
        assert.equal(toHex(theirs.decrypt(ciphertext)), toHex(plain))
      }
    }
  })

  test('directions derive different keys', () => {
    const authKey = randomBytes(256)
    const msgKey = randomBytes(16)
    const a = deriveMessageAes(authKey, msgKey, 'client-to-server')
    const b = deriveMessageAes(authKey, msgKey, 'server-to-client')
    assert.notEqual(toHex(a.key), toHex(b.key))
    assert.notEqual(toHex(a.iv), toHex(b.iv))
  })

  test('decrypt round-trips and checks msg_key', () => {
    const authKey = randomBytes(256)
    const plain = randomBytes(128)
    const { msgKey, ciphertext } = encryptMessagePayload(authKey, plain, 'server-to-client')
    const ok = decryptMessagePayload(authKey, msgKey, ciphertext, 'server-to-client')
    assert.ok(ok.ok)
    assert.equal(toHex(ok.plaintext), toHex(plain))
  })

  test('typed error: msg-key-mismatch on a tampered ciphertext, wrong direction or wrong key', () => {
    const authKey = randomBytes(256)
    const plain = randomBytes(128)
    const { msgKey, ciphertext } = encryptMessagePayload(authKey, plain, 'client-to-server')
    const tampered = ciphertext.slice()
    tampered[100]! ^= 1
    for (const r of [
      decryptMessagePayload(authKey, msgKey, tampered, 'client-to-server'),
      decryptMessagePayload(authKey, msgKey, ciphertext, 'server-to-client'),
      decryptMessagePayload(randomBytes(256), msgKey, ciphertext, 'client-to-server'),
    ]) {
      assert.equal(r.ok, false)
      if (!r.ok) {
        assert.equal(r.error.kind, 'msg-key-mismatch')
        if (r.error.kind === 'msg-key-mismatch') assert.equal(toHex(r.error.expected), toHex(msgKey))
      }
    }
  })

  test('typed error: bad-ciphertext-length', () => {
    const r = decryptMessagePayload(randomBytes(256), randomBytes(16), new Uint8Array(20), 'client-to-server')
    assert.deepEqual(r, { ok: false, error: { kind: 'bad-ciphertext-length', expected: 'a positive multiple of 16', actual: 20 } })
  })
})
