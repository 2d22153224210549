import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { toHex } from '../crypto/bytes.js'
import { seededRandom } from '../crypto/test-random.js'
import type { RandomSource } from '../crypto/bytes.js'
import { AbridgedCodec } from './abridged-codec.js'
import { ByteQueue } from './byte-queue.js'
import { MAX_FRAME_BYTES } from './frame.js'
import { pump } from './test-pump.js'
import type { TransportCodec, TransportEvent } from './frame.js'
import { FullCodec } from './full-codec.js'
import { IntermediateCodec, PaddedIntermediateCodec } from './intermediate-codec.js'

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

function payloads(rnd: RandomSource, count: number): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const r = rnd(3)
    const words = r[0]! < 200 ? 2 + (r[1]! % 64) : 2 + (((r[1]! << 8) | r[2]!) % 20000) // up to ~80 KiB
    out.push(rnd(words * 4))
  }
  out.push(rnd(127 * 4)) // abridged: exactly the first long-form length
  out.push(rnd(126 * 4)) // abridged: the last short-form length
  return out
}

type Pair = { name: string; make: (rnd: RandomSource) => { client: TransportCodec; server: TransportCodec }; padded?: boolean }
const pairs: Pair[] = [
  { name: 'abridged', make: () => ({ client: new AbridgedCodec({ side: 'client' }), server: new AbridgedCodec({ side: 'server' }) }) },
  { name: 'intermediate', make: () => ({ client: new IntermediateCodec({ side: 'client' }), server: new IntermediateCodec({ side: 'server' }) }) },
  {
    name: 'padded intermediate',
    padded: true,
    make: (rnd) => ({
      client: new PaddedIntermediateCodec({ side: 'client', random: rnd }),
      server: new PaddedIntermediateCodec({ side: 'server', random: rnd }),
    }),
  },
  { name: 'full', make: () => ({ client: new FullCodec({ side: 'client' }), server: new FullCodec({ side: 'server' }) }) },
]

function assertPackets(events: TransportEvent[], sent: Uint8Array[], padded: boolean): void {
  assert.equal(events.length, sent.length)
  events.forEach((e, i) => {
    assert.equal(e.kind, 'packet')
    if (e.kind !== 'packet') return
    const p = sent[i]!
    if (padded) {
      assert.ok(e.payload.length >= p.length && e.payload.length <= p.length + 15, `padding 0..15 (${e.payload.length - p.length})`)
      assert.equal(toHex(e.payload.subarray(0, p.length)), toHex(p))
    } else {
      assert.equal(toHex(e.payload), toHex(p))
    }
  })
}

describe('framed codecs', () => {
  for (const pair of pairs) {
    test(`${pair.name}: random payloads in random chunkings, both directions`, () => {
      const rnd = seededRandom(`roundtrip-${pair.name}`)
      const { client, server } = pair.make(rnd)
      const up = payloads(rnd, 40)
      const upEvents = pump(server, concat(up.map((p) => client.encode(p))), rnd)
      assertPackets(upEvents, up, pair.padded === true)
      const down = payloads(rnd, 40)
      const downEvents = pump(client, concat(down.map((p) => server.encode(p))), rnd)
      assertPackets(downEvents, down, pair.padded === true)
      assert.equal(client.closed || server.closed, false)
    })

    test(`${pair.name}: a 4-byte negative payload is a transport error (-404, -429, -444)`, () => {
      const rnd = seededRandom(`err-${pair.name}`)
      const { client, server } = pair.make(rnd)
      client.encode(new Uint8Array(8)) // the client's tag goes out with its first frame
      const bytes = concat([-404, -429, -444].map((c) => server.encode(new Uint8Array(new Int32Array([c]).buffer))))
      const events = pump(client, bytes, rnd)
      // (padded intermediate sends error codes unpadded, so they read back the same)
      assert.deepEqual(events, [
        { kind: 'transport-error', code: -404 },
        { kind: 'transport-error', code: -429 },
        { kind: 'transport-error', code: -444 },
      ])
    })

    test(`${pair.name}: frame-too-large is reported before buffering, the frame skipped, the decoder still usable`, () => {
      const rnd = seededRandom(`big-${pair.name}`)
      const client = pair.make(rnd).client
      const small = new (client.constructor as new (o: object) => TransportCodec)({ side: 'server', maxFrameBytes: 64, random: rnd })
      const a = rnd(32)
      const big = rnd(4096)
      const b = rnd(48)
      const events = pump(small, concat([client.encode(a), client.encode(big), client.encode(b)]), rnd)
      assert.equal(events.length, 3)
      assert.equal(events[0]!.kind, 'packet')
      const err = events[1]!
      assert.equal(err.kind, 'decode-error')
      if (err.kind === 'decode-error') {
        assert.equal(err.fatal, false)
        assert.equal(err.error.kind, 'frame-too-large')
        if (err.error.kind === 'frame-too-large') {
          assert.equal(err.error.expected, 64)
          assert.ok(err.error.actual >= 4096 && err.error.actual <= 4096 + 15)
        }
      }
      assert.equal(events[2]!.kind, 'packet')
      if (events[2]!.kind === 'packet') assert.equal(toHex(events[2]!.payload.subarray(0, 48)), toHex(b))
      assert.equal(small.closed, false)
    })
  }

  test('default cap is MAX_FRAME_BYTES: a header announcing more is refused at once', () => {
    const server = new IntermediateCodec({ side: 'server' })
    const header = new Uint8Array(8)
    header.set([0xee, 0xee, 0xee, 0xee])
    new DataView(header.buffer).setUint32(4, MAX_FRAME_BYTES + 4, true)
    server.push(header)
    const e = server.next()
    assert.deepEqual(e, { kind: 'decode-error', error: { kind: 'frame-too-large', expected: MAX_FRAME_BYTES, actual: MAX_FRAME_BYTES + 4 }, fatal: false })
  })

  test('bad-tag: a server codec closes on a stream that does not start with its tag', () => {
    for (const server of [new AbridgedCodec({ side: 'server' }), new IntermediateCodec({ side: 'server' })]) {
      server.push(Uint8Array.of(0xdd, 0xdd, 0xdd, 0xdd, 1, 2, 3, 4))
      const e = server.next()
      assert.equal(e?.kind, 'decode-error')
      if (e?.kind === 'decode-error') {
        assert.equal(e.fatal, true)
        assert.equal(e.error.kind, 'bad-tag')
      }
      assert.equal(server.closed, true)
      server.push(new Uint8Array(8))
      assert.equal(server.next(), null)
    }
  })

  test('abridged bad-length: a server-side length byte above 0x7f on the client side is fatal', () => {
    const client = new AbridgedCodec({ side: 'client' })
    client.push(Uint8Array.of(0x85, 0, 0, 0))
    assert.deepEqual(client.next(), {
      kind: 'decode-error',
      error: { kind: 'bad-length', expected: 'first length byte ≤ 0x7f', actual: 0x85 },
      fatal: true,
    })
    assert.equal(client.closed, true)
  })

  test('abridged and intermediate servers ignore the quick-ack request bit', () => {
    const ab = new AbridgedCodec({ side: 'server' })
    ab.push(Uint8Array.of(0xef, 0x80 | 2, 1, 2, 3, 4, 5, 6, 7, 8))
    const e1 = ab.next()
    assert.ok(e1?.kind === 'packet' && toHex(e1.payload) === '0102030405060708')
    const im = new IntermediateCodec({ side: 'server' })
    im.push(Uint8Array.of(0xee, 0xee, 0xee, 0xee, 4, 0, 0, 0x80, 9, 9, 9, 9))
    const e2 = im.next()
    assert.ok(e2?.kind === 'packet' && toHex(e2.payload) === '09090909')
  })

  test('full: crc-mismatch skips the frame and the decoder goes on', () => {
    const client = new FullCodec({ side: 'client' })
    const server = new FullCodec({ side: 'server' })
    const f0 = client.encode(Uint8Array.of(1, 2, 3, 4))
    const f1 = client.encode(Uint8Array.of(5, 6, 7, 8))
    const f1bad = f1.slice()
    f1bad[9]! ^= 0xff
    const f2 = client.encode(Uint8Array.of(9, 9, 9, 9))
    const events = pump(server, concat([f0, f1bad, f2]), seededRandom('crc'))
    assert.equal(events.length, 3)
    assert.equal(events[0]!.kind, 'packet')
    assert.ok(events[1]!.kind === 'decode-error' && events[1]!.error.kind === 'crc-mismatch' && !events[1]!.fatal)
    // f1 was lost, so f2's seqno 2 arrives where 1 was expected
    assert.ok(events[2]!.kind === 'decode-error' && events[2]!.error.kind === 'seqno-mismatch')
    if (events[2]!.kind === 'decode-error') assert.deepEqual(events[2]!.error, { kind: 'seqno-mismatch', expected: 1, actual: 2 })
    // resynchronised: the next frame is accepted
    const f3 = client.encode(Uint8Array.of(7, 7, 7, 7))
    server.push(f3)
    const e = server.next()
    assert.ok(e?.kind === 'packet' && toHex(e.payload) === '07070707')
  })

  test('full: bad-length (below 12, or not a multiple of 4) is fatal', () => {
    for (const len of [8, 14]) {
      const server = new FullCodec({ side: 'server' })
      const b = new Uint8Array(16)
      new DataView(b.buffer).setUint32(0, len, true)
      server.push(b)
      assert.deepEqual(server.next(), { kind: 'decode-error', error: { kind: 'bad-length', expected: 'a multiple of 4, at least 12', actual: len }, fatal: true })
      assert.equal(server.closed, true)
    }
  })

  test('full: frame layout is length, seqno, payload, crc32', () => {
    const client = new FullCodec({ side: 'client' })
    client.encode(Uint8Array.of(0, 0, 0, 0))
    const f = client.encode(Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd))
    // length 16, seqno 1, payload, CRC32 (zlib polynomial) of the first 12 bytes
    assert.equal(toHex(f.subarray(0, 12)), '1000000001000000aabbccdd')
    assert.equal(f.length, 16)
  })

  test('abridged encoding: short and long length forms', () => {
    const c = new AbridgedCodec({ side: 'client', tagged: false })
    assert.equal(toHex(c.encode(new Uint8Array(8)).subarray(0, 1)), '02')
    assert.equal(toHex(c.encode(new Uint8Array(127 * 4)).subarray(0, 4)), '7f7f0000')
    assert.equal(toHex(c.encode(new Uint8Array(0x10000 * 4)).subarray(0, 4)), '7f000001')
    assert.throws(() => c.encode(new Uint8Array(5)), RangeError)
  })

  test('client tags go out once, before the first frame', () => {
    const a = new AbridgedCodec({ side: 'client' })
    assert.equal(toHex(a.encode(new Uint8Array(4))), 'ef0100000000')
    assert.equal(toHex(a.encode(new Uint8Array(4))), '0100000000')
    const i = new IntermediateCodec({ side: 'client' })
    assert.equal(toHex(i.encode(Uint8Array.of(1, 2, 3, 4))), 'eeeeeeee0400000001020304')
    const p = new PaddedIntermediateCodec({ side: 'client', random: (n) => new Uint8Array(n) })
    assert.equal(toHex(p.encode(Uint8Array.of(1, 2, 3, 4))), 'dddddddd0400000001020304')
  })

  test('ByteQueue reads across chunk boundaries', () => {
    const q = new ByteQueue()
    q.push(Uint8Array.of(1, 2))
    q.push(Uint8Array.of(3))
    q.push(Uint8Array.of(4, 5, 6))
    assert.equal(q.length, 6)
    assert.equal(q.uint32At(1), 0x05040302)
    assert.equal(toHex(q.peek(4)), '01020304')
    assert.equal(toHex(q.read(3)), '010203')
    assert.equal(q.skip(10), 3)
    assert.equal(q.length, 0)
  })
})
