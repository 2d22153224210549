// Picks the client-side transport codec for a new socket. Knows nothing of sockets or MTProto.
import type { RandomSource } from '../crypto/index.js'
import {
  AbridgedCodec,
  FullCodec,
  IntermediateCodec,
  PaddedIntermediateCodec,
  type TransportCodec,
} from '../transport/index.js'
import type { RuntimeTransport } from './options.js'

/** A fresh codec (codecs are stateful: one per socket). */
export function createTransportCodec(name: RuntimeTransport, random: RandomSource): TransportCodec {
  switch (name) {
    case 'abridged':
      return new AbridgedCodec({ side: 'client' })
    case 'intermediate':
      return new IntermediateCodec({ side: 'client' })
    case 'padded-intermediate':
      return new PaddedIntermediateCodec({ side: 'client', random })
    case 'full':
      return new FullCodec({ side: 'client' })
  }
}
