// AES-IGE (infinite garble extension), the cipher MTProto wraps every message in.
// Owns both directions and picks the fastest path per direction; knows nothing about msg_key.
// https://core.telegram.org/mtproto/description#defining-aes-key-and-initialization-vector
//
// Notation: plaintext blocks x_1..x_n, ciphertext y_1..y_n, iv = y_0 ‖ x_0 (32 bytes).
//   encrypt: y_i = E(x_i ⊕ y_(i−1)) ⊕ x_(i−1)
//   decrypt: x_i = D(y_i ⊕ x_(i−1)) ⊕ y_(i−1)
//
// Encryption as CBC. Let c_i = y_i ⊕ x_(i−1) = E(x_i ⊕ y_(i−1)). Since y_(i−1) = c_(i−1) ⊕ x_(i−2)
// (with c_0 = y_0 and x_(−1) = 0), c_i = E((x_i ⊕ x_(i−2)) ⊕ c_(i−1)): plain CBC over the blocks
// p_i = x_i ⊕ x_(i−2) with IV y_0. Both XOR passes depend only on the plaintext, so OpenSSL runs
// the whole chain natively (AES-NI); afterwards y_i = c_i ⊕ x_(i−1). (We fold y_0 into p_1 and
// give the cipher a zero IV: one copy of the 32-byte iv then serves both XOR passes.)
// Decryption has no such identity (D's input needs the previous *output*) and Node offers no IGE,
// so it runs on the T-table AES in WebAssembly (aes-ige.wat via wasm-aes.ts), ~1.2x mtcute's SIMD
// wasm build on this path; the TypeScript T-table versions below stay as cross-checks.
// Per size (bench/src/crypto-bench.ts): below IGE_NATIVE_ENCRYPT_MIN_BYTES the fixed cost of an
// OpenSSL cipher (~2.5 µs: createCipheriv, update, final) loses to the wasm T-tables; above it,
// native CBC with the two XOR passes in wasm v128 wins (≈ 0.9 of raw aes-256-cbc at 64 KiB).
// The native path's overheads, measured: createCipheriv ≈ 1 µs, final() ≈ 0.7 µs, JS XOR loops
// ≈ 1 ns a word (now wasm v128), one output allocation (now reusing Node's output buffer).

import { createCipheriv } from 'node:crypto'
import {
  INV_SBOX,
  SBOX,
  TD0,
  TD1,
  TD2,
  TD3,
  TE0,
  TE1,
  TE2,
  TE3,
  aesRounds,
  expandDecryptionKey,
  expandEncryptionKey,
} from './aes-block.js'
import { wasmCbcInput, wasmCbcToIge, wasmIgeDecrypt, wasmIgeEncrypt } from './wasm-aes.js'

/** AES-IGE with a fixed key and IV, as MTProto uses it (a fresh key/iv per message). */
export interface AesIge {
  encrypt(plaintext: Uint8Array): Uint8Array
  decrypt(ciphertext: Uint8Array): Uint8Array
}

/**
 * From this many bytes on, encryption goes through native CBC; below, through the wasm T-tables.
 * Measured crossover on the dev machine (AMD EPYC, Node 20): ≈ 770–800 bytes.
 */
export const IGE_NATIVE_ENCRYPT_MIN_BYTES = 800

function checkArgs(data: Uint8Array, key: Uint8Array, iv: Uint8Array): void {
  if (data.length % 16 !== 0) throw new RangeError(`AES-IGE: data length ${data.length} is not a multiple of 16`)
  aesRounds(key.length)
  if (iv.length !== 32) throw new RangeError(`AES-IGE: iv must be 32 bytes, got ${iv.length}`)
}

function cbcName(keyLength: number): string {
  return keyLength === 32 ? 'aes-256-cbc' : keyLength === 16 ? 'aes-128-cbc' : 'aes-192-cbc'
}

/**
 * AES-IGE encryption (key 16/24/32 bytes; MTProto uses 32). Returns a fresh array.
 * Picks native CBC or wasm by size (see the file header).
 */
export function aesIgeEncrypt(plaintext: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  checkArgs(plaintext, key, iv)
  if (plaintext.length < IGE_NATIVE_ENCRYPT_MIN_BYTES) return wasmIgeEncrypt(plaintext, key, iv)
  return nativeEncrypt(plaintext, key, iv)
}

/** AES-IGE encryption, always through native CBC (the path aesIgeEncrypt takes for large inputs). */
export function aesIgeEncryptNative(plaintext: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  checkArgs(plaintext, key, iv)
  return nativeEncrypt(plaintext, key, iv)
}

/** AES-IGE encryption, always on the wasm T-tables (the path aesIgeEncrypt takes for small inputs). */
export function aesIgeEncryptWasm(plaintext: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  checkArgs(plaintext, key, iv)
  return wasmIgeEncrypt(plaintext, key, iv)
}

/** CBC's IV: y_0 is folded into the first CBC input block instead (wasmCbcInput). */
const ZERO_IV = new Uint8Array(16)

function nativeEncrypt(plaintext: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  const input = wasmCbcInput(plaintext, iv)
  const cipher = createCipheriv(cbcName(key.length), key, ZERO_IV)
  // NB: no setAutoPadding(false): encryption only pads in final(), which is never called, and
  // update() of whole blocks returns them all.
  const c = cipher.update(input)
  // NB: with padding off and whole blocks, final() would emit nothing; it is skipped on purpose. It
  // costs ~1 µs (a sixth of a 1 KiB message's encryption), and the native context it would release
  // early is freed with the cipher object by the next scavenge (aes-ige-paths.test.ts bounds that).
  return wasmCbcToIge(c)
}

/** AES-IGE encryption on the TypeScript T-table AES (a cross-check for the wasm and native paths). */
export function aesIgeEncryptTs(plaintext: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  checkArgs(plaintext, key, iv)
  const rounds = aesRounds(key.length)
  const ek = expandEncryptionKey(key)
  const n = plaintext.length
  const out = new Uint8Array(n)
  const d = plaintext
  let y0 = (iv[0]! << 24) | (iv[1]! << 16) | (iv[2]! << 8) | iv[3]!
  let y1 = (iv[4]! << 24) | (iv[5]! << 16) | (iv[6]! << 8) | iv[7]!
  let y2 = (iv[8]! << 24) | (iv[9]! << 16) | (iv[10]! << 8) | iv[11]!
  let y3 = (iv[12]! << 24) | (iv[13]! << 16) | (iv[14]! << 8) | iv[15]!
  let x0 = (iv[16]! << 24) | (iv[17]! << 16) | (iv[18]! << 8) | iv[19]!
  let x1 = (iv[20]! << 24) | (iv[21]! << 16) | (iv[22]! << 8) | iv[23]!
  let x2 = (iv[24]! << 24) | (iv[25]! << 16) | (iv[26]! << 8) | iv[27]!
  let x3 = (iv[28]! << 24) | (iv[29]! << 16) | (iv[30]! << 8) | iv[31]!
  for (let o = 0; o < n; o += 16) {
    const p0 = (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!
    const p1 = (d[o + 4]! << 24) | (d[o + 5]! << 16) | (d[o + 6]! << 8) | d[o + 7]!
    const p2 = (d[o + 8]! << 24) | (d[o + 9]! << 16) | (d[o + 10]! << 8) | d[o + 11]!
    const p3 = (d[o + 12]! << 24) | (d[o + 13]! << 16) | (d[o + 14]! << 8) | d[o + 15]!
    let s0 = p0 ^ y0 ^ ek[0]!
    let s1 = p1 ^ y1 ^ ek[1]!
    let s2 = p2 ^ y2 ^ ek[2]!
    let s3 = p3 ^ y3 ^ ek[3]!
    let k = 4
    for (let r = 1; r < rounds; r++) {
      const t0 = TE0[s0 >>> 24]! ^ TE1[(s1 >>> 16) & 255]! ^ TE2[(s2 >>> 8) & 255]! ^ TE3[s3 & 255]! ^ ek[k]!
      const t1 = TE0[s1 >>> 24]! ^ TE1[(s2 >>> 16) & 255]! ^ TE2[(s3 >>> 8) & 255]! ^ TE3[s0 & 255]! ^ ek[k + 1]!
      const t2 = TE0[s2 >>> 24]! ^ TE1[(s3 >>> 16) & 255]! ^ TE2[(s0 >>> 8) & 255]! ^ TE3[s1 & 255]! ^ ek[k + 2]!
      const t3 = TE0[s3 >>> 24]! ^ TE1[(s0 >>> 16) & 255]! ^ TE2[(s1 >>> 8) & 255]! ^ TE3[s2 & 255]! ^ ek[k + 3]!
      s0 = t0
      s1 = t1
      s2 = t2
      s3 = t3
      k += 4
    }
    y0 =
      ((SBOX[s0 >>> 24]! << 24) | (SBOX[(s1 >>> 16) & 255]! << 16) | (SBOX[(s2 >>> 8) & 255]! << 8) | SBOX[s3 & 255]!) ^
      ek[k]! ^
      x0
    y1 =
      ((SBOX[s1 >>> 24]! << 24) | (SBOX[(s2 >>> 16) & 255]! << 16) | (SBOX[(s3 >>> 8) & 255]! << 8) | SBOX[s0 & 255]!) ^
      ek[k + 1]! ^
      x1
    y2 =
      ((SBOX[s2 >>> 24]! << 24) | (SBOX[(s3 >>> 16) & 255]! << 16) | (SBOX[(s0 >>> 8) & 255]! << 8) | SBOX[s1 & 255]!) ^
      ek[k + 2]! ^
      x2
    y3 =
      ((SBOX[s3 >>> 24]! << 24) | (SBOX[(s0 >>> 16) & 255]! << 16) | (SBOX[(s1 >>> 8) & 255]! << 8) | SBOX[s2 & 255]!) ^
      ek[k + 3]! ^
      x3
    x0 = p0
    x1 = p1
    x2 = p2
    x3 = p3
    writeBlock(out, o, y0, y1, y2, y3)
  }
  return out
}

function writeBlock(out: Uint8Array, o: number, w0: number, w1: number, w2: number, w3: number): void {
  out[o] = w0 >>> 24
  out[o + 1] = w0 >>> 16
  out[o + 2] = w0 >>> 8
  out[o + 3] = w0
  out[o + 4] = w1 >>> 24
  out[o + 5] = w1 >>> 16
  out[o + 6] = w1 >>> 8
  out[o + 7] = w1
  out[o + 8] = w2 >>> 24
  out[o + 9] = w2 >>> 16
  out[o + 10] = w2 >>> 8
  out[o + 11] = w2
  out[o + 12] = w3 >>> 24
  out[o + 13] = w3 >>> 16
  out[o + 14] = w3 >>> 8
  out[o + 15] = w3
}

/** AES-IGE decryption (key 16/24/32 bytes) in WebAssembly. Returns a fresh array. */
export function aesIgeDecrypt(ciphertext: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  checkArgs(ciphertext, key, iv)
  return wasmIgeDecrypt(ciphertext, key, iv)
}

/** AES-IGE decryption on the TypeScript T-table AES (a cross-check for the wasm path). */
export function aesIgeDecryptTs(ciphertext: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  checkArgs(ciphertext, key, iv)
  const rounds = aesRounds(key.length)
  const dk = expandDecryptionKey(key)
  const n = ciphertext.length
  const out = new Uint8Array(n)
  const d = ciphertext
  let y0 = (iv[0]! << 24) | (iv[1]! << 16) | (iv[2]! << 8) | iv[3]!
  let y1 = (iv[4]! << 24) | (iv[5]! << 16) | (iv[6]! << 8) | iv[7]!
  let y2 = (iv[8]! << 24) | (iv[9]! << 16) | (iv[10]! << 8) | iv[11]!
  let y3 = (iv[12]! << 24) | (iv[13]! << 16) | (iv[14]! << 8) | iv[15]!
  let x0 = (iv[16]! << 24) | (iv[17]! << 16) | (iv[18]! << 8) | iv[19]!
  let x1 = (iv[20]! << 24) | (iv[21]! << 16) | (iv[22]! << 8) | iv[23]!
  let x2 = (iv[24]! << 24) | (iv[25]! << 16) | (iv[26]! << 8) | iv[27]!
  let x3 = (iv[28]! << 24) | (iv[29]! << 16) | (iv[30]! << 8) | iv[31]!
  for (let o = 0; o < n; o += 16) {
    const c0 = (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!
    const c1 = (d[o + 4]! << 24) | (d[o + 5]! << 16) | (d[o + 6]! << 8) | d[o + 7]!
    const c2 = (d[o + 8]! << 24) | (d[o + 9]! << 16) | (d[o + 10]! << 8) | d[o + 11]!
    const c3 = (d[o + 12]! << 24) | (d[o + 13]! << 16) | (d[o + 14]! << 8) | d[o + 15]!
    let s0 = c0 ^ x0 ^ dk[0]!
    let s1 = c1 ^ x1 ^ dk[1]!
    let s2 = c2 ^ x2 ^ dk[2]!
    let s3 = c3 ^ x3 ^ dk[3]!
    let k = 4
    for (let r = 1; r < rounds; r++) {
      const t0 = TD0[s0 >>> 24]! ^ TD1[(s3 >>> 16) & 255]! ^ TD2[(s2 >>> 8) & 255]! ^ TD3[s1 & 255]! ^ dk[k]!
      const t1 = TD0[s1 >>> 24]! ^ TD1[(s0 >>> 16) & 255]! ^ TD2[(s3 >>> 8) & 255]! ^ TD3[s2 & 255]! ^ dk[k + 1]!
      const t2 = TD0[s2 >>> 24]! ^ TD1[(s1 >>> 16) & 255]! ^ TD2[(s0 >>> 8) & 255]! ^ TD3[s3 & 255]! ^ dk[k + 2]!
      const t3 = TD0[s3 >>> 24]! ^ TD1[(s2 >>> 16) & 255]! ^ TD2[(s1 >>> 8) & 255]! ^ TD3[s0 & 255]! ^ dk[k + 3]!
      s0 = t0
      s1 = t1
      s2 = t2
      s3 = t3
      k += 4
    }
    x0 =
      ((INV_SBOX[s0 >>> 24]! << 24) |
        (INV_SBOX[(s3 >>> 16) & 255]! << 16) |
        (INV_SBOX[(s2 >>> 8) & 255]! << 8) |
        INV_SBOX[s1 & 255]!) ^
      dk[k]! ^
      y0
    x1 =
      ((INV_SBOX[s1 >>> 24]! << 24) |
        (INV_SBOX[(s0 >>> 16) & 255]! << 16) |
        (INV_SBOX[(s3 >>> 8) & 255]! << 8) |
        INV_SBOX[s2 & 255]!) ^
      dk[k + 1]! ^
      y1
    x2 =
      ((INV_SBOX[s2 >>> 24]! << 24) |
        (INV_SBOX[(s1 >>> 16) & 255]! << 16) |
        (INV_SBOX[(s0 >>> 8) & 255]! << 8) |
        INV_SBOX[s3 & 255]!) ^
      dk[k + 2]! ^
      y2
    x3 =
      ((INV_SBOX[s3 >>> 24]! << 24) |
        (INV_SBOX[(s2 >>> 16) & 255]! << 16) |
        (INV_SBOX[(s1 >>> 8) & 255]! << 8) |
        INV_SBOX[s0 & 255]!) ^
      dk[k + 3]! ^
      y3
    y0 = c0
    y1 = c1
    y2 = c2
    y3 = c3
    writeBlock(out, o, x0, x1, x2, x3)
  }
  return out
}

/** Binds a key and IV: `createAesIge(key, iv).encrypt(data)`. */
export function createAesIge(key: Uint8Array, iv: Uint8Array): AesIge {
  return {
    encrypt: (plaintext) => aesIgeEncrypt(plaintext, key, iv),
    decrypt: (ciphertext) => aesIgeDecrypt(ciphertext, key, iv),
  }
}
