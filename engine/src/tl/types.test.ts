// Compile-time checks of the generated types (tsc fails if they drift) plus a runtime smoke check.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { mtp, ResultOf, tl } from './index.js'
import { LAYER, rawErrors } from './index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

const resultOfSend: Equal<ResultOf<tl.messages.RawSendMessageRequest>, tl.TypeUpdates> = true
const resultOfWrapped: Equal<
  ResultOf<tl.RawInvokeWithLayerRequest & { query: tl.RawInitConnectionRequest & { query: tl.help.RawGetConfigRequest } }>,
  tl.TypeConfig
> = true
const resultOfVector: Equal<ResultOf<tl.messages.RawReceivedQueueRequest>, bigint[]> = true
const resultOfMtp: Equal<ResultOf<mtp.RawMt_req_pq_multiRequest>, mtp.TypeResPQ> = true
const userId: Equal<tl.RawUser['id'], bigint> = true
const optional: Equal<tl.RawUser['accessHash'], bigint | undefined> = true
const binary: Equal<mtp.RawMt_resPQ['pq'], Uint8Array> = true
const text: Equal<mtp.RawMt_rpc_error['errorMessage'], string> = true
const bodyRaw: Equal<mtp.RawMt_rpc_result['result'], Uint8Array> = true

test('generated metadata: layer and RPC error list', () => {
  assert.deepEqual([resultOfSend, resultOfWrapped, resultOfVector, resultOfMtp, userId, optional, binary, text, bodyRaw], Array(9).fill(true))
  assert.equal(LAYER, 227)
  assert.equal(rawErrors.PHONE_CODE_INVALID?.code, 400)
  assert.ok(Object.keys(rawErrors).length > 500)
})
