// Test support for the API handlers: a world with a fake clock and seeded randomness, a `call`
// that runs one request through createApiHandler (with the server core's fallback) the way the
// server would, and checks every answer is valid layer-227 TL by encoding it as the server does,
// decoding it with the method's result reader and re-encoding it to the same bytes.
import assert from 'node:assert/strict'
import { TlReader, deserializeObject, readMethodResult, serializeObject, type ResultOf, type TlObject, type tl } from '@mtswarm/engine/tl'
import { fallbackApi } from '../fallback-api.js'
import { encodeResultOurs } from '../rpc-codec.js'
import type { ApiCall, DcAddress, TlValue } from '../types.js'
import { World, WorldError, seededRandom, type CallContext, type WorldOptions } from '../world/index.js'
import { createApiHandler, type ApiHandlerOptions } from './api-handler.js'

export const START_MS = 1_700_000_000_000
export const TEST_DCS: readonly DcAddress[] = [
  { id: 1, host: '127.0.0.1', port: 41001 },
  { id: 2, host: '127.0.0.1', port: 41002 },
  { id: 3, host: '127.0.0.1', port: 41003 },
]

/**
 * Encodes `result` as the server core does, decodes it with `method`'s result reader (what a
 * client sees), checks the bytes survive a re-encode, and returns the decoded value.
 */
export function decodeAsClient(method: string, result: unknown): unknown {
  const bytes = encodeResultOurs(result)
  const reader = new TlReader(bytes)
  const decoded = readMethodResult(method, reader)
  assert.equal(reader.remaining, 0, `${method}: ${reader.remaining} bytes left after reading the result`)
  assert.deepEqual(encodeResultOurs(decoded), bytes, `${method}: result does not survive a decode/encode round trip`)
  return decoded
}

/** A pushed object (not an RPC answer): serialize, deserialize, check the bytes survive. */
export function decodePushed<T extends { _: string }>(obj: T): T {
  const bytes = serializeObject(obj as unknown as TlObject)
  const decoded = deserializeObject(bytes)
  assert.deepEqual(serializeObject(decoded), bytes, `${obj._}: does not survive a decode/encode round trip`)
  return decoded as unknown as T
}

export interface ApiKit {
  readonly world: World
  readonly time: { ms: number }
  /** A fresh auth key on `dcId` (not logged in). */
  key(dcId: number): CallContext
  /** Runs `request` on `ctx`; returns the result as a client decodes it (so it must be valid TL). */
  call<R extends tl.RpcMethod>(ctx: CallContext, request: R): Promise<ResultOf<R>>
  /** Runs `request` and expects an rpc_error with `code` and `message`. */
  fails(ctx: CallContext, request: tl.RpcMethod, code: number, message: string | RegExp): Promise<void>
}

export function apiKit(seed = 'api', options: ApiHandlerOptions = {}, worldOptions: Partial<WorldOptions> = {}): ApiKit {
  const time = { ms: START_MS }
  const world = new World({ clock: () => time.ms, random: seededRandom(seed), ...worldOptions })
  const api = createApiHandler(options)
  let nextKey = 1n
  const run = (ctx: CallContext, request: tl.RpcMethod): Promise<unknown> => {
    const call: ApiCall = {
      dcId: ctx.dcId,
      authKeyId: ctx.authKeyId,
      sessionId: 7n,
      layer: 227,
      method: request._,
      request: request as unknown as TlValue,
      world,
      dcs: TEST_DCS,
    }
    return api(call, fallbackApi)
  }
  return {
    world,
    time,
    key: (dcId) => ({ dcId, authKeyId: 0x1000n + nextKey++ }),
    async call(ctx: CallContext, request: tl.RpcMethod): Promise<never> {
      return decodeAsClient(request._, await run(ctx, request)) as never
    },
    async fails(ctx, request, code, message) {
      await assert.rejects(run(ctx, request), (e: unknown) => {
        const err = e as { code?: unknown; message?: unknown }
        assert.equal(typeof err.message, 'string', `expected an rpc error, got ${String(e)}`)
        if (typeof message === 'string') assert.equal(err.message, message)
        else assert.match(err.message as string, message)
        assert.equal(err.code, code)
        return true
      })
    },
  }
}

/** Narrows a TL union to one constructor, failing the test otherwise. */
export function as<T extends { _: string }, N extends T['_']>(value: T, name: N): Extract<T, { _: N }> {
  assert.equal(value._, name)
  return value as Extract<T, { _: N }>
}

export { WorldError }
