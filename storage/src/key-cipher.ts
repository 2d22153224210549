// Encryption at rest for key material: AES-256-GCM over one record value, bound to its key.
// Knows nothing about LMDB or records; it seals and opens byte strings.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** Length of the store encryption key (AES-256). */
export const ENCRYPTION_KEY_BYTES = 32
const SEALED_FORMAT = 1
const IV_BYTES = 12
const TAG_BYTES = 16
const HEADER_BYTES = 1 + IV_BYTES

/** Seals/opens values with one key. `aad` binds a value to where it is stored. */
export interface KeyCipher {
  /** format byte ‖ 12-byte random IV ‖ ciphertext ‖ 16-byte GCM tag */
  seal(plain: Uint8Array, aad: Uint8Array): Uint8Array
  /** The plaintext, or undefined when the key, the AAD or the bytes do not match. */
  open(sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined
}

/** @throws RangeError unless `key` is 32 bytes. */
export function createKeyCipher(key: Uint8Array): KeyCipher {
  if (!(key instanceof Uint8Array) || key.length !== ENCRYPTION_KEY_BYTES) {
    throw new RangeError(`encryption key must be ${ENCRYPTION_KEY_BYTES} bytes`)
  }
  const k = Buffer.from(key) // private copy: the caller may wipe theirs
  return {
    seal(plain, aad) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', k, iv)
      cipher.setAAD(aad)
      const body = Buffer.concat([cipher.update(plain), cipher.final()])
      const out = new Uint8Array(HEADER_BYTES + body.length + TAG_BYTES)
      out[0] = SEALED_FORMAT
      out.set(iv, 1)
      out.set(body, HEADER_BYTES)
      out.set(cipher.getAuthTag(), HEADER_BYTES + body.length)
      return out
    },
    open(sealed, aad) {
      if (sealed.length < HEADER_BYTES + TAG_BYTES || sealed[0] !== SEALED_FORMAT) return undefined
      const iv = sealed.subarray(1, HEADER_BYTES)
      const body = sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES)
      const tag = sealed.subarray(sealed.length - TAG_BYTES)
      try {
        const decipher = createDecipheriv('aes-256-gcm', k, iv)
        decipher.setAAD(aad)
        decipher.setAuthTag(tag)
        return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]))
      } catch {
        return undefined
      }
    },
  }
}
