import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { encryptMessagePayload } from '../crypto/index.js'
import {
  MAX_MIN_PADDING_BYTES,
  MessageReceiver,
  decryptMessage,
  encryptMessage,
  encryptionKeyOf,
  paddingLength,
  type MessageFields,
  type ReceiveError,
} from './encrypted-message.js'
import { MAX_MSG_ID_FUTURE_MS, MAX_MSG_ID_PAST_MS, MessageIdGenerator, msgIdFromMs } from './message-id.js'
import type { Result } from './result.js'
import { seededRandom } from '../crypto/test-random.js'

const T0 = 1_700_000_000_000
const random = seededRandom('encrypted-message')
const key = encryptionKeyOf(random(256))
const otherKey = encryptionKeyOf(random(256))
const SESSION = 0x0123456789abcdefn
const SALT = -0x1122334455667788n
const BODY = Uint8Array.of(0xec, 0x77, 0xbe, 0x7a, 1, 2, 3, 4, 5, 6, 7, 8) // ping#7abe77ec ping_id

function fields(msgId: bigint, over: Partial<MessageFields> = {}): MessageFields {
  return { salt: SALT, sessionId: SESSION, msgId, seqNo: 1, body: BODY, ...over }
}

/** A server→client packet built from a raw plaintext, with a valid msg_key (to reach later checks). */
function rawServerPacket(plaintext: Uint8Array): Uint8Array {
  const { msgKey, ciphertext } = encryptMessagePayload(key.authKey, plaintext, 'server-to-client')
  const out = new Uint8Array(24 + ciphertext.length)
  new DataView(out.buffer).setBigInt64(0, key.authKeyId, true)
  out.set(msgKey, 8)
  out.set(ciphertext, 24)
  return out
}

function plaintextWith(length: number, total: number, msgId: bigint): Uint8Array {
  const p = new Uint8Array(total)
  const v = new DataView(p.buffer)
  v.setBigInt64(0, SALT, true)
  v.setBigInt64(8, SESSION, true)
  v.setBigInt64(16, msgId, true)
  v.setInt32(24, 1, true)
  v.setInt32(28, length, true)
  return p
}

function errorOf<T>(r: Result<T, ReceiveError>): ReceiveError {
  assert.equal(r.ok, false, 'expected a refusal')
  return (r as { error: ReceiveError }).error
}

/** A client-side receiver plus a server msg_id source, with a helper checking recovery. */
function setup(windowSize?: number) {
  const receiver = new MessageReceiver({ key, sessionId: SESSION, receiver: 'client', replayWindowSize: windowSize })
  const serverIds = new MessageIdGenerator({ role: 'server' })
  let now = T0
  const next = () => serverIds.next((now += 10))
  const packet = (msgId: bigint, over: Partial<MessageFields> = {}) =>
    encryptMessage(key, fields(msgId, over), 'server-to-client', random)
  const acceptsNext = () => {
    const id = next()
    const r = receiver.receive(packet(id), now)
    assert.ok(r.ok, `the next valid message is accepted (${JSON.stringify(!r.ok && r.error.kind)})`)
    assert.equal(r.value.msgId, id)
  }
  return { receiver, next, packet, acceptsNext, now: () => now }
}

describe('encrypted message framing', () => {
  test('round trip server→client (x=8) with every field intact', () => {
    const { receiver, next, packet, now } = setup()
    const id = next()
    const p = packet(id, { seqNo: 7 })
    assert.equal(p.length % 16, 8) // 24-byte outer header + 16-byte blocks
    const r = receiver.receive(p, now())
    assert.ok(r.ok)
    assert.deepEqual(r.value, fields(id, { seqNo: 7 }))
  })

  test('round trip client→server (x=0), checked by a server-side receiver', () => {
    const server = new MessageReceiver({ key, sessionId: SESSION, receiver: 'server' })
    const id = new MessageIdGenerator().next(T0)
    const p = encryptMessage(key, fields(id), 'client-to-server', random)
    const r = server.receive(p, T0)
    assert.ok(r.ok)
    assert.equal(r.value.msgId, id)
    // the same bytes do not decrypt in the other direction
    assert.equal(errorOf(new MessageReceiver({ key, sessionId: SESSION, receiver: 'client' }).receive(p, T0)).kind, 'msg-key-mismatch')
  })

  // https://core.telegram.org/mtproto/description#encrypted-message-encrypted-data: 12..1024 bytes of
  // padding, the total a multiple of 16; we send the least that satisfies both
  test('paddingLength is the least padding of at least 12 bytes that ends on a 16-byte boundary', () => {
    assert.equal(paddingLength(4), 12) // 32 + 4 + 12 = 48
    assert.equal(paddingLength(0), 16) // 32 + 0 + 16 = 48
    assert.equal(paddingLength(8), 24) // 32 + 8 + 24 = 64
    assert.equal(paddingLength(12), 20) // 32 + 12 + 20 = 64
  })

  test('padding is 12..27 bytes and the plaintext a multiple of 16', () => {
    for (let len = 0; len < 64; len += 4) {
      const pad = paddingLength(len)
      assert.ok(pad >= 12 && pad < 28)
      assert.equal((32 + len + pad) % 16, 0)
    }
  })

  test('programmer errors are RangeErrors that say what was wrong', () => {
    assert.throws(() => encryptionKeyOf(new Uint8Array(255)), { name: 'RangeError', message: 'auth_key must be 256 bytes, got 255' })
    assert.throws(() => encryptMessage(key, fields(5n, { body: new Uint8Array(6) }), 'server-to-client', random), {
      name: 'RangeError',
      message: 'body length 6 is not a multiple of 4',
    })
    // BODY is 12 bytes: 32 + 12 + 20 = 64
    assert.throws(() => encryptMessage(key, fields(5n), 'server-to-client', new Uint8Array(19)), {
      name: 'RangeError',
      message: 'need 20 random padding bytes, got 19',
    })
  })

  test('MAX_MIN_PADDING_BYTES (27) covers the padding of every body length', () => {
    assert.equal(MAX_MIN_PADDING_BYTES, 27)
    for (let len = 0; len < 64; len += 4) assert.ok(paddingLength(len) <= MAX_MIN_PADDING_BYTES, `body ${len}`)
  })

  test('encryptMessage takes padding as bytes too, and refuses too few', () => {
    const ok = encryptMessage(key, fields(5n), 'server-to-client', new Uint8Array(27))
    assert.ok(decryptMessage(key, ok, 'server-to-client').ok)
    assert.throws(() => encryptMessage(key, fields(5n), 'server-to-client', new Uint8Array(3)), RangeError)
  })
})

describe('every receive check gives its own typed error, and the receiver recovers', () => {
  test('packet shorter than the outer header', () => {
    const s = setup()
    assert.deepEqual(errorOf(s.receiver.receive(new Uint8Array(10), s.now())), { kind: 'too-short', expected: 24, received: 10 })
    s.acceptsNext()
  })

  test('auth_key_id mismatch', () => {
    const s = setup()
    const p = encryptMessage(otherKey, fields(s.next()), 'server-to-client', random)
    assert.deepEqual(errorOf(s.receiver.receive(p, s.now())), {
      kind: 'auth-key-id-mismatch',
      expected: key.authKeyId,
      received: otherKey.authKeyId,
    })
    s.acceptsNext()
  })

  test('total length not a multiple of 16', () => {
    const s = setup()
    const p = s.packet(s.next())
    const e = errorOf(s.receiver.receive(p.subarray(0, p.length - 4), s.now()))
    assert.deepEqual(e, { kind: 'bad-ciphertext-length', expected: 'a positive multiple of 16', received: p.length - 28 })
    s.acceptsNext()
  })

  test('msg_key recomputed from the plaintext does not match (tampered ciphertext, tampered msg_key)', () => {
    const s = setup()
    const p = s.packet(s.next())
    p[p.length - 1] = (p[p.length - 1] as number) ^ 1
    const e = errorOf(s.receiver.receive(p, s.now()))
    assert.equal(e.kind, 'msg-key-mismatch')
    assert.ok(e.kind === 'msg-key-mismatch' && e.expected.length === 16 && e.received.length === 16)
    const q = s.packet(s.next())
    q[8] = (q[8] as number) ^ 0x80
    assert.equal(errorOf(s.receiver.receive(q, s.now())).kind, 'msg-key-mismatch')
    s.acceptsNext()
  })

  test('session_id mismatch', () => {
    const s = setup()
    const e = errorOf(s.receiver.receive(s.packet(s.next(), { sessionId: 42n }), s.now()))
    assert.deepEqual(e, { kind: 'session-id-mismatch', expected: SESSION, received: 42n })
    s.acceptsNext()
  })

  test('msg_id parity: a client-style (even) id from the server', () => {
    const s = setup()
    const id = s.next() & ~3n
    assert.deepEqual(errorOf(s.receiver.receive(s.packet(id), s.now())), {
      kind: 'msg-id-parity',
      expected: 'server',
      received: id,
    })
    s.acceptsNext()
  })

  test('msg_id parity on the server side: an odd id from the client', () => {
    const server = new MessageReceiver({ key, sessionId: SESSION, receiver: 'server' })
    const odd = msgIdFromMs(T0) | 1n
    const p = encryptMessage(key, fields(odd), 'client-to-server', random)
    assert.deepEqual(errorOf(server.receive(p, T0)), { kind: 'msg-id-parity', expected: 'client', received: odd })
    const good = encryptMessage(key, fields(msgIdFromMs(T0 + 5)), 'client-to-server', random)
    assert.ok(server.receive(good, T0).ok)
  })

  test('msg_id more than 300 s in the past, or 30 s in the future; the message is still handed over', () => {
    const s = setup()
    const old = msgIdFromMs(s.now() - MAX_MSG_ID_PAST_MS - 1000) | 1n
    const e = errorOf(s.receiver.receive(s.packet(old), s.now()))
    assert.equal(e.kind, 'msg-id-too-old')
    assert.ok(e.kind === 'msg-id-too-old' && e.message.msgId === old && e.message.body.length === BODY.length)
    s.acceptsNext()
    const future = msgIdFromMs(s.now() + MAX_MSG_ID_FUTURE_MS + 1000) | 1n
    assert.equal(errorOf(s.receiver.receive(s.packet(future), s.now())).kind, 'msg-id-too-new')
    // NB: acceptsNext uses ids below `future`, which is fine: the window is not full.
    s.acceptsNext()
  })

  test('msg_id already seen (a replayed packet)', () => {
    const s = setup()
    const id = s.next()
    const p = s.packet(id)
    assert.ok(s.receiver.receive(p, s.now()).ok)
    assert.deepEqual(errorOf(s.receiver.receive(p, s.now())), { kind: 'msg-id-duplicate', msgId: id })
    s.acceptsNext()
  })

  test('msg_id below the replay window', () => {
    const s = setup(2)
    const early = s.next()
    const ids = [s.next(), s.next(), s.next()]
    for (const id of ids) assert.ok(s.receiver.receive(s.packet(id), s.now()).ok)
    const e = errorOf(s.receiver.receive(s.packet(early), s.now()))
    assert.deepEqual(e, { kind: 'msg-id-below-window', msgId: early, floor: ids[0] })
    s.acceptsNext()
  })

  test('padding shorter than 12 bytes', () => {
    const s = setup()
    // 32-byte header + 8-byte body + 8 bytes of padding = 48
    const e = errorOf(s.receiver.receive(rawServerPacket(plaintextWith(8, 48, s.next())), s.now()))
    assert.deepEqual(e, { kind: 'bad-padding-length', expected: '12..1024', received: 8 })
    s.acceptsNext()
  })

  test('padding longer than 1024 bytes', () => {
    const s = setup()
    // 32 + 16 + 1040 = 1088
    const e = errorOf(s.receiver.receive(rawServerPacket(plaintextWith(16, 1088, s.next())), s.now()))
    assert.deepEqual(e, { kind: 'bad-padding-length', expected: '12..1024', received: 1040 })
    s.acceptsNext()
  })

  test('message_data_length past the payload, not a multiple of 4, negative', () => {
    const s = setup()
    for (const length of [80, 6, -4]) {
      const e = errorOf(s.receiver.receive(rawServerPacket(plaintextWith(length, 64, s.next())), s.now()))
      assert.equal(e.kind, 'bad-message-length')
      assert.equal(e.kind === 'bad-message-length' && e.received, length)
    }
    s.acceptsNext()
  })

  test('a plaintext shorter than 44 bytes (header + minimum padding) is a typed bad-message-length, not a RangeError', () => {
    const s = setup()
    for (const total of [16, 32]) {
      const e = errorOf(s.receiver.receive(rawServerPacket(plaintextWith(0, 32, s.next()).slice(0, total)), s.now()))
      assert.deepEqual(e, { kind: 'bad-message-length', expected: 'a plaintext of at least 44 bytes', received: total })
    }
    s.acceptsNext()
  })

  test('message_data_length equal to the whole payload leaves no padding: refused as padding, not as length', () => {
    const s = setup()
    const e = errorOf(s.receiver.receive(rawServerPacket(plaintextWith(32, 64, s.next())), s.now()))
    assert.deepEqual(e, { kind: 'bad-padding-length', expected: '12..1024', received: 0 })
    const past = errorOf(s.receiver.receive(rawServerPacket(plaintextWith(36, 64, s.next())), s.now()))
    assert.deepEqual(past, { kind: 'bad-message-length', expected: 'a multiple of 4 in [0, 32]', received: 36 })
    s.acceptsNext()
  })

  test('exactly 12 and exactly 1024 bytes of padding are accepted (the bounds are inclusive)', () => {
    const s = setup()
    // 32 + 4 + 12 = 48 and 32 + 0 + 1024 = 1056, both multiples of 16
    for (const [length, total] of [
      [4, 48],
      [0, 1056],
    ] as const) {
      const id = s.next()
      const r = s.receiver.receive(rawServerPacket(plaintextWith(length, total, id)), s.now())
      assert.ok(r.ok, `body ${length}, plaintext ${total}`)
      assert.equal(r.value.body.length, length)
      assert.equal(r.value.msgId, id)
    }
  })

  test('exactly 24 bytes (outer header, no ciphertext) get past the length check to the ciphertext check', () => {
    const s = setup()
    const p = s.packet(s.next()).slice(0, 24)
    assert.deepEqual(errorOf(s.receiver.receive(p, s.now())), { kind: 'bad-ciphertext-length', expected: 'a positive multiple of 16', received: 0 })
    assert.deepEqual(errorOf(s.receiver.receive(p.subarray(0, 23), s.now())), { kind: 'too-short', expected: 24, received: 23 })
  })

  test('acceptInner: an inner msg_id is processed once', () => {
    const s = setup()
    assert.equal(s.receiver.acceptInner(101n), 'new')
    assert.equal(s.receiver.acceptInner(101n), 'duplicate')
  })
})
