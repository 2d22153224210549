// What a transport decoder hands upward: MTProto packets, transport error codes and typed decode
// errors; plus the size cap every decoder enforces. Knows nothing about MTProto message contents.
// https://core.telegram.org/mtproto/mtproto-transports

/** Largest frame payload a decoder accepts before allocating (1 MiB messages + 64 KiB slack). */
export const MAX_FRAME_BYTES = 1024 * 1024 + 64 * 1024

/** Something a decoder produced. */
export type TransportEvent =
  | { kind: 'packet'; payload: Uint8Array }
  /** A 4-byte payload holding a negative int32: -404 (no auth key), -429 (flood), -444 (bad DC) … */
  | { kind: 'transport-error'; code: number }
  | { kind: 'decode-error'; error: TransportDecodeError; fatal: boolean }

/** Why a decoder refused part of the stream. Fatal ones leave it closed (framing is lost). */
export type TransportDecodeError =
  | { kind: 'frame-too-large'; expected: number; actual: number }
  | { kind: 'bad-length'; expected: string; actual: number }
  | { kind: 'crc-mismatch'; expected: number; actual: number }
  | { kind: 'seqno-mismatch'; expected: number; actual: number }
  | { kind: 'bad-tag'; expected: string; actual: string }

/** The names of the codecs, as detectTransport reports them. */
export type TransportName = 'abridged' | 'intermediate' | 'padded-intermediate' | 'full' | 'obfuscated2'

/** Which end of the connection a codec serves (the client sends tags/headers; the server expects them). */
export type TransportSide = 'client' | 'server'

/** Options every codec takes. */
export interface CodecOptions {
  side: TransportSide
  /** Cap on one frame's payload; defaults to MAX_FRAME_BYTES. */
  maxFrameBytes?: number
}

/** A streaming codec: frames outgoing payloads, unframes incoming bytes fed in any chunking. */
export interface TransportCodec {
  readonly name: TransportName
  /** Frames one payload (the client's first call also carries the transport tag or header). */
  encode(payload: Uint8Array): Uint8Array
  /** Feeds received bytes. */
  push(chunk: Uint8Array): void
  /** The next event, or null when more bytes are needed (or the decoder is closed). */
  next(): TransportEvent | null
  /** True after a fatal decode error: the stream can no longer be framed. */
  readonly closed: boolean
}

/** A 4-byte payload that reads as a negative little-endian int32 is a transport error code. */
export function transportErrorCode(payload: Uint8Array): number | null {
  if (payload.length !== 4) return null
  const v = (payload[0]! | (payload[1]! << 8) | (payload[2]! << 16) | (payload[3]! << 24)) | 0
  return v < 0 ? v : null
}

/** Wraps a payload as the event it stands for. */
export function payloadEvent(payload: Uint8Array): TransportEvent {
  const code = transportErrorCode(payload)
  return code === null ? { kind: 'packet', payload } : { kind: 'transport-error', code }
}
