// Key material derived during auth-key creation: tmp_aes_key/tmp_aes_iv from the nonces,
// new_nonce_hash1/2/3, auth_key_id, auth_key_aux_hash and the first server_salt.
// Knows nothing about the TL objects that carry them.
// https://core.telegram.org/mtproto/auth_key
import { readInt64Le } from './bytes.js'
import { sha1 } from './hash.js'

function checkLength(what: string, bytes: Uint8Array, n: number): void {
  if (bytes.length !== n) throw new RangeError(`${what} must be ${n} bytes, got ${bytes.length}`)
}

/** AES-256-IGE key and IV that protect server_DH_inner_data and client_DH_inner_data. */
export interface TmpAesParams {
  key: Uint8Array
  iv: Uint8Array
}

/**
 * tmp_aes_key := SHA1(new_nonce + server_nonce) + substr(SHA1(server_nonce + new_nonce), 0, 12);
 * tmp_aes_iv := substr(SHA1(server_nonce + new_nonce), 12, 8) + SHA1(new_nonce + new_nonce) + substr(new_nonce, 0, 4)
 */
export function deriveTmpAes(newNonce: Uint8Array, serverNonce: Uint8Array): TmpAesParams {
  checkLength('new_nonce', newNonce, 32)
  checkLength('server_nonce', serverNonce, 16)
  const a = sha1(newNonce, serverNonce)
  const b = sha1(serverNonce, newNonce)
  const c = sha1(newNonce, newNonce)
  const key = new Uint8Array(32)
  key.set(a, 0)
  key.set(b.subarray(0, 12), 20)
  const iv = new Uint8Array(32)
  iv.set(b.subarray(12, 20), 0)
  iv.set(c, 8)
  iv.set(newNonce.subarray(0, 4), 28)
  return { key, iv }
}

/** auth_key_aux_hash: the 64 higher-order bits of SHA1(auth_key). */
export function authKeyAuxHash(authKey: Uint8Array): Uint8Array {
  return sha1(authKey).subarray(0, 8)
}

/** auth_key_id bytes as they appear on the wire: the 64 lower-order bits of SHA1(auth_key). */
export function authKeyIdBytes(authKey: Uint8Array): Uint8Array {
  return sha1(authKey).subarray(12, 20)
}

/** auth_key_id as a TL long (the wire bytes read little-endian). */
export function authKeyId(authKey: Uint8Array): bigint {
  return readInt64Le(authKeyIdBytes(authKey))
}

/**
 * new_nonce_hash{1,2,3}: the 128 lower-order bits of SHA1(new_nonce + [n] + auth_key_aux_hash);
 * n = 1 for dh_gen_ok, 2 for dh_gen_retry, 3 for dh_gen_fail.
 */
export function newNonceHash(newNonce: Uint8Array, authKey: Uint8Array, n: 1 | 2 | 3): Uint8Array {
  checkLength('new_nonce', newNonce, 32)
  return sha1(newNonce, Uint8Array.of(n), authKeyAuxHash(authKey)).subarray(4, 20)
}

/** First server_salt: substr(new_nonce, 0, 8) XOR substr(server_nonce, 0, 8), as wire bytes. */
export function initialServerSaltBytes(newNonce: Uint8Array, serverNonce: Uint8Array): Uint8Array {
  checkLength('new_nonce', newNonce, 32)
  checkLength('server_nonce', serverNonce, 16)
  const out = new Uint8Array(8)
  for (let i = 0; i < 8; i++) out[i] = (newNonce[i] as number) ^ (serverNonce[i] as number)
  return out
}

/** First server_salt as a TL long. */
export function initialServerSalt(newNonce: Uint8Array, serverNonce: Uint8Array): bigint {
  return readInt64Le(initialServerSaltBytes(newNonce, serverNonce))
}
