// gzip_packed for outgoing bodies: wraps a serialized object when that makes it smaller. Reading
// needs nothing here: the TL reader inflates gzip_packed itself. Knows nothing of what the body is.
// https://core.telegram.org/mtproto/service_messages#packed-object
import { gzipSync } from 'node:zlib'
import { serializeObject } from '../tl/index.js'

/** Bodies smaller than this are sent as they are (compression rarely pays below it). */
export const GZIP_MIN_BYTES = 512

/** `gzip_packed#3072cfa1 packed_data:bytes = Object;` around `body`. */
export function gzipPacked(body: Uint8Array): Uint8Array {
  return serializeObject({ _: 'mt_gzip_packed', packedData: gzipSync(body) })
}

/**
 * `body` wrapped in gzip_packed when it is at least `minBytes` long and the packed form is smaller;
 * otherwise `body` itself.
 * NB: only for RPC queries (and results, server side); service messages go out unpacked.
 */
export function maybeGzipPacked(body: Uint8Array, minBytes = GZIP_MIN_BYTES): Uint8Array {
  if (body.length < minBytes) return body
  const packed = gzipPacked(body)
  return packed.length < body.length ? packed : body
}
