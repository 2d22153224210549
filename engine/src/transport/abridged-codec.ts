// Abridged transport: 0xef once, then per frame a length in 4-byte words (one byte below 0x7f,
// else 0x7f + 3 bytes little-endian) and the payload. Knows nothing about the payload.
// https://core.telegram.org/mtproto/mtproto-transports#abridged
import { FramedCodec } from './framed-codec.js'
import type { FrameLayout, FramedCodecOptions } from './framed-codec.js'
import type { TransportDecodeError } from './frame.js'

const TAG = Uint8Array.of(0xef)

export class AbridgedCodec extends FramedCodec {
  readonly name = 'abridged' as const

  constructor(options: FramedCodecOptions) {
    super(options)
  }

  protected tag(): Uint8Array {
    return TAG
  }

  protected frame(payload: Uint8Array): Uint8Array {
    if (payload.length % 4 !== 0) throw new RangeError(`abridged: payload length ${payload.length} is not a multiple of 4`)
    const words = payload.length / 4
    const header = words < 0x7f ? 1 : 4
    const out = new Uint8Array(header + payload.length)
    if (header === 1) {
      out[0] = words
    } else {
      out[0] = 0x7f
      out[1] = words & 0xff
      out[2] = (words >>> 8) & 0xff
      out[3] = (words >>> 16) & 0xff
    }
    out.set(payload, header)
    return out
  }

  protected layout(): FrameLayout | { error: TransportDecodeError } | null {
    if (this.queue.length < 1) return null
    // NB: from a client, bit 7 of the first byte asks for a quick ack; the length is in the rest.
    const first = this.side === 'server' ? this.queue.byteAt(0) & 0x7f : this.queue.byteAt(0)
    if (first < 0x7f) return { headerBytes: 1, payloadBytes: first * 4, trailerBytes: 0 }
    if (first > 0x7f) return { error: { kind: 'bad-length', expected: 'first length byte ≤ 0x7f', actual: first } }
    if (this.queue.length < 4) return null
    const words = this.queue.byteAt(1) | (this.queue.byteAt(2) << 8) | (this.queue.byteAt(3) << 16)
    return { headerBytes: 4, payloadBytes: words * 4, trailerBytes: 0 }
  }
}
