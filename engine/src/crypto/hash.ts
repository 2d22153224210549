// SHA-1 and SHA-256 over one or more byte arrays (no concatenation copy), via node:crypto.
// Knows nothing about what is being hashed.
import { createHash } from 'node:crypto'

/** SHA-1 of the concatenation of `parts` (20 bytes). */
export function sha1(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha1')
  for (const p of parts) h.update(p)
  const d = h.digest()
  return new Uint8Array(d.buffer, d.byteOffset, d.length)
}

/** SHA-256 of the concatenation of `parts` (32 bytes). */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  const d = h.digest()
  return new Uint8Array(d.buffer, d.byteOffset, d.length)
}
