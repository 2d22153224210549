// TlWriter: TL primitives into a growable byte buffer, plus boxed-object dispatch through the
// generated name → writer map. It knows the wire format, not the schema.
// https://core.telegram.org/mtproto/serialize
import { TlError } from './errors.js'
import { writers } from './generated/writers.js'
import { BOOL_FALSE_ID, BOOL_TRUE_ID, VECTOR_ID } from './reader.js'

const encoder = new TextEncoder()
const INITIAL_BYTES = 1024

/** Writes TL values into a buffer that doubles when full. */
export class TlWriter {
  buf: Uint8Array
  pos = 0
  private dv: DataView

  constructor(initialBytes = INITIAL_BYTES) {
    this.buf = new Uint8Array(initialBytes)
    this.dv = new DataView(this.buf.buffer)
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n)
  }

  private grow(n: number): void {
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
    this.dv = new DataView(next.buffer)
  }

  /** Forgets what was written; keeps the buffer. */
  reset(): void {
    this.pos = 0
  }

  /** A copy of the bytes written so far. */
  result(): Uint8Array {
    return this.buf.slice(0, this.pos)
  }

  private bad(what: string, v: unknown): TlError {
    return new TlError('bad-value', `expected ${what}, got ${typeof v} at output offset ${this.pos}`, this.pos)
  }

  int32(v: number): void {
    if (typeof v !== 'number') throw this.bad('number (int)', v)
    if (this.pos + 4 > this.buf.length) this.grow(4)
    const b = this.buf
    const p = this.pos
    b[p] = v
    b[p + 1] = v >> 8
    b[p + 2] = v >> 16
    b[p + 3] = v >> 24
    this.pos = p + 4
  }

  uint32(v: number): void {
    this.int32(v)
  }

  int64(v: bigint): void {
    if (typeof v !== 'bigint') throw this.bad('bigint (long)', v)
    if (this.pos + 8 > this.buf.length) this.grow(8)
    this.dv.setBigInt64(this.pos, v, true)
    this.pos += 8
  }

  double(v: number): void {
    if (typeof v !== 'number') throw this.bad('number (double)', v)
    if (this.pos + 8 > this.buf.length) this.grow(8)
    this.dv.setFloat64(this.pos, v, true)
    this.pos += 8
  }

  bool(v: boolean): void {
    this.int32(v ? BOOL_TRUE_ID : BOOL_FALSE_ID)
  }

  raw(v: Uint8Array): void {
    if (!(v instanceof Uint8Array)) throw this.bad('Uint8Array', v)
    if (this.pos + v.length > this.buf.length) this.grow(v.length)
    this.buf.set(v, this.pos)
    this.pos += v.length
  }

  int128(v: Uint8Array): void {
    if (!(v instanceof Uint8Array) || v.length !== 16) throw this.bad('16-byte Uint8Array (int128)', v)
    this.raw(v)
  }

  int256(v: Uint8Array): void {
    if (!(v instanceof Uint8Array) || v.length !== 32) throw this.bad('32-byte Uint8Array (int256)', v)
    this.raw(v)
  }

  /** Writes the length header for `len` payload bytes; returns the header size. */
  private header(len: number): number {
    const b = this.buf
    const p = this.pos
    if (len < 254) {
      b[p] = len
      return 1
    }
    if (len > 0xffffff) throw new TlError('bad-value', `bytes too long: ${len}`, p)
    b[p] = 254
    b[p + 1] = len
    b[p + 2] = len >> 8
    b[p + 3] = len >> 16
    return 4
  }

  /** Zero padding after a header + payload of `used` bytes starting at `start`. */
  private pad(start: number, used: number): void {
    const b = this.buf
    let p = start + used
    const end = start + ((used + 3) & ~3)
    while (p < end) b[p++] = 0
    this.pos = end
  }

  bytes(v: Uint8Array): void {
    if (!(v instanceof Uint8Array)) throw this.bad('Uint8Array (bytes)', v)
    const len = v.length
    if (this.pos + len + 8 > this.buf.length) this.grow(len + 8)
    const start = this.pos
    const h = this.header(len)
    this.buf.set(v, start + h)
    this.pad(start, h + len)
  }

  string(v: string): void {
    if (typeof v !== 'string') throw this.bad('string', v)
    const n = v.length
    // Worst case UTF-8 is 3 bytes per UTF-16 unit, plus a 4-byte header and 3 bytes of padding.
    if (this.pos + n * 3 + 8 > this.buf.length) this.grow(n * 3 + 8)
    const start = this.pos
    const b = this.buf
    const h = n < 254 ? 1 : 4
    let i = 0
    for (let p = start + h; i < n; i++, p++) {
      const c = v.charCodeAt(i)
      if (c > 0x7f) break
      b[p] = c
    }
    if (i === n) {
      this.header(n)
      this.pad(start, h + n)
      return
    }
    // Non-ASCII: encode after a 4-byte header, then shift left if the short header fits.
    const { written } = encoder.encodeInto(v, b.subarray(start + 4))
    if (written < 254) {
      b.copyWithin(start + 1, start + 4, start + 4 + written)
      this.header(written)
      this.pad(start, 1 + written)
    } else {
      this.header(written)
      this.pad(start, 4 + written)
    }
  }

  /** Boxed `Vector<T>`. */
  vector<T>(items: readonly T[], writeItem: (w: TlWriter, item: T) => void): void {
    if (!Array.isArray(items)) throw this.bad('array (Vector)', items)
    this.int32(VECTOR_ID)
    this.int32(items.length)
    for (let i = 0; i < items.length; i++) writeItem(this, items[i]!)
  }

  /** Bare `vector<T>`. */
  bareVector<T>(items: readonly T[], writeItem: (w: TlWriter, item: T) => void): void {
    if (!Array.isArray(items)) throw this.bad('array (vector)', items)
    this.int32(items.length)
    for (let i = 0; i < items.length; i++) writeItem(this, items[i]!)
  }

  /** A boxed object, dispatched on its `_` name. */
  object(obj: { _: string }): void {
    const write = obj == null ? undefined : writers.get(obj._)
    if (write === undefined) {
      throw new TlError(
        'bad-value',
        `cannot write ${obj == null ? String(obj) : `unknown constructor name ${JSON.stringify(obj._)}`}`,
        this.pos,
      )
    }
    write(this, obj)
  }
}
