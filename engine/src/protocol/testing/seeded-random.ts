// A deterministic random source for tests and reproducible runs: SHA-256 in counter mode over a
// seed. Not for production keys; it only makes runs repeatable.
import { sha256 } from '../../crypto/index.js'

/** Returns `random(n)` producing the same stream for the same seed. */
export function seededRandom(seed: string | number): (n: number) => Uint8Array {
  const seedBytes = new TextEncoder().encode(String(seed))
  let counter = 0
  let pool: Uint8Array = new Uint8Array(0)
  let at = 0
  return (n: number): Uint8Array => {
    const out = new Uint8Array(n)
    let filled = 0
    while (filled < n) {
      if (at >= pool.length) {
        const c = new Uint8Array(4)
        new DataView(c.buffer).setUint32(0, counter++, true)
        pool = sha256(seedBytes, c)
        at = 0
      }
      const take = Math.min(n - filled, pool.length - at)
      out.set(pool.subarray(at, at + take), filled)
      filled += take
      at += take
    }
    return out
  }
}
