// RSA as the MTProto handshake uses it: raw (unpadded) RSA, the current RSA_PAD scheme and the
// legacy SHA1+data+padding scheme, both directions (the test DC decrypts). Knows nothing about
// the TL inner data it carries.
// https://core.telegram.org/mtproto/auth_key#41-rsa-paddata-server-public-key-mentioned-above-is-implemented-as-follows
import { constants, privateDecrypt, publicEncrypt } from 'node:crypto'
import { aesIgeDecrypt, aesIgeEncrypt } from './aes-ige.js'
import { bigIntFromBytes, bigIntToBytes, constantTimeEqual, reverseBytes } from './bytes.js'
import type { RandomSource } from './bytes.js'
import { sha1, sha256 } from './hash.js'
import type { RsaPrivateKey, RsaPublicKey } from './rsa-key.js'

/** RSA_PAD: data is padded to this many bytes before reversal. */
export const RSA_PAD_DATA_BYTES = 192
/** RSA_PAD: the most inner data the scheme can carry. */
export const RSA_PAD_MAX_DATA_BYTES = 144
/** Legacy scheme: SHA1(data) + data + padding fills this many bytes. */
export const RSA_LEGACY_BLOCK_BYTES = 255
/** Bound on fresh temp_keys tried when key_aes_encrypted ≥ modulus (each try fails with p ≈ 1/2 at worst). */
const RSA_PAD_MAX_TRIES = 64

/** Why an RSA operation failed on its input. */
export type RsaError =
  | { kind: 'rsa-data-too-long'; expected: number; actual: number }
  | { kind: 'rsa-input-not-below-modulus'; expected: 'value < n'; actual: 'value ≥ n' }
  | { kind: 'rsa-bad-ciphertext-length'; expected: number; actual: number }
  | { kind: 'rsa-pad-hash-mismatch'; expected: Uint8Array; actual: Uint8Array }
  | { kind: 'rsa-legacy-hash-mismatch'; expected: Uint8Array; actual: Uint8Array }
  | { kind: 'rsa-legacy-bad-prefix'; expected: 0; actual: number }
  | { kind: 'rsa-pad-no-temp-key'; expected: 'key_aes_encrypted < n'; actual: number }

export type RsaResult<T> = { ok: true; value: T } | { ok: false; error: RsaError }

/** Raw RSA: value^e mod n over big-endian bytes, output left-padded to the modulus size. Needs value < n. */
export function rsaRawEncrypt(key: RsaPublicKey, value: Uint8Array): RsaResult<Uint8Array> {
  if (value.length > key.size) return { ok: false, error: { kind: 'rsa-data-too-long', expected: key.size, actual: value.length } }
  if (bigIntFromBytes(value) >= key.n) {
    return { ok: false, error: { kind: 'rsa-input-not-below-modulus', expected: 'value < n', actual: 'value ≥ n' } }
  }
  const padded = new Uint8Array(key.size)
  padded.set(value, key.size - value.length)
  const out = publicEncrypt({ key: key.keyObject, padding: constants.RSA_NO_PADDING }, padded)
  return { ok: true, value: new Uint8Array(out.buffer, out.byteOffset, out.length) }
}

/** Raw RSA with BigInt modexp (reference and bench comparison for rsaRawEncrypt). */
export function rsaRawEncryptBigInt(key: RsaPublicKey, value: Uint8Array): Uint8Array {
  let base = bigIntFromBytes(value) % key.n
  let exp = key.e
  let result = 1n
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % key.n
    base = (base * base) % key.n
    exp >>= 1n
  }
  return bigIntToBytes(result, key.size)
}

/** Raw RSA decryption (value^d mod n) with the private key; the input must be modulus-sized. */
export function rsaRawDecrypt(key: RsaPrivateKey, ciphertext: Uint8Array): RsaResult<Uint8Array> {
  const size = key.publicKey.size
  if (ciphertext.length !== size) {
    return { ok: false, error: { kind: 'rsa-bad-ciphertext-length', expected: size, actual: ciphertext.length } }
  }
  if (bigIntFromBytes(ciphertext) >= key.publicKey.n) {
    return { ok: false, error: { kind: 'rsa-input-not-below-modulus', expected: 'value < n', actual: 'value ≥ n' } }
  }
  const out = privateDecrypt({ key: key.keyObject, padding: constants.RSA_NO_PADDING }, ciphertext)
  return { ok: true, value: new Uint8Array(out.buffer, out.byteOffset, out.length) }
}

/**
 * RSA_PAD (the current scheme for req_DH_params.encrypted_data):
 *   data_with_padding := data + random_padding_bytes (192 bytes)
 *   data_pad_reversed := BYTE_REVERSE(data_with_padding)
 *   data_with_hash := data_pad_reversed + SHA256(temp_key + data_with_padding)   (224 bytes)
 *   aes_encrypted := AES256_IGE(data_with_hash, temp_key, 0 IV)
 *   temp_key_xor := temp_key XOR SHA256(aes_encrypted)
 *   key_aes_encrypted := temp_key_xor + aes_encrypted   (256 bytes; retried with a new temp_key if ≥ n)
 *   encrypted_data := key_aes_encrypted ^ e mod n
 * `random(n)` supplies the padding and each temp_key.
 */
export function rsaPadEncrypt(key: RsaPublicKey, data: Uint8Array, random: RandomSource): RsaResult<Uint8Array> {
  if (data.length > RSA_PAD_MAX_DATA_BYTES) {
    return { ok: false, error: { kind: 'rsa-data-too-long', expected: RSA_PAD_MAX_DATA_BYTES, actual: data.length } }
  }
  const dataWithPadding = new Uint8Array(RSA_PAD_DATA_BYTES)
  dataWithPadding.set(data)
  dataWithPadding.set(random(RSA_PAD_DATA_BYTES - data.length), data.length)
  const dataPadReversed = reverseBytes(dataWithPadding)
  const zeroIv = new Uint8Array(32)
  for (let attempt = 0; attempt < RSA_PAD_MAX_TRIES; attempt++) {
    const tempKey = random(32)
    const dataWithHash = new Uint8Array(224)
    dataWithHash.set(dataPadReversed)
    dataWithHash.set(sha256(tempKey, dataWithPadding), RSA_PAD_DATA_BYTES)
    const aesEncrypted = aesIgeEncrypt(dataWithHash, tempKey, zeroIv)
    const aesHash = sha256(aesEncrypted)
    const keyAesEncrypted = new Uint8Array(256)
    for (let i = 0; i < 32; i++) keyAesEncrypted[i] = tempKey[i]! ^ aesHash[i]!
    keyAesEncrypted.set(aesEncrypted, 32)
    if (bigIntFromBytes(keyAesEncrypted) >= key.n) continue
    return rsaRawEncrypt(key, keyAesEncrypted)
  }
  return { ok: false, error: { kind: 'rsa-pad-no-temp-key', expected: 'key_aes_encrypted < n', actual: RSA_PAD_MAX_TRIES } }
}

/**
 * Server side of RSA_PAD: recovers data_with_padding (192 bytes: the TL inner data followed by
 * random padding; the caller parses the TL object from its start) and checks the SHA256.
 */
export function rsaPadDecrypt(key: RsaPrivateKey, encrypted: Uint8Array): RsaResult<Uint8Array> {
  const raw = rsaRawDecrypt(key, encrypted)
  if (!raw.ok) return raw
  const m = raw.value
  const aesEncrypted = m.subarray(32, 256)
  const aesHash = sha256(aesEncrypted)
  const tempKey = new Uint8Array(32)
  for (let i = 0; i < 32; i++) tempKey[i] = m[i]! ^ aesHash[i]!
  const dataWithHash = aesIgeDecrypt(aesEncrypted, tempKey, new Uint8Array(32))
  const dataWithPadding = reverseBytes(dataWithHash.subarray(0, RSA_PAD_DATA_BYTES))
  const expected = dataWithHash.subarray(RSA_PAD_DATA_BYTES, 224)
  const actual = sha256(tempKey, dataWithPadding)
  if (!constantTimeEqual(expected, actual)) return { ok: false, error: { kind: 'rsa-pad-hash-mismatch', expected, actual } }
  return { ok: true, value: dataWithPadding }
}

/**
 * Legacy scheme (still accepted by servers from old clients):
 *   data_with_hash := SHA1(data) + data + random padding, 255 bytes in all; encrypted := RSA(data_with_hash).
 */
export function rsaLegacyEncrypt(key: RsaPublicKey, data: Uint8Array, random: RandomSource): RsaResult<Uint8Array> {
  const max = RSA_LEGACY_BLOCK_BYTES - 20
  if (data.length > max) return { ok: false, error: { kind: 'rsa-data-too-long', expected: max, actual: data.length } }
  const block = new Uint8Array(RSA_LEGACY_BLOCK_BYTES)
  block.set(sha1(data))
  block.set(data, 20)
  block.set(random(max - data.length), 20 + data.length)
  return rsaRawEncrypt(key, block)
}

/** Legacy scheme, server side: the 255-byte block split into its SHA1 and the data with padding. */
export interface RsaLegacyBlock {
  sha1: Uint8Array
  /** The TL inner data followed by random padding (235 bytes). */
  dataWithPadding: Uint8Array
}

/** Decrypts a legacy block. The caller parses the TL object, then calls checkRsaLegacyHash with its length. */
export function rsaLegacyDecrypt(key: RsaPrivateKey, encrypted: Uint8Array): RsaResult<RsaLegacyBlock> {
  const raw = rsaRawDecrypt(key, encrypted)
  if (!raw.ok) return raw
  const m = raw.value
  // 255 bytes in a 256-byte modulus: the leading byte must be zero.
  const extra = m.length - RSA_LEGACY_BLOCK_BYTES
  for (let i = 0; i < extra; i++) {
    if (m[i] !== 0) return { ok: false, error: { kind: 'rsa-legacy-bad-prefix', expected: 0, actual: m[i]! } }
  }
  return { ok: true, value: { sha1: m.subarray(extra, extra + 20), dataWithPadding: m.subarray(extra + 20) } }
}

/** Checks a legacy block's SHA1 against the first `dataLength` bytes (the parsed TL object's size). */
export function checkRsaLegacyHash(block: RsaLegacyBlock, dataLength: number): RsaResult<Uint8Array> {
  const data = block.dataWithPadding.subarray(0, dataLength)
  const actual = sha1(data)
  if (!constantTimeEqual(block.sha1, actual)) {
    return { ok: false, error: { kind: 'rsa-legacy-hash-mismatch', expected: block.sha1, actual } }
  }
  return { ok: true, value: data }
}
