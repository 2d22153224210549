// TlReader/TlWriter: primitives against core.telegram.org/mtproto/serialize, the real resPQ from
// the seed dump, every TlError kind, and a seeded fuzz of the reader.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { gzipSync } from 'node:zlib'
import {
  TlError,
  TlReader,
  TlWriter,
  constructorIdOf,
  constructorNameOf,
  crc32,
  deserializeObject,
  ids,
  readMethodResult,
  serializeObject,
  type TlObject,
  type mtp,
} from './index.js'
import { Rng } from './testing/random-values.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))

function expectTlError(fn: () => unknown, kind: TlError['kind']): TlError {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof TlError, `expected TlError, got ${String(e)}`)
    assert.equal(e.kind, kind, e.message)
    return e
  }
  assert.fail(`expected TlError(${kind})`)
}

describe('primitives (https://core.telegram.org/mtproto/serialize)', () => {
  test('int, long, double are little endian; long is signed', () => {
    const w = new TlWriter(4) // also exercises growth from a tiny buffer
    w.int32(-2)
    w.uint32(0x1cb5c415)
    w.int64(-1n)
    w.int64(0x0102030405060708n)
    w.double(1.5)
    const b = w.result()
    assert.equal(hex(b), 'feffffff' + '15c4b51c' + 'ffffffffffffffff' + '0807060504030201' + '000000000000f83f')
    const r = new TlReader(b)
    assert.equal(r.int32(), -2)
    assert.equal(r.uint32(), 0x1cb5c415)
    assert.equal(r.int64(), -1n)
    assert.equal(r.int64(), 0x0102030405060708n)
    assert.equal(r.double(), 1.5)
    assert.equal(r.remaining, 0)
  })

  // "If L <= 253, the serialization contains one byte with the value of L, then L bytes of the string
  // followed by 0 to 3 characters containing 0 … If L >= 254, the serialization contains byte 254,
  // followed by 3 bytes with the string length L, followed by L bytes of the string, further followed
  // by 0 to 3 null padding bytes." — core.telegram.org/mtproto/serialize#base-types
  for (const len of [0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 253, 254, 255, 256, 1000, 70000]) {
    test(`bytes/string of length ${len}: header, payload, zero padding to 4`, () => {
      const payload = new Uint8Array(len).map((_, i) => 0x41 + (i % 26))
      const w = new TlWriter(8)
      w.bytes(payload)
      const b = w.result()
      const header = len <= 253 ? 1 : 4
      assert.equal(b.length, (header + len + 3) & ~3)
      if (len <= 253) assert.equal(b[0], len)
      else assert.deepEqual([...b.subarray(0, 4)], [254, len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff])
      assert.deepEqual(b.subarray(header, header + len), payload)
      assert.ok(b.subarray(header + len).every((x) => x === 0), 'padding is zeros')
      assert.deepEqual(new TlReader(b).bytes(), payload)
      // A string with the same bytes encodes identically.
      const text = Buffer.from(payload).toString('latin1')
      const ws = new TlWriter(8)
      ws.string(text)
      assert.deepEqual(ws.result(), b)
      assert.equal(new TlReader(b).string(), text)
    })
  }

  test('short strings with a non-ASCII byte anywhere take the UTF-8 path', () => {
    for (let len = 1; len <= 12; len++) {
      for (let at = 0; at < len; at++) {
        const s = 'abcdefghijkl'.slice(0, len - 1)
        const text = s.slice(0, at) + 'é' + s.slice(at) // é is 2 bytes, so the UTF-8 length is len + 1
        const w = new TlWriter()
        w.string(text)
        assert.equal(new TlReader(w.result()).string(), text)
      }
    }
  })

  test('non-ASCII strings: UTF-8 length decides the header (253 vs 254 bytes)', () => {
    for (const s of ['я'.repeat(126) + 'a', 'я'.repeat(127), '€'.repeat(84) + 'ab', '😀'.repeat(70)]) {
      const utf8 = Buffer.from(s, 'utf8')
      const w = new TlWriter(16)
      w.string(s)
      const b = w.result()
      assert.equal(b[0], utf8.length <= 253 ? utf8.length : 254, s.slice(0, 4))
      assert.equal(new TlReader(b).string(), s)
    }
  })

  test('Vector: id 0x1cb5c415 = crc32("vector t:Type # [ t ] = Vector t"), count, items', () => {
    // "const 0x1cb5c415 = crc32("vector t:Type # [ t ] = Vector t")" — core.telegram.org/mtproto/serialize
    assert.equal(crc32('vector t:Type # [ t ] = Vector t'), 0x1cb5c415)
    const w = new TlWriter()
    w.vector([1, 2, 3], (w, x) => w.int32(x))
    assert.equal(hex(w.result()), '15c4b51c' + '03000000' + '01000000' + '02000000' + '03000000')
    assert.deepEqual(new TlReader(w.result()).vector((r) => r.int32()), [1, 2, 3])
    // "an array of 10,000 bare int values is 40,000 bytes long" (plus the count; plus the id when boxed)
    const big = Array.from({ length: 10_000 }, (_, i) => i)
    const wb = new TlWriter()
    wb.bareVector(big, (w, x) => w.int32(x))
    assert.equal(wb.result().length, 4 + 40_000)
    assert.deepEqual(new TlReader(wb.result()).bareVector((r) => r.int32()), big)
  })

  test('Bool is boolTrue#997275b5 / boolFalse#bc799737', () => {
    const w = new TlWriter()
    w.bool(true)
    w.bool(false)
    assert.equal(hex(w.result()), 'b5757299' + '379779bc')
  })
})

describe('the seed dump (shared/seeds/000_*.txt)', () => {
  test('req_pq message_data encodes byte for byte', () => {
    // "message_data: 789746604479257F6C01C039A3DEAD031BC2D6A4", "message_type: 60469778"
    const nonce = unhex('4479257F6C01C039A3DEAD031BC2D6A4')
    assert.equal(hex(serializeObject({ _: 'mt_req_pq', nonce })), '789746604479257f6c01c039a3dead031bc2d6a4')
  })

  test('the received resPQ decodes to the documented values', () => {
    // message_data of the first "Receive:Success:85"; the dump then lists nonce, server_nonce,
    // pq = 18DDCAF407B7CDCD (1791811376213642701), count 1, fingerprint C3B42B026CE86B21.
    const data = unhex(
      '632416054479257F6C01C039A3DEAD031BC2D6A44F9DB065B36308CF4D9965725DD7153D0818DDCAF407B7CDCD00000015C4B51C01000000216BE86C022BB4C3',
    )
    const res = deserializeObject(data) as mtp.RawMt_resPQ
    assert.equal(res._, 'mt_resPQ')
    assert.equal(hex(res.nonce), '4479257f6c01c039a3dead031bc2d6a4')
    assert.equal(hex(res.serverNonce), '4f9db065b36308cf4d9965725dd7153d')
    assert.equal(hex(res.pq), '18ddcaf407b7cdcd')
    assert.equal(BigInt('0x' + hex(res.pq)), 1791811376213642701n)
    assert.equal(res.serverPublicKeyFingerprints.length, 1)
    assert.equal(BigInt.asUintN(64, res.serverPublicKeyFingerprints[0]!), 0xc3b42b026ce86b21n)
    assert.deepEqual(serializeObject(res), data)
  })
})

describe('objects', () => {
  test('flags are computed from presence; flags.N?true are booleans', () => {
    const req = {
      _: 'messages.sendMessage',
      noWebpage: true,
      peer: { _: 'inputPeerSelf' },
      message: 'hi',
      randomId: 7n,
      scheduleDate: 100,
    } as const
    const b = serializeObject(req as unknown as TlObject)
    const r = new TlReader(b)
    assert.equal(r.uint32(), constructorIdOf('messages.sendMessage'))
    assert.equal(r.int32(), (1 << 1) | (1 << 10)) // no_webpage = flags.1, schedule_date = flags.10
    const back = deserializeObject(b) as unknown as Record<string, unknown>
    assert.equal(back.noWebpage, true)
    assert.equal(back.silent, false)
    assert.equal(back.scheduleDate, 100)
    assert.equal(back.replyTo, undefined)
    assert.ok(!('replyTo' in back), 'absent optional fields are left out of the object')
    assert.ok(!('scheduleRepeatPeriod' in back))
    assert.ok('silent' in back, 'flags.N?true fields are always present (false when absent)')
  })

  test('readMethodResult: objects, Vector<long>, Bool, gzip_packed, rpc_error', () => {
    const w = new TlWriter()
    w.vector([1n, -2n], (w, x) => w.int64(x))
    // messages.receivedQueue#55a5bb66 max_qts:int = Vector<long>;
    assert.deepEqual(readMethodResult('messages.receivedQueue', new TlReader(w.result())), [1n, -2n])
    w.reset()
    w.bool(true)
    // account.updateStatus#6628562c offline:Bool = Bool;
    assert.equal(readMethodResult('account.updateStatus', new TlReader(w.result())), true)
    expectTlError(() => readMethodResult('no.suchMethod', new TlReader(w.result())), 'bad-value')
    const pong = { _: 'mt_pong', msgId: 1n, pingId: 2n } as const
    const packed = serializeObject({ _: 'mt_gzip_packed', packedData: new Uint8Array(gzipSync(serializeObject(pong))) })
    assert.deepEqual(readMethodResult('mt_ping', new TlReader(packed)), pong)
    const err = { _: 'mt_rpc_error', errorCode: 420, errorMessage: 'FLOOD_WAIT_3' } as const
    assert.deepEqual(readMethodResult('messages.sendMessage', new TlReader(serializeObject(err))), err)
  })

  test('rpc_result keeps its result as raw bytes; message body is raw with bytes = its length', () => {
    const inner = serializeObject({ _: 'mt_pong', msgId: 5n, pingId: 6n })
    const rr = deserializeObject(serializeObject({ _: 'mt_rpc_result', reqMsgId: 9n, result: inner })) as mtp.RawMt_rpc_result
    assert.deepEqual(rr.result, inner)
    const container = serializeObject({
      _: 'mt_msg_container',
      messages: [{ _: 'mt_message', msgId: 1n, seqno: 2, bytes: 0, body: inner }],
    })
    const c = deserializeObject(container) as mtp.RawMt_msg_container
    assert.equal(c.messages[0]!.bytes, inner.length)
    assert.deepEqual(c.messages[0]!.body, inner)
  })

  test('a typed field still accepts gzip_packed and constructors of another type (id-table fallback)', () => {
    const packedPeer = { _: 'mt_gzip_packed', packedData: new Uint8Array(gzipSync(serializeObject({ _: 'inputPeerSelf' }))) }
    const req = { _: 'messages.sendMessage', peer: packedPeer, message: 'x', randomId: 1n }
    const back = deserializeObject(serializeObject(req as unknown as TlObject)) as unknown as Record<string, unknown>
    assert.deepEqual(back.peer, { _: 'inputPeerSelf' })
    // A Peer where an InputPeer is expected: decoded as what it is, not rejected.
    const odd = { _: 'messages.sendMessage', peer: { _: 'peerUser', userId: 5n }, message: 'x', randomId: 1n }
    const back2 = deserializeObject(serializeObject(odd as unknown as TlObject)) as unknown as Record<string, unknown>
    assert.deepEqual(back2.peer, { _: 'peerUser', userId: 5n })
  })

  test('long: repeated, colliding and boundary values read back exactly (53-bit values are cached)', () => {
    const rng = new Rng(7)
    const values: bigint[] = [0n, 1n, -1n, 2n ** 52n - 1n, 2n ** 52n, -(2n ** 52n), -(2n ** 52n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)]
    for (let i = 0; i < 2000; i++) {
      const lo = BigInt(rng.int(2 ** 32))
      // Same low word with different high words, small and large magnitudes, both signs.
      for (const hi of [0n, 1n, -1n, BigInt(rng.int(2 ** 21)), -BigInt(rng.int(2 ** 21)) - 1n, BigInt(rng.int(2 ** 31))]) {
        values.push(BigInt.asIntN(64, (hi << 32n) | lo))
      }
    }
    const w = new TlWriter()
    for (const v of values) w.int64(v)
    for (const v of values) w.int64(v)
    const r = new TlReader(w.result())
    for (let pass = 0; pass < 2; pass++) for (const v of values) assert.equal(r.int64(), v)
  })

  test('constructorIdOf / constructorNameOf', () => {
    assert.equal(constructorIdOf('mt_resPQ'), 0x05162463)
    assert.equal(constructorNameOf(0x05162463), 'mt_resPQ')
    assert.equal(constructorNameOf(0xdeadbeef), undefined)
    expectTlError(() => constructorIdOf('nope'), 'bad-value')
  })
})

describe('TlError kinds', () => {
  test('truncated: offset of the read that ran out', () => {
    const e = expectTlError(() => new TlReader(new Uint8Array(6)).int64(), 'truncated')
    assert.equal(e.offset, 0)
    const r = new TlReader(new Uint8Array(6))
    r.int32()
    assert.equal(expectTlError(() => r.int32(), 'truncated').offset, 4)
    // A resPQ cut anywhere fails as truncated or length-overflow, never out of bounds.
    const full = serializeObject({ _: 'mt_resPQ', nonce: new Uint8Array(16), serverNonce: new Uint8Array(16), pq: new Uint8Array(8), serverPublicKeyFingerprints: [1n] })
    // Layout: id 0-4, nonce -20, server_nonce -36, pq (1-byte header + 8 + pad) -48, vector id -52,
    // count -56, fingerprint -64. Cuts inside pq, or leaving < 4 bytes for the one item, fail the
    // length/count check (which assumes >= 4 bytes per item) instead.
    for (let n = 0; n < full.length; n++) {
      const overflow = (n > 36 && n < 48) || (n >= 56 && n < 60)
      const err = expectTlError(() => deserializeObject(full.subarray(0, n)), overflow ? 'length-overflow' : 'truncated')
      assert.ok(err.offset <= n)
    }
  })

  test('length-overflow: a length prefix past the end fails before allocating', () => {
    // 254-prefixed length 0xffffff with only 4 more bytes.
    const e = expectTlError(() => new TlReader(unhex('feffffff00000000')).bytes(), 'length-overflow')
    assert.equal(e.offset, 0)
    expectTlError(() => new TlReader(unhex('15c4b51cffffff7f')).vectorLength(), 'length-overflow')
    expectTlError(() => new TlReader(unhex('15c4b51cffffffff')).vectorLength(), 'length-overflow')
  })

  test('unknown-constructor names the id in hex and the offset', () => {
    const e = expectTlError(() => deserializeObject(unhex('efbeadde')), 'unknown-constructor')
    assert.equal(e.constructorId, 0xdeadbeef)
    assert.equal(e.offset, 0)
    assert.match(e.message, /0xdeadbeef/)
    // Nested: corrupt the peer's id inside messages.sendMessage (id, flags, then peer at offset 8).
    const b = serializeObject({ _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: 'x', randomId: 1n } as unknown as TlObject)
    b.set([0xef, 0xbe, 0xad, 0xde], 8)
    const nested = expectTlError(() => deserializeObject(b), 'unknown-constructor')
    assert.equal(nested.offset, 8)
  })

  test('unexpected-constructor: a non-Bool where Bool is required', () => {
    expectTlError(() => new TlReader(unhex('01000000')).bool(), 'unexpected-constructor')
  })

  test('missing-field names the field', () => {
    const e = expectTlError(
      () => serializeObject({ _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, randomId: 1n } as unknown as TlObject),
      'missing-field',
    )
    assert.equal(e.field, 'messages.sendMessage.message')
  })

  test('bad-value: wrong JS types and unknown names', () => {
    expectTlError(() => new TlWriter().int64(1 as unknown as bigint), 'bad-value')
    expectTlError(() => new TlWriter().int128(new Uint8Array(15)), 'bad-value')
    expectTlError(() => serializeObject({ _: 'noSuchConstructor' } as unknown as TlObject), 'bad-value')
    expectTlError(() => new TlReader(unhex('ff000000')).bytes(), 'bad-value')
  })

  test('gzip: corrupt data, and inflation past 16 MiB', () => {
    const corrupt = serializeObject({ _: 'mt_gzip_packed', packedData: unhex('1f8b0800deadbeef') })
    expectTlError(() => deserializeObject(corrupt), 'gzip')
    const bomb = serializeObject({ _: 'mt_gzip_packed', packedData: new Uint8Array(gzipSync(new Uint8Array(17 * 1024 * 1024))) })
    expectTlError(() => deserializeObject(bomb), 'gzip')
  })

  test('too-deep: hostile nesting becomes a TlError, not a stack overflow', () => {
    // textBold#6724abc4 text:RichText = RichText; nests without limit: 200,000 levels in 800 KB.
    const textBold = constructorIdOf('textBold')
    const depth = 200_000
    const b = new Uint8Array(depth * 4 + 4)
    const dv = new DataView(b.buffer)
    for (let i = 0; i < depth; i++) dv.setUint32(i * 4, textBold, true)
    dv.setUint32(depth * 4, constructorIdOf('textEmpty'), true)
    expectTlError(() => deserializeObject(b), 'too-deep')
  })
})

describe('fuzz', () => {
  test('100,000 random and mutated buffers: only values or TlErrors', () => {
    const rng = new Rng(0xf022)
    const idList = Object.values(ids) as number[]
    const samples = [
      serializeObject({ _: 'messages.sendMessage', peer: { _: 'inputPeerUser', userId: 5n, accessHash: 6n }, message: 'hello', randomId: 1n, entities: [{ _: 'messageEntityBold', offset: 0, length: 2 }] } as unknown as TlObject),
      serializeObject({ _: 'mt_resPQ', nonce: new Uint8Array(16), serverNonce: new Uint8Array(16), pq: new Uint8Array(8), serverPublicKeyFingerprints: [1n, 2n] }),
      serializeObject({ _: 'user', id: 1n, firstName: 'A', usernames: [{ _: 'username', username: 'abc' }] } as unknown as TlObject),
    ]
    let values = 0
    let errors = 0
    for (let i = 0; i < 100_000; i++) {
      let buf: Uint8Array
      if (i % 2 === 0) {
        buf = rng.bytes(rng.int(48))
        if (buf.length >= 4 && rng.chance(0.7)) new DataView(buf.buffer).setUint32(0, rng.pick(idList), true)
      } else {
        buf = rng.pick(samples).slice()
        for (let k = 1 + rng.int(3); k > 0; k--) buf[rng.int(buf.length)] = rng.u32() & 0xff
        if (rng.chance(0.3)) buf = buf.subarray(0, rng.int(buf.length))
      }
      try {
        deserializeObject(buf)
        values++
      } catch (e) {
        if (!(e instanceof TlError)) assert.fail(`iteration ${i}: ${String(e)} for ${hex(buf)}`)
        errors++
      }
    }
    assert.ok(values > 1000 && errors > 1000, `values ${values}, errors ${errors}`)
  })
})
