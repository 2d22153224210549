// Unencrypted MTProto messages (auth_key_id = 0), used only by the auth key handshake: framing
// and checked parsing. Knows nothing of TL or transports; the body is opaque bytes.
// https://core.telegram.org/mtproto/description#unencrypted-message
import { isClientMsgId, isServerMsgId } from './message-id.js'
import { err, ok, type Result } from './result.js'

/** auth_key_id (8) + msg_id (8) + message_data_length (4). */
export const PLAIN_HEADER_BYTES = 20
/** Transports such as padded intermediate may append up to 15 random bytes after the message. */
export const MAX_TRANSPORT_PADDING_BYTES = 15

/** A decoded unencrypted message. */
export interface PlainMessage {
  readonly msgId: bigint
  readonly body: Uint8Array
}

/** Why an unencrypted message was refused. */
export type PlainMessageError =
  | { readonly kind: 'too-short'; readonly expected: number; readonly received: number }
  | { readonly kind: 'auth-key-id-not-zero'; readonly expected: 0n; readonly received: bigint }
  | { readonly kind: 'bad-length'; readonly expected: string; readonly received: number }
  | { readonly kind: 'msg-id-parity'; readonly expected: 'client' | 'server'; readonly received: bigint }

/** Frames `body` as an unencrypted message. */
export function encodePlainMessage(msgId: bigint, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(PLAIN_HEADER_BYTES + body.length)
  const view = new DataView(out.buffer)
  // auth_key_id stays 0
  view.setBigInt64(8, BigInt.asIntN(64, msgId), true)
  view.setInt32(16, body.length, true)
  out.set(body, PLAIN_HEADER_BYTES)
  return out
}

/**
 * Parses an unencrypted message. With `sender`, also checks msg_id parity: a server's ids are
 * odd, a client's divisible by 4.
 */
export function decodePlainMessage(
  packet: Uint8Array,
  sender?: 'client' | 'server',
): Result<PlainMessage, PlainMessageError> {
  if (packet.length < PLAIN_HEADER_BYTES) {
    return err({ kind: 'too-short', expected: PLAIN_HEADER_BYTES, received: packet.length })
  }
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength)
  const authKeyId = view.getBigInt64(0, true)
  if (authKeyId !== 0n) return err({ kind: 'auth-key-id-not-zero', expected: 0n, received: authKeyId })
  const msgId = view.getBigInt64(8, true)
  const length = view.getInt32(16, true)
  const room = packet.length - PLAIN_HEADER_BYTES
  if (length < 0 || length % 4 !== 0 || length > room || room - length > MAX_TRANSPORT_PADDING_BYTES) {
    return err({
      kind: 'bad-length',
      expected: `a multiple of 4 in [${Math.max(0, room - MAX_TRANSPORT_PADDING_BYTES)}, ${room}]`,
      received: length,
    })
  }
  if (sender === 'server' && !isServerMsgId(msgId)) return err({ kind: 'msg-id-parity', expected: 'server', received: msgId })
  if (sender === 'client' && !isClientMsgId(msgId)) return err({ kind: 'msg-id-parity', expected: 'client', received: msgId })
  return ok({ msgId, body: packet.slice(PLAIN_HEADER_BYTES, PLAIN_HEADER_BYTES + length) })
}
