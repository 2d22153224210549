// Every AES-IGE path (wasm T-tables, native CBC with wasm XOR passes, TypeScript T-tables) against
// the textbook block-by-block reference on OpenSSL's AES-ECB, and against each other.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import {
  IGE_NATIVE_ENCRYPT_MIN_BYTES,
  aesIgeDecrypt,
  aesIgeDecryptTs,
  aesIgeEncrypt,
  aesIgeEncryptNative,
  aesIgeEncryptTs,
  aesIgeEncryptWasm,
} from './aes-ige.js'
import { POOLED_OUTPUT_MAX_BYTES } from './wasm-aes.js'
import { fromHex, toHex } from './bytes.js'

/** Textbook IGE, one ECB block at a time. */
function referenceIge(data: Uint8Array, key: Uint8Array, iv: Uint8Array, encrypt: boolean): Uint8Array {
  const alg = `aes-${key.length * 8}-ecb`
  const out = new Uint8Array(data.length)
  // encrypt: y_i = E(x_i ⊕ y_(i−1)) ⊕ x_(i−1); decrypt: x_i = D(y_i ⊕ x_(i−1)) ⊕ y_(i−1)
  let prevIn = encrypt ? iv.slice(16, 32) : iv.slice(0, 16)
  let prevOut = encrypt ? iv.slice(0, 16) : iv.slice(16, 32)
  const block = createCipheriv(alg, key, null).setAutoPadding(false)
  const unblock = createDecipheriv(alg, key, null).setAutoPadding(false)
  const input = new Uint8Array(16)
  for (let o = 0; o < data.length; o += 16) {
    for (let i = 0; i < 16; i++) input[i] = data[o + i]! ^ prevOut[i]!
    // ECB with padding off: update() returns each whole block at once, and the context stays usable.
    const transformed = encrypt ? block.update(input) : unblock.update(input)
    for (let i = 0; i < 16; i++) out[o + i] = transformed[i]! ^ prevIn[i]!
    prevIn = data.slice(o, o + 16)
    prevOut = out.slice(o, o + 16)
  }
  return out
}

const ENCRYPTS = { auto: aesIgeEncrypt, native: aesIgeEncryptNative, wasm: aesIgeEncryptWasm, ts: aesIgeEncryptTs }
const DECRYPTS = { auto: aesIgeDecrypt, ts: aesIgeDecryptTs }

/** Byte equality that stays fast on megabytes; names the first differing offset. */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array, label: string): void {
  if (Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected)) return
  let i = 0
  while (i < actual.length && actual[i] === expected[i]) i++
  assert.fail(`${label}: lengths ${actual.length}/${expected.length}, first difference at byte ${i}`)
}

function checkAll(plain: Uint8Array, key: Uint8Array, iv: Uint8Array, label: string): void {
  const cipher = referenceIge(plain, key, iv, true)
  for (const [name, enc] of Object.entries(ENCRYPTS)) {
    assertSameBytes(enc(plain, key, iv), cipher, `${name} encrypt, ${label}`)
  }
  for (const [name, dec] of Object.entries(DECRYPTS)) {
    assertSameBytes(dec(cipher, key, iv), plain, `${name} decrypt, ${label}`)
  }
}

describe('AES-IGE paths', () => {
  // OpenSSL test/igetest.c, ige_test_vectors[] (openssl/openssl, commit 01af32e8904f2d686abf8e93234dbed4a2b3db5b), AES-128.
  test('OpenSSL igetest.c vectors on every path', () => {
    const v0 = {
      key: fromHex('000102030405060708090a0b0c0d0e0f'),
      iv: fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'),
      plain: new Uint8Array(32),
      cipher: fromHex('1a8519a6557be652e9da8e43da4ef4453cf456b4ca488aa383c79c98b34797cb'),
    }
    const v1 = {
      key: fromHex('5468697320697320616e20696d706c65'),
      iv: fromHex('6d656e746174696f6e206f6620494745206d6f646520666f72204f70656e5353'),
      plain: fromHex('99706487a1cde613bc6de0b6f24b1c7aa448c8b9c3403e3467a8cad89340f53b'),
      cipher: fromHex('4c2e204c6574277320686f70652042656e20676f74206974207269676874210a'),
    }
    for (const v of [v0, v1]) {
      for (const [name, enc] of Object.entries(ENCRYPTS)) assert.equal(toHex(enc(v.plain, v.key, v.iv)), toHex(v.cipher), name)
      for (const [name, dec] of Object.entries(DECRYPTS)) assert.equal(toHex(dec(v.cipher, v.key, v.iv)), toHex(v.plain), name)
    }
  })

  test('randomized: every path equals the reference, 16 B .. 256 KiB, AES-128/192/256', () => {
    const sizes = [16, 32, 48, 64, 80, 496, IGE_NATIVE_ENCRYPT_MIN_BYTES, 1024, 1040, 4096, 65536, 65552, 262144]
    for (const size of sizes) {
      for (const keyLength of size > 65552 ? [32] : [16, 24, 32]) {
        checkAll(randomBytes(size), randomBytes(keyLength), randomBytes(32), `${size} B, ${keyLength * 8}-bit key`)
      }
    }
    // random sizes, MTProto's 256-bit key
    for (let i = 0; i < 24; i++) {
      const size = 16 * (1 + (randomBytes(2).readUInt16LE(0) % 1024))
      checkAll(randomBytes(size), randomBytes(32), randomBytes(32), `${size} B`)
    }
  })

  test('empty input gives empty output on every path', () => {
    const key = randomBytes(32)
    const iv = randomBytes(32)
    for (const enc of Object.values(ENCRYPTS)) assert.equal(enc(new Uint8Array(0), key, iv).length, 0)
    for (const dec of Object.values(DECRYPTS)) assert.equal(dec(new Uint8Array(0), key, iv).length, 0)
  })

  test('wasm memory: a large message after small ones, then small ones again (grown memory, fresh views)', () => {
    const key = randomBytes(32)
    const iv = randomBytes(32)
    const small = randomBytes(1024)
    const smallCipher = aesIgeEncrypt(small, key, iv)
    // 3 MiB: more than the initial memory for both the native path (2n) and decryption (n)
    const big = randomBytes(3 << 20)
    const bigCipher = aesIgeEncrypt(big, key, iv)
    assertSameBytes(aesIgeDecrypt(bigCipher, key, iv), big, 'big decrypt')
    assertSameBytes(aesIgeEncryptWasm(big, key, iv), bigCipher, 'big wasm encrypt')
    assertSameBytes(aesIgeEncrypt(small, key, iv), smallCipher, 'small encrypt after big')
    assertSameBytes(aesIgeDecrypt(smallCipher, key, iv), small, 'small decrypt after big')
  })

  test('results are fresh arrays: a later call does not change an earlier result', () => {
    const key = randomBytes(32)
    const iv = randomBytes(32)
    const a = randomBytes(2048)
    const outputs = [aesIgeEncrypt(a, key, iv), aesIgeEncryptWasm(a, key, iv), aesIgeDecrypt(a, key, iv)]
    const copies = outputs.map((o) => o.slice())
    aesIgeEncrypt(randomBytes(2048), randomBytes(32), randomBytes(32))
    aesIgeEncryptWasm(randomBytes(2048), randomBytes(32), randomBytes(32))
    aesIgeDecrypt(randomBytes(2048), randomBytes(32), randomBytes(32))
    outputs.forEach((o, i) => assert.deepEqual(o, copies[i]))
    for (const o of outputs) assert.equal(Object.getPrototypeOf(o), Uint8Array.prototype)
  })

  test('unaligned views of key, iv and data work on every path', () => {
    const key = randomBytes(32)
    const iv = randomBytes(32)
    const plain = randomBytes(1536)
    const at = (bytes: Uint8Array, shift: number): Uint8Array => {
      const view = new Uint8Array(bytes.length + shift).subarray(shift)
      view.set(bytes)
      return view
    }
    checkAll(at(plain, 1), at(key, 3), at(iv, 2), 'shifted views')
  })

  test('native encryption does not accumulate cipher contexts (final() is skipped)', () => {
    // Each call leaves its OpenSSL context to be freed with the cipher object; 100,000 of them
    // must not pile up native memory (rss) or external memory between collections.
    const key = randomBytes(32)
    const iv = randomBytes(32)
    const plain = randomBytes(1024)
    const usage = (): { rss: number; external: number } => {
      ;(globalThis as { gc?: () => void }).gc?.()
      const m = process.memoryUsage()
      return { rss: m.rss, external: m.external }
    }
    for (let i = 0; i < 10_000; i++) aesIgeEncryptNative(plain, key, iv)
    const before = usage()
    for (let i = 0; i < 100_000; i++) aesIgeEncryptNative(plain, key, iv)
    const after = usage()
    const MiB = 1024 * 1024
    assert.ok(after.external - before.external < 16 * MiB, `external grew by ${(after.external - before.external) / MiB} MiB`)
    assert.ok(after.rss - before.rss < 64 * MiB, `rss grew by ${(after.rss - before.rss) / MiB} MiB`)
  })

  test('small results share a slab but never overlap; large ones own their buffer', () => {
    const key = randomBytes(32)
    const iv = randomBytes(32)
    // 64 × 512 bytes crosses at least one 16 KiB slab boundary
    const plains = Array.from({ length: 64 }, () => new Uint8Array(randomBytes(512)))
    const outs = plains.map((p) => aesIgeDecrypt(aesIgeEncrypt(p, key, iv), key, iv))
    outs.forEach((o, i) => assert.deepEqual(o, plains[i]))
    outs.forEach((o, i) => o.fill(i))
    outs.forEach((o, i) => assert.ok(o.every((b) => b === i), `result ${i} shares bytes with another`))
    const big = aesIgeDecrypt(new Uint8Array(POOLED_OUTPUT_MAX_BYTES + 16), key, iv)
    assert.equal(big.byteOffset, 0)
    assert.equal(big.buffer.byteLength, big.length)
  })
})
