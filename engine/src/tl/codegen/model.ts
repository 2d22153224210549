// Resolves a parsed TL schema into what the generators need: JS names, field kinds, flag bits,
// bare/boxed references. Pure; knows TL semantics and our naming, not how code is printed.
import type { TlArgument, TlEntry, TlSchema } from '../schema.js'

/** How one field (or vector element, or method result) is encoded. */
export type FieldType =
  | { kind: 'int' | 'long' | 'double' | 'string' | 'bytes' | 'int128' | 'int256' | 'bool' | 'true' | 'flags' }
  | { kind: 'vector'; bare: boolean; item: FieldType }
  /** Any constructor of a boxed type (id on the wire). */
  | { kind: 'boxed'; type: string }
  /** One specific constructor without its id (`%Message`, `future_salt`). */
  | { kind: 'bare'; entry: GenEntry }
  /** `!X` / a generic: any boxed object, typically a method. */
  | { kind: 'any' }
  /** `Object` in the MTProto schema: kept as raw bytes (the caller decodes it). */
  | { kind: 'raw' }

export interface GenField {
  /** TL name (snake_case). */
  readonly tlName: string
  /** Property name on the JS object (camelCase). */
  readonly prop: string
  readonly type: FieldType
  readonly condition?: { readonly field: string; readonly bit: number }
  /** For `message.bytes`: this int is the byte length of the named raw field that follows. */
  readonly lengthOf?: string
  /** For a raw field whose length is a preceding int field (`message.body`). */
  readonly lengthFrom?: string
}

export interface GenEntry {
  readonly src: TlEntry
  readonly schema: GenSchema
  /** Value of `_`: TL name, with `mt_` in the MTProto schema. */
  readonly jsName: string
  readonly fields: GenField[]
  /** Methods: how the result is read. */
  result?: FieldType
  /** Stable index used to name generated functions. */
  readonly index: number
}

export interface GenSchema {
  /** TypeScript namespace the types go into: `tl` or `mtp`. */
  readonly ns: string
  readonly entries: GenEntry[]
  readonly constructorsByType: Map<string, GenEntry[]>
  readonly layer?: number
}

export interface ResolveOptions {
  ns: string
  /** Prefix for `_` values (`mt_` for the MTProto schema). */
  namePrefix: string
  /**
   * Treat `string` fields as `bytes` (MTProto schema: pq, p, q, encrypted_data … carry binary data),
   * except the listed `constructor.field` names, which are text.
   */
  stringsAsBytes?: { except: readonly string[] }
  /** First function index (so two schemas generated into one file do not collide). */
  firstIndex?: number
}

/** Constructors the runtime handles itself and the maps must not contain. */
const RUNTIME_HANDLED = new Set(['boolFalse', 'boolTrue'])

export const camelCase = (s: string): string => s.replace(/_([a-z0-9])/gi, (_, c: string) => c.toUpperCase())

/** Resolves every entry; throws on a reference to an unknown type. */
export function resolveSchema(schema: TlSchema, options: ResolveOptions): GenSchema {
  const gen: GenSchema = {
    ns: options.ns,
    entries: [],
    constructorsByType: new Map(),
    ...(schema.layer === undefined ? {} : { layer: schema.layer }),
  }
  const byName = new Map<string, GenEntry>()
  let index = options.firstIndex ?? 0
  for (const src of schema.entries) {
    if (RUNTIME_HANDLED.has(src.name)) continue
    const e: GenEntry = { src, schema: gen, jsName: options.namePrefix + src.name, fields: [], index: index++ }
    gen.entries.push(e)
    if (src.kind === 'constructor') {
      byName.set(src.name, e)
      const list = gen.constructorsByType.get(src.type)
      if (list) list.push(e)
      else gen.constructorsByType.set(src.type, [e])
    }
  }
  const textual = new Set(options.stringsAsBytes?.except ?? [])
  for (const e of gen.entries) {
    const generics = new Set(e.src.generics.map((g) => g.name))
    const resolve = (t: string, where: string): FieldType => {
      if (t === '#') return { kind: 'flags' }
      if (t === 'int' || t === 'long' || t === 'double' || t === 'bytes' || t === 'int128' || t === 'int256') {
        return { kind: t }
      }
      if (t === 'string') return options.stringsAsBytes && !textual.has(where) ? { kind: 'bytes' } : { kind: 'string' }
      if (t === 'Bool') return { kind: 'bool' }
      if (t === 'true') return { kind: 'true' }
      if (t === 'Object') return { kind: 'raw' }
      const vec = /^([Vv])ector<(.+)>$/.exec(t)
      if (vec) return { kind: 'vector', bare: vec[1] === 'v', item: resolve(vec[2]!, where) }
      if (t.startsWith('!')) return { kind: 'any' }
      if (generics.has(t)) return { kind: 'any' }
      if (t.startsWith('%')) {
        const ctors = gen.constructorsByType.get(t.slice(1))
        if (ctors?.length !== 1) throw new Error(`${where}: bare ${t} needs exactly one constructor`)
        return { kind: 'bare', entry: ctors[0]! }
      }
      const last = t.slice(t.lastIndexOf('.') + 1)
      if (/^[a-z]/.test(last)) {
        const ctor = byName.get(t)
        if (!ctor) throw new Error(`${where}: unknown bare constructor ${t}`)
        return { kind: 'bare', entry: ctor }
      }
      if (!gen.constructorsByType.has(t)) throw new Error(`${where}: unknown type ${t}`)
      return { kind: 'boxed', type: t }
    }
    const args = e.src.arguments
    args.forEach((a: TlArgument, i) => {
      const where = `${e.src.name}.${a.name}`
      const type = resolve(a.type, where)
      const next = args[i + 1]
      const prev = args[i - 1]
      const f: GenField = {
        tlName: a.name,
        prop: camelCase(a.name),
        type,
        ...(a.condition ? { condition: a.condition } : {}),
        ...(type.kind === 'int' && a.name === 'bytes' && next?.type === 'Object' ? { lengthOf: camelCase(next.name) } : {}),
        ...(type.kind === 'raw' && prev?.name === 'bytes' && prev.type === 'int' ? { lengthFrom: 'bytes' } : {}),
      }
      e.fields.push(f)
    })
    if (e.src.kind === 'method') e.result = resolve(e.src.type, `${e.src.name} result`)
  }
  return gen
}

/** `messages.sendMessage` → `['messages', 'sendMessage']`. */
export function splitNamespace(name: string): [string | undefined, string] {
  const dot = name.lastIndexOf('.')
  return dot < 0 ? [undefined, name] : [name.slice(0, dot), name.slice(dot + 1)]
}

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

/** Qualified TS interface name of an entry: `tl.RawUser`, `tl.messages.RawSendMessageRequest`, `mtp.RawMt_resPQ`. */
export function rawTypeName(e: GenEntry): string {
  const [nsPart, base] = splitNamespace(e.jsName)
  const name = `Raw${upperFirst(base)}${e.src.kind === 'method' ? 'Request' : ''}`
  return [e.schema.ns, nsPart, name].filter(Boolean).join('.')
}

/** Qualified TS union name of a boxed type: `tl.TypeUser`, `tl.messages.TypeMessages`, `mtp.TypeResPQ`. */
export function unionTypeName(ns: string, type: string): string {
  const [nsPart, base] = splitNamespace(type)
  return [ns, nsPart, `Type${base}`].filter(Boolean).join('.')
}
