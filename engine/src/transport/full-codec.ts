// Full transport: per frame length (4, LE, whole frame) + seqno (4, LE, per direction from 0) +
// payload + CRC32 of everything before it. No tag. A CRC mismatch skips the frame; a seqno gap is
// reported and the count resynchronised; a length below 12 loses the framing.
// https://core.telegram.org/mtproto/mtproto-transports#full
import { crc32 } from 'node:zlib'
import { payloadEvent } from './frame.js'
import { FramedCodec } from './framed-codec.js'
import type { FrameLayout, FramedCodecOptions } from './framed-codec.js'
import type { TransportDecodeError, TransportEvent } from './frame.js'

const FULL_OVERHEAD_BYTES = 12

export class FullCodec extends FramedCodec {
  readonly name = 'full' as const
  #sendSeqno = 0
  #recvSeqno = 0

  constructor(options: FramedCodecOptions) {
    super(options)
  }

  protected tag(): null {
    return null
  }

  protected frame(payload: Uint8Array): Uint8Array {
    const total = payload.length + FULL_OVERHEAD_BYTES
    const out = new Uint8Array(total)
    const view = new DataView(out.buffer)
    view.setUint32(0, total, true)
    view.setUint32(4, this.#sendSeqno++, true)
    out.set(payload, 8)
    view.setUint32(total - 4, crc32(out.subarray(0, total - 4)), true)
    return out
  }

  protected layout(): FrameLayout | { error: TransportDecodeError } | null {
    if (this.queue.length < 8) return null
    const total = this.queue.uint32At(0)
    if (total < FULL_OVERHEAD_BYTES || total % 4 !== 0) {
      return { error: { kind: 'bad-length', expected: 'a multiple of 4, at least 12', actual: total } }
    }
    return { headerBytes: 8, payloadBytes: total - FULL_OVERHEAD_BYTES, trailerBytes: 4 }
  }

  protected override skipping(): void {
    // An oversized frame still used up its seqno.
    this.#recvSeqno = this.queue.uint32At(4) + 1
  }

  protected override finish(frame: Uint8Array, layout: FrameLayout): TransportEvent {
    const view = new DataView(frame.buffer, frame.byteOffset, frame.length)
    const expectedCrc = view.getUint32(frame.length - 4, true)
    const actualCrc = crc32(frame.subarray(0, frame.length - 4))
    if (expectedCrc !== actualCrc) {
      return { kind: 'decode-error', error: { kind: 'crc-mismatch', expected: expectedCrc, actual: actualCrc }, fatal: false }
    }
    const seqno = view.getUint32(4, true)
    const expectedSeqno = this.#recvSeqno
    this.#recvSeqno = seqno + 1
    if (seqno !== expectedSeqno) {
      return { kind: 'decode-error', error: { kind: 'seqno-mismatch', expected: expectedSeqno, actual: seqno }, fatal: false }
    }
    return payloadEvent(frame.subarray(layout.headerBytes, layout.headerBytes + layout.payloadBytes))
  }
}
