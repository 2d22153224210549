// Server side: tells which transport a client speaks from its first bytes, and builds the
// matching server codec. Knows nothing about sockets.
// https://core.telegram.org/mtproto/mtproto-transports
import type { RandomSource } from '../crypto/bytes.js'
import { AbridgedCodec } from './abridged-codec.js'
import { MAX_FRAME_BYTES } from './frame.js'
import type { TransportCodec, TransportName } from './frame.js'
import { FullCodec } from './full-codec.js'
import { IntermediateCodec, PaddedIntermediateCodec } from './intermediate-codec.js'
import { Obfuscated2ServerCodec } from './obfuscated2-codec.js'

/** Result of looking at a connection's first bytes. */
export type DetectResult = { kind: 'detected'; transport: TransportName } | { kind: 'need-more'; atLeast: number }

/**
 * 0xef → abridged; 0xeeeeeeee → intermediate; 0xdddddddd → padded intermediate; a sane full-frame
 * length (12..max+12, multiple of 4) followed by seqno 0 → full; anything else → obfuscated2
 * (whose header may not start like any of these and has a non-zero second word).
 */
export function detectTransport(firstBytes: Uint8Array, maxFrameBytes = MAX_FRAME_BYTES): DetectResult {
  if (firstBytes.length < 1) return { kind: 'need-more', atLeast: 1 }
  if (firstBytes[0] === 0xef) return { kind: 'detected', transport: 'abridged' }
  if (firstBytes.length < 4) return { kind: 'need-more', atLeast: 4 }
  const w0 = (firstBytes[0]! | (firstBytes[1]! << 8) | (firstBytes[2]! << 16) | (firstBytes[3]! << 24)) >>> 0
  if (w0 === 0xeeeeeeee) return { kind: 'detected', transport: 'intermediate' }
  if (w0 === 0xdddddddd) return { kind: 'detected', transport: 'padded-intermediate' }
  if (firstBytes.length < 8) return { kind: 'need-more', atLeast: 8 }
  const w1 = (firstBytes[4]! | (firstBytes[5]! << 8) | (firstBytes[6]! << 16) | (firstBytes[7]! << 24)) >>> 0
  if (w1 === 0 && w0 >= 12 && w0 % 4 === 0 && w0 <= maxFrameBytes + 12) return { kind: 'detected', transport: 'full' }
  return { kind: 'detected', transport: 'obfuscated2' }
}

/**
 * The server codec for a detected transport. Feed it every byte from the start of the connection
 * (the tag or header included). `random` is used for padded intermediate's outgoing padding.
 */
export function createServerCodec(transport: TransportName, options: { random: RandomSource; maxFrameBytes?: number }): TransportCodec {
  const base = { side: 'server' as const, ...(options.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}) }
  switch (transport) {
    case 'abridged':
      return new AbridgedCodec(base)
    case 'intermediate':
      return new IntermediateCodec(base)
    case 'padded-intermediate':
      return new PaddedIntermediateCodec({ ...base, random: options.random })
    case 'full':
      return new FullCodec(base)
    case 'obfuscated2':
      return new Obfuscated2ServerCodec({ ...base, random: options.random })
  }
}
