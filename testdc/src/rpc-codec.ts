// API requests and results on the wire for the test DC: strips the generic wrappers
// (invokeWithLayer, initConnection, invokeWithoutUpdates, invokeAfterMsg(s) and the other
// invokeWith*) by hand — their layout is the same in every layer — decodes the inner request at
// the connection's layer, and encodes results (Bool, Vector<int|long|Object>, objects), rpc_error
// and gzip_packed. Knows nothing of sessions or sockets.
// https://core.telegram.org/api/invoking · https://core.telegram.org/mtproto/service_messages#packed-object
import { gzipSync } from 'node:zlib'
import {
  GZIP_PACKED_ID,
  LAYER,
  TlError,
  TlReader,
  TlWriter,
  constructorIdOf,
  serializeObject,
  type TlObject,
} from '@mtswarm/engine/tl'
import type { ApiError, ClientInfo, LayerCodec, TlValue } from './types.js'

/** Results whose serialization exceeds this go out as gzip_packed (when that is smaller). */
export const GZIP_THRESHOLD_BYTES = 512

const ID = {
  invokeWithLayer: constructorIdOf('invokeWithLayer'),
  initConnection: constructorIdOf('initConnection'),
  invokeWithoutUpdates: constructorIdOf('invokeWithoutUpdates'),
  invokeAfterMsg: constructorIdOf('invokeAfterMsg'),
  invokeAfterMsgs: constructorIdOf('invokeAfterMsgs'),
  invokeWithMessagesRange: constructorIdOf('invokeWithMessagesRange'),
  invokeWithTakeout: constructorIdOf('invokeWithTakeout'),
  invokeWithBusinessConnection: constructorIdOf('invokeWithBusinessConnection'),
  invokeWithGooglePlayIntegrity: constructorIdOf('invokeWithGooglePlayIntegrity'),
  invokeWithApnsSecret: constructorIdOf('invokeWithApnsSecret'),
  invokeWithReCaptcha: constructorIdOf('invokeWithReCaptcha'),
} as const

/** What the wrappers around one request said. */
export interface UnwrappedRequest {
  /** The innermost request's boxed bytes. */
  readonly inner: Uint8Array
  /** Its constructor id (unsigned). */
  readonly innerId: number
  /** From invokeWithLayer, when present. */
  readonly layer?: number
  /** From initConnection, when present. */
  readonly client?: ClientInfo
  /** invokeAfterMsg / invokeAfterMsgs. */
  readonly afterMsgIds: readonly bigint[]
  readonly withoutUpdates: boolean
}

/** Telegram's answer to a method id it does not serve. */
export function inputMethodInvalid(constructorId: number): ApiError {
  return { code: 400, message: `INPUT_METHOD_INVALID_${constructorId >>> 0}_0` }
}

const fetchError = (): ApiError => ({ code: 400, message: 'INPUT_FETCH_ERROR' })

/** The first int of `bytes`, unsigned (0 when shorter than 4). */
export function leadingId(bytes: Uint8Array): number {
  return bytes.length < 4 ? 0 : new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true)
}

/**
 * Peels the generic wrappers (and gzip_packed) off a request body. Fails with INPUT_FETCH_ERROR
 * when a wrapper is truncated.
 */
export function unwrapRequest(body: Uint8Array): { ok: true; value: UnwrappedRequest } | { ok: false; error: ApiError } {
  let r = new TlReader(body)
  let layer: number | undefined
  let client: ClientInfo | undefined
  const afterMsgIds: bigint[] = []
  let withoutUpdates = false
  try {
    for (let depth = 0; depth < 16; depth++) {
      const at = r.pos
      const id = r.uint32()
      switch (id) {
        case GZIP_PACKED_ID:
          r = r.gunzip()
          continue
        case ID.invokeWithLayer:
          layer = r.int32()
          continue
        case ID.initConnection: {
          const flags = r.int32()
          client = {
            apiId: r.int32(),
            deviceModel: r.string(),
            systemVersion: r.string(),
            appVersion: r.string(),
            systemLangCode: r.string(),
            langPack: r.string(),
            langCode: r.string(),
          }
          if (flags & 1) r.object() // proxy: InputClientProxy
          if (flags & 2) r.object() // params: JSONValue
          continue
        }
        case ID.invokeWithoutUpdates:
          withoutUpdates = true
          continue
        case ID.invokeAfterMsg:
          afterMsgIds.push(r.int64())
          continue
        case ID.invokeAfterMsgs:
          afterMsgIds.push(...r.vector((x) => x.int64()))
          continue
        case ID.invokeWithMessagesRange:
          r.object()
          continue
        case ID.invokeWithTakeout:
          r.int64()
          continue
        case ID.invokeWithBusinessConnection:
        case ID.invokeWithReCaptcha:
          r.string()
          continue
        case ID.invokeWithGooglePlayIntegrity:
        case ID.invokeWithApnsSecret:
          r.string()
          r.string()
          continue
        default: {
          r.pos = at
          const bytes = r.raw(r.remaining)
          return { ok: true, value: { inner: bytes, innerId: id, ...(layer === undefined ? {} : { layer }), ...(client === undefined ? {} : { client }), afterMsgIds, withoutUpdates } }
        }
      }
    }
    return { ok: false, error: fetchError() }
  } catch (e) {
    if (e instanceof TlError) return { ok: false, error: fetchError() }
    throw e
  }
}

/** Decodes the innermost request at `layer` (the generated codec when `codec` is undefined). */
export function decodeRequest(
  inner: Uint8Array,
  innerId: number,
  codec: LayerCodec | undefined,
): { ok: true; value: TlValue } | { ok: false; error: ApiError } {
  try {
    const obj = codec === undefined ? (new TlReader(inner).object() as TlValue) : codec.readRequest(inner)
    return { ok: true, value: obj }
  } catch (e) {
    // an unknown id at the top is an unknown method; anything else is a bad parameter
    if (e instanceof TlError && e.kind === 'unknown-constructor' && e.offset === 0) return { ok: false, error: inputMethodInvalid(innerId) }
    if (e instanceof TlError || codec !== undefined) return { ok: false, error: fetchError() }
    throw e
  }
}

const writer = new TlWriter(64 * 1024)

/** Serializes a method result with the generated codec: Bool, Vector<long|int|Object>, or an object. */
export function encodeResultOurs(result: unknown): Uint8Array {
  writer.reset()
  writeValue(writer, result)
  return writer.result()
}

function writeValue(w: TlWriter, v: unknown): void {
  if (typeof v === 'boolean') return w.bool(v)
  if (Array.isArray(v)) {
    // NB: an empty vector is the same bytes whatever its element type.
    return w.vector(v as unknown[], (ww, item) => {
      if (typeof item === 'bigint') ww.int64(item)
      else if (typeof item === 'number') ww.int32(item)
      else ww.object(item as { _: string })
    })
  }
  if (typeof v === 'object' && v !== null && typeof (v as { _?: unknown })._ === 'string') return w.object(v as { _: string })
  throw new TypeError(`api result is not a TL value: ${typeof v}`)
}

/** Encodes a result at the connection's layer. */
export function encodeResult(method: string, result: unknown, codec: LayerCodec | undefined): Uint8Array {
  return codec === undefined ? encodeResultOurs(result) : codec.writeResult(method, result)
}

/** `rpc_error#2144ca19 error_code:int error_message:string = RpcError;` */
export function encodeRpcError(error: ApiError): Uint8Array {
  return serializeObject({ _: 'mt_rpc_error', errorCode: error.code, errorMessage: error.message })
}

/** Wraps `payload` into gzip_packed when it is large and compressing helps. */
export function maybeGzip(payload: Uint8Array): { bytes: Uint8Array; packed: boolean } {
  if (payload.length <= GZIP_THRESHOLD_BYTES) return { bytes: payload, packed: false }
  const packedData = new Uint8Array(gzipSync(payload))
  if (packedData.length + 8 >= payload.length) return { bytes: payload, packed: false }
  return { bytes: serializeObject({ _: 'mt_gzip_packed', packedData }), packed: true }
}

/** `rpc_result#f35c6d01 req_msg_id:long result:Object = RpcResult;` */
export function encodeRpcResult(reqMsgId: bigint, result: Uint8Array): Uint8Array {
  return serializeObject({ _: 'mt_rpc_result', reqMsgId, result } as TlObject)
}

/** Our layer. */
export const OUR_LAYER = LAYER
