// The runtime's default source of random bytes: node:crypto's CSPRNG read through a small pool.
// Knows nothing of what the bytes are for (nonces, DH secrets, message padding).
import { randomBytes, randomFillSync } from 'node:crypto'
import type { RandomSource } from '../crypto/bytes.js'

/** Bytes fetched from the CSPRNG at a time. */
export const RANDOM_POOL_BYTES = 4096

/**
 * A {@link RandomSource} that refills a {@link RANDOM_POOL_BYTES} pool with `randomFillSync` and
 * hands out fresh copies of its bytes. Every encrypted message needs padding and every handshake
 * a dozen nonces and secrets; one `randomBytes` call costs ~6 µs whatever its size, a pooled read
 * ~0.2 µs. Handed-out bytes are zeroed in the pool, so no secret lingers there once it is used.
 * Requests above a quarter of the pool go to `randomBytes` directly.
 */
export function createPooledRandom(poolBytes = RANDOM_POOL_BYTES): RandomSource {
  if (!Number.isInteger(poolBytes) || poolBytes < 64) throw new RangeError(`createPooledRandom: pool of ${poolBytes} bytes`)
  const pool = new Uint8Array(poolBytes)
  let offset = poolBytes
  return (n: number): Uint8Array => {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`random: ${n} bytes`)
    if (n > poolBytes >> 2) return new Uint8Array(randomBytes(n))
    if (offset + n > poolBytes) {
      randomFillSync(pool)
      offset = 0
    }
    const out = pool.slice(offset, offset + n)
    pool.fill(0, offset, offset + n)
    offset += n
    return out
  }
}
