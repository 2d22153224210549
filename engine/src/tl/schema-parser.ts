// Parser for TL schema text (.tl files): text in, TlSchema out. Pure; no file access.
// Knows TL syntax (comments, sections, flags, generics, bare/boxed types), not code generation.
// https://core.telegram.org/mtproto/TL and https://core.telegram.org/mtproto/TL-combinators
import { computeId } from './canonical-id.js'
import type { TlArgument, TlEntry, TlGeneric, TlSchema } from './schema.js'

/** A syntax error in TL text, with its line. */
export class TlParseError extends Error {
  override readonly name = 'TlParseError'
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`)
  }
}

const NAME_RE = /^([a-zA-Z_][\w.]*)(?:#([0-9a-fA-F]{1,8}))?$/
const ARG_RE = /^([\w]+):(?:([\w]+)\.(\d+)\?)?(.+)$/
const GENERIC_RE = /^\{(\w+):(\w+)\}$/

/** Parses TL schema text. Built-in pseudo-declarations (`int ? = Int;`, `vector {t:Type} ...`) are skipped. */
export function parseTlSchema(text: string): TlSchema {
  const entries: TlEntry[] = []
  let layer: number | undefined
  let kind: TlEntry['kind'] = 'constructor'
  let stmt = ''
  let stmtLine = 0
  let line = 1
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i]!
    if (c === '/' && text[i + 1] === '/') {
      let j = text.indexOf('\n', i)
      if (j < 0) j = n
      const m = /^\/\/\s*LAYER\s+(\d+)/.exec(text.slice(i, j))
      if (m) layer = Number(m[1])
      i = j
      continue
    }
    if (c === '/' && text[i + 1] === '*') {
      const j = text.indexOf('*/', i + 2)
      if (j < 0) throw new TlParseError('unterminated /* comment', line)
      for (let k = i; k < j; k++) if (text[k] === '\n') line++
      i = j + 2
      continue
    }
    if (c === '-' && text.startsWith('---', i)) {
      const m = /^---(functions|types)---/.exec(text.slice(i, i + 16))
      if (!m) throw new TlParseError('bad section divider', line)
      if (stmt.trim() !== '') throw new TlParseError('declaration without ";" before section divider', stmtLine)
      kind = m[1] === 'functions' ? 'method' : 'constructor'
      i += m[0].length
      continue
    }
    if (c === ';') {
      const entry = parseDeclaration(stmt.trim(), kind, stmtLine)
      if (entry !== undefined) entries.push(entry)
      stmt = ''
      i++
      continue
    }
    if (c === '\n') line++
    if (stmt.trim() === '' && c.trim() !== '') stmtLine = line
    stmt += c
    i++
  }
  if (stmt.trim() !== '') throw new TlParseError('declaration without ";"', stmtLine)
  return layer === undefined ? { entries } : { entries, layer }
}

function parseDeclaration(decl: string, kind: TlEntry['kind'], line: number): TlEntry | undefined {
  const eq = decl.lastIndexOf('=')
  if (eq < 0) throw new TlParseError(`missing "=" in ${JSON.stringify(decl)}`, line)
  const lhs = decl.slice(0, eq).trim().split(/\s+/)
  let type = decl.slice(eq + 1).trim().replace(/\s+/g, ' ')
  // Built-in pseudo-declarations: `int ? = Int`, `vector {t:Type} # [ t ] = Vector t`, `int128 4*[ int ] = Int128`.
  if (lhs.some((t) => t === '?' || t === '#' || t.includes('['))) return undefined
  const head = NAME_RE.exec(lhs[0] ?? '')
  if (!head) throw new TlParseError(`bad combinator name ${JSON.stringify(lhs[0])}`, line)
  const name = head[1]!
  if (type.startsWith('!')) {
    // A function declared in the types section.
    kind = 'method'
    type = type.slice(1)
  }
  const generics: TlGeneric[] = []
  const args: TlArgument[] = []
  for (const tok of lhs.slice(1)) {
    const g = GENERIC_RE.exec(tok)
    if (g) {
      generics.push({ name: g[1]!, type: g[2]! })
      continue
    }
    const a = ARG_RE.exec(tok)
    if (!a) throw new TlParseError(`bad argument ${JSON.stringify(tok)} in ${name}`, line)
    const arg: TlArgument =
      a[2] === undefined
        ? { name: a[1]!, type: a[4]! }
        : { name: a[1]!, type: a[4]!, condition: { field: a[2], bit: Number(a[3]) } }
    if (arg.condition && !args.some((x) => x.name === arg.condition!.field && x.type === '#')) {
      throw new TlParseError(`${name}.${arg.name}: condition field ${arg.condition.field} is not a preceding "#"`, line)
    }
    if (arg.condition && arg.condition.bit > 31) {
      throw new TlParseError(`${name}.${arg.name}: flag bit ${arg.condition.bit} out of range`, line)
    }
    args.push(arg)
  }
  const computedId = computeId(name, generics, args, type)
  const explicitId = head[2] !== undefined
  return {
    kind,
    name,
    id: explicitId ? parseInt(head[2]!, 16) >>> 0 : computedId,
    explicitId,
    computedId,
    generics,
    arguments: args,
    type,
    sourceLine: line,
  }
}
