// Padded intermediate appends 0..15 random bytes to every packet and hands them to the receiver
// with the payload; only MTProto framing tells where the packet ends. An encrypted packet is
// auth_key_id (8) + msg_key (16) + whole 16-byte blocks, so the tail past the last whole block is
// padding. Plain (handshake) messages carry their length and already ignore up to 15 bytes after it.
// https://core.telegram.org/mtproto/mtproto-transports#padded-intermediate
import { OUTER_HEADER_BYTES } from './encrypted-message.js'

/** `packet` without the transport padding after its last whole cipher block (plain packets as they are). */
export function trimTransportPadding(packet: Uint8Array): Uint8Array {
  if (packet.length <= OUTER_HEADER_BYTES) return packet
  let plain = true
  for (let i = 0; i < 8; i++) if (packet[i] !== 0) plain = false
  if (plain) return packet
  const end = OUTER_HEADER_BYTES + ((packet.length - OUTER_HEADER_BYTES) & ~15)
  return end === packet.length ? packet : packet.subarray(0, end)
}

/** Whether a transport (by name; obfuscated2 names its inner one) pads packets. */
export function transportPads(name: string): boolean {
  return name === 'padded-intermediate' || name === 'obfuscated2/padded-intermediate'
}
