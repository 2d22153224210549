// Test support: collects everything an observer could read out of captured values (a deep walk
// over own data properties, Map/Set entries and byte views; JSON.stringify; util.inspect), then
// looks for known secrets in it: as text (raw, hex, base64), as bigints, and as raw bytes inside
// any Uint8Array/Buffer. Knows nothing about the engine; getters are never called.
import { inspect } from 'node:util'

/** What must never be found, by how it would show. */
export interface KnownSecrets {
  /** Text secrets (password, bot token, phone_code_hash): any substring match is a leak. */
  readonly texts: ReadonlyMap<string, string>
  /** Short digit strings (login codes): a leak when they stand alone (not inside a longer number). */
  readonly codes: ReadonlyMap<string, string>
  /** Byte secrets (auth keys): found whole or as any 16-byte slice, also as hex/base64 text. */
  readonly bytes: ReadonlyMap<string, Uint8Array>
  /** 64-bit secrets (server salts): as a bigint, its decimal/hex text, or its 8 little-endian bytes. */
  readonly int64s: ReadonlyMap<string, bigint>
}

/** Bytes copied out of byte views are capped so a runaway capture fails loudly, not slowly. */
const MAX_CAPTURED_BYTES = 64 * 1024 * 1024
const WINDOW = 16

export class CaptureScanner {
  private readonly seen = new WeakSet<object>()
  readonly strings = new Set<string>()
  readonly bigints = new Set<bigint>()
  readonly byteViews: Uint8Array[] = []
  private capturedBytes = 0
  /** Values walked (objects + primitives), to prove a capture was not empty. */
  visited = 0

  /**
   * Records `value` three ways: a deep walk (every own data property, including symbol keys,
   * Map/Set entries, array elements, typed-array bytes), JSON.stringify (cycles dropped, bigints as
   * text) and util.inspect of `printable` (default: `value`) at full depth.
   */
  capture(value: unknown, printable: unknown = value): void {
    this.walk(value)
    this.strings.add(safeJson(printable))
    this.strings.add(inspect(printable, { depth: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity, breakLength: Infinity }))
  }

  /** The deep walk alone. */
  walk(value: unknown): void {
    const stack: unknown[] = [value]
    while (stack.length > 0) {
      const v = stack.pop()
      this.visited++
      if (typeof v === 'string') this.strings.add(v)
      else if (typeof v === 'bigint') this.bigints.add(v)
      else if (typeof v === 'number') this.strings.add(String(v))
      else if (typeof v === 'function' || v === null || typeof v !== 'object') continue
      else {
        if (this.seen.has(v)) continue
        this.seen.add(v)
        if (ArrayBuffer.isView(v)) {
          const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
          this.capturedBytes += bytes.length
          if (this.capturedBytes > MAX_CAPTURED_BYTES) throw new Error('captured more than 64 MB of bytes')
          this.byteViews.push(Uint8Array.from(bytes))
          continue
        }
        if (v instanceof ArrayBuffer) {
          stack.push(new Uint8Array(v))
          continue
        }
        if (v instanceof Map) for (const [k, x] of v) stack.push(k, x)
        if (v instanceof Set) for (const x of v) stack.push(x)
        for (const key of Reflect.ownKeys(v)) {
          const d = Object.getOwnPropertyDescriptor(v, key)
          if (d !== undefined && 'value' in d) stack.push(d.value)
        }
      }
    }
  }

  /** Every place a known secret shows, as `secret name: where` lines (empty when clean). */
  findings(secrets: KnownSecrets): string[] {
    const out: string[] = []
    const textForms = new Map<string, string[]>()
    for (const [name, t] of secrets.texts) textForms.set(name, [t])
    for (const [name, b] of secrets.bytes) {
      const buf = Buffer.from(b)
      const head = [...buf.subarray(0, WINDOW)]
      textForms.set(name, [
        buf.toString('hex'),
        buf.toString('base64'),
        buf.toString('base64url'),
        buf.subarray(0, WINDOW).toString('hex'),
        // String(bytes) and util.inspect print decimals; JSON.stringify(bytes) prints an index map.
        head.join(','),
        head.join(', '),
        head.map((x, i) => `"${i}":${x}`).join(','),
      ])
    }
    for (const [name, n] of secrets.int64s) {
      const u = BigInt.asUintN(64, n)
      const s = BigInt.asIntN(64, n)
      textForms.set(name, [u.toString(), s.toString(), u.toString(16).padStart(16, '0')])
    }
    const codeRes = [...secrets.codes].map(([name, c]) => [name, new RegExp(`(^|[^0-9])${c}([^0-9]|$)`)] as const)
    for (const s of this.strings) {
      for (const [name, forms] of textForms) {
        const hit = forms.find((f) => s.includes(f))
        if (hit !== undefined) out.push(`${name}: as text in ${excerpt(s, hit)}`)
      }
      for (const [name, re] of codeRes) if (re.test(s)) out.push(`${name}: as text in ${excerpt(s, re.exec(s)![0])}`)
    }
    for (const [name, n] of secrets.int64s) {
      if (this.bigints.has(n) || this.bigints.has(BigInt.asUintN(64, n)) || this.bigints.has(BigInt.asIntN(64, n))) out.push(`${name}: as a bigint`)
    }
    const needles: Array<[string, Buffer]> = []
    for (const [name, b] of secrets.bytes) {
      for (let i = 0; i + WINDOW <= b.length; i += WINDOW) needles.push([`${name}[${i}..${i + WINDOW}]`, Buffer.from(b.subarray(i, i + WINDOW))])
    }
    for (const [name, n] of secrets.int64s) {
      const le = Buffer.alloc(8)
      le.writeBigUInt64LE(BigInt.asUintN(64, n))
      needles.push([name, le])
    }
    for (const [name, t] of [...secrets.texts, ...secrets.codes]) needles.push([name, Buffer.from(t, 'utf8')])
    for (const view of this.byteViews) {
      const hay = Buffer.from(view.buffer, view.byteOffset, view.byteLength)
      for (const [name, needle] of needles) if (hay.indexOf(needle) !== -1) out.push(`${name}: as bytes in a ${view.length}-byte array`)
    }
    return [...new Set(out)]
  }
}

function excerpt(s: string, hit: string): string {
  const i = s.indexOf(hit)
  return JSON.stringify(s.slice(Math.max(0, i - 60), i + hit.length + 20))
}

/** JSON.stringify that survives cycles (drops repeats) and bigints (as text). */
export function safeJson(value: unknown): string {
  const seen = new WeakSet<object>()
  try {
    return (
      JSON.stringify(value, (_k, v: unknown) => {
        if (typeof v === 'bigint') return v.toString()
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) return undefined
          seen.add(v)
        }
        return v
      }) ?? ''
    )
  } catch (e) {
    return `unserializable: ${String(e)}`
  }
}
