// AES-256-GCM sealing of key material: round trip, fresh IVs, and every mismatch refused.
import assert from 'node:assert/strict'
import { createCipheriv } from 'node:crypto'
import { test } from 'node:test'
import { createKeyCipher } from './key-cipher.js'

const key = new Uint8Array(32).map((_, i) => i)
const aad = new TextEncoder().encode('acc/2/perm')
const plain = new Uint8Array(300).map((_, i) => (i * 13) & 0xff)

test('seal/open round-trips and each seal uses a fresh IV', () => {
  const cipher = createKeyCipher(key)
  const a = cipher.seal(plain, aad)
  const b = cipher.seal(plain, aad)
  assert.equal(a.length, 1 + 12 + plain.length + 16)
  assert.notDeepEqual(a, b)
  assert.deepEqual(cipher.open(a, aad), plain)
  assert.deepEqual(cipher.open(b, aad), plain)
})

test('the layout is format byte, IV, AES-256-GCM ciphertext, tag (checked against node:crypto directly)', () => {
  const sealed = createKeyCipher(key).seal(plain, aad)
  const iv = sealed.subarray(1, 13)
  const c = createCipheriv('aes-256-gcm', key, iv)
  c.setAAD(aad)
  const body = Buffer.concat([c.update(plain), c.final()])
  assert.equal(sealed[0], 1)
  assert.deepEqual(Buffer.from(sealed.subarray(13, 13 + body.length)), body)
  assert.deepEqual(Buffer.from(sealed.subarray(13 + body.length)), c.getAuthTag())
})

test('wrong key, wrong AAD, a flipped bit, truncation and an unknown format are refused', () => {
  const cipher = createKeyCipher(key)
  const sealed = cipher.seal(plain, aad)
  assert.equal(createKeyCipher(new Uint8Array(32).fill(1)).open(sealed, aad), undefined)
  assert.equal(cipher.open(sealed, new TextEncoder().encode('acc/4/perm')), undefined)
  for (const at of [0, 5, 20, sealed.length - 1]) {
    const bad = new Uint8Array(sealed)
    bad[at] = (bad[at] ?? 0) ^ 0x01
    assert.equal(cipher.open(bad, aad), undefined, `bit flip at ${at}`)
  }
  assert.equal(cipher.open(sealed.subarray(0, 20), aad), undefined)
  assert.throws(() => createKeyCipher(new Uint8Array(16)), RangeError)
})
