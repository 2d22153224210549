// What both sides of the auth key handshake share: the typed failures, nonce comparison and the
// SHA1-prefixed AES-IGE blocks that carry server_DH_inner_data and client_DH_inner_data.
// Knows nothing of transports or timers.
// https://core.telegram.org/mtproto/auth_key
import {
  aesIgeDecrypt,
  aesIgeEncrypt,
  constantTimeEqual,
  sha1,
  type DhError,
  type PqError,
  type RsaError,
  type TmpAesParams,
} from '../crypto/index.js'
import { TlError, TlReader, serializeObject, type TlObject } from '../tl/index.js'
import { err, ok, type Result } from './result.js'

/** How many dh_gen_retry answers one handshake accepts before giving up. */
export const MAX_DH_GEN_RETRIES = 5

/** A nonce field of the handshake. */
export type NonceField = 'nonce' | 'server_nonce' | 'new_nonce'

/** A handshake step refused its input; every variant carries what was expected and what arrived. */
export type HandshakeError =
  /** https://core.telegram.org/mtproto/security_guidelines#checking-nonce-server-nonce-and-new-nonce-fields */
  | { readonly kind: 'nonce-mismatch'; readonly field: NonceField; readonly expected: Uint8Array; readonly received: Uint8Array }
  | { readonly kind: 'unexpected-constructor'; readonly expected: string; readonly received: string }
  /** pq too small, ≥ 2^63, prime, not two primes, or not split within the work budget. */
  | { readonly kind: 'pq-refused'; readonly error: PqError }
  | { readonly kind: 'no-matching-public-key'; readonly expected: readonly bigint[]; readonly received: readonly bigint[] }
  | { readonly kind: 'rsa-failed'; readonly error: RsaError; readonly legacyError?: RsaError }
  | { readonly kind: 'server-dh-params-fail'; readonly expected: 'server_DH_params_ok'; readonly received: 'server_DH_params_fail' }
  | { readonly kind: 'bad-encrypted-length'; readonly expected: 'a positive multiple of 16'; readonly received: number }
  /** https://core.telegram.org/mtproto/security_guidelines#checking-sha1-hash-values-during-key-generation */
  | { readonly kind: 'inner-hash-mismatch'; readonly expected: Uint8Array; readonly received: Uint8Array }
  | { readonly kind: 'inner-padding'; readonly expected: '0..15'; readonly received: number }
  | { readonly kind: 'inner-undecodable'; readonly error: TlError }
  /** https://core.telegram.org/mtproto/security_guidelines#diffie-hellman-key-exchange */
  | { readonly kind: 'dh-check-failed'; readonly error: DhError }
  /**
   * dh_prime is not one this process knows to be safe: the caller verifies it off the event loop
   * (rememberSafePrime) and runs the step again, or refuses it.
   */
  | { readonly kind: 'dh-prime-unverified'; readonly prime: bigint }
  | { readonly kind: 'new-nonce-hash-mismatch'; readonly which: 1 | 2 | 3; readonly expected: Uint8Array; readonly received: Uint8Array }
  | { readonly kind: 'dh-gen-fail'; readonly expected: 'dh_gen_ok'; readonly received: 'dh_gen_fail' }
  | { readonly kind: 'too-many-retries'; readonly expected: number; readonly received: number }
  // server side
  | { readonly kind: 'pq-mismatch'; readonly field: 'p' | 'q' | 'pq'; readonly expected: Uint8Array; readonly received: Uint8Array }
  | { readonly kind: 'unknown-fingerprint'; readonly expected: readonly bigint[]; readonly received: bigint }
  | { readonly kind: 'dc-mismatch'; readonly expected: number; readonly received: number }
  | { readonly kind: 'retry-id-mismatch'; readonly expected: bigint; readonly received: bigint }

/** Compares a nonce field; a mismatch is a typed error. */
export function checkNonce(field: NonceField, expected: Uint8Array, received: Uint8Array): HandshakeError | null {
  return constantTimeEqual(expected, received) ? null : { kind: 'nonce-mismatch', field, expected, received }
}

/** SHA1(data) + data + 0..15 random bytes to a multiple of 16, AES-IGE encrypted with the tmp key. */
export function encryptInner(obj: TlObject, tmp: TmpAesParams, random: (n: number) => Uint8Array): Uint8Array {
  const data = serializeObject(obj)
  const unpadded = 20 + data.length
  const padding = (16 - (unpadded % 16)) % 16
  const block = new Uint8Array(unpadded + padding)
  block.set(sha1(data))
  block.set(data, 20)
  block.set(random(padding), unpadded)
  return aesIgeEncrypt(block, tmp.key, tmp.iv)
}

/**
 * Decrypts a block made by {@link encryptInner}, parses the TL object after the hash and checks
 * SHA1 of exactly its bytes, and that 0..15 bytes of padding follow.
 */
export function decryptInner(encrypted: Uint8Array, tmp: TmpAesParams): Result<TlObject, HandshakeError> {
  if (encrypted.length === 0 || encrypted.length % 16 !== 0) {
    return err({ kind: 'bad-encrypted-length', expected: 'a positive multiple of 16', received: encrypted.length })
  }
  const block = aesIgeDecrypt(encrypted, tmp.key, tmp.iv)
  if (block.length < 20 + 4) return err({ kind: 'bad-encrypted-length', expected: 'a positive multiple of 16', received: encrypted.length })
  const reader = new TlReader(block, 20)
  let obj: TlObject
  try {
    obj = reader.object() as TlObject
  } catch (e) {
    if (e instanceof TlError) return err({ kind: 'inner-undecodable', error: e })
    throw e
  }
  const expected = block.subarray(0, 20)
  const received = sha1(block.subarray(20, reader.pos))
  if (!constantTimeEqual(expected, received)) return err({ kind: 'inner-hash-mismatch', expected, received })
  const padding = block.length - reader.pos
  if (padding > 15) return err({ kind: 'inner-padding', expected: '0..15', received: padding })
  return ok(obj)
}

/** Reads a TL object from the start of `data`; returns it with the number of bytes it took. */
export function readInnerObject(data: Uint8Array): Result<{ obj: TlObject; length: number }, HandshakeError> {
  const reader = new TlReader(data)
  try {
    const obj = reader.object() as TlObject
    return ok({ obj, length: reader.pos })
  } catch (e) {
    if (e instanceof TlError) return err({ kind: 'inner-undecodable', error: e })
    throw e
  }
}

/** The lower-order 128 bits of SHA1(new_nonce): server_DH_params_fail.new_nonce_hash. */
export function newNonceHashForFail(newNonce: Uint8Array): Uint8Array {
  return sha1(newNonce).subarray(4, 20)
}
