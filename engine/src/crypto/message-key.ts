// MTProto 2.0 message encryption keys: msg_key from the plaintext, aes_key/aes_iv from msg_key,
// and the encrypt/decrypt of a message payload with them. Knows nothing about message framing
// (auth_key_id, salt, session, padding rules): that is protocol/.
// https://core.telegram.org/mtproto/description#defining-aes-key-and-initialization-vector
import { aesIgeDecrypt, aesIgeEncrypt } from './aes-ige.js'
import { constantTimeEqual } from './bytes.js'
import { sha256 } from './hash.js'

/** Who sent the message: selects x = 0 (client → server) or x = 8 (server → client). */
export type MessageDirection = 'client-to-server' | 'server-to-client'

function xOf(direction: MessageDirection): number {
  return direction === 'client-to-server' ? 0 : 8
}

function checkAuthKey(authKey: Uint8Array): void {
  if (authKey.length !== 256) throw new RangeError(`auth_key must be 256 bytes, got ${authKey.length}`)
}

/**
 * msg_key = middle 128 bits of msg_key_large = SHA256(substr(auth_key, 88+x, 32) + plaintext),
 * where `plaintext` already includes its random padding.
 */
export function computeMsgKey(authKey: Uint8Array, plaintext: Uint8Array, direction: MessageDirection): Uint8Array {
  checkAuthKey(authKey)
  const x = xOf(direction)
  const large = sha256(authKey.subarray(88 + x, 88 + x + 32), plaintext)
  return large.subarray(8, 24)
}

/** AES-256 key and IV for one message, derived from auth_key and msg_key. */
export interface MessageAesParams {
  key: Uint8Array
  iv: Uint8Array
}

/**
 * sha256_a = SHA256(msg_key + substr(auth_key, x, 36));
 * sha256_b = SHA256(substr(auth_key, 40+x, 36) + msg_key);
 * aes_key = a[0:8] + b[8:24] + a[24:32]; aes_iv = b[0:8] + a[8:24] + b[24:32].
 */
export function deriveMessageAes(authKey: Uint8Array, msgKey: Uint8Array, direction: MessageDirection): MessageAesParams {
  checkAuthKey(authKey)
  if (msgKey.length !== 16) throw new RangeError(`msg_key must be 16 bytes, got ${msgKey.length}`)
  const x = xOf(direction)
  const a = sha256(msgKey, authKey.subarray(x, x + 36))
  const b = sha256(authKey.subarray(40 + x, 40 + x + 36), msgKey)
  const key = new Uint8Array(32)
  key.set(a.subarray(0, 8), 0)
  key.set(b.subarray(8, 24), 8)
  key.set(a.subarray(24, 32), 24)
  const iv = new Uint8Array(32)
  iv.set(b.subarray(0, 8), 0)
  iv.set(a.subarray(8, 24), 8)
  iv.set(b.subarray(24, 32), 24)
  return { key, iv }
}

/** Encrypted message body: msg_key and the AES-IGE ciphertext (the caller prepends auth_key_id). */
export interface EncryptedPayload {
  msgKey: Uint8Array
  ciphertext: Uint8Array
}

/**
 * Encrypts a padded plaintext (length a multiple of 16, 12..1024 bytes of padding already added by
 * the caller) under MTProto 2.0.
 */
export function encryptMessagePayload(
  authKey: Uint8Array,
  paddedPlaintext: Uint8Array,
  direction: MessageDirection,
): EncryptedPayload {
  const msgKey = computeMsgKey(authKey, paddedPlaintext, direction)
  const { key, iv } = deriveMessageAes(authKey, msgKey, direction)
  return { msgKey, ciphertext: aesIgeEncrypt(paddedPlaintext, key, iv) }
}

/** Why a received payload was rejected. */
export type MessageDecryptError =
  | { kind: 'bad-ciphertext-length'; expected: 'a positive multiple of 16'; actual: number }
  | { kind: 'msg-key-mismatch'; expected: Uint8Array; actual: Uint8Array }

/**
 * Decrypts a payload and checks msg_key against the decrypted plaintext (the only integrity check
 * MTProto has; https://core.telegram.org/mtproto/security_guidelines#mtproto-encrypted-messages).
 */
export function decryptMessagePayload(
  authKey: Uint8Array,
  msgKey: Uint8Array,
  ciphertext: Uint8Array,
  direction: MessageDirection,
): { ok: true; plaintext: Uint8Array } | { ok: false; error: MessageDecryptError } {
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    return { ok: false, error: { kind: 'bad-ciphertext-length', expected: 'a positive multiple of 16', actual: ciphertext.length } }
  }
  const { key, iv } = deriveMessageAes(authKey, msgKey, direction)
  const plaintext = aesIgeDecrypt(ciphertext, key, iv)
  const actual = computeMsgKey(authKey, plaintext, direction)
  if (!constantTimeEqual(actual, msgKey)) {
    return { ok: false, error: { kind: 'msg-key-mismatch', expected: msgKey, actual } }
  }
  return { ok: true, plaintext }
}
