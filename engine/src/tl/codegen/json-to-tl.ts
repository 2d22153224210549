// Converts the JSON schema shipped by @mtcute/core (tl/api-schema.json, tl/mtp-schema.json) into
// TL text, so every schema reaches the generator through the one TL parser. Pure: JSON in, text out.
// Knows mtcute's JSON shape only; it does not validate the schema (the parser does).

/** One argument as mtcute's JSON spells it. */
export interface JsonArgument {
  name: string
  type: string
  typeModifiers?: { predicate?: string; isVector?: boolean; isBareVector?: boolean; isBareType?: boolean }
}

/** One entry as mtcute's JSON spells it. */
export interface JsonEntry {
  kind: 'class' | 'method'
  name: string
  id: number
  type: string
  arguments: JsonArgument[]
  generics?: { name: string; type: string }[]
  typeModifiers?: { isVector?: boolean }
}

/** `api-schema.json` is `{ l: layer, e: entries }`; `mtp-schema.json` is a bare entry list. */
export type JsonSchema = { l?: number; e: JsonEntry[] } | JsonEntry[]

/** Lines every API schema text starts with (the JSON omits them). https://core.telegram.org/schema */
const API_PRELUDE = [
  'boolFalse#bc799737 = Bool;',
  'boolTrue#997275b5 = Bool;',
  'true#3fedd339 = True;',
  'vector#1cb5c415 {t:Type} # [ t ] = Vector t;',
]

export interface JsonToTlOptions {
  /** Prefix stripped from names and types (mtcute's mtp JSON names everything `mt_…`). */
  stripPrefix?: string
  /** Emit the Bool/True/vector prelude (API schemas). */
  prelude?: boolean
}

/**
 * Renders mtcute's JSON as TL text. mtcute-specific spellings are undone: `int53` → `long`,
 * `mtcute.*` helper entries are dropped. Every entry keeps its explicit `#id`.
 */
export function jsonSchemaToTl(json: JsonSchema, options: JsonToTlOptions = {}): string {
  const entries = Array.isArray(json) ? json : json.e
  const layer = Array.isArray(json) ? undefined : json.l
  const strip = (s: string): string =>
    options.stripPrefix !== undefined && s.startsWith(options.stripPrefix) ? s.slice(options.stripPrefix.length) : s
  const out: string[] = []
  if (layer !== undefined) out.push(`// LAYER ${layer}`)
  if (options.prelude) out.push(...API_PRELUDE)
  const line = (e: JsonEntry): string => {
    const parts = [`${strip(e.name)}#${(e.id >>> 0).toString(16).padStart(8, '0')}`]
    for (const g of e.generics ?? []) parts.push(`{${g.name}:${g.type}}`)
    for (const a of e.arguments) {
      let t = strip(a.type === 'int53' ? 'long' : a.type)
      const m = a.typeModifiers
      if (m?.isBareType && !m.isBareVector) t = `%${t}`
      if (m?.isVector) t = `Vector<${t}>`
      if (m?.isBareVector) t = `vector<${t}>`
      parts.push(`${a.name}:${m?.predicate !== undefined ? `${m.predicate}?` : ''}${t}`)
    }
    const result = strip(e.type === 'int53' ? 'long' : e.type)
    parts.push('=', e.typeModifiers?.isVector ? `Vector<${result}>` : result)
    return parts.join(' ') + ';'
  }
  const keep = entries.filter((e) => !e.name.startsWith('mtcute.'))
  for (const e of keep) if (e.kind === 'class') out.push(line(e))
  out.push('---functions---')
  for (const e of keep) if (e.kind === 'method') out.push(line(e))
  return out.join('\n') + '\n'
}
