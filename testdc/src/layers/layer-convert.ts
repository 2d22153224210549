// Converts TL objects between API layers by constructor name: each object becomes the target
// layer's constructor with the same `_`, fields copied by name and coerced to the target's types;
// what the target needs and the source lacks is synthesised and noted. Knows two schemas and the
// explicit tables of layer-tables.ts; nothing about bytes on the wire or connections.
import type { EntrySpec, FieldSpec, SchemaCodec, TlValue, ValueType } from './schema-codec.js'

/** Explicit knowledge about two layers that names alone cannot give (see layer-tables.ts). */
export interface ConversionTables {
  /**
   * `sourceConstructor->targetType` (target type as {@link typeText} spells it: `Updates`, `int`,
   * `Bool`) → a value in the target's terms, for objects the target types differently. A boolean
   * source uses `Bool->targetType` (the function then receives the boolean).
   */
  readonly coercions: ReadonlyMap<string, (v: TlValue) => unknown>
  /** Target boxed type → its constructor to use when the source constructor does not exist in the target. */
  readonly typeFallbacks: ReadonlyMap<string, string>
  /**
   * `targetConstructor.prop` → its value taken from the source object when the source has no field
   * of that name (renamed or reshaped fields); return undefined when it does not apply.
   */
  readonly fieldSources: ReadonlyMap<string, (source: TlValue) => unknown>
  /** Target item types whose unconvertible vector elements are dropped instead of failing (`Update`). */
  readonly droppableInVectors: ReadonlySet<string>
}

export const NO_TABLES: ConversionTables = {
  coercions: new Map(),
  typeFallbacks: new Map(),
  fieldSources: new Map(),
  droppableInVectors: new Set(),
}

/** What the converter did beyond copying a field: every entry is one (constructor, field, what). */
export interface ConversionNote {
  /**
   * `default`: a required field the source lacked (or could not be converted) got a typed default;
   * `dropped`: an optional field or a vector element could not be converted and was left out;
   * `mapped`: a table entry (coercion, fallback constructor, renamed field) supplied the value.
   */
  readonly kind: 'default' | 'dropped' | 'mapped'
  /** Target constructor (`_`) that owns the field (or the method, for results). */
  readonly constructor: string
  /** Target property name (camelCase); `[]` for a vector element, `` for a whole result. */
  readonly field: string
  /** Target TL type of the field. */
  readonly type: string
  /** The value used (`0`, `''`, `[]`, `peerColor`, `messageMediaUnsupported`, …) or `absent`. */
  readonly value: string
  /** Why: `missing`, or what could not be converted. */
  readonly reason: string
  /** How many times it happened. */
  count: number
}

/** A value the converter could not turn into the target layer's terms. */
export class LayerConversionError extends Error {
  override readonly name = 'LayerConversionError'
  constructor(
    readonly kind: 'unknown-constructor' | 'wrong-type' | 'unknown-method' | 'bad-value',
    message: string,
    /** Target layer. */
    readonly layer: number | undefined,
    /** Where in the value (`messages.messages.messages[3].media`). */
    readonly path: string,
  ) {
    super(message)
  }
}

/** Internal: a conversion that did not work, with the reason. */
class Unconvertible {
  constructor(
    readonly why: string,
    /** An unknown constructor: typed error unless the position allows dropping. */
    readonly unknownConstructor = false,
  ) {}
}

const MAX_DEFAULT_DEPTH = 4
const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1
const utf8 = new TextDecoder()
const utf8enc = new TextEncoder()

const isObject = (v: unknown): v is TlValue =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && typeof (v as TlValue)._ === 'string'

/** TL spelling of a resolved type, for notes and errors. */
export function typeText(t: ValueType): string {
  switch (t.kind) {
    case 'vector':
      return `${t.bare ? 'vector' : 'Vector'}<${typeText(t.item)}>`
    case 'boxed':
      return t.type
    case 'bare':
      return `%${t.name}`
    case 'any':
      return '!X'
    case 'raw':
      return 'Object'
    case 'bool':
      return 'Bool'
    default:
      return t.kind
  }
}

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`
  if (typeof v === 'string') return JSON.stringify(v)
  if (v instanceof Uint8Array) return `bytes(${v.length})`
  if (Array.isArray(v)) return '[]'
  if (isObject(v)) return v._
  return String(v)
}

/**
 * Converts objects into one target schema (a layer) by name. Notes accumulate per converter
 * (one per layer and direction) until {@link resetNotes}.
 */
export class LayerConverter {
  private readonly notes = new Map<string, ConversionNote>()
  /** Constructor → its groups of optional fields sharing one flag bit. */
  private readonly bitGroups = new Map<string, readonly (readonly FieldSpec[])[]>()
  /** Boxed type → constructor its defaults are built from. */
  private readonly simplest = new Map<string, EntrySpec>()

  constructor(
    readonly target: SchemaCodec,
    private readonly tables: ConversionTables = NO_TABLES,
  ) {}

  /** Every note so far (a copy). */
  allNotes(): ConversionNote[] {
    return [...this.notes.values()].map((n) => ({ ...n }))
  }

  resetNotes(): void {
    this.notes.clear()
  }

  /** `v` as the target's object; `expectedType` (boxed type) constrains the constructor. Throws {@link LayerConversionError}. */
  convertObject(v: unknown, expectedType: string | undefined, path: string): TlValue {
    const r = this.object(v, expectedType === undefined ? { kind: 'any' } : { kind: 'boxed', type: expectedType }, path)
    if (r instanceof Unconvertible) throw this.error(r, path)
    return r
  }

  /** `v` as the result of the target's method `method` (Bool, Vector<…>, objects). Throws {@link LayerConversionError}. */
  convertResult(method: string, v: unknown): unknown {
    const spec = this.target.entries.get(method)
    if (spec?.kind !== 'method' || spec.result === undefined) {
      throw new LayerConversionError('unknown-method', `layer ${this.target.layer} has no method ${method}`, this.target.layer, method)
    }
    const r = this.value(v, spec.result, method, { owner: method, field: '' })
    if (r instanceof Unconvertible) throw this.error(r, method)
    return r
  }

  private error(u: Unconvertible, path: string): LayerConversionError {
    return new LayerConversionError(
      u.unknownConstructor ? 'unknown-constructor' : 'wrong-type',
      `layer ${this.target.layer}: ${path}: ${u.why}`,
      this.target.layer,
      path,
    )
  }

  private note(kind: ConversionNote['kind'], owner: string, field: string, type: string, value: string, reason: string): void {
    const key = `${kind}|${owner}|${field}|${value}|${reason}`
    const n = this.notes.get(key)
    if (n) n.count++
    else this.notes.set(key, { kind, constructor: owner, field, type, value, reason, count: 1 })
  }

  private value(v: unknown, t: ValueType, path: string, at: { owner: string; field: string }): unknown {
    if (isObject(v) && t.kind !== 'boxed' && t.kind !== 'bare' && t.kind !== 'any') {
      const coerce = this.tables.coercions.get(`${v._}->${typeText(t)}`)
      if (coerce === undefined) return new Unconvertible(`${v._} is not a ${typeText(t)}`)
      this.note('mapped', at.owner, at.field, typeText(t), `${v._} → ${typeText(t)}`, 'coercion table')
      return this.value(coerce(v), t, path, at)
    }
    switch (t.kind) {
      case 'int':
      case 'flags':
        if (typeof v === 'number' && Number.isInteger(v)) return v
        if (typeof v === 'bigint' && v >= INT32_MIN && v <= INT32_MAX) return Number(v)
        if (typeof v === 'boolean') return v ? 1 : 0
        return new Unconvertible(`${describe(v)} is not an int`)
      case 'long':
        if (typeof v === 'bigint') return v
        if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v)
        return new Unconvertible(`${describe(v)} is not a long`)
      case 'double':
        if (typeof v === 'number') return v
        if (typeof v === 'bigint') return Number(v)
        return new Unconvertible(`${describe(v)} is not a double`)
      case 'string':
        if (typeof v === 'string') return v
        if (v instanceof Uint8Array) return utf8.decode(v)
        return new Unconvertible(`${describe(v)} is not a string`)
      case 'bytes':
        if (v instanceof Uint8Array) return v
        if (typeof v === 'string') return utf8enc.encode(v)
        return new Unconvertible(`${describe(v)} is not bytes`)
      case 'int128':
      case 'int256':
        if (v instanceof Uint8Array && v.length === (t.kind === 'int128' ? 16 : 32)) return v
        return new Unconvertible(`${describe(v)} is not an ${t.kind}`)
      case 'raw':
        return v instanceof Uint8Array ? v : new Unconvertible(`${describe(v)} is not raw bytes`)
      case 'bool':
        return typeof v === 'boolean' ? v : new Unconvertible(`${describe(v)} is not a Bool`)
      case 'true':
        return v !== false
      case 'vector': {
        if (!Array.isArray(v)) return new Unconvertible(`${describe(v)} is not a vector`)
        const item = t.item
        const droppable = item.kind === 'boxed' && this.tables.droppableInVectors.has(item.type)
        const out: unknown[] = []
        for (let i = 0; i < v.length; i++) {
          let r: unknown
          try {
            r = this.value(v[i], item, `${path}[${i}]`, at)
          } catch (e) {
            // Something deeper in a droppable element (an update carrying a 227-only object).
            if (!droppable || !(e instanceof LayerConversionError)) throw e
            r = new Unconvertible(e.message)
          }
          if (!(r instanceof Unconvertible)) {
            out.push(r)
            continue
          }
          if (!droppable) return r
          this.note('dropped', at.owner, `${at.field}[]`, typeText(item), 'absent', r.why)
        }
        return out
      }
      case 'boxed':
      case 'bare':
      case 'any':
        return this.object(v, t, path)
    }
  }

  private object(v: unknown, t: ValueType & { kind: 'boxed' | 'bare' | 'any' }, path: string): TlValue | Unconvertible {
    const want = t.kind === 'boxed' ? t.type : t.kind === 'bare' ? `%${t.name}` : undefined
    if (!isObject(v)) {
      // A Bool the target now types as an object (198 `private:Bool` → 227 PaidReactionPrivacy).
      const coerce = typeof v === 'boolean' && want !== undefined ? this.tables.coercions.get(`Bool->${want}`) : undefined
      if (coerce === undefined) return new Unconvertible(`${describe(v)} is not a TL object`)
      this.note('mapped', want!, '', want!, `Bool → ${want}`, 'coercion table')
      return this.object(coerce(v as unknown as TlValue), t, path)
    }
    const spec = this.target.entries.get(v._)
    const fits =
      spec !== undefined &&
      (t.kind === 'any' || (t.kind === 'bare' ? spec.name === t.name : spec.kind === 'constructor' && spec.type === t.type))
    if (fits) return this.build(spec, v, path)
    if (want !== undefined) {
      const coerce = this.tables.coercions.get(`${v._}->${t.kind === 'boxed' ? t.type : want}`)
      if (coerce !== undefined) {
        this.note('mapped', v._, '', want, `${v._} → ${want}`, 'coercion table')
        return this.object(coerce(v), t, path)
      }
      if (t.kind === 'boxed') {
        const fallback = spec === undefined ? this.tables.typeFallbacks.get(t.type) : undefined
        const fb = fallback === undefined ? undefined : this.target.entries.get(fallback)
        if (fb !== undefined) {
          this.note('mapped', fb.name, '', t.type, fb.name, `${v._} does not exist in layer ${this.target.layer}`)
          return this.build(fb, v, path)
        }
      }
    }
    if (spec === undefined) return new Unconvertible(`constructor ${v._} does not exist in layer ${this.target.layer}`, true)
    return new Unconvertible(`${v._} is a ${spec.type}, expected ${want ?? 'an object'}`)
  }

  private build(spec: EntrySpec, v: TlValue, path: string): TlValue {
    const out: Record<string, unknown> = { _: spec.name }
    for (const f of spec.fields) {
      if (f.type.kind === 'flags') continue
      const p = f.prop
      const source = this.tables.fieldSources.get(`${spec.name}.${p}`)
      let raw = v[p]
      if (source !== undefined && raw == null) {
        const s = source(v)
        if (s !== undefined) {
          raw = s
          this.note('mapped', spec.name, p, typeText(f.type), describe(s), 'field source table')
        }
      }
      if (f.type.kind === 'true') {
        out[p] = raw != null && raw !== false
        continue
      }
      const at = { owner: spec.name, field: p }
      if (raw == null) {
        // Absent optional fields are left out, as the generated readers do.
        if (!f.condition) out[p] = this.synthesise(spec.name, p, f.type, 'missing')
        continue
      }
      const r = this.value(raw, f.type, `${path}.${p}`, at)
      if (!(r instanceof Unconvertible)) {
        out[p] = r
        continue
      }
      if (r.unknownConstructor) throw this.error(r, `${path}.${p}`)
      if (f.condition) {
        this.note('dropped', spec.name, p, typeText(f.type), 'absent', r.why)
      } else {
        out[p] = this.synthesise(spec.name, p, f.type, r.why)
      }
    }
    for (const group of this.sharedBits(spec)) {
      // NB: fields on one flag bit are all present or all absent on the wire (198's
      // messageActionGiftCode has unclaimed:flags.2?true next to currency/amount:flags.2?…).
      const present = group.find((f) => (f.type.kind === 'true' ? out[f.prop] === true : out[f.prop] != null))
      if (present === undefined) continue
      for (const f of group) {
        if (f.type.kind === 'true' || out[f.prop] != null) continue
        out[f.prop] = this.synthesise(spec.name, f.prop, f.type, `shares ${f.condition!.field}.${f.condition!.bit} with ${present.prop}`)
      }
    }
    return out as TlValue
  }

  /** Groups of optional fields on the same flag bit (usually none). */
  private sharedBits(spec: EntrySpec): readonly (readonly FieldSpec[])[] {
    let groups = this.bitGroups.get(spec.name)
    if (groups === undefined) {
      const byBit = new Map<string, FieldSpec[]>()
      for (const f of spec.fields) {
        if (!f.condition) continue
        const k = `${f.condition.field}.${f.condition.bit}`
        const list = byBit.get(k)
        if (list) list.push(f)
        else byBit.set(k, [f])
      }
      groups = [...byBit.values()].filter((g) => g.length > 1)
      this.bitGroups.set(spec.name, groups)
    }
    return groups
  }

  private synthesise(owner: string, field: string, t: ValueType, reason: string): unknown {
    const value = this.defaultOf(t, 0)
    this.note('default', owner, field, typeText(t), describe(value), reason)
    return value
  }

  /** A typed default: 0, '', empty bytes/vector, or an object built from the simplest constructor. */
  defaultOf(t: ValueType, depth: number): unknown {
    switch (t.kind) {
      case 'int':
      case 'flags':
      case 'double':
        return 0
      case 'long':
        return 0n
      case 'string':
        return ''
      case 'bytes':
      case 'raw':
        return new Uint8Array(0)
      case 'int128':
        return new Uint8Array(16)
      case 'int256':
        return new Uint8Array(32)
      case 'bool':
      case 'true':
        return false
      case 'vector':
        return []
      case 'any':
        throw new LayerConversionError('bad-value', 'no default for a generic (!X) value', this.target.layer, '')
      case 'bare':
        return this.defaultObject(this.target.entries.get(t.name)!, depth)
      case 'boxed': {
        let spec = this.simplest.get(t.type)
        if (spec === undefined) this.simplest.set(t.type, (spec = this.simplestConstructor(t.type)))
        return this.defaultObject(spec, depth)
      }
    }
  }

  /** First constructor without required fields; else a `…Empty` one; else the first. */
  private simplestConstructor(type: string): EntrySpec {
    const ctors = this.target.constructorsByType.get(type)!
    const required = (e: EntrySpec): number => e.fields.filter((f) => !f.condition && f.type.kind !== 'flags').length
    return ctors.find((e) => required(e) === 0) ?? ctors.find((e) => /Empty$/.test(e.name)) ?? ctors[0]!
  }

  private defaultObject(spec: EntrySpec, depth: number): TlValue {
    if (depth > MAX_DEFAULT_DEPTH) {
      throw new LayerConversionError('bad-value', `default for ${spec.name} nests too deeply`, this.target.layer, spec.name)
    }
    const out: Record<string, unknown> = { _: spec.name }
    for (const f of spec.fields) {
      if (f.type.kind === 'flags') continue
      if (f.type.kind === 'true') out[f.prop] = false
      else if (!f.condition) out[f.prop] = this.defaultOf(f.type, depth + 1)
    }
    return out as TlValue
  }
}
