// Generates the TypeScript declarations (namespaces `tl`, `mtp`, …) for resolved schemas.
// Pure: model in, source text out. Knows naming and TS syntax, not the wire format.
import { type FieldType, type GenEntry, type GenSchema, rawTypeName, splitNamespace, unionTypeName } from './model.js'

/** TS type of a field/result as seen by users of the generated objects. */
export function tsType(t: FieldType, ns: string): string {
  switch (t.kind) {
    case 'int':
    case 'double':
      return 'number'
    case 'long':
      return 'bigint'
    case 'string':
      return 'string'
    case 'bytes':
    case 'int128':
    case 'int256':
    case 'raw':
      return 'Uint8Array'
    case 'bool':
    case 'true':
      return 'boolean'
    case 'flags':
      return 'number'
    case 'vector': {
      const item = tsType(t.item, ns)
      return /^[\w.]+$/.test(item) ? `${item}[]` : `(${item})[]`
    }
    case 'boxed':
      return unionTypeName(ns, t.type)
    case 'bare':
      return rawTypeName(t.entry)
    case 'any':
      return `${ns}.RpcMethod`
  }
}

const q = (s: string): string => JSON.stringify(s)

function entryInterface(e: GenEntry): string {
  const [, base] = splitNamespace(rawTypeName(e).slice(e.schema.ns.length + 1))
  const lines = [`interface ${base} {`, `  _: ${q(e.jsName)}`]
  for (const f of e.fields) {
    if (f.type.kind === 'flags') continue
    const opt = f.condition ? '?' : ''
    lines.push(`  ${f.prop}${opt}: ${tsType(f.type, e.schema.ns)}`)
  }
  lines.push('}')
  return lines.join('\n')
}

/** Declarations for one schema, as `export declare namespace <ns> { … }`. */
export function generateTypes(schema: GenSchema): string {
  const ns = schema.ns
  const groups = new Map<string, string[]>() // namespace part → declarations
  const add = (nsPart: string | undefined, decl: string): void => {
    const key = nsPart ?? ''
    const g = groups.get(key)
    if (g) g.push(decl)
    else groups.set(key, [decl])
  }
  for (const e of schema.entries) add(splitNamespace(e.jsName)[0], entryInterface(e))
  for (const [type, ctors] of schema.constructorsByType) {
    const [nsPart, base] = splitNamespace(type)
    add(nsPart, `type Type${base} =\n  | ${ctors.map(rawTypeName).join('\n  | ')}`)
  }
  const methods = schema.entries.filter((e) => e.src.kind === 'method')
  const ctors = schema.entries.filter((e) => e.src.kind === 'constructor')
  const generic = methods.filter((m) => m.result?.kind === 'any')
  const top = groups.get('') ?? []
  top.push(
    `/** Every ${ns} method (request object). */\ntype RpcMethod =\n  | ${methods.map(rawTypeName).join('\n  | ') || 'never'}`,
    `/** Every ${ns} constructor. */\ntype TlObject =\n  | ${ctors.map(rawTypeName).join('\n  | ') || 'never'}`,
    `/** Method name → result type. Generic wrappers (invokeWithLayer …) map to unknown; see ResultOf. */\ninterface RpcResultMap {\n${methods
      .map((m) => `  ${q(m.jsName)}: ${m.result!.kind === 'any' ? 'unknown' : tsType(m.result!, ns)}`)
      .join('\n')}\n}`,
    `/** Methods whose result is the result of their \`query\`. */\ntype GenericWrapper = ${generic.map((m) => q(m.jsName)).join(' | ') || 'never'}`,
  )
  groups.set('', top)
  const out: string[] = [`export declare namespace ${ns} {`]
  const indent = (s: string, n: number): string =>
    s
      .split('\n')
      .map((l) => ' '.repeat(n) + l)
      .join('\n')
  for (const decl of top) out.push(indent(decl, 2))
  for (const [key, decls] of groups) {
    if (key === '') continue
    out.push(`  namespace ${key} {`)
    for (const decl of decls) out.push(indent(decl, 4))
    out.push('  }')
  }
  out.push('}')
  return out.join('\n') + '\n'
}

/** The `ResultOf<M>` helper over all schemas (first match wins). */
export function generateResultOf(namespaces: readonly string[]): string {
  const arms = namespaces.map((ns) => `M['_'] extends keyof ${ns}.RpcResultMap\n    ? ${ns}.RpcResultMap[M['_']]\n    : `)
  const wrappers = namespaces.map((ns) => `${ns}.GenericWrapper`).join(' | ')
  return [
    '/** Result type of a request object; unwraps invokeWithLayer/initConnection/… to their `query`. */',
    'export type ResultOf<M extends { _: string }> =',
    `  M extends { _: ${wrappers}; query: infer Q extends { _: string } }`,
    '    ? ResultOf<Q>',
    `    : ${arms.join('')}never`,
    '',
  ].join('\n')
}
