// GramJS and Telethon `StringSession` strings, read into SessionData. Facts of their layouts (from
// their documentation and sources, not their code): both are the version character '1' followed
// by base64 of big-endian fields, and neither carries a user id.
// - Telethon: dc_id:u8, the IP packed (4 bytes IPv4 or 16 bytes IPv6), port:u16, auth_key:256 —
//   struct '>B{4|16}sH256s', URL-safe base64.
// - GramJS: dc_id:u8, address length:int16, the address as text, port:int16, auth_key:256 —
//   standard base64. (GramJS reads a 352-character string as Telethon's IPv4 layout.)
import { badSession, sessionData, SESSION_AUTH_KEY_BYTES, type SessionData } from './session-data.js'

/** The version character both libraries put first. */
const FOREIGN_VERSION = '1'
/** Either base64 alphabet, padded or not. */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/
const TELETHON_V4_BYTES = 1 + 4 + 2 + SESSION_AUTH_KEY_BYTES
const TELETHON_V6_BYTES = 1 + 16 + 2 + SESSION_AUTH_KEY_BYTES
/** A GramJS string with an address of n characters has GRAMJS_FIXED_BYTES + n bytes. */
const GRAMJS_FIXED_BYTES = 1 + 2 + 2 + SESSION_AUTH_KEY_BYTES

/** True when `text` has the shape of a GramJS or Telethon string (version '1', then base64). */
export function looksForeign(text: string): boolean {
  return text.startsWith(FOREIGN_VERSION) && BASE64.test(text.slice(1))
}

/**
 * Reads a GramJS or Telethon `StringSession` string. The layout is told apart by its structure: a
 * GramJS string's address length field must account for every byte and name an address; what
 * does not fit is tried as Telethon's fixed layouts. Throws UsageError 'bad-argument' (field
 * 'session') when neither fits.
 */
export function readForeignSession(text: string): SessionData {
  if (!looksForeign(text)) throw badSession("not a GramJS or Telethon string session (the version '1' then base64)")
  const bytes = Buffer.from(text.slice(1).replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  const gramjs = readGramjs(bytes)
  if (gramjs !== null) return gramjs
  if (bytes.length === TELETHON_V4_BYTES || bytes.length === TELETHON_V6_BYTES) return readTelethon(bytes)
  throw badSession(`a string session of ${bytes.length} bytes fits neither GramJS's layout nor Telethon's (${TELETHON_V4_BYTES} or ${TELETHON_V6_BYTES})`)
}

/** GramJS's layout, or null when the length field does not account for the bytes exactly. */
function readGramjs(bytes: Buffer): SessionData | null {
  if (bytes.length < GRAMJS_FIXED_BYTES + 1) return null
  const addressLength = bytes.readUInt16BE(1)
  if (bytes.length !== GRAMJS_FIXED_BYTES + addressLength) return null
  const address = bytes.subarray(3, 3 + addressLength)
  // NB: an address is printable ASCII; a Telethon IPv6 string whose length happens to fit lands here.
  if (!address.every((b) => b > 0x20 && b < 0x7f)) return null
  const at = 3 + addressLength
  return sessionData({
    format: 'gramjs',
    dcId: bytes[0],
    host: address.toString('latin1'),
    port: bytes.readUInt16BE(at),
    authKey: bytes.subarray(at + 2),
  })
}

function readTelethon(bytes: Buffer): SessionData {
  const ipBytes = bytes.length === TELETHON_V4_BYTES ? 4 : 16
  const ip = bytes.subarray(1, 1 + ipBytes)
  return sessionData({
    format: 'telethon',
    dcId: bytes[0],
    host: ipBytes === 4 ? [...ip].join('.') : ipv6Text(ip),
    port: bytes.readUInt16BE(1 + ipBytes),
    authKey: bytes.subarray(3 + ipBytes),
  })
}

/** 16 bytes as a full (uncompressed) IPv6 text form; node:net accepts it as written. */
function ipv6Text(ip: Uint8Array): string {
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((ip[i]! << 8) | ip[i + 1]!).toString(16))
  return groups.join(':')
}
