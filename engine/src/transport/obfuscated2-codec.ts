// Obfuscated2: a random 64-byte header (protocol tag at 56, DC id int16 at 60) sets up one
// AES-256-CTR stream per direction (key/iv from header[8:56] and from its reverse); everything
// after is the inner codec's bytes, encrypted. Owns the header and the streams; the framing is the
// inner codec's (abridged, intermediate or padded intermediate, without their own tags).
// https://core.telegram.org/mtproto/mtproto-transports#transport-obfuscation
import { AesCtr } from '../crypto/aes-ctr.js'
import type { RandomSource } from '../crypto/bytes.js'
import { AbridgedCodec } from './abridged-codec.js'
import { IntermediateCodec, PaddedIntermediateCodec } from './intermediate-codec.js'
import type { CodecOptions, TransportCodec, TransportDecodeError, TransportEvent } from './frame.js'

export const OBFUSCATED2_HEADER_BYTES = 64

/** The codecs obfuscated2 can carry and their tags (bytes 56..59 of the header). */
export type Obfuscated2Inner = 'abridged' | 'intermediate' | 'padded-intermediate'
const TAGS: Record<Obfuscated2Inner, number> = { abridged: 0xefefefef, intermediate: 0xeeeeeeee, 'padded-intermediate': 0xdddddddd }

// First words a header must not start with: they would read as HTTP, another transport's tag or TLS.
const FORBIDDEN_FIRST_WORDS = new Set([0x44414548, 0x54534f50, 0x20544547, 0x4954504f, 0xdddddddd, 0xeeeeeeee, 0x02010316])
const MAX_HEADER_TRIES = 1000

function u32le(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0
}

/** True when a candidate header's first bytes cannot be mistaken for something else. */
export function isValidObfuscated2Header(h: Uint8Array): boolean {
  return h[0] !== 0xef && !FORBIDDEN_FIRST_WORDS.has(u32le(h, 0)) && u32le(h, 4) !== 0
}

/** Encrypt/decrypt key material, as seen by the side that wrote the header (the client). */
function streams(header: Uint8Array): { forward: AesCtr; backward: AesCtr } {
  const reversed = header.slice(8, 56).reverse()
  return {
    forward: new AesCtr(header.subarray(8, 40), header.subarray(40, 56)),
    backward: new AesCtr(reversed.subarray(0, 32), reversed.subarray(32, 48)),
  }
}

function innerCodec(inner: Obfuscated2Inner, options: CodecOptions, random: RandomSource | undefined): TransportCodec {
  const base = { ...options, tagged: false }
  if (inner === 'abridged') return new AbridgedCodec(base)
  if (inner === 'intermediate') return new IntermediateCodec(base)
  if (random === undefined) throw new TypeError('padded intermediate needs a random source')
  return new PaddedIntermediateCodec({ ...base, random })
}

/** Client side: builds the header from `random` and encrypts both directions. */
export class Obfuscated2ClientCodec implements TransportCodec {
  readonly name = 'obfuscated2' as const
  /** The plaintext header (for tests and logging; never sent as is). */
  readonly header: Uint8Array
  readonly #inner: TransportCodec
  readonly #encrypt: AesCtr
  readonly #decrypt: AesCtr
  #pendingHeader: Uint8Array | null

  constructor(options: Omit<CodecOptions, 'side'> & { inner: Obfuscated2Inner; dcId: number; random: RandomSource }) {
    let header: Uint8Array | null = null
    for (let i = 0; i < MAX_HEADER_TRIES && header === null; i++) {
      const candidate = options.random(OBFUSCATED2_HEADER_BYTES)
      if (isValidObfuscated2Header(candidate)) header = candidate.slice()
    }
    if (header === null) throw new Error('obfuscated2: the random source never produced a valid header')
    const view = new DataView(header.buffer)
    view.setUint32(56, TAGS[options.inner], true)
    view.setInt16(60, options.dcId, true)
    this.header = header
    const { forward, backward } = streams(header)
    this.#encrypt = forward
    this.#decrypt = backward
    const encrypted = this.#encrypt.process(header)
    const sent = header.slice()
    sent.set(encrypted.subarray(56, 64), 56)
    this.#pendingHeader = sent
    this.#inner = innerCodec(options.inner, { side: 'client', ...(options.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}) }, options.random)
  }

  get closed(): boolean {
    return this.#inner.closed
  }

  encode(payload: Uint8Array): Uint8Array {
    const body = this.#encrypt.process(this.#inner.encode(payload))
    const header = this.#pendingHeader
    if (header === null) return body
    this.#pendingHeader = null
    const out = new Uint8Array(header.length + body.length)
    out.set(header)
    out.set(body, header.length)
    return out
  }

  push(chunk: Uint8Array): void {
    if (chunk.length > 0) this.#inner.push(this.#decrypt.process(chunk))
  }

  next(): TransportEvent | null {
    return this.#inner.next()
  }
}

/** Server side: reads the client's header, learns the inner codec and DC id, then relays. */
export class Obfuscated2ServerCodec implements TransportCodec {
  readonly name = 'obfuscated2' as const
  readonly #options: CodecOptions
  readonly #random: RandomSource | undefined
  #headerBytes: Uint8Array[] = []
  #headerLength = 0
  #inner: TransportCodec | null = null
  #encrypt: AesCtr | null = null
  #decrypt: AesCtr | null = null
  #error: TransportDecodeError | null = null
  #closed = false
  /** The DC id from the header, once known. */
  dcId: number | null = null
  /** The inner codec named in the header, once known. */
  innerName: Obfuscated2Inner | null = null

  /** `random` is needed only if the client picks padded intermediate (for outgoing padding). */
  constructor(options: Omit<CodecOptions, 'side'> & { random?: RandomSource }) {
    this.#options = { side: 'server', ...(options.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}) }
    this.#random = options.random
  }

  get closed(): boolean {
    return this.#closed || (this.#inner?.closed ?? false)
  }

  encode(payload: Uint8Array): Uint8Array {
    if (this.#inner === null || this.#encrypt === null) throw new Error('obfuscated2: cannot send before the client header arrived')
    return this.#encrypt.process(this.#inner.encode(payload))
  }

  push(chunk: Uint8Array): void {
    if (this.#closed || chunk.length === 0) return
    if (this.#inner !== null && this.#decrypt !== null) {
      this.#inner.push(this.#decrypt.process(chunk))
      return
    }
    this.#headerBytes.push(chunk)
    this.#headerLength += chunk.length
    if (this.#headerLength < OBFUSCATED2_HEADER_BYTES) return
    const all = new Uint8Array(this.#headerLength)
    let o = 0
    for (const c of this.#headerBytes) {
      all.set(c, o)
      o += c.length
    }
    this.#headerBytes = []
    const header = all.subarray(0, OBFUSCATED2_HEADER_BYTES)
    const { forward, backward } = streams(header)
    const plain = forward.process(header)
    const tag = u32le(plain, 56)
    const inner = (Object.keys(TAGS) as Obfuscated2Inner[]).find((k) => TAGS[k] === tag)
    if (inner === undefined) {
      this.#closed = true
      this.#error = { kind: 'bad-tag', expected: 'efefefef, eeeeeeee or dddddddd', actual: tag.toString(16).padStart(8, '0') }
      return
    }
    this.innerName = inner
    this.dcId = new DataView(plain.buffer, plain.byteOffset).getInt16(60, true)
    this.#decrypt = forward
    this.#encrypt = backward
    this.#inner = innerCodec(inner, this.#options, this.#random)
    const rest = all.subarray(OBFUSCATED2_HEADER_BYTES)
    if (rest.length > 0) this.#inner.push(this.#decrypt.process(rest))
  }

  next(): TransportEvent | null {
    if (this.#error !== null) {
      const error = this.#error
      this.#error = null
      return { kind: 'decode-error', error, fatal: true }
    }
    return this.#inner?.next() ?? null
  }
}
