// Picks a fresh client-side codec by transport name (codecs are stateful: one per socket).
// Knows nothing of sockets or MTProto; randomness (padding, obfuscation header) is passed in.
import type { RandomSource } from '../crypto/bytes.js'
import type { TransportCodec } from './frame.js'
import { FullCodec } from './full-codec.js'
import { AbridgedCodec } from './abridged-codec.js'
import { IntermediateCodec, PaddedIntermediateCodec } from './intermediate-codec.js'
import { Obfuscated2ClientCodec, type Obfuscated2Inner } from './obfuscated2-codec.js'

/** Every client transport by name; obfuscated2 names its inner codec. */
export type ClientTransportName =
  | 'abridged'
  | 'intermediate'
  | 'padded-intermediate'
  | 'full'
  | `obfuscated2/${Obfuscated2Inner}`

/** Every {@link ClientTransportName}, in order of preference for a censored network last. */
export const CLIENT_TRANSPORTS: readonly ClientTransportName[] = [
  'intermediate',
  'abridged',
  'padded-intermediate',
  'full',
  'obfuscated2/intermediate',
  'obfuscated2/abridged',
  'obfuscated2/padded-intermediate',
]

/**
 * A new client codec for `name`. `dcId` goes into the obfuscated2 header (ignored otherwise);
 * `random` supplies padding and the obfuscated2 header.
 */
export function createClientCodec(name: ClientTransportName, options: { dcId: number; random: RandomSource }): TransportCodec {
  switch (name) {
    case 'abridged':
      return new AbridgedCodec({ side: 'client' })
    case 'intermediate':
      return new IntermediateCodec({ side: 'client' })
    case 'padded-intermediate':
      return new PaddedIntermediateCodec({ side: 'client', random: options.random })
    case 'full':
      return new FullCodec({ side: 'client' })
    default:
      return new Obfuscated2ClientCodec({
        inner: name.slice('obfuscated2/'.length) as Obfuscated2Inner,
        dcId: options.dcId,
        random: options.random,
      })
  }
}
