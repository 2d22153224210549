// TlReader: bounds-checked reading of TL primitives from a Uint8Array, plus boxed-object dispatch
// through the generated id → reader map. It knows the wire format, not the schema.
// https://core.telegram.org/mtproto/serialize
import { Buffer } from 'node:buffer'
import { gunzipSync } from 'node:zlib'
import { TlError, hexId } from './errors.js'
import { readers } from './generated/readers.js'
import { IdTable } from './id-table.js'

/** `vector#1cb5c415 {t:Type} # [ t ] = Vector t;` */
export const VECTOR_ID = 0x1cb5c415
/** `gzip_packed#3072cfa1 packed_data:bytes = Object;` */
export const GZIP_PACKED_ID = 0x3072cfa1
/** `boolTrue#997275b5 = Bool;` */
export const BOOL_TRUE_ID = 0x997275b5
/** `boolFalse#bc799737 = Bool;` */
export const BOOL_FALSE_ID = 0xbc799737

/**
 * Inflation allowed to one message, summed over every gzip_packed in it (nested ones and the
 * rpc_result read later included, when they share one {@link InflateBudget}): a zip bomb guard.
 * NB: a cap per gzip_packed alone is not one: ~2 KB of nested or repeated gzip_packed on the wire
 * inflated to 1 GiB of strings and V8 aborted. The size is a trade: a message is at most 1 MiB on
 * the wire and TL compresses 3–5×, so 8 MiB holds the biggest real answers, while inflating and
 * decoding costs ~2–3 ms per MiB on the event loop (the hostile suite's container of 40 packed
 * 1 MiB updates: ~20 ms at 8 MiB; 50–130 ms at 16 MiB before an overflow spent the allowance).
 */
export const MAX_GZIP_INFLATED_BYTES = 8 * 1024 * 1024
/**
 * gzip_packed inside an inflated payload, this many levels deep, is refused. One level is what
 * servers send (a packed result or update); two allow a packed object in a packed message.
 */
export const MAX_GZIP_DEPTH = 2

/** What is left of one message's inflation allowance; readers of that message share it. */
export interface InflateBudget {
  bytesLeft: number
}

/** A fresh allowance of {@link MAX_GZIP_INFLATED_BYTES} for one message. */
export function newInflateBudget(bytes = MAX_GZIP_INFLATED_BYTES): InflateBudget {
  return { bytesLeft: bytes }
}

/**
 * ASCII strings up to this many bytes are built in JS; longer ones by Node's native decoder. Below
 * 13 characters V8 copies on concatenation (no cons strings), and a native call costs ~50 ns.
 */
const SHORT_STRING_BYTES = 12

const fcc = String.fromCharCode

/** Up to 8 ASCII bytes as a string in one fromCharCode call; undefined if any byte is >= 0x80. */
function ascii8(b: Uint8Array, p: number, len: number): string | undefined {
  switch (len) {
    case 0:
      return ''
    case 1: {
      const c0 = b[p]!
      return c0 < 0x80 ? fcc(c0) : undefined
    }
    case 2: {
      const c0 = b[p]!, c1 = b[p + 1]!
      return (c0 | c1) < 0x80 ? fcc(c0, c1) : undefined
    }
    case 3: {
      const c0 = b[p]!, c1 = b[p + 1]!, c2 = b[p + 2]!
      return (c0 | c1 | c2) < 0x80 ? fcc(c0, c1, c2) : undefined
    }
    case 4: {
      const c0 = b[p]!, c1 = b[p + 1]!, c2 = b[p + 2]!, c3 = b[p + 3]!
      return (c0 | c1 | c2 | c3) < 0x80 ? fcc(c0, c1, c2, c3) : undefined
    }
    case 5: {
      const c0 = b[p]!, c1 = b[p + 1]!, c2 = b[p + 2]!, c3 = b[p + 3]!, c4 = b[p + 4]!
      return (c0 | c1 | c2 | c3 | c4) < 0x80 ? fcc(c0, c1, c2, c3, c4) : undefined
    }
    case 6: {
      const c0 = b[p]!, c1 = b[p + 1]!, c2 = b[p + 2]!, c3 = b[p + 3]!, c4 = b[p + 4]!, c5 = b[p + 5]!
      return (c0 | c1 | c2 | c3 | c4 | c5) < 0x80 ? fcc(c0, c1, c2, c3, c4, c5) : undefined
    }
    case 7: {
      const c0 = b[p]!, c1 = b[p + 1]!, c2 = b[p + 2]!, c3 = b[p + 3]!, c4 = b[p + 4]!, c5 = b[p + 5]!
      const c6 = b[p + 6]!
      return (c0 | c1 | c2 | c3 | c4 | c5 | c6) < 0x80 ? fcc(c0, c1, c2, c3, c4, c5, c6) : undefined
    }
    default: {
      const c0 = b[p]!, c1 = b[p + 1]!, c2 = b[p + 2]!, c3 = b[p + 3]!, c4 = b[p + 4]!, c5 = b[p + 5]!
      const c6 = b[p + 6]!, c7 = b[p + 7]!
      return (c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) < 0x80 ? fcc(c0, c1, c2, c3, c4, c5, c6, c7) : undefined
    }
  }
}

const readerTable = new IdTable(readers)

/** Vectors up to this many elements get their array allocated at full length before reading. */
const PREALLOCATE_MAX = 4096

/**
 * The array for a vector of `n` elements, filled by index by the caller. Allocating it at full
 * length saves the copies of growing by push (~5% of decoding a 100-message history); larger
 * counts start empty, since `new Array(n)` of a big n makes a slow dictionary-backed array.
 * NB: `n` was already checked against the remaining input by the vector length readers.
 */
export function newArray<T>(n: number): T[] {
  return n <= PREALLOCATE_MAX ? new Array<T>(n) : []
}

/**
 * Direct-mapped cache of recently read 53-bit `long`s (user/chat/channel ids, which repeat through a
 * history: every message carries its peer and sender). A hit returns the same bigint instead of
 * allocating one; bigints are immutable primitives, so sharing one is unobservable. Values outside
 * ±2^52 (access hashes, random ids) are never cached. Every slot starts as (0, 0) → 0n, which is valid.
 */
const LONG_CACHE_BITS = 10
const longLo = new Int32Array(1 << LONG_CACHE_BITS)
const longHi = new Int32Array(1 << LONG_CACHE_BITS)
const longVal: bigint[] = new Array<bigint>(1 << LONG_CACHE_BITS).fill(0n)

/** Node's Buffer#utf8Slice (undocumented but long-standing; Buffer#toString('utf8') calls it). */
interface NodeUtf8 {
  utf8Slice(start: number, end: number): string
}

/** Reads TL values from `buf[start, end)`; every read is bounds-checked and throws {@link TlError}. */
export class TlReader {
  /** Current read offset into `buf`. */
  pos: number
  readonly end: number
  readonly buf: Uint8Array
  private dv: DataView | undefined
  /** Node Buffer view of `buf`, created on first long string (native UTF-8 decoding). */
  private nb: NodeUtf8 | undefined
  /** Payload length of the last bytes/string header read by span(). */
  private spanLen = 0
  /** Inflation left to the message this reader belongs to; made on the first gzip_packed if not given. */
  private budget: InflateBudget | undefined
  /** gzip_packed levels around this reader's bytes. */
  private readonly gzipDepth: number

  /**
   * @param budget shared by every reader of one message (see {@link MAX_GZIP_INFLATED_BYTES});
   *   without one, this reader and the readers it inflates get a fresh allowance.
   */
  constructor(buf: Uint8Array, start = 0, end = buf.length, budget?: InflateBudget, gzipDepth = 0) {
    this.buf = buf
    this.pos = start
    this.end = end
    this.budget = budget
    this.gzipDepth = gzipDepth
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.pos
  }

  private view(): DataView {
    return (this.dv ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength))
  }

  private truncated(need: number): TlError {
    return new TlError(
      'truncated',
      `TL input truncated: need ${need} bytes at offset ${this.pos}, have ${this.end - this.pos}`,
      this.pos,
    )
  }

  int32(): number {
    const p = this.pos
    if (p + 4 > this.end) throw this.truncated(4)
    const b = this.buf
    this.pos = p + 4
    return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)
  }

  uint32(): number {
    return this.int32() >>> 0
  }

  /** Signed 64-bit little-endian. */
  int64(): bigint {
    const p = this.pos
    if (p + 8 > this.end) throw this.truncated(8)
    this.pos = p + 8
    const b = this.buf
    const hi = b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)
    // Random 64-bit values (access hashes, random ids) skip the cache.
    if (hi >> 21 !== hi >> 31) return this.view().getBigInt64(p, true)
    const lo = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)
    const h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> (32 - LONG_CACHE_BITS)
    if (longLo[h] === lo && longHi[h] === hi) return longVal[h]!
    const v = this.view().getBigInt64(p, true)
    longLo[h] = lo
    longHi[h] = hi
    longVal[h] = v
    return v
  }

  double(): number {
    const p = this.pos
    if (p + 8 > this.end) throw this.truncated(8)
    this.pos = p + 8
    return this.view().getFloat64(p, true)
  }

  bool(): boolean {
    const at = this.pos
    const id = this.uint32()
    if (id === BOOL_TRUE_ID) return true
    if (id === BOOL_FALSE_ID) return false
    throw new TlError('unexpected-constructor', `expected Bool, got ${hexId(id)} at offset ${at}`, at, id)
  }

  /** `n` raw bytes (copied). */
  raw(n: number): Uint8Array {
    const p = this.pos
    if (n < 0 || p + n > this.end) {
      throw new TlError('length-overflow', `raw length ${n} at offset ${p} exceeds ${this.end - p} remaining bytes`, p)
    }
    this.pos = p + n
    return this.buf.slice(p, p + n)
  }

  int128(): Uint8Array {
    if (this.pos + 16 > this.end) throw this.truncated(16)
    return this.raw(16)
  }

  int256(): Uint8Array {
    if (this.pos + 32 > this.end) throw this.truncated(32)
    return this.raw(32)
  }

  /** Reads a bytes/string header; returns the payload start and sets `pos` past the padding. */
  private span(): number {
    const p = this.pos
    const b = this.buf
    if (p + 1 > this.end) throw this.truncated(1)
    let len = b[p]!
    let start = p + 1
    if (len === 254) {
      if (p + 4 > this.end) throw this.truncated(4)
      len = b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16)
      start = p + 4
    } else if (len === 255) {
      throw new TlError('bad-value', `bytes header 0xff at offset ${p}`, p)
    }
    const next = p + ((start - p + len + 3) & ~3)
    // NB: checked before anything is allocated, so a forged length cannot allocate.
    if (next > this.end) {
      throw new TlError(
        'length-overflow',
        `bytes length ${len} at offset ${p} exceeds ${this.end - start} remaining bytes`,
        p,
      )
    }
    this.pos = next
    this.spanLen = len
    return start
  }
  bytes(): Uint8Array {
    const start = this.span()
    return this.buf.slice(start, start + this.spanLen)
  }

  string(): string {
    const start = this.span()
    const len = this.spanLen
    const b = this.buf
    if (len <= SHORT_STRING_BYTES) {
      // Short ASCII (names, usernames, codes): one or two fromCharCode calls beat a native call.
      if (len <= 8) {
        const s = ascii8(b, start, len)
        if (s !== undefined) return s
      } else {
        const head = ascii8(b, start, 8)
        const tail = head === undefined ? undefined : ascii8(b, start + 8, len - 8)
        if (tail !== undefined) return head + tail
      }
    }
    // utf8Slice: Node's native decoder on a Buffer view (no copy); invalid UTF-8 becomes U+FFFD,
    // as with TextDecoder, at roughly half its per-call cost.
    const nb = (this.nb ??= Buffer.from(b.buffer, b.byteOffset, b.byteLength) as unknown as NodeUtf8)
    return nb.utf8Slice(start, start + len)
  }

  /** Reads the `vector` id and the element count; checks the count against the remaining input. */
  vectorLength(): number {
    const at = this.pos
    const id = this.uint32()
    if (id !== VECTOR_ID) {
      throw new TlError('unexpected-constructor', `expected vector, got ${hexId(id)} at offset ${at}`, at, id)
    }
    return this.bareVectorLength()
  }

  /** Reads a bare vector's element count; every element takes at least 4 bytes. */
  bareVectorLength(): number {
    const at = this.pos
    const n = this.int32()
    // NB: assumes elements are >= 4 bytes, true for every TL type except empty bare constructors.
    if (n < 0 || n * 4 > this.end - this.pos) {
      throw new TlError('length-overflow', `vector count ${n} at offset ${at} exceeds remaining input`, at)
    }
    return n
  }

  /** Boxed `Vector<T>` with `readItem` for the elements. */
  vector<T>(readItem: (r: TlReader) => T): T[] {
    const n = this.vectorLength()
    const out = newArray<T>(n)
    for (let i = 0; i < n; i++) out[i] = readItem(this)
    return out
  }

  /** Bare `vector<T>`. */
  bareVector<T>(readItem: (r: TlReader) => T): T[] {
    const n = this.bareVectorLength()
    const out = newArray<T>(n)
    for (let i = 0; i < n; i++) out[i] = readItem(this)
    return out
  }

  /** A boxed object: reads the constructor id and dispatches; gzip_packed is unpacked transparently. */
  object(): any {
    // NB: keyed by the *signed* id (an int32 compares and hashes without heap numbers).
    return this.objectWithId(this.int32())
  }

  /**
   * A boxed object whose signed id the caller already read (it sits at `pos - 4`). Generated
   * readers switch on the constructors of the expected type and fall back to this for the rest
   * (gzip_packed, constructors of another type, unknown ids).
   */
  objectWithId(id: number): any {
    const read = id === 0 ? undefined : readerTable.get(id)
    if (read !== undefined) return read(this)
    if (id === GZIP_PACKED_ID) return this.gunzip().object()
    const at = this.pos - 4
    throw new TlError('unknown-constructor', `unknown constructor ${hexId(id)} at offset ${at}`, at, id >>> 0)
  }

  /**
   * After a gzip_packed id: reads packed_data and returns a reader over the inflated bytes.
   * What it inflates is drawn from the message's {@link InflateBudget}; deeper than
   * {@link MAX_GZIP_DEPTH} levels, or past the budget, it throws TlError 'gzip'.
   */
  gunzip(): TlReader {
    const at = this.pos
    const packed = this.bytes()
    if (this.gzipDepth >= MAX_GZIP_DEPTH) {
      throw new TlError('gzip', `gzip_packed at offset ${at} is nested ${this.gzipDepth + 1} levels deep (limit ${MAX_GZIP_DEPTH})`, at, GZIP_PACKED_ID)
    }
    const budget = (this.budget ??= newInflateBudget())
    // NB: an exhausted budget still goes through gunzip with a 1-byte cap, so an empty payload
    // (which inflates to nothing) is refused only if it is not valid gzip.
    let inflated: Uint8Array
    try {
      inflated = gunzipSync(packed, { maxOutputLength: Math.max(1, budget.bytesLeft) })
    } catch (e) {
      const over = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
      // NB: an overflow spends the allowance: every later gzip_packed of the message fails at its
      // first byte instead of inflating up to what is left again (40 packed updates of 1 MiB cost
      // 36 wasted MiB of inflation when the budget was only charged on success)
      if (over) budget.bytesLeft = 0
      const why = over ? `inflates past the ${MAX_GZIP_INFLATED_BYTES}-byte allowance of its message` : (e as Error).message
      throw new TlError('gzip', `gzip_packed at offset ${at}: ${why}`, at, GZIP_PACKED_ID)
    }
    budget.bytesLeft -= inflated.length
    if (budget.bytesLeft < 0) {
      throw new TlError('gzip', `gzip_packed at offset ${at}: inflates past the ${MAX_GZIP_INFLATED_BYTES}-byte allowance of its message`, at, GZIP_PACKED_ID)
    }
    return new TlReader(inflated, 0, inflated.length, budget, this.gzipDepth + 1)
  }
}
