// Deterministic byte source for tests and benches (SHA-256 in counter mode over a seed).
// Not for production randomness: the engine gets its RandomSource from the runtime.
import type { RandomSource } from './bytes.js'
import { sha256 } from './hash.js'

/** A reproducible RandomSource: the same seed gives the same byte stream. */
export function seededRandom(seed: string | number): RandomSource {
  const seedBytes = new TextEncoder().encode(String(seed))
  let counter = 0
  let pool: Uint8Array = new Uint8Array(0)
  let pos = 0
  return (n: number) => {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      if (pos === pool.length) {
        const c = new Uint8Array(4)
        new DataView(c.buffer).setUint32(0, counter++)
        pool = sha256(seedBytes, c)
        pos = 0
      }
      out[i] = pool[pos++]!
    }
    return out
  }
}
