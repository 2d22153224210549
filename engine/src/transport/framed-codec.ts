// The machinery the length-prefixed codecs share: tag handling, the size cap (checked on the
// header, before any allocation), skipping oversized frames, closing on lost framing.
// Subclasses only say how a frame's header and trailer look.
import { ByteQueue } from './byte-queue.js'
import { MAX_FRAME_BYTES, payloadEvent } from './frame.js'
import type { CodecOptions, TransportCodec, TransportDecodeError, TransportEvent, TransportName, TransportSide } from './frame.js'

/** Sizes read from a frame header. */
export interface FrameLayout {
  headerBytes: number
  payloadBytes: number
  trailerBytes: number
}

/** Options of the length-prefixed codecs. */
export interface FramedCodecOptions extends CodecOptions {
  /**
   * Whether the stream starts with the codec's tag (the client sends it before its first frame,
   * the server strips and checks it). False when obfuscated2 carries the tag in its header.
   */
  tagged?: boolean
}

export abstract class FramedCodec implements TransportCodec {
  abstract readonly name: TransportName
  protected readonly queue = new ByteQueue()
  protected readonly side: TransportSide
  protected readonly maxFrameBytes: number
  #tagged: boolean
  #tagDone = false
  #discard = 0
  #closed = false

  constructor(options: FramedCodecOptions) {
    this.side = options.side
    this.maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES
    this.#tagged = options.tagged ?? true
  }

  get closed(): boolean {
    return this.#closed
  }

  /** The bytes that open the stream (null: none). */
  protected abstract tag(): Uint8Array | null
  /** Frames one payload (no tag). */
  protected abstract frame(payload: Uint8Array): Uint8Array
  /** Reads the next frame's layout from the queue front; null when more bytes are needed. */
  protected abstract layout(): FrameLayout | { error: TransportDecodeError } | null
  /** Called when an oversized frame is about to be skipped (its header is still at the queue front). */
  protected skipping(_layout: FrameLayout): void {}
  /** Turns a complete frame into an event (full transport checks crc and seqno here). */
  protected finish(frame: Uint8Array, layout: FrameLayout): TransportEvent {
    return payloadEvent(frame.subarray(layout.headerBytes, layout.headerBytes + layout.payloadBytes))
  }

  encode(payload: Uint8Array): Uint8Array {
    const body = this.frame(payload)
    const tag = this.tag()
    if (this.side === 'client' && this.#tagged && !this.#tagDone && tag !== null) {
      this.#tagDone = true
      const out = new Uint8Array(tag.length + body.length)
      out.set(tag)
      out.set(body, tag.length)
      return out
    }
    return body
  }

  push(chunk: Uint8Array): void {
    if (!this.#closed) this.queue.push(chunk)
  }

  next(): TransportEvent | null {
    if (this.#closed) return null
    if (this.#discard > 0) {
      this.#discard -= this.queue.skip(this.#discard)
      if (this.#discard > 0) return null
    }
    if (this.side === 'server' && this.#tagged && !this.#tagDone) {
      const tag = this.tag()
      if (tag !== null) {
        if (this.queue.length < tag.length) return null
        const got = this.queue.read(tag.length)
        if (!got.every((b, i) => b === tag[i])) return this.fail({ kind: 'bad-tag', expected: hex(tag), actual: hex(got) })
      }
      this.#tagDone = true
    }
    const layout = this.layout()
    if (layout === null) return null
    if ('error' in layout) return this.fail(layout.error)
    const total = layout.headerBytes + layout.payloadBytes + layout.trailerBytes
    if (layout.payloadBytes > this.maxFrameBytes) {
      // The length is known, so skip the frame without buffering it and stay in sync.
      this.skipping(layout)
      this.#discard = total - this.queue.skip(total)
      return { kind: 'decode-error', error: { kind: 'frame-too-large', expected: this.maxFrameBytes, actual: layout.payloadBytes }, fatal: false }
    }
    if (this.queue.length < total) return null
    return this.finish(this.queue.read(total), layout)
  }

  /** Closes the decoder on an error that loses the framing. */
  protected fail(error: TransportDecodeError): TransportEvent {
    this.#closed = true
    return { kind: 'decode-error', error, fatal: true }
  }
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}
