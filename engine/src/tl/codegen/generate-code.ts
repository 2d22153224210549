// Generates straight-line readers and writers (one function per constructor/method), the
// id → reader and name → writer maps, method result readers, and metadata (ids, layer, errors).
// Pure: resolved model in, source text out. The emitted code calls TlReader/TlWriter primitives only.
import { tsType } from './generate-types.js'
import { type FieldType, type GenEntry, type GenSchema, rawTypeName, unionTypeName } from './model.js'

const hex = (id: number): string => '0x' + (id >>> 0).toString(16).padStart(8, '0')
const q = (s: string): string => JSON.stringify(s)

/** Element readers/writers emitted once per file for the common vectors. */
const VECTOR_HELPERS: Partial<Record<FieldType['kind'], string>> = {
  int: 'int32',
  long: 'int64',
  double: 'double',
  string: 'string',
  bytes: 'bytes',
  int128: 'int128',
  int256: 'int256',
  bool: 'bool',
  boxed: 'object',
  any: 'object',
}

/**
 * Per-file state of the reader generator: the typed dispatchers (`o<n>`: switch on the constructors
 * of one boxed type) and typed vector loops (`vo<n>`/`bvo<n>`) that the emitted readers call.
 */
interface ReadCtx {
  /** `ns:Type` → dispatcher function name. */
  readonly dispatchers: Map<string, { name: string; schema: GenSchema; type: string }>
  /** Typed vector loops to emit: function name → [dispatcher name, bare, element TS type]. */
  readonly vectors: Map<string, { item: string; bare: boolean; tsType: string }>
}

/** Name of the dispatcher for boxed `type` of `schema` (registered on first use). */
function dispatcher(ctx: ReadCtx, schema: GenSchema, type: string): string {
  const key = `${schema.ns}:${type}`
  let d = ctx.dispatchers.get(key)
  if (d === undefined) {
    // Named after the type's first constructor: stable while the schema does not reorder.
    d = { name: `o${schema.constructorsByType.get(type)![0]!.index}`, schema, type }
    ctx.dispatchers.set(key, d)
  }
  return d.name
}

function readExpr(t: FieldType, ctx: ReadCtx, schema: GenSchema, lengthLocal?: string): string {
  switch (t.kind) {
    case 'int':
      return 'r.int32()'
    case 'long':
      return 'r.int64()'
    case 'double':
      return 'r.double()'
    case 'string':
      return 'r.string()'
    case 'bytes':
      return 'r.bytes()'
    case 'int128':
      return 'r.int128()'
    case 'int256':
      return 'r.int256()'
    case 'bool':
      return 'r.bool()'
    case 'flags':
      return 'r.int32()'
    case 'true':
      throw new Error('true outside flags')
    case 'boxed':
      return `${dispatcher(ctx, schema, t.type)}(r)`
    case 'any':
      return 'r.object()'
    case 'bare':
      return `b${t.entry.index}(r)`
    case 'raw':
      return lengthLocal === undefined ? 'r.raw(r.remaining)' : `r.raw(${lengthLocal})`
    case 'vector': {
      if (t.item.kind === 'boxed') {
        const item = dispatcher(ctx, schema, t.item.type)
        const name = `${t.bare ? 'bv' : 'v'}${item}`
        ctx.vectors.set(name, { item, bare: t.bare, tsType: unionTypeName(schema.ns, t.item.type) })
        return `${name}(r)`
      }
      const helper = VECTOR_HELPERS[t.item.kind]
      if (helper !== undefined) return `${t.bare ? 'bv' : 'v'}_${helper}(r)`
      const item = t.item.kind === 'bare' ? `b${t.item.entry.index}` : `(r: TlReader) => ${readExpr(t.item, ctx, schema)}`
      return `r.${t.bare ? 'bareVector' : 'vector'}(${item})`
    }
  }
}

/** The dispatchers and typed vector loops registered in `ctx`. */
function dispatcherFunctions(ctx: ReadCtx): string[] {
  const out: string[] = []
  for (const { name, schema, type } of ctx.dispatchers.values()) {
    const cases: string[] = []
    for (const e of schema.constructorsByType.get(type)!) {
      cases.push(`    case ${e.src.id | 0}: return b${e.index}(r) // ${e.jsName}`)
    }
    out.push(
      `function ${name}(r: TlReader): ${unionTypeName(schema.ns, type)} {`,
      '  const id = r.int32()',
      '  switch (id) {',
      ...cases,
      '  }',
      '  return r.objectWithId(id)',
      '}',
    )
  }
  for (const [name, { item, bare, tsType }] of ctx.vectors) {
    out.push(
      `function ${name}(r: TlReader): ${tsType}[] { const n = r.${bare ? 'bareVectorLength' : 'vectorLength'}(); const out = newArray<${tsType}>(n); for (let i = 0; i < n; i++) out[i] = ${item}(r); return out }`,
    )
  }
  return out
}

/**
 * The statement writing `value` of type `t`. `field` (a JS string literal, `"ctor.prop"`) is passed
 * to the primitive so a bad value names its field; it costs one constant argument per call.
 */
function writeStmt(t: FieldType, value: string, field: string): string {
  switch (t.kind) {
    case 'int':
      return `w.int32(${value}, ${field})`
    case 'flags':
      // Computed by the writer from field presence: always a valid int.
      return `w.int32(${value})`
    case 'long':
      return `w.int64(${value}, ${field})`
    case 'double':
      return `w.double(${value}, ${field})`
    case 'string':
      return `w.string(${value}, ${field})`
    case 'bytes':
      return `w.bytes(${value}, ${field})`
    case 'int128':
      return `w.int128(${value}, ${field})`
    case 'int256':
      return `w.int256(${value}, ${field})`
    case 'bool':
      return `w.bool(${value}, ${field})`
    case 'true':
      throw new Error('true outside flags')
    case 'boxed':
    case 'any':
      return `w.object(${value}, ${field})`
    case 'bare':
      return `wb${t.entry.index}(w, ${value})`
    case 'raw':
      return `w.raw(${value}, ${field})`
    case 'vector': {
      const helper = VECTOR_HELPERS[t.item.kind]
      if (helper !== undefined) return `w${t.bare ? 'bv' : 'v'}_${helper}(w, ${value}, ${field})`
      return `w.${t.bare ? 'bareVector' : 'vector'}(${value}, (w: TlWriter, x: any) => ${writeStmt(t.item, 'x', field)}, ${field})`
    }
  }
}

/**
 * Body of a reader (without the id, which the caller consumed). Fields are read into locals in wire
 * order; the object literal holds `_`, the unconditional fields and the `flags.N?true` booleans, and
 * each present optional field is then added in schema order. Absent optionals are left out: a
 * literal with every optional key costs one store per key (a `message` has 35 of them) and
 * measured ~8% of `messages.messages` decoding.
 */
function readerFunction(e: GenEntry, fnName: string, ctx: ReadCtx): string {
  const lines = [`function ${fnName}(r: TlReader): ${rawTypeName(e)} {`]
  const props: string[] = [`_: ${q(e.jsName)}`]
  const optional: string[] = []
  const locals = new Map<string, string>()
  e.fields.forEach((f, i) => {
    const local = `a${i}`
    locals.set(f.tlName, local)
    if (f.type.kind === 'flags') {
      lines.push(`  const ${local} = r.int32()`)
      return
    }
    const cond = f.condition
    const flagLocal = cond ? locals.get(cond.field)! : ''
    const mask = cond ? hex(2 ** cond.bit) : ''
    if (f.type.kind === 'true') {
      lines.push(`  const ${local} = (${flagLocal} & ${mask}) !== 0`)
    } else {
      const expr = readExpr(f.type, ctx, e.schema, f.lengthFrom !== undefined ? locals.get(f.lengthFrom) : undefined)
      if (cond) {
        lines.push(`  const ${local} = ${flagLocal} & ${mask} ? ${expr} : undefined`)
        optional.push(`  if (${flagLocal} & ${mask}) o.${f.prop} = ${local}`)
        return
      }
      lines.push(`  const ${local} = ${expr}`)
    }
    props.push(`${f.prop}: ${local}`)
  })
  if (optional.length === 0) {
    lines.push(`  return { ${props.join(', ')} }`, '}')
  } else {
    lines.push(`  const o: ${rawTypeName(e)} = { ${props.join(', ')} }`, ...optional, '  return o', '}')
  }
  return lines.join('\n')
}

/** Writer body (fields only) for `o`. */
function writerBody(e: GenEntry): string[] {
  const lines: string[] = []
  const flagLocals = new Map<string, string>()
  const miss = (f: { tlName: string }): string => `miss(w, ${q(e.jsName)}, ${q(f.tlName)})`
  // Flag words are computed up front from field presence, then written in schema order.
  e.fields.forEach((f, i) => {
    if (f.type.kind !== 'flags') return
    const local = `f${i}`
    flagLocals.set(f.tlName, local)
    lines.push(`  let ${local} = 0`)
    for (const g of e.fields) {
      if (g.condition?.field !== f.tlName) continue
      const mask = hex(2 ** g.condition.bit)
      lines.push(g.type.kind === 'true' ? `  if (o.${g.prop}) ${local} |= ${mask}` : `  if (o.${g.prop} != null) ${local} |= ${mask}`)
    }
  })
  for (const f of e.fields) {
    const field = q(`${e.jsName}.${f.prop}`)
    if (f.type.kind === 'flags') {
      lines.push(`  w.int32(${flagLocals.get(f.tlName)!})`)
      continue
    }
    if (f.type.kind === 'true') continue
    if (f.lengthOf !== undefined) {
      lines.push(`  w.int32((o.${f.lengthOf} ?? ${miss({ tlName: f.lengthOf })}).length, ${field})`)
      continue
    }
    const value = `(o.${f.prop} ?? ${miss(f)})`
    if (f.condition) {
      const mask = hex(2 ** f.condition.bit)
      lines.push(`  if (${flagLocals.get(f.condition.field)!} & ${mask}) ${writeStmt(f.type, value, field)}`)
    } else {
      lines.push(`  ${writeStmt(f.type, value, field)}`)
    }
  }
  return lines
}

function bareTargets(schemas: readonly GenSchema[]): Set<GenEntry> {
  const out = new Set<GenEntry>()
  const visit = (t: FieldType): void => {
    if (t.kind === 'bare') out.add(t.entry)
    if (t.kind === 'vector') visit(t.item)
  }
  for (const s of schemas) for (const e of s.entries) for (const f of e.fields) visit(f.type)
  return out
}

const READ_HELPERS = `
function v_object(r: TlReader): any[] { const n = r.vectorLength(); const out = newArray<any>(n); for (let i = 0; i < n; i++) out[i] = r.object(); return out }
function v_int32(r: TlReader): number[] { const n = r.vectorLength(); const out = newArray<number>(n); for (let i = 0; i < n; i++) out[i] = r.int32(); return out }
function v_int64(r: TlReader): bigint[] { const n = r.vectorLength(); const out = newArray<bigint>(n); for (let i = 0; i < n; i++) out[i] = r.int64(); return out }
function v_double(r: TlReader): number[] { const n = r.vectorLength(); const out = newArray<number>(n); for (let i = 0; i < n; i++) out[i] = r.double(); return out }
function v_string(r: TlReader): string[] { const n = r.vectorLength(); const out = newArray<string>(n); for (let i = 0; i < n; i++) out[i] = r.string(); return out }
function v_bytes(r: TlReader): Uint8Array[] { const n = r.vectorLength(); const out = newArray<Uint8Array>(n); for (let i = 0; i < n; i++) out[i] = r.bytes(); return out }
function v_int128(r: TlReader): Uint8Array[] { const n = r.vectorLength(); const out = newArray<Uint8Array>(n); for (let i = 0; i < n; i++) out[i] = r.int128(); return out }
function v_int256(r: TlReader): Uint8Array[] { const n = r.vectorLength(); const out = newArray<Uint8Array>(n); for (let i = 0; i < n; i++) out[i] = r.int256(); return out }
function v_bool(r: TlReader): boolean[] { const n = r.vectorLength(); const out = newArray<boolean>(n); for (let i = 0; i < n; i++) out[i] = r.bool(); return out }
function bv_object(r: TlReader): any[] { const n = r.bareVectorLength(); const out = newArray<any>(n); for (let i = 0; i < n; i++) out[i] = r.object(); return out }
function bv_int32(r: TlReader): number[] { const n = r.bareVectorLength(); const out = newArray<number>(n); for (let i = 0; i < n; i++) out[i] = r.int32(); return out }
function bv_int64(r: TlReader): bigint[] { const n = r.bareVectorLength(); const out = newArray<bigint>(n); for (let i = 0; i < n; i++) out[i] = r.int64(); return out }
function bv_double(r: TlReader): number[] { const n = r.bareVectorLength(); const out = newArray<number>(n); for (let i = 0; i < n; i++) out[i] = r.double(); return out }
function bv_string(r: TlReader): string[] { const n = r.bareVectorLength(); const out = newArray<string>(n); for (let i = 0; i < n; i++) out[i] = r.string(); return out }
function bv_bytes(r: TlReader): Uint8Array[] { const n = r.bareVectorLength(); const out = newArray<Uint8Array>(n); for (let i = 0; i < n; i++) out[i] = r.bytes(); return out }
function bv_int128(r: TlReader): Uint8Array[] { const n = r.bareVectorLength(); const out = newArray<Uint8Array>(n); for (let i = 0; i < n; i++) out[i] = r.int128(); return out }
function bv_int256(r: TlReader): Uint8Array[] { const n = r.bareVectorLength(); const out = newArray<Uint8Array>(n); for (let i = 0; i < n; i++) out[i] = r.int256(); return out }
function bv_bool(r: TlReader): boolean[] { const n = r.bareVectorLength(); const out = newArray<boolean>(n); for (let i = 0; i < n; i++) out[i] = r.bool(); return out }
`

function writeHelpers(): string {
  const out: string[] = []
  for (const [name, tsT] of [
    ['object', 'any'],
    ['int32', 'number'],
    ['int64', 'bigint'],
    ['double', 'number'],
    ['string', 'string'],
    ['bytes', 'Uint8Array'],
    ['int128', 'Uint8Array'],
    ['int256', 'Uint8Array'],
    ['bool', 'boolean'],
  ] as const) {
    for (const [prefix, id] of [
      ['wv_', true],
      ['wbv_', false],
    ] as const) {
      out.push(
        `function ${prefix}${name}(w: TlWriter, v: readonly ${tsT}[], f: string): void { if (!Array.isArray(v)) throw badVector(w, v, f); ${
          id ? 'w.uint32(0x1cb5c415); ' : ''
        }w.int32(v.length); for (let i = 0; i < v.length; i++) w.${name}(v[i]!, f) }`,
      )
    }
  }
  return out.join('\n')
}

const HEADER = '// Generated by engine/scripts/codegen.ts from the TL schema. Do not edit; run `npm run codegen`.\n'

/** generated/readers.ts: one reader per constructor and method, the id → reader map, result readers. */
export function generateReaders(schemas: readonly GenSchema[]): string {
  const out = [
    HEADER,
    "/* eslint-disable */\nimport { type TlReader, newArray } from '../reader.js'",
    `import type { ${schemas.map((s) => s.ns).join(', ')} } from './types.js'`,
    READ_HELPERS,
  ]
  const ctx: ReadCtx = { dispatchers: new Map(), vectors: new Map() }
  const mapLines: string[] = []
  for (const s of schemas) {
    for (const e of s.entries) {
      out.push(readerFunction(e, `b${e.index}`, ctx))
      // NB: `= Object` wrappers (gzip_packed) are unpacked by TlReader.object(), never returned.
      if (e.src.type === 'Object') continue
      mapLines.push(`readers.set(${e.src.id | 0}, b${e.index}) // ${hex(e.src.id)} ${e.jsName}`)
    }
  }
  out.push(
    '/** Signed constructor/method id (`id | 0`) → reader of the fields that follow the id. */',
    'export const readers = new Map<number, (r: TlReader) => any>()',
    mapLines.join('\n'),
  )
  const results: string[] = []
  for (const s of schemas) {
    for (const e of s.entries) {
      if (e.src.kind !== 'method') continue
      results.push(`resultReaders.set(${q(e.jsName)}, (r: TlReader) => ${readExpr(e.result!, ctx, s)})`)
    }
  }
  out.push(...dispatcherFunctions(ctx))
  out.push(
    '/** Method name → reader of its result (after rpc_result/gzip_packed/rpc_error are handled). */',
    'export const resultReaders = new Map<string, (r: TlReader) => unknown>()',
    results.join('\n'),
  )
  return out.join('\n') + '\n'
}

/** generated/writers.ts: one boxed writer per constructor/method, bare writers where referenced, the name → writer map. */
export function generateWriters(schemas: readonly GenSchema[]): string {
  const bare = bareTargets(schemas)
  const out = [
    HEADER,
    "/* eslint-disable */\nimport { TlError } from '../errors.js'",
    "import type { TlWriter } from '../writer.js'",
    `import type { ${schemas.map((s) => s.ns).join(', ')} } from './types.js'`,
    '',
    'function miss(w: TlWriter, ctor: string, field: string): never {',
    "  throw new TlError('missing-field', `${ctor}: required field ${field} is missing`, w.pos, undefined, `${ctor}.${field}`)",
    '}',
    'function badVector(w: TlWriter, v: unknown, field: string): TlError {',
    "  return new TlError('bad-value', `${field}: expected an array (Vector), got ${v === null ? 'null' : typeof v}`, w.pos, undefined, field)",
    '}',
    writeHelpers(),
  ]
  const mapLines: string[] = []
  for (const s of schemas) {
    for (const e of s.entries) {
      const body = writerBody(e)
      const tsT = rawTypeName(e)
      out.push(`function w${e.index}(w: TlWriter, o: ${tsT}): void {\n  w.uint32(${hex(e.src.id)})\n${body.join('\n')}\n}`)
      if (bare.has(e)) out.push(`function wb${e.index}(w: TlWriter, o: ${tsT}): void {\n${body.join('\n')}\n}`)
      mapLines.push(`writers.set(${q(e.jsName)}, w${e.index})`)
    }
  }
  out.push(
    '/** `_` name → boxed writer (writes the id, then the fields). */',
    'export const writers = new Map<string, (w: TlWriter, o: any) => void>()',
    mapLines.join('\n'),
  )
  return out.join('\n') + '\n'
}

/** generated/types.ts header + namespaces are produced by generate-types.ts; this is the metadata module. */
export function generateMeta(
  schemas: readonly GenSchema[],
  layer: number | undefined,
  errors: Readonly<Record<string, { code: number; description: string }>>,
): string {
  const ids: string[] = []
  for (const s of schemas) for (const e of s.entries) ids.push(`  ${q(e.jsName)}: ${hex(e.src.id)},`)
  const errLines = Object.entries(errors)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, { code, description }]) => `  ${q(name)}: { code: ${code}, description: ${q(description)} },`)
  return [
    HEADER,
    '/** API layer of the generated schema. */',
    `export const LAYER = ${layer ?? 0}`,
    '',
    '/** `_` name → constructor/method id (unsigned). */',
    `export const ids = {\n${ids.join('\n')}\n} as const`,
    '',
    '/** Known RPC error names (from the schema package) → code and description. */',
    `export const rawErrors: Readonly<Record<string, { readonly code: number; readonly description: string }>> = {\n${errLines.join('\n')}\n}`,
    '',
  ].join('\n')
}

/** generated/types.ts. */
export function generateTypesModule(typeBlocks: readonly string[], resultOf: string): string {
  return [HEADER, ...typeBlocks, resultOf].join('\n')
}

export { tsType }
