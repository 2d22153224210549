// Recognises the first frame a client sends on a fresh TCP connection (abridged, intermediate,
// padded intermediate, full, each optionally under obfuscated2) and the plain MTProto message in
// it. Read-only test helper: it never answers, and knows nothing about the clients.
// https://core.telegram.org/mtproto/mtproto-transports · https://core.telegram.org/mtproto/description#unencrypted-message
import { createDecipheriv } from 'node:crypto'
import { crc32 } from 'node:zlib'

export type SniffedTransport = 'abridged' | 'intermediate' | 'padded-intermediate' | 'full'

/** What the first bytes of a connection turned out to be. */
export type SniffResult =
  | {
      readonly kind: 'frame'
      readonly transport: SniffedTransport
      readonly obfuscated: boolean
      /** obfuscated2 only: the int16 at decrypted header bytes 60..61 (the DC id slot). */
      readonly obfuscatedDcField: number | null
      /** The first transport payload (for padded intermediate, still with its random padding). */
      readonly payload: Uint8Array
    }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'unrecognized'; readonly reason: string }

/** A plain (unencrypted) MTProto message: auth_key_id = 0, message_id, length, body. */
export interface PlainMessage {
  readonly authKeyId: bigint
  readonly messageId: bigint
  readonly body: Uint8Array
  /** The body's constructor id. */
  readonly constructorId: number
}

const OBFUSCATED_HEADER_BYTES = 64
const TAGS: ReadonlyArray<readonly [number, SniffedTransport]> = [
  [0xefefefef, 'abridged'],
  [0xeeeeeeee, 'intermediate'],
  [0xdddddddd, 'padded-intermediate'],
]

/** Inspects the bytes a client sent first; `incomplete` means "feed me more". */
export function sniffFirstFrame(bytes: Uint8Array): SniffResult {
  if (bytes.length < 4) return { kind: 'incomplete' }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view[0] === 0xef) return frameResult('abridged', false, null, readAbridged(view.subarray(1)))
  const first = view.readUInt32LE(0)
  for (const [tag, transport] of TAGS) {
    if (first === tag && transport !== 'abridged') {
      return frameResult(transport, false, null, readIntermediate(view.subarray(4)))
    }
  }
  if (view.length < 8) return { kind: 'incomplete' }
  // NB: obfuscated2 forbids zero in bytes 4..7, exactly so that full (seqno 0 there) stays distinct.
  if (view.readUInt32LE(4) === 0) return frameResult('full', false, null, readFull(view))
  if (view.length < OBFUSCATED_HEADER_BYTES) return { kind: 'incomplete' }
  const decipher = createDecipheriv('aes-256-ctr', view.subarray(8, 40), view.subarray(40, 56))
  const plain = decipher.update(view)
  const tag = plain.readUInt32LE(56)
  const transport = TAGS.find(([t]) => t === tag)?.[1]
  if (transport === undefined) {
    return { kind: 'unrecognized', reason: `obfuscated2 tag 0x${tag.toString(16)} is not a known transport` }
  }
  const inner = plain.subarray(OBFUSCATED_HEADER_BYTES)
  const payload = transport === 'abridged' ? readAbridged(inner) : transport === 'full' ? readFull(inner) : readIntermediate(inner)
  return frameResult(transport, true, plain.readInt16LE(60), payload)
}

/** Parses a plain MTProto message; returns null unless it is well-formed with auth_key_id 0. */
export function parsePlainMessage(payload: Uint8Array): PlainMessage | null {
  if (payload.length < 24) return null
  const view = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  const authKeyId = view.readBigUInt64LE(0)
  const length = view.readUInt32LE(16)
  if (authKeyId !== 0n || length < 4 || 20 + length > view.length) return null
  const body = payload.subarray(20, 20 + length)
  return { authKeyId, messageId: view.readBigUInt64LE(8), body, constructorId: view.readUInt32LE(20) }
}

type Payload = Uint8Array | 'incomplete' | { readonly reason: string }

function frameResult(transport: SniffedTransport, obfuscated: boolean, dcField: number | null, payload: Payload): SniffResult {
  if (payload === 'incomplete') return { kind: 'incomplete' }
  if (!(payload instanceof Uint8Array)) return { kind: 'unrecognized', reason: `${transport}: ${payload.reason}` }
  return { kind: 'frame', transport, obfuscated, obfuscatedDcField: dcField, payload }
}

function readAbridged(bytes: Buffer): Payload {
  if (bytes.length < 1) return 'incomplete'
  const short = bytes[0] ?? 0
  const header = short < 0x7f ? 1 : 4
  if (bytes.length < header) return 'incomplete'
  const length = (short < 0x7f ? short : bytes.readUIntLE(1, 3)) * 4
  if (bytes.length < header + length) return 'incomplete'
  return bytes.subarray(header, header + length)
}

function readIntermediate(bytes: Buffer): Payload {
  if (bytes.length < 4) return 'incomplete'
  const length = bytes.readUInt32LE(0)
  if (bytes.length < 4 + length) return 'incomplete'
  return bytes.subarray(4, 4 + length)
}

function readFull(bytes: Buffer): Payload {
  if (bytes.length < 4) return 'incomplete'
  const length = bytes.readUInt32LE(0)
  if (length < 12) return { reason: `length ${length} is below the 12-byte minimum` }
  if (bytes.length < length) return 'incomplete'
  const seqno = bytes.readUInt32LE(4)
  if (seqno !== 0) return { reason: `first seqno is ${seqno}, not 0` }
  const expected = bytes.readUInt32LE(length - 4)
  const actual = crc32(bytes.subarray(0, length - 4))
  if (expected !== actual) return { reason: `crc32 0x${actual.toString(16)} != 0x${expected.toString(16)}` }
  return bytes.subarray(8, length - 4)
}
