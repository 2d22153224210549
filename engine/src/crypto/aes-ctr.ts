// AES-256-CTR as a stateful keystream (obfuscated2 runs one per direction for the whole
// connection). Knows nothing about the transport header the key and IV come from.
import { createCipheriv } from 'node:crypto'
import type { Cipher } from 'node:crypto'

/** A running AES-CTR stream: each call continues the keystream where the previous one stopped. */
export class AesCtr {
  readonly #cipher: Cipher

  /** `key` 32 bytes (16/24 accepted), `iv` the 16-byte initial counter block. */
  constructor(key: Uint8Array, iv: Uint8Array) {
    if (iv.length !== 16) throw new RangeError(`AES-CTR: iv must be 16 bytes, got ${iv.length}`)
    const alg = key.length === 32 ? 'aes-256-ctr' : key.length === 16 ? 'aes-128-ctr' : key.length === 24 ? 'aes-192-ctr' : null
    if (alg === null) throw new RangeError(`AES-CTR: key must be 16, 24 or 32 bytes, got ${key.length}`)
    this.#cipher = createCipheriv(alg, key, iv)
  }

  /** Encrypts or decrypts (the same operation) any number of bytes; returns a fresh array. */
  process(data: Uint8Array): Uint8Array {
    const out = this.#cipher.update(data)
    return new Uint8Array(out.buffer, out.byteOffset, out.length)
  }
}
