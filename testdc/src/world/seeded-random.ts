// A deterministic byte source for the world (same seed, same bytes) and the small draws built on
// it. Not cryptographically meaningful: the test DC is a fixture, never a real server.
import { createHash } from 'node:crypto'

/** Returns `n` random bytes. The world never reaches for ambient randomness. */
export type RandomSource = (n: number) => Uint8Array

/** SHA-256 in counter mode over the seed: a stream fully determined by `seed`. */
export function seededRandom(seed: string | number | bigint): RandomSource {
  const seedText = String(seed)
  let counter = 0
  let pool = new Uint8Array(0)
  let used = 0
  return (n: number): Uint8Array => {
    const out = new Uint8Array(n)
    let filled = 0
    while (filled < n) {
      if (used === pool.length) {
        pool = createHash('sha256').update(`${seedText}/${counter++}`).digest()
        used = 0
      }
      const take = Math.min(n - filled, pool.length - used)
      out.set(pool.subarray(used, used + take), filled)
      filled += take
      used += take
    }
    return out
  }
}

/** A signed 64-bit integer (TL `long`), as Telegram's ids and access hashes are. */
export function randomLong(random: RandomSource): bigint {
  const b = random(8)
  return new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0)
}

/** A non-zero signed 64-bit integer. */
export function randomNonZeroLong(random: RandomSource): bigint {
  for (;;) {
    const v = randomLong(random)
    if (v !== 0n) return v
  }
}

/** A uniform integer in [0, bound), bound ≤ 2^32. */
export function randomBelow(random: RandomSource, bound: number): number {
  const b = random(4)
  const v = new DataView(b.buffer, b.byteOffset, 4).getUint32(0)
  // Modulo bias is irrelevant for fixture codes and hashes.
  return v % bound
}

/** `length` decimal digits. */
export function randomDigits(random: RandomSource, length: number): string {
  let s = ''
  for (let i = 0; i < length; i++) s += String(randomBelow(random, 10))
  return s
}

/** Hex of `bytes` random bytes. */
export function randomHex(random: RandomSource, bytes: number): string {
  return Buffer.from(random(bytes)).toString('hex')
}

/** base64url (no padding) of `bytes` random bytes, like t.me invite hashes and bot tokens. */
export function randomBase64Url(random: RandomSource, bytes: number): string {
  return Buffer.from(random(bytes)).toString('base64url')
}
