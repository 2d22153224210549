// Interpreted TL codec: compiles a parsed schema (any layer) into per-entry read/write closures
// once, and reads/writes the same plain objects as the generated codec. Knows TL semantics only;
// which layer a connection speaks and how layers differ live in layer-codec.ts.
// https://core.telegram.org/mtproto/serialize · https://core.telegram.org/mtproto/TL-combinators
import { GZIP_PACKED_ID, TlError, TlReader, TlWriter, hexId, type TlEntry, type TlSchema } from '@mtswarm/engine/tl'

/** A TL object as the codecs read and write it: tagged with `_`. */
export type TlValue = { readonly _: string; readonly [field: string]: unknown }

/** How one field (or vector element, or method result) is encoded. */
export type ValueType =
  | { readonly kind: 'int' | 'long' | 'double' | 'string' | 'bytes' | 'int128' | 'int256' | 'bool' | 'true' | 'flags' }
  | { readonly kind: 'vector'; readonly bare: boolean; readonly item: ValueType }
  /** Any constructor of a boxed type (id on the wire). */
  | { readonly kind: 'boxed'; readonly type: string }
  /** One constructor without its id (`%Message`, `future_salt`); `name` is its `_`. */
  | { readonly kind: 'bare'; readonly name: string }
  /** `!X` / a generic: any boxed object, typically a method. */
  | { readonly kind: 'any' }
  /** MTProto `Object`: raw bytes, never decoded. */
  | { readonly kind: 'raw' }

/** One field of a constructor or method, resolved. */
export interface FieldSpec {
  /** TL name (snake_case). */
  readonly tlName: string
  /** Property on the JS object (camelCase). */
  readonly prop: string
  readonly type: ValueType
  readonly condition?: { readonly field: string; readonly bit: number }
  /** `message.bytes`: this int is the length of the raw field named here (written from it). */
  readonly lengthOf?: string
  /** `message.body`: a raw field whose length is the preceding int field named here. */
  readonly lengthFrom?: string
}

/** One constructor or method, resolved. */
export interface EntrySpec {
  /** Value of `_` (TL name, plus the schema's prefix). */
  readonly name: string
  readonly kind: 'constructor' | 'method'
  /** Wire id, unsigned. */
  readonly id: number
  /** Constructors: the boxed type; methods: the result type as written. */
  readonly type: string
  readonly fields: readonly FieldSpec[]
  /** Methods: how the result is encoded. */
  readonly result?: ValueType
}

export interface SchemaCodecOptions {
  /** Prefix for `_` values (`mt_` for the MTProto schema). Default none. */
  readonly namePrefix?: string
  /** Treat `string` as bytes, except the listed `constructor.field` (MTProto schema). */
  readonly stringsAsBytes?: { readonly except: readonly string[] }
  /** Layer of the schema, when the text does not say (`// LAYER N`). */
  readonly layer?: number
}

type Read = (r: TlReader) => unknown
type Write = (w: TlWriter, v: any) => void
type Obj = Record<string, unknown>

/** Constructors the runtime handles as `Bool` values, never as objects (same as the generated codec). */
const RUNTIME_HANDLED = new Set(['boolFalse', 'boolTrue'])

/** `snake_case` → `camelCase`, as the generated codec names properties. */
export const camelCase = (s: string): string => s.replace(/_([a-z0-9])/gi, (_, c: string) => c.toUpperCase())

const missing = (w: TlWriter, ctor: string, field: string): never => {
  throw new TlError('missing-field', `${ctor}: required field ${field} is missing`, w.pos, undefined, `${ctor}.${field}`)
}
const badVector = (w: TlWriter, v: unknown, field: string | undefined): TlError =>
  new TlError('bad-value', `${field ?? `output offset ${w.pos}`}: expected an array (Vector), got ${typeof v}`, w.pos, undefined, field)

const PRIMITIVE_READ: Partial<Record<ValueType['kind'], Read>> = {
  int: (r) => r.int32(),
  flags: (r) => r.int32(),
  long: (r) => r.int64(),
  double: (r) => r.double(),
  string: (r) => r.string(),
  bytes: (r) => r.bytes(),
  int128: (r) => r.int128(),
  int256: (r) => r.int256(),
  bool: (r) => r.bool(),
  raw: (r) => r.raw(r.remaining),
}
// Each takes the field (`constructor.prop`) a bad value is reported under, as the generated writers do.
const PRIMITIVE_WRITE: Partial<Record<ValueType['kind'], (field: string | undefined) => Write>> = {
  int: (f) => (w, v) => w.int32(v, f),
  flags: () => (w, v) => w.int32(v),
  long: (f) => (w, v) => w.int64(v, f),
  double: (f) => (w, v) => w.double(v, f),
  string: (f) => (w, v) => w.string(v, f),
  bytes: (f) => (w, v) => w.bytes(v, f),
  int128: (f) => (w, v) => w.int128(v, f),
  int256: (f) => (w, v) => w.int256(v, f),
  bool: (f) => (w, v) => w.bool(v, f),
  raw: (f) => (w, v) => w.raw(v, f),
}

/**
 * A TL codec for one schema, built by interpreting its parsed form: every constructor and method
 * gets a reader and a writer closure at construction; nothing is parsed or resolved per call.
 * Objects follow the engine's contract (engine/src/tl/README.md, "Values"); failures are the
 * engine's {@link TlError} with the same kinds as the generated codec.
 */
export class SchemaCodec {
  readonly layer: number | undefined
  /** Every constructor and method by `_` name. */
  readonly entries: ReadonlyMap<string, EntrySpec>
  /** Boxed type (`User`, `messages.Messages`) → its constructors, in schema order. */
  readonly constructorsByType: ReadonlyMap<string, readonly EntrySpec[]>
  private readonly byId = new Map<number, EntrySpec>()
  /** Signed id → reader of the fields after the id. */
  private readonly bodyReaders = new Map<number, Read>()
  /** `_` → writer of the fields (no id). */
  private readonly bodyWriters = new Map<string, Write>()
  /** `_` → writer of the id and the fields. */
  private readonly boxedWriters = new Map<string, Write>()
  private readonly resultReaders = new Map<string, Read>()
  private readonly resultWriters = new Map<string, Write>()
  private readonly scratch = new TlWriter(64 * 1024)

  /** Reads one boxed object (gzip_packed is unpacked). Bound: pass it around freely. */
  readonly readObject = (r: TlReader): TlValue => {
    const at = r.pos
    // NB: keyed by the signed id, like the generated map.
    const id = r.int32()
    const read = this.bodyReaders.get(id)
    if (read !== undefined) return read(r) as TlValue
    if (id === GZIP_PACKED_ID) return this.readObject(r.gunzip())
    throw new TlError('unknown-constructor', `unknown constructor ${hexId(id)} at offset ${at}`, at, id >>> 0)
  }

  /** Writes one boxed object, dispatched on `_`. Bound. */
  readonly writeObject = (w: TlWriter, obj: TlValue, field?: string): void => {
    const write = obj == null ? undefined : this.boxedWriters.get(obj._)
    if (write === undefined) {
      throw new TlError(
        'bad-value',
        `${field ?? `output offset ${w.pos}`}: cannot write ${obj == null ? String(obj) : `unknown constructor name ${JSON.stringify(obj._)}`}`,
        w.pos,
        undefined,
        field,
      )
    }
    write(w, obj)
  }

  /** Throws a plain Error when the schema references a type it does not declare. */
  constructor(schema: TlSchema, options: SchemaCodecOptions = {}) {
    this.layer = schema.layer ?? options.layer
    const prefix = options.namePrefix ?? ''
    const kept = schema.entries.filter((e) => !RUNTIME_HANDLED.has(e.name))
    const byTlName = new Map<string, TlEntry>()
    const ctorsByType = new Map<string, TlEntry[]>()
    for (const e of kept) {
      if (e.kind !== 'constructor') continue
      byTlName.set(e.name, e)
      const list = ctorsByType.get(e.type)
      if (list) list.push(e)
      else ctorsByType.set(e.type, [e])
    }
    const textual = new Set(options.stringsAsBytes?.except ?? [])

    const entries = new Map<string, EntrySpec>()
    for (const e of kept) {
      const generics = new Set(e.generics.map((g) => g.name))
      const resolve = (t: string, where: string): ValueType => {
        switch (t) {
          case '#':
            return { kind: 'flags' }
          case 'int':
          case 'long':
          case 'double':
          case 'bytes':
          case 'int128':
          case 'int256':
            return { kind: t }
          case 'string':
            return options.stringsAsBytes && !textual.has(where) ? { kind: 'bytes' } : { kind: 'string' }
          case 'Bool':
            return { kind: 'bool' }
          case 'true':
            return { kind: 'true' }
          case 'Object':
            return { kind: 'raw' }
        }
        const vec = /^([Vv])ector<(.+)>$/.exec(t)
        if (vec) return { kind: 'vector', bare: vec[1] === 'v', item: resolve(vec[2]!, where) }
        if (t.startsWith('!') || generics.has(t)) return { kind: 'any' }
        if (t.startsWith('%')) {
          const ctors = ctorsByType.get(t.slice(1))
          if (ctors?.length !== 1) throw new Error(`${where}: bare ${t} needs exactly one constructor`)
          return { kind: 'bare', name: prefix + ctors[0]!.name }
        }
        const last = t.slice(t.lastIndexOf('.') + 1)
        if (/^[a-z]/.test(last)) {
          if (!byTlName.has(t)) throw new Error(`${where}: unknown bare constructor ${t}`)
          return { kind: 'bare', name: prefix + t }
        }
        if (!ctorsByType.has(t)) throw new Error(`${where}: unknown type ${t}`)
        return { kind: 'boxed', type: t }
      }
      const args = e.arguments
      const fields = args.map((a, i): FieldSpec => {
        const where = `${e.name}.${a.name}`
        const type = resolve(a.type, where)
        const next = args[i + 1]
        const prev = args[i - 1]
        return {
          tlName: a.name,
          prop: camelCase(a.name),
          type,
          ...(a.condition ? { condition: a.condition } : {}),
          ...(type.kind === 'int' && a.name === 'bytes' && next?.type === 'Object' ? { lengthOf: camelCase(next.name) } : {}),
          ...(type.kind === 'raw' && prev?.name === 'bytes' && prev.type === 'int' ? { lengthFrom: 'bytes' } : {}),
        }
      })
      const spec: EntrySpec = {
        name: prefix + e.name,
        kind: e.kind,
        id: e.id >>> 0,
        type: e.type,
        fields,
        ...(e.kind === 'method' ? { result: resolve(e.type, `${e.name} result`) } : {}),
      }
      entries.set(spec.name, spec)
    }
    this.entries = entries
    const byType = new Map<string, EntrySpec[]>()
    for (const [type, list] of ctorsByType) byType.set(type, list.map((e) => entries.get(prefix + e.name)!))
    this.constructorsByType = byType

    for (const spec of entries.values()) {
      this.byId.set(spec.id, spec)
      const read = this.compileReader(spec)
      const write = this.compileWriter(spec)
      this.bodyWriters.set(spec.name, write)
      const id = spec.id
      this.boxedWriters.set(spec.name, (w, o) => {
        w.uint32(id)
        write(w, o)
      })
      // NB: `= Object` wrappers (gzip_packed) are unpacked by readObject, never returned.
      if (spec.type !== 'Object') this.bodyReaders.set(id | 0, read)
      if (spec.result !== undefined) {
        this.resultReaders.set(spec.name, this.readerFor(spec.result))
        this.resultWriters.set(spec.name, this.writerFor(spec.result))
      }
    }
  }

  /** The entry with this wire id (unsigned or signed), if any. */
  entryById(id: number): EntrySpec | undefined {
    return this.byId.get(id >>> 0)
  }

  /** Serializes one boxed object to fresh bytes. */
  serialize(obj: TlValue): Uint8Array {
    const w = this.scratch
    w.reset()
    this.writeObject(w, obj)
    return w.result()
  }

  /** Reads the boxed object at offset 0 (trailing bytes are ignored). */
  deserialize(bytes: Uint8Array): TlValue {
    return this.readObject(new TlReader(bytes))
  }

  /** Reads the result of `method` (its `_`), unwrapping gzip_packed. */
  readResult(method: string, r: TlReader): unknown {
    if (r.remaining >= 4) {
      const at = r.pos
      const id = r.uint32()
      if (id === GZIP_PACKED_ID) return this.readResult(method, r.gunzip())
      r.pos = at
    }
    const read = this.resultReaders.get(method)
    if (read === undefined) throw new TlError('bad-value', `readResult: unknown method ${JSON.stringify(method)}`, r.pos)
    return read(r)
  }

  /** Writes `value` as the result of `method` (Bool, Vector<…>, or a boxed object). */
  writeResult(method: string, w: TlWriter, value: unknown): void {
    const write = this.resultWriters.get(method)
    if (write === undefined) throw new TlError('bad-value', `writeResult: unknown method ${JSON.stringify(method)}`, w.pos)
    write(w, value)
  }

  /** A reader for values of `type` (closures are built per call: use at setup time, not per value). */
  readerFor(type: ValueType): Read {
    const prim = PRIMITIVE_READ[type.kind]
    if (prim !== undefined) return prim
    switch (type.kind) {
      case 'boxed':
      case 'any':
        return this.readObject
      case 'bare': {
        const spec = this.entries.get(type.name)!
        const readers = this.bodyReaders
        const id = spec.id | 0
        // Resolved lazily: the target may be compiled after the referrer.
        let body: Read | undefined
        return (r) => (body ??= readers.get(id)!)(r)
      }
      case 'vector': {
        const item = this.readerFor(type.item)
        return type.bare ? (r) => r.bareVector(item) : (r) => r.vector(item)
      }
      default:
        throw new Error(`no standalone reader for ${type.kind}`)
    }
  }

  /** A writer for values of `type`. */
  writerFor(type: ValueType, field?: string): Write {
    const prim = PRIMITIVE_WRITE[type.kind]
    if (prim !== undefined) return prim(field)
    switch (type.kind) {
      case 'boxed':
      case 'any':
        return field === undefined ? this.writeObject : (w, v) => this.writeObject(w, v, field)
      case 'bare': {
        const writers = this.bodyWriters
        const name = type.name
        let body: Write | undefined
        return (w, v) => (body ??= writers.get(name)!)(w, v)
      }
      case 'vector': {
        const item = this.writerFor(type.item, field)
        const boxed = !type.bare
        return (w, v) => {
          if (!Array.isArray(v)) throw badVector(w, v, field)
          if (boxed) w.uint32(0x1cb5c415)
          w.int32(v.length)
          for (let i = 0; i < v.length; i++) item(w, v[i])
        }
      }
      default:
        throw new Error(`no standalone writer for ${type.kind}`)
    }
  }

  private compileReader(spec: EntrySpec): Read {
    type Step = (r: TlReader, o: Obj, flags: number[]) => void
    const flagSlots = new Map<string, number>()
    const steps: Step[] = []
    for (const f of spec.fields) {
      const prop = f.prop
      if (f.type.kind === 'flags') {
        const slot = flagSlots.size
        flagSlots.set(f.tlName, slot)
        steps.push((r, _o, flags) => {
          flags[slot] = r.int32()
        })
        continue
      }
      const cond = f.condition
      const slot = cond ? flagSlots.get(cond.field)! : -1
      const mask = cond ? 2 ** cond.bit : 0
      if (f.type.kind === 'true') {
        steps.push((_r, o, flags) => {
          o[prop] = (flags[slot]! & mask) !== 0
        })
        continue
      }
      if (f.lengthFrom !== undefined) {
        const from = camelCase(f.lengthFrom)
        steps.push((r, o) => {
          o[prop] = r.raw(o[from] as number)
        })
        continue
      }
      const read = this.readerFor(f.type)
      steps.push(
        cond
          ? (r, o, flags) => {
              // Absent optional fields are left out, as the generated readers do.
              if (flags[slot]! & mask) o[prop] = read(r)
            }
          : (r, o) => {
              o[prop] = read(r)
            },
      )
    }
    const name = spec.name
    const nFlags = flagSlots.size
    const n = steps.length
    return (r) => {
      const o: Obj = { _: name }
      const flags: number[] = nFlags === 0 ? [] : new Array<number>(nFlags).fill(0)
      for (let i = 0; i < n; i++) steps[i]!(r, o, flags)
      return o
    }
  }

  private compileWriter(spec: EntrySpec): Write {
    type Step = (w: TlWriter, o: Obj, flags: number[]) => void
    const name = spec.name
    // Flag words are computed up front from field presence, then written in schema order.
    const flagSlots = new Map<string, number>()
    const presence: { slot: number; prop: string; mask: number; isTrue: boolean }[] = []
    for (const f of spec.fields) if (f.type.kind === 'flags') flagSlots.set(f.tlName, flagSlots.size)
    for (const f of spec.fields) {
      if (!f.condition) continue
      presence.push({ slot: flagSlots.get(f.condition.field)!, prop: f.prop, mask: 2 ** f.condition.bit, isTrue: f.type.kind === 'true' })
    }
    const steps: Step[] = []
    for (const f of spec.fields) {
      const prop = f.prop
      const tlName = f.tlName
      if (f.type.kind === 'flags') {
        const slot = flagSlots.get(tlName)!
        steps.push((w, _o, flags) => w.int32(flags[slot]!))
        continue
      }
      if (f.type.kind === 'true') continue
      if (f.lengthOf !== undefined) {
        const of = f.lengthOf
        const lengthField = `${name}.${prop}`
        steps.push((w, o) => w.int32(((o[of] ?? missing(w, name, of)) as Uint8Array).length, lengthField))
        continue
      }
      const write = this.writerFor(f.type, `${name}.${prop}`)
      if (f.condition) {
        const slot = flagSlots.get(f.condition.field)!
        const mask = 2 ** f.condition.bit
        steps.push((w, o, flags) => {
          if (flags[slot]! & mask) write(w, o[prop] ?? missing(w, name, tlName))
        })
      } else {
        steps.push((w, o) => write(w, o[prop] ?? missing(w, name, tlName)))
      }
    }
    const nFlags = flagSlots.size
    const n = steps.length
    return (w, o: Obj) => {
      const flags: number[] = nFlags === 0 ? [] : new Array<number>(nFlags).fill(0)
      for (const p of presence) {
        const v = o[p.prop]
        if (p.isTrue ? v : v != null) flags[p.slot]! |= p.mask
      }
      for (let i = 0; i < n; i++) steps[i]!(w, o, flags)
    }
  }
}
