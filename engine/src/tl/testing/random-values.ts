// Test support: seeded PRNG and random valid TL values built from the resolved schema model,
// shaped exactly as the generated readers return them (absent optional fields left out).
import type { FieldType, GenEntry, GenSchema } from '../codegen/model.js'

/** mulberry32: small, fast, seedable; good enough for test data. */
export class Rng {
  private s: number
  constructor(seed: number) {
    this.s = seed >>> 0
  }
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return this.u32() % n
  }
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff
    return out
  }
}

/** Lengths around the 1-byte/4-byte header boundary (253/254) and padding edges. */
const LENGTHS = [0, 1, 2, 3, 4, 5, 7, 13, 253, 254, 255, 300]

export type FlagMode = 'all' | 'none' | 'random'

export class ValueFactory {
  private readonly byType = new Map<string, GenEntry[]>()
  private readonly methods: GenEntry[]
  /** Per boxed type, the constructor with the fewest nested objects (used when deep). */
  private readonly simplest = new Map<string, GenEntry>()

  constructor(
    private readonly schemas: readonly GenSchema[],
    private readonly rng: Rng,
  ) {
    for (const s of schemas) for (const [t, cs] of s.constructorsByType) this.byType.set(`${s.ns}:${t}`, cs)
    this.methods = schemas.flatMap((s) => s.entries.filter((e) => e.src.kind === 'method' && e.schema.ns === 'tl'))
    for (const [k, cs] of this.byType) {
      const weight = (e: GenEntry): number =>
        e.fields.filter((f) => !f.condition && (f.type.kind === 'boxed' || f.type.kind === 'bare' || f.type.kind === 'any')).length
      this.simplest.set(k, [...cs].sort((a, b) => weight(a) - weight(b))[0]!)
    }
  }

  string(): string {
    const n = this.rng.pick(LENGTHS)
    const ascii = this.rng.chance(0.5)
    let s = ''
    while (s.length < n) {
      if (ascii) s += String.fromCharCode(32 + this.rng.int(95))
      else {
        const k = this.rng.int(4)
        if (k === 0) s += String.fromCharCode(32 + this.rng.int(95))
        else if (k === 1) s += String.fromCharCode(0x400 + this.rng.int(0x100)) // Cyrillic, 2 bytes
        else if (k === 2) s += String.fromCharCode(0x4e00 + this.rng.int(0x1000)) // CJK, 3 bytes
        else s += String.fromCodePoint(0x1f600 + this.rng.int(0x40)) // emoji, surrogate pair
      }
    }
    return s
  }

  value(t: FieldType, ns: string, depth: number, mode: FlagMode): unknown {
    const r = this.rng
    switch (t.kind) {
      case 'int':
        return r.u32() | 0
      case 'long':
        return BigInt.asIntN(64, (BigInt(r.u32()) << 32n) | BigInt(r.u32()))
      case 'double':
        return r.chance(0.2) ? r.int(1000) : (r.u32() - 2 ** 31) / 7.25
      case 'string':
        return this.string()
      case 'bytes':
        return r.bytes(r.pick(LENGTHS))
      case 'raw':
        // Raw payloads are whole TL values, so a multiple of 4.
        return r.bytes(r.pick(LENGTHS) & ~3)
      case 'int128':
        return r.bytes(16)
      case 'int256':
        return r.bytes(32)
      case 'bool':
        return r.chance(0.5)
      case 'true':
      case 'flags':
        throw new Error(`no standalone value for ${t.kind}`)
      case 'vector': {
        const n = depth > 3 ? 0 : r.int(depth > 1 ? 2 : 4)
        const out: unknown[] = []
        for (let i = 0; i < n; i++) out.push(this.value(t.item, ns, depth + 1, mode))
        return out
      }
      case 'boxed': {
        const key = `${ns}:${t.type}`
        const entry = depth > 2 ? this.simplest.get(key)! : r.pick(this.byType.get(key)!)
        return this.object(entry, depth + 1, depth > 2 ? 'none' : mode)
      }
      case 'bare':
        return this.object(t.entry, depth + 1, depth > 2 ? 'none' : mode)
      case 'any':
        return this.object(depth > 1 ? this.methods.find((m) => m.fields.length === 0)! : r.pick(this.methods), depth + 1, 'none')
    }
  }

  /** A random object for `entry`, shaped like the generated reader's output. */
  object(entry: GenEntry, depth = 0, mode: FlagMode = 'random'): Record<string, unknown> {
    if (depth > 12) throw new Error(`schema too deep at ${entry.jsName}`)
    const on = new Map<string, boolean>()
    const bitOn = (field: string, bit: number): boolean => {
      const k = `${field}.${bit}`
      let v = on.get(k)
      if (v === undefined) {
        v = mode === 'all' ? true : mode === 'none' ? false : this.rng.chance(0.5)
        on.set(k, v)
      }
      return v
    }
    const o: Record<string, unknown> = { _: entry.jsName }
    for (const f of entry.fields) {
      if (f.type.kind === 'flags') continue
      if (f.condition) {
        const set = bitOn(f.condition.field, f.condition.bit)
        if (f.type.kind === 'true') o[f.prop] = set
        else if (set) o[f.prop] = this.value(f.type, entry.schema.ns, depth, mode)
      } else {
        o[f.prop] = this.value(f.type, entry.schema.ns, depth, mode)
      }
    }
    for (const f of entry.fields) if (f.lengthOf !== undefined) o[f.prop] = (o[f.lengthOf] as Uint8Array).length
    return o
  }
}
