// What invoke() refuses before a request reaches a connection: a value TL cannot carry, a body
// too big for one MTProto message, upload parts against Telegram's part rules, bad call options.
// Each is the caller's error (UsageError 'bad-argument'); the server would drop or reject it late.
import { MAX_CONTAINER_BYTES } from '../protocol/index.js'
import { UsageError } from '../errors/index.js'
import { isMethodName, serializeObject, TlError, type tl } from '../tl/index.js'
import { MAX_TIMER_MS } from './options.js'

/**
 * Largest serialized request invoke() sends. A request travels as one message of at most
 * MAX_MESSAGE_BYTES (1 MiB); MAX_CONTAINER_BYTES is that minus room for the encrypted envelope
 * (32 header bytes, up to 1024 of padding) and the invokeWithLayer/initConnection wrapper the
 * first request of a connection carries. NB: a bigger one is dropped by the server and resent
 * until the deadline, so it is refused here.
 */
export const MAX_REQUEST_BYTES = MAX_CONTAINER_BYTES

/** Largest upload part, and what every part but a file's last must divide (https://core.telegram.org/api/files). */
export const UPLOAD_PART_MAX_BYTES = 512 * 1024
/** Every part but a file's last is a multiple of this. */
export const UPLOAD_PART_ALIGN_BYTES = 1024

/**
 * Checks `request` and returns its bytes, which the runtime then sends as they are (serialized
 * once). Throws UsageError 'bad-argument' with `field` set:
 * - not a known API method, or a field TL cannot carry (`field` = `constructor.prop`, e.g.
 *   `messages.sendMessage.randomId` for a long outside int64);
 * - a body over {@link MAX_REQUEST_BYTES};
 * - upload.saveFilePart / upload.saveBigFilePart parts that break https://core.telegram.org/api/files.
 */
export function checkRequest(request: unknown): Uint8Array {
  if (typeof request !== 'object' || request === null || typeof (request as { _?: unknown })._ !== 'string') {
    throw UsageError.badArgument('request', 'invoke needs a TL method object tagged with `_`')
  }
  const name = (request as { _: string })._
  if (!isMethodName(name) || name.startsWith('mt_')) throw UsageError.badArgument('request._', `not an API method: ${JSON.stringify(name)}`)
  let body: Uint8Array
  try {
    // A malformed request is caught here, where it is the caller's error, not inside a flush.
    body = serializeObject(request as tl.RpcMethod)
  } catch (e) {
    if (e instanceof TlError) throw new UsageError('bad-argument', `invoke ${name}: ${e.message}`, undefined, e.field ?? name)
    // A bare vector element that is not an object, a getter that throws: still the caller's object.
    if (e instanceof TypeError || e instanceof RangeError) throw new UsageError('bad-argument', `invoke ${name}: ${e.message}`, undefined, name)
    throw e
  }
  if (name === 'upload.saveFilePart' || name === 'upload.saveBigFilePart') checkUploadPart(request as tl.upload.RawSaveFilePartRequest | tl.upload.RawSaveBigFilePartRequest)
  if (body.length > MAX_REQUEST_BYTES) {
    throw new UsageError(
      'bad-argument',
      `invoke ${name}: the request is ${body.length} bytes; one MTProto message carries at most ${MAX_REQUEST_BYTES} (split it, e.g. upload in parts)`,
      undefined,
      name,
    )
  }
  return body
}

/**
 * https://core.telegram.org/api/files: every part has the same part_size, with
 * part_size % 1024 = 0 and 524288 % part_size = 0; the last part may be shorter. file_part counts
 * from 0. The upper bound on parts (upload_max_fileparts_*) is server configuration, left to it.
 * NB: saveFilePart does not say which part is the last, so only its size bounds are checked.
 */
function checkUploadPart(r: tl.upload.RawSaveFilePartRequest | tl.upload.RawSaveBigFilePartRequest): void {
  const size = r.bytes.length
  const at = (field: string): string => `${r._}.${field}`
  if (size === 0) throw UsageError.badArgument(at('bytes'), 'an upload part cannot be empty')
  if (size > UPLOAD_PART_MAX_BYTES) throw UsageError.badArgument(at('bytes'), `an upload part is at most ${UPLOAD_PART_MAX_BYTES} bytes, got ${size}`)
  if (r.filePart < 0) throw UsageError.badArgument(at('filePart'), `part numbers count from 0, got ${r.filePart}`)
  if (r._ !== 'upload.saveBigFilePart') return
  if (r.fileTotalParts < 1) throw UsageError.badArgument(at('fileTotalParts'), `must be >= 1, got ${r.fileTotalParts}`)
  if (r.filePart >= r.fileTotalParts) {
    throw UsageError.badArgument(at('filePart'), `part ${r.filePart} of ${r.fileTotalParts} (parts count from 0)`)
  }
  const last = r.filePart === r.fileTotalParts - 1
  if (!last && (size % UPLOAD_PART_ALIGN_BYTES !== 0 || UPLOAD_PART_MAX_BYTES % size !== 0)) {
    throw UsageError.badArgument(
      at('bytes'),
      `part ${r.filePart} of ${r.fileTotalParts} is ${size} bytes; every part but the last must be a multiple of ${UPLOAD_PART_ALIGN_BYTES} that divides ${UPLOAD_PART_MAX_BYTES}`,
    )
  }
}

/** Checks invoke()'s per-call options: `timeout` in (0, 2^31-1] ms, `signal` an AbortSignal, `dcId` an integer. */
export function checkInvokeOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null) throw UsageError.badArgument('options', 'must be an object')
  const { timeout, signal, dcId } = options as { timeout?: unknown; signal?: unknown; dcId?: unknown }
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0) || timeout > MAX_TIMER_MS)) {
    throw UsageError.badArgument('timeout', `must be a number of ms in (0, ${MAX_TIMER_MS}], got ${String(timeout)}`)
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw UsageError.badArgument('signal', 'must be an AbortSignal')
  if (dcId !== undefined && !Number.isInteger(dcId)) throw UsageError.badArgument('dcId', `must be an integer, got ${String(dcId)}`)
}
