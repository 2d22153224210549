import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { decodePlainMessage, encodePlainMessage } from './plain-message.js'

const body = Uint8Array.of(0xf1, 0x8e, 0x7e, 0xbe, 1, 2, 3, 4) // req_pq_multi id + 4 bytes

describe('plain message', () => {
  test('round trip', () => {
    const packet = encodePlainMessage(0x51e57ac42770964an, body)
    assert.equal(packet.length, 28)
    assert.deepEqual(packet.subarray(0, 8), new Uint8Array(8))
    const r = decodePlainMessage(packet)
    assert.ok(r.ok)
    assert.equal(r.value.msgId, 0x51e57ac42770964an)
    assert.deepEqual(r.value.body, body)
  })

  test('header layout matches the samples-auth_key request', () => {
    // core.telegram.org/mtproto/samples-auth_key, "Request to Server": msg_id 0x51E57AC42770964A, length 20
    const packet = encodePlainMessage(0x51e57ac42770964an, new Uint8Array(20))
    assert.deepEqual(
      [...packet.subarray(8, 20)],
      [0x4a, 0x96, 0x70, 0x27, 0xc4, 0x7a, 0xe5, 0x51, 0x14, 0, 0, 0],
    )
  })

  test('tolerates transport padding of up to 15 bytes, no more', () => {
    const packet = encodePlainMessage(4n, body)
    const padded = new Uint8Array(packet.length + 15)
    padded.set(packet)
    assert.ok(decodePlainMessage(padded).ok)
    const over = new Uint8Array(packet.length + 16)
    over.set(packet)
    const r = decodePlainMessage(over)
    assert.ok(!r.ok)
    assert.equal(r.error.kind, 'bad-length')
  })

  test('refuses a short packet, a non-zero auth_key_id, a length past the end', () => {
    const short = decodePlainMessage(new Uint8Array(19))
    assert.deepEqual(short, { ok: false, error: { kind: 'too-short', expected: 20, received: 19 } })

    const keyed = encodePlainMessage(4n, body)
    keyed[0] = 1
    assert.deepEqual(decodePlainMessage(keyed), {
      ok: false,
      error: { kind: 'auth-key-id-not-zero', expected: 0n, received: 1n },
    })

    const long = encodePlainMessage(4n, body)
    long[16] = 12
    const r = decodePlainMessage(long)
    assert.ok(!r.ok)
    assert.equal(r.error.kind, 'bad-length')
    assert.equal(!r.ok && r.error.kind === 'bad-length' && r.error.received, 12)
  })

  test('checks msg_id parity for the given sender', () => {
    assert.ok(decodePlainMessage(encodePlainMessage(5n, body), 'server').ok)
    assert.deepEqual(decodePlainMessage(encodePlainMessage(4n, body), 'server'), {
      ok: false,
      error: { kind: 'msg-id-parity', expected: 'server', received: 4n },
    })
    assert.ok(decodePlainMessage(encodePlainMessage(8n, body), 'client').ok)
    assert.equal(decodePlainMessage(encodePlainMessage(6n, body), 'client').ok, false)
  })
})
