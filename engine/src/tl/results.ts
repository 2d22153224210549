// Decoding rpc_result payloads for a known method: unwraps gzip_packed, passes rpc_error through,
// handles Vector<int>/Vector<long>/Bool results. Knows nothing about which method a msg_id was.
// https://core.telegram.org/mtproto/service_messages#response-to-an-rpc-query
import { TlError, asTlError } from './errors.js'
import { resultReaders } from './generated/readers.js'
import { GZIP_PACKED_ID, TlReader } from './reader.js'

/** `rpc_error#2144ca19 error_code:int error_message:string = RpcError;` */
export const RPC_ERROR_ID = 0x2144ca19

/**
 * Reads the result of `methodName` (the `_` of the request, e.g. `messages.sendMessage` or
 * `mt_ping`) from an rpc_result payload. Returns an `mt_rpc_error` object if the server answered
 * with one. For generic wrappers (invokeWithLayer …) pass the innermost method's name.
 */
export function readMethodResult(methodName: string, reader: TlReader): unknown {
  try {
    return readResult(methodName, reader)
  } catch (e) {
    throw asTlError(e, reader.pos)
  }
}

/** True when `name` is a method (API or MTProto: `messages.sendMessage`, `mt_ping`), not a constructor. */
export function isMethodName(name: string): boolean {
  return resultReaders.has(name)
}

function readResult(methodName: string, reader: TlReader): unknown {
  if (reader.remaining >= 4) {
    const at = reader.pos
    const id = reader.uint32()
    if (id === GZIP_PACKED_ID) return readResult(methodName, reader.gunzip())
    reader.pos = at
    if (id === RPC_ERROR_ID) return reader.object()
  }
  const read = resultReaders.get(methodName)
  if (read === undefined) {
    throw new TlError('bad-value', `readMethodResult: unknown method ${JSON.stringify(methodName)}`, reader.pos)
  }
  return read(reader)
}
