// Public surface of the TL layer: runtime reader/writer, generated types and maps, helpers.
// See README.md in this folder for the value conventions (the contract other layers rely on).
import { TlError, asTlError } from './errors.js'
import { ids } from './generated/meta.js'
import type { mtp, tl } from './generated/types.js'
import { TlReader, type InflateBudget } from './reader.js'
import { TlWriter } from './writer.js'

export { TlError, hexId, type TlErrorKind } from './errors.js'
export {
  TlReader,
  VECTOR_ID,
  GZIP_PACKED_ID,
  BOOL_TRUE_ID,
  BOOL_FALSE_ID,
  MAX_GZIP_INFLATED_BYTES,
  MAX_GZIP_DEPTH,
  newInflateBudget,
  type InflateBudget,
} from './reader.js'
export { TlWriter, MAX_BYTES_LENGTH } from './writer.js'
export { readMethodResult, isMethodName, RPC_ERROR_ID } from './results.js'
export { LAYER, ids, rawErrors } from './generated/meta.js'
export type { tl, mtp, ResultOf } from './generated/types.js'
export { crc32 } from './crc32.js'
export { parseTlSchema, TlParseError } from './schema-parser.js'
export type { TlSchema, TlEntry, TlArgument } from './schema.js'

/** Any generated object (API or MTProto). */
export type TlObject = tl.TlObject | tl.RpcMethod | mtp.TlObject | mtp.RpcMethod

const scratch = new TlWriter(64 * 1024)

/** Serializes one boxed object (constructor or method request) to fresh bytes. */
export function serializeObject(obj: TlObject): Uint8Array {
  scratch.reset()
  scratch.object(obj)
  return scratch.result()
}

/**
 * Reads the boxed object at offset 0 of `bytes` (gzip_packed is unpacked, drawing on `budget`:
 * pass one message's budget to every read of that message). Trailing bytes are ignored.
 */
export function deserializeObject(bytes: Uint8Array, budget?: InflateBudget): TlObject {
  const r = new TlReader(bytes, 0, bytes.length, budget)
  try {
    return r.object() as TlObject
  } catch (e) {
    throw asTlError(e, r.pos)
  }
}

/** Constructor/method id of a `_` name (`'user'`, `'mt_resPQ'`), unsigned. Throws TlError if unknown. */
export function constructorIdOf(name: string): number {
  const id = (ids as Record<string, number>)[name]
  if (id === undefined) throw new TlError('bad-value', `unknown constructor name ${JSON.stringify(name)}`, 0)
  return id
}

let names: Map<number, string> | undefined
/** `_` name of a constructor id, or undefined. */
export function constructorNameOf(id: number): string | undefined {
  names ??= new Map(Object.entries(ids).map(([n, i]) => [i, n]))
  return names.get(id >>> 0)
}
