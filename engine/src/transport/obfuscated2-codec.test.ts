import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { createCipheriv } from 'node:crypto'
import { fromHex, toHex } from '../crypto/bytes.js'
import { seededRandom } from '../crypto/test-random.js'
import { pump } from './test-pump.js'
import { createServerCodec, detectTransport } from './detect.js'
import type { TransportEvent } from './frame.js'
import { Obfuscated2ClientCodec, Obfuscated2ServerCodec, isValidObfuscated2Header } from './obfuscated2-codec.js'
import type { Obfuscated2Inner } from './obfuscated2-codec.js'

/** A RandomSource that returns `first` on its first call, then seeded bytes. */
function fixedFirst(first: Uint8Array, seed: string) {
  const rest = seededRandom(seed)
  let used = false
  return (n: number) => {
    if (!used && n === first.length) {
      used = true
      return first.slice()
    }
    return rest(n)
  }
}

// A known header: bytes 0..63 = 0x10, 0x11, …, 0x4f (first word 0x13121110, second 0x17161514).
const KNOWN = Uint8Array.from({ length: 64 }, (_, i) => 0x10 + i)

function packets(events: TransportEvent[]): string[] {
  return events.map((e) => (e.kind === 'packet' ? toHex(e.payload) : `!${e.kind}`))
}

describe('obfuscated2', () => {
  test('known header: tag and DC id at 56..61, header[56:64] sent encrypted, the rest in clear', () => {
    const client = new Obfuscated2ClientCodec({ inner: 'intermediate', dcId: -2, random: fixedFirst(KNOWN, 'k') })
    const first = client.encode(Uint8Array.of(1, 2, 3, 4))
    // plaintext header: bytes 0..55 as drawn, then eeeeeeee, dc -2 as int16 LE (feff), then 0x4e 0x4f
    assert.equal(toHex(client.header.subarray(0, 56)), toHex(KNOWN.subarray(0, 56)))
    assert.equal(toHex(client.header.subarray(56, 64)), 'eeeeeeeefeff4e4f')
    // independent AES-256-CTR over the header with key = header[8:40], iv = header[40:56]
    const enc = createCipheriv('aes-256-ctr', client.header.subarray(8, 40), client.header.subarray(40, 56))
    const encryptedHeader = enc.update(client.header)
    assert.equal(toHex(first.subarray(0, 56)), toHex(KNOWN.subarray(0, 56)))
    assert.equal(toHex(first.subarray(56, 64)), toHex(encryptedHeader.subarray(56, 64)))
    // the first frame continues the same keystream: intermediate length 4 + payload, encrypted
    const body = enc.update(Uint8Array.of(4, 0, 0, 0, 1, 2, 3, 4))
    assert.equal(toHex(first.subarray(64)), toHex(body))
  })

  test('known header: the server reads tag and DC id, and answers on the reversed-key stream', () => {
    const client = new Obfuscated2ClientCodec({ inner: 'abridged', dcId: 10002, random: fixedFirst(KNOWN, 'k2') })
    const server = new Obfuscated2ServerCodec({})
    server.push(client.encode(fromHex('0badf00d0badf00d')))
    assert.equal(server.innerName, 'abridged')
    assert.equal(server.dcId, 10002)
    assert.deepEqual(packets([server.next()!]), ['0badf00d0badf00d'])
    const reply = server.encode(fromHex('12345678'))
    // server → client: key = reverse(header[8:56])[0:32], iv = its [32:48]; abridged length 1 + payload
    const rev = client.header.slice(8, 56).reverse()
    const expected = createCipheriv('aes-256-ctr', rev.subarray(0, 32), rev.subarray(32, 48)).update(fromHex('0112345678'))
    assert.equal(toHex(reply), toHex(expected))
    client.push(reply)
    assert.deepEqual(packets([client.next()!]), ['12345678'])
  })

  for (const inner of ['abridged', 'intermediate', 'padded-intermediate'] as Obfuscated2Inner[]) {
    test(`${inner} inside obfuscated2: random payloads in random chunkings, both directions, via detectTransport`, () => {
      const rnd = seededRandom(`o2-${inner}`)
      const client = new Obfuscated2ClientCodec({ inner, dcId: 4, random: rnd })
      const up: Uint8Array[] = []
      for (let i = 0; i < 30; i++) up.push(rnd(4 * (1 + (rnd(2)[0]! * 37) % 9000)))
      const wire = new Uint8Array(Buffer.concat(up.map((p) => client.encode(p))))
      const detected = detectTransport(wire.subarray(0, 8))
      assert.deepEqual(detected, { kind: 'detected', transport: 'obfuscated2' })
      const server = createServerCodec('obfuscated2', { random: rnd })
      const upEvents = pump(server, wire, rnd)
      assert.equal(upEvents.length, up.length)
      upEvents.forEach((e, i) => {
        assert.equal(e.kind, 'packet')
        if (e.kind === 'packet') assert.equal(toHex(e.payload.subarray(0, up[i]!.length)), toHex(up[i]!))
      })
      const down: Uint8Array[] = []
      for (let i = 0; i < 30; i++) down.push(rnd(4 * (1 + (rnd(2)[0]! * 53) % 9000)))
      const downEvents = pump(client, new Uint8Array(Buffer.concat(down.map((p) => server.encode(p)))), rnd)
      assert.equal(downEvents.length, down.length)
      downEvents.forEach((e, i) => {
        assert.equal(e.kind, 'packet')
        if (e.kind === 'packet') assert.equal(toHex(e.payload.subarray(0, down[i]!.length)), toHex(down[i]!))
      })
    })
  }

  test('transport errors come through the encryption', () => {
    const rnd = seededRandom('o2-err')
    const client = new Obfuscated2ClientCodec({ inner: 'intermediate', dcId: 1, random: rnd })
    const server = new Obfuscated2ServerCodec({})
    server.push(client.encode(new Uint8Array(8)))
    assert.equal(server.next()?.kind, 'packet')
    client.push(server.encode(new Uint8Array(new Int32Array([-404]).buffer)))
    assert.deepEqual(client.next(), { kind: 'transport-error', code: -404 })
  })

  test('typed error: bad-tag when the decrypted header names no known protocol (fatal)', () => {
    // a client header whose protocol tag (plaintext bytes 56..59) is 01020304
    const header = KNOWN.slice()
    header.set([1, 2, 3, 4], 56)
    const sent = header.slice()
    const encrypted = createCipheriv('aes-256-ctr', header.subarray(8, 40), header.subarray(40, 56)).update(header)
    sent.set(encrypted.subarray(56, 64), 56)
    const server = new Obfuscated2ServerCodec({})
    server.push(sent)
    assert.deepEqual(server.next(), {
      kind: 'decode-error',
      error: { kind: 'bad-tag', expected: 'efefefef, eeeeeeee or dddddddd', actual: '04030201' },
      fatal: true,
    })
    assert.equal(server.closed, true)
    assert.equal(server.next(), null)
  })

  test('header rules: forbidden first bytes and words are never produced', () => {
    const bad = [
      Uint8Array.of(0xef, 1, 2, 3, 1, 1, 1, 1),
      new TextEncoder().encode('HEADxxxx'),
      new TextEncoder().encode('POSTxxxx'),
      new TextEncoder().encode('GET xxxx'),
      new TextEncoder().encode('OPTIxxxx'),
      Uint8Array.of(0xdd, 0xdd, 0xdd, 0xdd, 1, 1, 1, 1),
      Uint8Array.of(0xee, 0xee, 0xee, 0xee, 1, 1, 1, 1),
      Uint8Array.of(0x16, 0x03, 0x01, 0x02, 1, 1, 1, 1),
      Uint8Array.of(1, 2, 3, 4, 0, 0, 0, 0),
    ]
    for (const start of bad) {
      const h = new Uint8Array(64)
      h.set(start)
      assert.equal(isValidObfuscated2Header(h), false, toHex(start))
    }
    // a source that first offers each bad header gets skipped past them
    let i = 0
    const rest = seededRandom('hdr')
    const rnd = (n: number) => {
      if (n === 64 && i < bad.length) {
        const h = new Uint8Array(64)
        h.set(bad[i++]!)
        return h
      }
      return rest(n)
    }
    const c = new Obfuscated2ClientCodec({ inner: 'abridged', dcId: 2, random: rnd })
    assert.equal(i, bad.length)
    assert.ok(isValidObfuscated2Header(c.header))
  })

  test('a server codec cannot send before the header arrived', () => {
    assert.throws(() => new Obfuscated2ServerCodec({}).encode(new Uint8Array(4)))
  })
})

describe('detectTransport', () => {
  test('tags, full, obfuscated2, and need-more', () => {
    assert.deepEqual(detectTransport(new Uint8Array(0)), { kind: 'need-more', atLeast: 1 })
    assert.deepEqual(detectTransport(Uint8Array.of(0xef)), { kind: 'detected', transport: 'abridged' })
    assert.deepEqual(detectTransport(Uint8Array.of(0xee, 0xee)), { kind: 'need-more', atLeast: 4 })
    assert.deepEqual(detectTransport(Uint8Array.of(0xee, 0xee, 0xee, 0xee)), { kind: 'detected', transport: 'intermediate' })
    assert.deepEqual(detectTransport(Uint8Array.of(0xdd, 0xdd, 0xdd, 0xdd)), { kind: 'detected', transport: 'padded-intermediate' })
    assert.deepEqual(detectTransport(Uint8Array.of(0x34, 0, 0, 0)), { kind: 'need-more', atLeast: 8 })
    assert.deepEqual(detectTransport(Uint8Array.of(0x34, 0, 0, 0, 0, 0, 0, 0)), { kind: 'detected', transport: 'full' })
    // same length word but a non-zero second word: an obfuscated2 header
    assert.deepEqual(detectTransport(Uint8Array.of(0x34, 0, 0, 0, 1, 0, 0, 0)), { kind: 'detected', transport: 'obfuscated2' })
    // an insane length with seqno 0 is not full
    assert.deepEqual(detectTransport(Uint8Array.of(0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0)), { kind: 'detected', transport: 'obfuscated2' })
  })

  test('each client codec is detected from its own first bytes and served by createServerCodec', async () => {
    const { AbridgedCodec } = await import('./abridged-codec.js')
    const { IntermediateCodec, PaddedIntermediateCodec } = await import('./intermediate-codec.js')
    const { FullCodec } = await import('./full-codec.js')
    const rnd = seededRandom('detect')
    const clients = [
      new AbridgedCodec({ side: 'client' }),
      new IntermediateCodec({ side: 'client' }),
      new PaddedIntermediateCodec({ side: 'client', random: rnd }),
      new FullCodec({ side: 'client' }),
      new Obfuscated2ClientCodec({ inner: 'intermediate', dcId: 2, random: rnd }),
    ]
    for (const client of clients) {
      const bytes = client.encode(fromHex('0102030405060708'))
      const d = detectTransport(bytes)
      assert.deepEqual(d, { kind: 'detected', transport: client.name })
      if (d.kind !== 'detected') continue
      const server = createServerCodec(d.transport, { random: rnd })
      server.push(bytes)
      const e = server.next()
      assert.ok(e?.kind === 'packet' && toHex(e.payload.subarray(0, 8)) === '0102030405060708', client.name)
    }
  })
})
