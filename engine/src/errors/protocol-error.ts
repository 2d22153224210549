// ProtocolError: an MTProto rule was broken on the way in (decryption, session checks, handshake,
// containers, transport frames, an undecodable result, a resend loop). Wraps the protocol layer's
// typed receive errors as they are; knows nothing about how they were detected.
import type { ContainerError, DecryptError, HandshakeError, PlainMessageError, SessionCheckError } from '../protocol/index.js'
import type { TransportDecodeError } from '../transport/index.js'
import { MtSwarmError } from './mtswarm-error.js'

/** What went wrong, as the layer that noticed it reported it (each variant has a `kind`). */
export type ProtocolErrorDetail =
  | DecryptError
  | SessionCheckError
  | HandshakeError
  | PlainMessageError
  | ContainerError
  | TransportDecodeError
  /** The answer arrived but its TL could not be read (`tlKind` from TlError). */
  | { readonly kind: 'undecodable-result'; readonly tlKind: string }
  /** bad_msg_notification for the call (https://core.telegram.org/mtproto/service_messages_about_messages). */
  | { readonly kind: 'bad-msg-notification'; readonly code: number }
  /** The call went out again too often. */
  | { readonly kind: 'too-many-resends'; readonly resends: number; readonly limit: number }

/** A protocol rule failed for this call or connection; `detail` carries expected vs received. */
export class ProtocolError extends MtSwarmError {
  readonly kind = 'protocol' as const

  constructor(
    readonly detail: ProtocolErrorDetail,
    /** The method of the affected call, when there is one. */
    readonly method?: string,
  ) {
    super(`protocol error: ${detail.kind}${method === undefined ? '' : ` (${method})`}`)
  }
}
