// TlWriter: TL primitives into a growable byte buffer, plus boxed-object dispatch through the
// generated name → writer map. It knows the wire format, not the schema.
// https://core.telegram.org/mtproto/serialize
import { TlError } from './errors.js'
import { writers } from './generated/writers.js'
import { BOOL_FALSE_ID, BOOL_TRUE_ID, VECTOR_ID } from './reader.js'

const encoder = new TextEncoder()
const INITIAL_BYTES = 1024
/** Longest `bytes`/`string` payload TL can frame (a 3-byte length after the 254 marker). */
export const MAX_BYTES_LENGTH = 0xffffff

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

  int32(v: number, field?: string): void {
    // NB: `(v | 0) === v` refuses 2^31, 1.5, NaN and non-numbers for the price of one compare;
    // the typeof comes first because `|` on a bigint throws a TypeError.
    if (typeof v !== 'number' || (v | 0) !== v) throw badNumber(this.pos, 'int', v, field)
    this.word(v)
  }

  /** An unsigned 32-bit word (constructor ids): an integer in [0, 2^32). */
  uint32(v: number): void {
    if (typeof v !== 'number' || v >>> 0 !== v) throw badNumber(this.pos, 'uint32', v, undefined)
    this.word(v)
  }

  /** Four little-endian bytes of a number already checked to fit 32 bits (signed or not). */
  private word(v: number): void {
    if (this.pos + 4 > this.buf.length) this.grow(4)
    const b = this.buf
    const p = this.pos
    b[p] = v
    b[p + 1] = v >> 8
    b[p + 2] = v >> 16
    b[p + 3] = v >> 24
    this.pos = p + 4
  }

  int64(v: bigint, field?: string): void {
    // NB: setBigInt64 wraps silently (2^64 is written as 0), hence the range check.
    if (typeof v !== 'bigint' || BigInt.asIntN(64, v) !== v) throw badNumber(this.pos, 'long', v, field)
    if (this.pos + 8 > this.buf.length) this.grow(8)
    this.dv.setBigInt64(this.pos, v, true)
    this.pos += 8
  }

  double(v: number, field?: string): void {
    // NaN and ±Infinity are valid IEEE bits but never a meaningful request value (a coordinate, a
    // timestamp): refused as the caller's bug rather than sent.
    if (!Number.isFinite(v)) throw badNumber(this.pos, 'double', v, field)
    if (this.pos + 8 > this.buf.length) this.grow(8)
    this.dv.setFloat64(this.pos, v, true)
    this.pos += 8
  }

  bool(v: boolean, field?: string): void {
    if (v === true) this.uint32(BOOL_TRUE_ID)
    else if (v === false) this.uint32(BOOL_FALSE_ID)
    else throw badType(this.pos, 'a boolean (Bool)', v, field)
  }

  raw(v: Uint8Array, field?: string): void {
    if (!(v instanceof Uint8Array)) throw badType(this.pos, 'a Uint8Array', v, field)
    if (this.pos + v.length > this.buf.length) this.grow(v.length)
    this.buf.set(v, this.pos)
    this.pos += v.length
  }

  int128(v: Uint8Array, field?: string): void {
    if (!(v instanceof Uint8Array) || v.length !== 16) throw badType(this.pos, 'a 16-byte Uint8Array (int128)', v, field)
    this.raw(v)
  }

  int256(v: Uint8Array, field?: string): void {
    if (!(v instanceof Uint8Array) || v.length !== 32) throw badType(this.pos, 'a 32-byte Uint8Array (int256)', v, field)
    this.raw(v)
  }

  /** Writes the length header for `len` payload bytes; returns the header size. */
  private header(len: number, field?: string): number {
    const b = this.buf
    const p = this.pos
    if (len < 254) {
      b[p] = len
      return 1
    }
    if (len > MAX_BYTES_LENGTH) {
      throw new TlError('out-of-range', `${at(field, p)}: bytes/string of ${len} bytes exceed the TL limit of ${MAX_BYTES_LENGTH}`, p, undefined, field)
    }
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

  bytes(v: Uint8Array, field?: string): void {
    if (!(v instanceof Uint8Array)) throw badType(this.pos, 'a Uint8Array (bytes)', v, field)
    const len = v.length
    if (len > MAX_BYTES_LENGTH) this.header(len, field) // throws, before growing the buffer for it
    if (this.pos + len + 8 > this.buf.length) this.grow(len + 8)
    const start = this.pos
    const h = this.header(len, field)
    this.buf.set(v, start + h)
    this.pad(start, h + len)
  }

  string(v: string, field?: string): void {
    if (typeof v !== 'string') throw badType(this.pos, 'a string', v, field)
    const n = v.length
    if (n > MAX_BYTES_LENGTH) this.header(n, field) // throws: UTF-8 is never shorter than UTF-16 units
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
      this.header(n, field)
      this.pad(start, h + n)
      return
    }
    // Non-ASCII: encode after a 4-byte header, then shift left if the short header fits.
    const { written } = encoder.encodeInto(v, b.subarray(start + 4))
    if (written < 254) {
      b.copyWithin(start + 1, start + 4, start + 4 + written)
      this.header(written, field)
      this.pad(start, 1 + written)
    } else {
      this.header(written, field)
      this.pad(start, 4 + written)
    }
  }

  /** Boxed `Vector<T>`. */
  vector<T>(items: readonly T[], writeItem: (w: TlWriter, item: T) => void, field?: string): void {
    if (!Array.isArray(items)) throw badType(this.pos, 'an array (Vector)', items, field)
    this.uint32(VECTOR_ID)
    this.int32(items.length)
    for (let i = 0; i < items.length; i++) writeItem(this, items[i]!)
  }

  /** Bare `vector<T>`. */
  bareVector<T>(items: readonly T[], writeItem: (w: TlWriter, item: T) => void, field?: string): void {
    if (!Array.isArray(items)) throw badType(this.pos, 'an array (vector)', items, field)
    this.int32(items.length)
    for (let i = 0; i < items.length; i++) writeItem(this, items[i]!)
  }

  /** A boxed object, dispatched on its `_` name. */
  object(obj: { _: string }, field?: string): void {
    const write = obj == null ? undefined : writers.get(obj._)
    if (write === undefined) {
      const what = typeof obj !== 'object' || obj === null ? `${describe(obj)}, not a TL object` : `unknown constructor name ${JSON.stringify(obj._)}`
      throw new TlError('bad-value', `${at(field, this.pos)}: cannot write ${what}`, this.pos, undefined, field)
    }
    write(this, obj)
  }
}

// ---- failures (cold: kept out of the primitives so they stay small enough to inline) ----------

const RANGES = {
  int: { type: 'number', range: 'an integer in [-2^31, 2^31-1]' },
  uint32: { type: 'number', range: 'an integer in [0, 2^32-1]' },
  long: { type: 'bigint', range: 'a bigint in [-2^63, 2^63-1]' },
  double: { type: 'number', range: 'a finite number' },
} as const

/** `constructor.field`, or the output offset when the caller named no field. */
function at(field: string | undefined, pos: number): string {
  return field ?? `output offset ${pos}`
}

/** A short, bounded rendering of a bad value (never the whole of a big one). */
function describe(v: unknown): string {
  if (typeof v === 'bigint') return v > 2n ** 70n || v < -(2n ** 70n) ? `a ${v.toString(2).length - (v < 0n ? 1 : 0)}-bit bigint` : `${v}n`
  if (typeof v === 'number') return String(v)
  if (typeof v === 'string') return `a string of ${v.length} chars`
  if (v instanceof Uint8Array) return `a Uint8Array of ${v.length} bytes`
  if (Array.isArray(v)) return `an array of ${v.length}`
  return v === null ? 'null' : typeof v
}

function badNumber(pos: number, kind: keyof typeof RANGES, v: unknown, field: string | undefined): TlError {
  const { type, range } = RANGES[kind]
  if (typeof v !== type) return badType(pos, `a ${type} (${kind})`, v, field)
  return new TlError('out-of-range', `${at(field, pos)}: ${kind} out of range: ${describe(v)} (expected ${range})`, pos, undefined, field)
}

function badType(pos: number, expected: string, v: unknown, field: string | undefined): TlError {
  // NB: a wrong type is named, never printed: a login code passed as a number must not reach a log.
  const got = typeof v === 'number' ? 'a number' : typeof v === 'bigint' ? 'a bigint' : describe(v)
  return new TlError('bad-value', `${at(field, pos)}: expected ${expected}, got ${got}`, pos, undefined, field)
}
