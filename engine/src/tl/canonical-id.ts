// The canonical text of a TL combinator and its CRC32, the id a line without `#id` gets.
// Knows the canonicalisation rules only; parsing lives in schema-parser.ts.
// https://core.telegram.org/mtproto/TL-abstract-types and https://core.telegram.org/mtproto/TL-combinators
import { crc32 } from './crc32.js'
import type { TlArgument, TlGeneric } from './schema.js'

/**
 * Canonical form used for the CRC: no `#id`, generics written `X:Type` (no braces),
 * `flags.N?true` fields dropped, a field of type `bytes` written `string` (but not inside
 * `Vector<bytes>`), `Vector<T>` written `Vector T`, single spaces, no trailing `;`.
 * Checked against every explicit id of layer 227 and the MTProto schema (schema-parser.test.ts).
 */
export function canonicalLine(
  name: string,
  generics: readonly TlGeneric[],
  args: readonly TlArgument[],
  type: string,
): string {
  const parts = [name]
  for (const g of generics) parts.push(`${g.name}:${g.type}`)
  for (const a of args) {
    if (a.condition !== undefined && a.type === 'true') continue
    const cond = a.condition === undefined ? '' : `${a.condition.field}.${a.condition.bit}?`
    parts.push(`${a.name}:${cond}${a.type === 'bytes' ? 'string' : canonicalType(a.type)}`)
  }
  parts.push('=', canonicalType(type))
  return parts.join(' ')
}

function canonicalType(t: string): string {
  return t.replace(/</g, ' ')
    .replace(/>/g, '')
}

/** CRC32 of {@link canonicalLine}. */
export function computeId(
  name: string,
  generics: readonly TlGeneric[],
  args: readonly TlArgument[],
  type: string,
): number {
  return crc32(canonicalLine(name, generics, args, type))
}
