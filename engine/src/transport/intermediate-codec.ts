// Intermediate transport (tag 0xeeeeeeee; 4-byte little-endian length + payload) and padded
// intermediate (tag 0xdddddddd; the length also covers 0..15 random padding bytes, which the
// receiver hands upward with the payload: MTProto messages carry their own length).
// https://core.telegram.org/mtproto/mtproto-transports#intermediate
import type { RandomSource } from '../crypto/bytes.js'
import { FramedCodec } from './framed-codec.js'
import type { FrameLayout, FramedCodecOptions } from './framed-codec.js'
import { transportErrorCode } from './frame.js'
import type { TransportDecodeError } from './frame.js'

const INTERMEDIATE_TAG = Uint8Array.of(0xee, 0xee, 0xee, 0xee)
const PADDED_TAG = Uint8Array.of(0xdd, 0xdd, 0xdd, 0xdd)

function writeLength(out: Uint8Array, n: number): void {
  out[0] = n & 0xff
  out[1] = (n >>> 8) & 0xff
  out[2] = (n >>> 16) & 0xff
  out[3] = (n >>> 24) & 0xff
}

abstract class LengthPrefixedCodec extends FramedCodec {
  protected layout(): FrameLayout | { error: TransportDecodeError } | null {
    if (this.queue.length < 4) return null
    // NB: from a client, the top bit of the length asks for a quick ack.
    const raw = this.queue.uint32At(0)
    const length = this.side === 'server' ? raw & 0x7fffffff : raw
    if (length > 0x7fffffff) return { error: { kind: 'bad-length', expected: 'length < 2^31', actual: length } }
    return { headerBytes: 4, payloadBytes: length, trailerBytes: 0 }
  }
}

export class IntermediateCodec extends LengthPrefixedCodec {
  readonly name = 'intermediate' as const

  constructor(options: FramedCodecOptions) {
    super(options)
  }

  protected tag(): Uint8Array {
    return INTERMEDIATE_TAG
  }

  protected frame(payload: Uint8Array): Uint8Array {
    const out = new Uint8Array(4 + payload.length)
    writeLength(out, payload.length)
    out.set(payload, 4)
    return out
  }
}

export class PaddedIntermediateCodec extends LengthPrefixedCodec {
  readonly name = 'padded-intermediate' as const
  readonly #random: RandomSource

  /** `random` supplies the padding length and bytes. */
  constructor(options: FramedCodecOptions & { random: RandomSource }) {
    super(options)
    this.#random = options.random
  }

  protected tag(): Uint8Array {
    return PADDED_TAG
  }

  protected frame(payload: Uint8Array): Uint8Array {
    // NB: a transport error code goes out unpadded, or the peer could not tell it from a packet.
    const padding = transportErrorCode(payload) === null ? this.#random(1)[0]! & 0x0f : 0
    const out = new Uint8Array(4 + payload.length + padding)
    writeLength(out, payload.length + padding)
    out.set(payload, 4)
    out.set(this.#random(padding), 4 + payload.length)
    return out
  }
}
