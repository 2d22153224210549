// The writer refuses values TL cannot carry instead of wrapping them: int outside int32, long
// outside int64, non-finite doubles, wrong-length int128/int256, wrong JS types — each a TlError
// that names the field (`constructor.prop`), with nothing of the bad object left in the output.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { TlError, TlReader, TlWriter, deserializeObject, serializeObject, type TlObject, type tl } from './index.js'

function refusal(obj: unknown): TlError {
  try {
    serializeObject(obj as TlObject)
  } catch (e) {
    assert.ok(e instanceof TlError, `expected a TlError, got ${String(e)}`)
    return e
  }
  assert.fail(`serialized ${JSON.stringify(obj, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`)
}

const history = (patch: Partial<tl.messages.RawGetHistoryRequest>): tl.messages.RawGetHistoryRequest => ({
  _: 'messages.getHistory',
  peer: { _: 'inputPeerSelf' },
  offsetId: 0,
  offsetDate: 0,
  addOffset: 0,
  limit: 20,
  maxId: 0,
  minId: 0,
  hash: 0n,
  ...patch,
})

const send = (randomId: unknown): unknown => ({ _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: 'hi', randomId })

describe('int: an integer in [-2^31, 2^31-1]', () => {
  test('the bounds are written and read back', () => {
    for (const v of [-(2 ** 31), 2 ** 31 - 1, 0, -1]) {
      const back = deserializeObject(serializeObject(history({ offsetId: v }))) as tl.messages.RawGetHistoryRequest
      assert.equal(back.offsetId, v)
    }
  })

  for (const [v, kind] of [
    [2 ** 31, 'out-of-range'],
    [-(2 ** 31) - 1, 'out-of-range'],
    [2 ** 32, 'out-of-range'],
    [1.5, 'out-of-range'],
    [Number.NaN, 'out-of-range'],
    [Number.POSITIVE_INFINITY, 'out-of-range'],
    ['7', 'bad-value'],
    [7n, 'bad-value'],
  ] as const) {
    test(`${String(v)} (${typeof v}) is refused as ${kind}, naming the field`, () => {
      const e = refusal(history({ offsetId: v as number }))
      assert.equal(e.kind, kind)
      assert.equal(e.field, 'messages.getHistory.offsetId')
      assert.match(e.message, /^messages\.getHistory\.offsetId: /)
    })
  }

  test('an element of Vector<int> names the vector field', () => {
    const e = refusal({ _: 'messages.deleteMessages', id: [1, 2, 2 ** 31] })
    assert.equal(e.kind, 'out-of-range')
    assert.equal(e.field, 'messages.deleteMessages.id')
  })
})

describe('long: a bigint in [-2^63, 2^63-1]', () => {
  test('the bounds are written and read back', () => {
    for (const v of [-(2n ** 63n), 2n ** 63n - 1n, 0n]) {
      const back = deserializeObject(serializeObject(send(v) as TlObject)) as tl.messages.RawSendMessageRequest
      assert.equal(back.randomId, v)
    }
  })

  test('2^64 and -2^63-1 are out of range, not wrapped', () => {
    for (const v of [2n ** 64n, 2n ** 63n, -(2n ** 63n) - 1n]) {
      const e = refusal(send(v))
      assert.equal(e.kind, 'out-of-range')
      assert.equal(e.field, 'messages.sendMessage.randomId')
      assert.ok(e.message.startsWith(`messages.sendMessage.randomId: long out of range: ${v}n`), e.message)
    }
  })

  test('a number where a bigint is expected is a bad value', () => {
    const e = refusal(send(5))
    assert.equal(e.kind, 'bad-value')
    assert.equal(e.field, 'messages.sendMessage.randomId')
  })

  test('a huge bigint is described by its size, not printed in full', () => {
    const e = refusal(send(2n ** 4000n))
    assert.ok(e.message.length < 200, e.message)
    assert.match(e.message, /4001-bit bigint/)
  })
})

describe('double, Bool, int128/int256, bytes, string, vectors, objects', () => {
  test('double: NaN and ±Infinity are refused; finite values pass', () => {
    const geo = (lat: number): unknown => ({ _: 'inputGeoPoint', lat, long: 30.5 })
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const e = refusal(geo(v))
      assert.equal(e.kind, 'out-of-range')
      assert.equal(e.field, 'inputGeoPoint.lat')
    }
    assert.equal((deserializeObject(serializeObject(geo(-90.25) as TlObject)) as tl.RawInputGeoPoint).lat, -90.25)
  })

  test('Bool: only true and false', () => {
    for (const v of [1, 0, 'true', null]) {
      const e = refusal({ _: 'account.updateStatus', offline: v })
      if (v === null) assert.equal(e.kind, 'missing-field')
      else {
        assert.equal(e.kind, 'bad-value')
        assert.equal(e.field, 'account.updateStatus.offline')
      }
    }
  })

  test('int128/int256: exactly 16/32 bytes', () => {
    for (const n of [0, 15, 17, 32]) {
      const e = refusal({ _: 'mt_req_pq_multi', nonce: new Uint8Array(n) })
      assert.equal(e.kind, 'bad-value')
      assert.equal(e.field, 'mt_req_pq_multi.nonce')
    }
    const ok = { _: 'mt_req_DH_params', nonce: new Uint8Array(16), serverNonce: new Uint8Array(16), p: new Uint8Array(4), q: new Uint8Array(4), publicKeyFingerprint: 1n, encryptedData: new Uint8Array(0) }
    assert.ok(serializeObject(ok as TlObject).length > 0)
    const e = refusal({ _: 'mt_set_client_DH_params', nonce: new Uint8Array(16), serverNonce: 'x'.repeat(16), encryptedData: new Uint8Array(0) })
    assert.equal(e.field, 'mt_set_client_DH_params.serverNonce')
  })

  test('bytes and string: the JS type must match', () => {
    const e1 = refusal({ _: 'upload.saveFilePart', fileId: 1n, filePart: 0, bytes: 'not bytes' })
    assert.equal(e1.kind, 'bad-value')
    assert.equal(e1.field, 'upload.saveFilePart.bytes')
    const e2 = refusal({ _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: new Uint8Array(2), randomId: 1n })
    assert.equal(e2.kind, 'bad-value')
    assert.equal(e2.field, 'messages.sendMessage.message')
  })

  test('bytes longer than TL can frame (2^24-1) are refused', () => {
    const e = refusal({ _: 'upload.saveFilePart', fileId: 1n, filePart: 0, bytes: new Uint8Array(0x1000000) })
    assert.equal(e.kind, 'out-of-range')
    assert.equal(e.field, 'upload.saveFilePart.bytes')
  })

  test('a vector that is not an array, and an object that is not a TL object, name their field', () => {
    const e1 = refusal({ _: 'users.getUsers', id: { _: 'inputUserSelf' } })
    assert.equal(e1.kind, 'bad-value')
    assert.equal(e1.field, 'users.getUsers.id')
    const e2 = refusal({ _: 'messages.sendMessage', peer: 'me', message: 'x', randomId: 1n })
    assert.equal(e2.kind, 'bad-value')
    assert.equal(e2.field, 'messages.sendMessage.peer')
  })
})

describe('after a refusal', () => {
  test('the writer has not moved: nothing of the bad value is in the output', () => {
    const w = new TlWriter(8)
    w.int32(7)
    assert.throws(() => w.int32(2 ** 31), TlError)
    assert.throws(() => w.int64(2n ** 64n), TlError)
    assert.throws(() => w.double(Number.NaN), TlError)
    assert.throws(() => w.bool(1 as unknown as boolean), TlError)
    assert.throws(() => w.uint32(-1), TlError)
    assert.equal(w.pos, 4)
    assert.deepEqual([...w.result()], [7, 0, 0, 0])
  })

  test('the next serialization is unaffected', () => {
    refusal(send(2n ** 64n))
    const bytes = serializeObject(send(1n) as TlObject)
    assert.equal((deserializeObject(bytes) as tl.messages.RawSendMessageRequest).randomId, 1n)
  })

  test('uint32 takes the unsigned ids int32 refuses', () => {
    const w = new TlWriter()
    w.uint32(0xffffffff)
    assert.equal(new TlReader(w.result()).uint32(), 0xffffffff)
    assert.throws(() => new TlWriter().int32(0xffffffff), (e: unknown) => e instanceof TlError && e.kind === 'out-of-range')
  })
})
