// The framed codecs' bounds, byte by byte: an event comes out exactly when the bytes that decide it
// have arrived (not one byte earlier, not one later), the frame-size cap sits exactly at its
// constant, and transport error codes are told from packets by their exact shape.
// https://core.telegram.org/mtproto/mtproto-transports
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { seededRandom } from '../crypto/test-random.js'
import { AbridgedCodec } from './abridged-codec.js'
import { MAX_FRAME_BYTES, payloadEvent, transportErrorCode } from './frame.js'
import type { TransportCodec, TransportEvent } from './frame.js'
import { FullCodec } from './full-codec.js'
import { IntermediateCodec, PaddedIntermediateCodec } from './intermediate-codec.js'

type Side = 'client' | 'server'
type Make = (side: Side, maxFrameBytes?: number) => TransportCodec

const rnd = seededRandom('codec-bounds')
const CODECS: readonly [name: string, make: Make, headerBytes: (payloadBytes: number) => number][] = [
  ['abridged', (side, maxFrameBytes) => new AbridgedCodec({ side, maxFrameBytes }), (n) => (n / 4 < 0x7f ? 1 : 4)],
  ['intermediate', (side, maxFrameBytes) => new IntermediateCodec({ side, maxFrameBytes }), () => 4],
  ['padded intermediate', (side, maxFrameBytes) => new PaddedIntermediateCodec({ side, maxFrameBytes, random: rnd }), () => 4],
  ['full', (side, maxFrameBytes) => new FullCodec({ side, maxFrameBytes }), () => 8],
]

/** Pushes `bytes` one at a time; returns each event with the count of bytes pushed when it came out. */
function byteByByte(codec: TransportCodec, bytes: Uint8Array): [at: number, event: TransportEvent][] {
  const out: [number, TransportEvent][] = []
  for (let i = 0; i < bytes.length; i++) {
    codec.push(bytes.subarray(i, i + 1))
    for (let e = codec.next(); e !== null; e = codec.next()) out.push([i + 1, e])
  }
  return out
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

describe('framed codecs, fed one byte at a time', () => {
  for (const [name, make, headerBytes] of CODECS) {
    for (const direction of ['client → server', 'server → client'] as const) {
      test(`${name}, ${direction}: each event comes out on the exact byte that completes what decides it`, () => {
        const [from, to]: [Side, Side] = direction === 'client → server' ? ['client', 'server'] : ['server', 'client']
        const sender = make(from)
        const cap = 600
        const receiver = make(to, cap)
        // empty payload (the smallest frame: its header alone), the last short and first long
        // abridged lengths, a frame just over the cap (skipped once its header is in), then a small one
        const sizes = [0, 4, 126 * 4, 127 * 4, 160 * 4, 8]
        // (0x11 bytes: a 4-byte payload must not read as a negative transport error code)
        const frames = sizes.map((n) => sender.encode(new Uint8Array(n).fill(0x11)))
        const stream = concat(frames)
        const events = byteByByte(receiver, stream)
        let start = 0
        const expected: [number, string][] = []
        for (let i = 0; i < frames.length; i++) {
          const end = start + frames[i]!.length
          // the client's first frame also carries the tag before the header
          const tagBytes = i === 0 && from === 'client' ? frames[0]!.length - (sizes[0]! + headerBytes(0) + (name === 'full' ? 4 : 0)) : 0
          const payloadBytes = frames[i]!.length - tagBytes - headerBytes(sizes[i]!) - (name === 'full' ? 4 : 0)
          expected.push(payloadBytes > cap ? [start + tagBytes + headerBytes(sizes[i]!), 'decode-error'] : [end, 'packet'])
          start = end
        }
        assert.deepEqual(
          events.map(([at, e]) => [at, e.kind]),
          expected,
        )
        events.forEach(([, e], i) => {
          if (e.kind === 'packet') assert.ok(e.payload.length >= sizes[i]! && e.payload.length <= sizes[i]! + 15)
          if (e.kind === 'decode-error') assert.deepEqual([e.error.kind, e.fatal], ['frame-too-large', false])
        })
        assert.equal(receiver.closed, false)
      })
    }
  }

  test('a wrong tag is fatal on exactly its fourth byte (abridged: its first)', () => {
    const wrong = Uint8Array.of(0xdd, 0xdd, 0xdd, 0xdd, 0, 0, 0, 0)
    assert.deepEqual(
      byteByByte(new IntermediateCodec({ side: 'server' }), wrong).map(([at, e]) => [at, e.kind, e.kind === 'decode-error' && e.fatal]),
      [[4, 'decode-error', true]],
    )
    assert.deepEqual(
      byteByByte(new AbridgedCodec({ side: 'server' }), wrong).map(([at, e]) => [at, e.kind, e.kind === 'decode-error' && e.fatal]),
      [[1, 'decode-error', true]],
    )
  })

  test('a tag wrong in one byte only is refused, and the error shows both tags in hex', () => {
    const server = new IntermediateCodec({ side: 'server' })
    server.push(Uint8Array.of(0xee, 0xee, 0xee, 0x0d, 4, 0, 0, 0, 1, 2, 3, 4))
    assert.deepEqual(server.next(), { kind: 'decode-error', error: { kind: 'bad-tag', expected: 'eeeeeeee', actual: 'eeeeee0d' }, fatal: true })
    assert.equal(server.closed, true)
  })

  test('lost framing is reported on the byte that shows it: abridged length byte, intermediate length ≥ 2^31, full length', () => {
    const at = (codec: TransportCodec, bytes: number[]) => byteByByte(codec, Uint8Array.from(bytes)).map(([i, e]) => [i, e.kind === 'decode-error' && e.error])
    assert.deepEqual(at(new AbridgedCodec({ side: 'client' }), [0x80, 0, 0, 0]), [[1, { kind: 'bad-length', expected: 'first length byte ≤ 0x7f', actual: 0x80 }]])
    assert.deepEqual(at(new IntermediateCodec({ side: 'client' }), [0, 0, 0, 0x80, 0, 0, 0, 0]), [
      [4, { kind: 'bad-length', expected: 'length < 2^31', actual: 0x80000000 }],
    ])
    // full waits for length and seqno (8 bytes) before it judges the length
    assert.deepEqual(at(new FullCodec({ side: 'server' }), [8, 0, 0, 0, 0, 0, 0, 0, 0]), [
      [8, { kind: 'bad-length', expected: 'a multiple of 4, at least 12', actual: 8 }],
    ])
  })

  test('intermediate: the largest length below 2^31 is a frame length (skipped as too large), not lost framing', () => {
    const client = new IntermediateCodec({ side: 'client' })
    client.push(Uint8Array.of(0xff, 0xff, 0xff, 0x7f))
    assert.deepEqual(client.next(), {
      kind: 'decode-error',
      error: { kind: 'frame-too-large', expected: MAX_FRAME_BYTES, actual: 0x7fffffff },
      fatal: false,
    })
    assert.equal(client.closed, false)
  })

  test('full: the smallest frame (12 bytes, empty payload) is a packet', () => {
    const client = new FullCodec({ side: 'client' })
    const server = new FullCodec({ side: 'server' })
    const frame = client.encode(new Uint8Array(0))
    assert.equal(frame.length, 12)
    server.push(frame)
    assert.deepEqual(server.next(), { kind: 'packet', payload: new Uint8Array(0) })
  })
})

describe('the frame-size cap', () => {
  test('MAX_FRAME_BYTES is 1 MiB (the largest message_data) plus 64 KiB of headroom', () => {
    assert.equal(MAX_FRAME_BYTES, 1024 * 1024 + 64 * 1024)
  })

  for (const [name, make] of CODECS) {
    test(`${name}: a frame of exactly the cap is a packet; the cap + 4 is skipped as too large`, () => {
      const cap = MAX_FRAME_BYTES
      for (const [size, kind] of [
        [cap, 'packet'],
        [cap + 4, 'decode-error'],
      ] as const) {
        const client = make('client')
        const server = make('server')
        // padded intermediate may add up to 15 bytes: take 16 off the payload so the frame is at most `size`
        const payload = name === 'padded intermediate' && kind === 'packet' ? size - 16 : size
        server.push(client.encode(new Uint8Array(payload)))
        const e = server.next()
        assert.equal(e?.kind, kind, `${size}`)
        if (e?.kind === 'decode-error') assert.equal(e.error.kind, 'frame-too-large')
      }
    })
  }

  test('a full-size encrypted message (1 MiB of message_data, 32 bytes of header, 1024 of padding, 24 outer) fits', () => {
    const size = 24 + 32 + 1024 * 1024 + 1024
    for (const [, make] of CODECS) {
      const client = make('client')
      const server = make('server')
      server.push(client.encode(new Uint8Array(size)))
      assert.equal(server.next()?.kind, 'packet')
    }
  })
})

test('padded intermediate pads data frames with 0..15 random bytes (the low 4 bits of one random byte)', () => {
  const client = new PaddedIntermediateCodec({ side: 'client', random: (n) => new Uint8Array(n).fill(0xff), tagged: false })
  const frame = client.encode(Uint8Array.of(1, 2, 3, 4))
  assert.equal(frame.length, 4 + 4 + 15)
  assert.equal(new DataView(frame.buffer).getUint32(0, true), 4 + 15)
  const none = new PaddedIntermediateCodec({ side: 'client', random: (n) => new Uint8Array(n).fill(0xf0), tagged: false })
  assert.equal(none.encode(Uint8Array.of(1, 2, 3, 4)).length, 8)
})

test('full: a seqno gap is reported as a non-fatal decode error and the codec stays open', () => {
  const client = new FullCodec({ side: 'client' })
  const server = new FullCodec({ side: 'server' })
  client.encode(new Uint8Array(4)) // seqno 0, never delivered
  server.push(client.encode(new Uint8Array(4)))
  assert.deepEqual(server.next(), { kind: 'decode-error', error: { kind: 'seqno-mismatch', expected: 0, actual: 1 }, fatal: false })
  assert.equal(server.closed, false)
})

test('abridged refuses to frame a payload that is not whole 4-byte words (a programmer error)', () => {
  assert.throws(() => new AbridgedCodec({ side: 'client' }).encode(new Uint8Array(6)), {
    name: 'RangeError',
    message: 'abridged: payload length 6 is not a multiple of 4',
  })
})

describe('transport error codes', () => {
  test('only a 4-byte payload holding a negative int32 is an error code', () => {
    assert.equal(transportErrorCode(Uint8Array.of(0x6c, 0xfe, 0xff, 0xff)), -404)
    assert.equal(transportErrorCode(Uint8Array.of(0xff, 0xff, 0xff, 0xff)), -1)
    assert.equal(transportErrorCode(Uint8Array.of(0, 0, 0, 0x80)), -0x80000000)
    assert.equal(transportErrorCode(new Uint8Array(4)), null) // 0 is not negative
    assert.equal(transportErrorCode(Uint8Array.of(0xff, 0xff, 0xff, 0x7f)), null)
    assert.equal(transportErrorCode(Uint8Array.of(0x6c, 0xfe, 0xff)), null)
    assert.equal(transportErrorCode(Uint8Array.of(0x6c, 0xfe, 0xff, 0xff, 0, 0, 0, 0)), null)
    assert.deepEqual(payloadEvent(Uint8Array.of(0x6c, 0xfe, 0xff, 0xff)), { kind: 'transport-error', code: -404 })
    assert.deepEqual(payloadEvent(new Uint8Array(4)), { kind: 'packet', payload: new Uint8Array(4) })
  })
})
