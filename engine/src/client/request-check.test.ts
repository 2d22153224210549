// checkRequest/checkInvokeOptions without a network: the exact request size bound, Telegram's
// upload part rules on both sides of each limit, and the field each refusal names.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { UsageError } from '../errors/index.js'
import { MAX_CONTAINER_BYTES, MAX_MESSAGE_BYTES } from '../protocol/index.js'
import { deserializeObject, type tl } from '../tl/index.js'
import { MAX_REQUEST_BYTES, UPLOAD_PART_MAX_BYTES, checkInvokeOptions, checkRequest } from './request-check.js'

function refusal(fn: () => unknown): UsageError {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`)
    assert.equal(e.reason, 'bad-argument')
    return e
  }
  assert.fail('accepted')
}

// messages.sendMessage with inputPeerSelf: id, flags, peer, string header (4 bytes past 253), text, random_id.
const SEND_OVERHEAD = 4 + 4 + 4 + 4 + 8
const send = (textBytes: number): tl.messages.RawSendMessageRequest => ({
  _: 'messages.sendMessage',
  peer: { _: 'inputPeerSelf' },
  message: 'x'.repeat(textBytes),
  randomId: 1n,
})

describe('request size', () => {
  test('the bound is the protocol container limit, under the 1 MiB message limit', () => {
    assert.equal(MAX_REQUEST_BYTES, MAX_CONTAINER_BYTES)
    assert.ok(MAX_REQUEST_BYTES < MAX_MESSAGE_BYTES)
  })

  test('a request of exactly MAX_REQUEST_BYTES passes, 4 more bytes do not', () => {
    const body = checkRequest(send(MAX_REQUEST_BYTES - SEND_OVERHEAD))
    assert.equal(body.length, MAX_REQUEST_BYTES)
    assert.equal((deserializeObject(body) as tl.messages.RawSendMessageRequest).message.length, MAX_REQUEST_BYTES - SEND_OVERHEAD)
    const e = refusal(() => checkRequest(send(MAX_REQUEST_BYTES - SEND_OVERHEAD + 1)))
    assert.equal(e.field, 'messages.sendMessage')
    assert.match(e.message, new RegExp(`is ${MAX_REQUEST_BYTES + 4} bytes; one MTProto message carries at most ${MAX_REQUEST_BYTES}`))
  })
})

describe('upload parts', () => {
  const big = (filePart: number, fileTotalParts: number, size: number): unknown => ({
    _: 'upload.saveBigFilePart',
    fileId: 1n,
    filePart,
    fileTotalParts,
    bytes: new Uint8Array(size),
  })
  const small = (filePart: number, size: number): unknown => ({ _: 'upload.saveFilePart', fileId: 1n, filePart, bytes: new Uint8Array(size) })

  test('part sizes that divide 512 KiB in whole KiB pass anywhere; the last part may be any size up to 512 KiB', () => {
    for (const size of [1024, 2048, 4096, 32 * 1024, 256 * 1024, UPLOAD_PART_MAX_BYTES]) checkRequest(big(0, 10, size) as tl.RpcMethod)
    for (const size of [1, 1000, 3 * 1024, UPLOAD_PART_MAX_BYTES]) checkRequest(big(9, 10, size) as tl.RpcMethod)
    for (const size of [1, 1000, UPLOAD_PART_MAX_BYTES]) checkRequest(small(0, size) as tl.RpcMethod)
  })

  test('refusals name the field', () => {
    const cases: [unknown, string][] = [
      [big(0, 10, 3 * 1024), 'upload.saveBigFilePart.bytes'], // 1 KiB-aligned but does not divide 512 KiB
      [big(0, 10, 1000), 'upload.saveBigFilePart.bytes'], // not 1 KiB-aligned
      [big(9, 10, UPLOAD_PART_MAX_BYTES + 1024), 'upload.saveBigFilePart.bytes'],
      [big(0, 10, 0), 'upload.saveBigFilePart.bytes'],
      [big(10, 10, 1024), 'upload.saveBigFilePart.filePart'],
      [big(-1, 10, 1024), 'upload.saveBigFilePart.filePart'],
      [big(0, 0, 1024), 'upload.saveBigFilePart.fileTotalParts'],
      [small(0, UPLOAD_PART_MAX_BYTES + 1), 'upload.saveFilePart.bytes'],
      [small(0, 0), 'upload.saveFilePart.bytes'],
      [small(-1, 1024), 'upload.saveFilePart.filePart'],
      [small(2 ** 31, 1024), 'upload.saveFilePart.filePart'],
    ]
    for (const [req, field] of cases) assert.equal(refusal(() => checkRequest(req as tl.RpcMethod)).field, field, JSON.stringify(req, (_, v) => (typeof v === 'bigint' ? `${v}` : v instanceof Uint8Array ? v.length : v)))
  })
})

describe('requests and options', () => {
  test('not a method: the request itself, or its `_`', () => {
    assert.equal(refusal(() => checkRequest(null)).field, 'request')
    assert.equal(refusal(() => checkRequest({ _: 'user' } as never)).field, 'request._')
    assert.equal(refusal(() => checkRequest({ _: 'mt_ping', pingId: 1n } as never)).field, 'request._')
    assert.equal(refusal(() => checkRequest({ _: 'toString' } as never)).field, 'request._')
  })

  test('a bare-vector element that is not an object is still a UsageError', () => {
    const e = refusal(() => checkRequest({ _: 'invokeWithLayer', layer: 1, query: 5 } as never))
    assert.equal(e.field, 'invokeWithLayer.query')
  })

  test('invoke options', () => {
    checkInvokeOptions({})
    checkInvokeOptions({ timeout: 1, signal: new AbortController().signal, dcId: 2 })
    for (const [o, field] of [
      [{ timeout: 0 }, 'timeout'],
      [{ timeout: Number.NaN }, 'timeout'],
      [{ timeout: 2 ** 31 }, 'timeout'],
      [{ timeout: '5' }, 'timeout'],
      [{ signal: {} }, 'signal'],
      [{ dcId: 1.5 }, 'dcId'],
      [null, 'options'],
    ] as const) {
      assert.equal(refusal(() => checkInvokeOptions(o)).field, field)
    }
  })
})
