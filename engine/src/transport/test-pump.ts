// Test helper: feeds a byte stream to a codec in irregular chunks and collects what comes out.
import type { RandomSource } from '../crypto/bytes.js'
import type { TransportCodec, TransportEvent } from './frame.js'

/** Feeds `bytes` in chunks of 1 byte .. 64 KiB (mostly small, sometimes large) and drains events. */
export function pump(codec: TransportCodec, bytes: Uint8Array, rnd: RandomSource): TransportEvent[] {
  const events: TransportEvent[] = []
  let o = 0
  while (o < bytes.length) {
    const r = rnd(3)
    const size = r[0]! < 128 ? 1 + (r[1]! % 16) : r[0]! < 230 ? 1 + (((r[1]! << 8) | r[2]!) % 4096) : 1 + (((r[1]! << 8) | r[2]!) % 65536)
    codec.push(bytes.subarray(o, o + size))
    o += size
    for (let e = codec.next(); e !== null; e = codec.next()) events.push(e)
  }
  return events
}
