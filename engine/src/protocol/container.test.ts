import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  CONTAINER_HEADER_BYTES,
  CONTAINER_ITEM_HEADER_BYTES,
  MAX_CONTAINER_BYTES,
  MAX_CONTAINER_MESSAGES,
  MAX_RECEIVED_CONTAINER_MESSAGES,
  MSG_CONTAINER_ID,
  containerBatchSize,
  containerSize,
  isContainer,
  packContainer,
  unpackContainer,
  type ContainerItem,
} from './container.js'

function body(id: number, extraWords = 1): Uint8Array {
  const b = new Uint8Array(4 + extraWords * 4)
  new DataView(b.buffer).setUint32(0, id, true)
  b.fill(0xab, 4)
  return b
}

const items: ContainerItem[] = [
  { msgId: 4n, seqNo: 1, body: body(0x7abe77ec, 2) }, // ping
  { msgId: 8n, seqNo: 2, body: body(0x62d6b459, 3) }, // msgs_ack
]

describe('msg_container', () => {
  test('pack → unpack round trip; layout is id, count, then msg_id/seqno/bytes/body', () => {
    const packed = packContainer(items)
    assert.ok(isContainer(packed))
    assert.equal(packed.length, containerSize(items))
    const view = new DataView(packed.buffer)
    assert.equal(view.getUint32(0, true), MSG_CONTAINER_ID)
    assert.equal(view.getInt32(4, true), 2)
    assert.equal(view.getBigInt64(8, true), 4n)
    assert.equal(view.getInt32(16, true), 1)
    assert.equal(view.getInt32(20, true), 12)
    const r = unpackContainer(packed, 12n)
    assert.ok(r.ok)
    assert.deepEqual(
      r.value.map((m) => [m.msgId, m.seqNo, [...m.body]]),
      items.map((m) => [m.msgId, m.seqNo, [...m.body]]),
    )
  })

  test('an empty container is valid', () => {
    const r = unpackContainer(packContainer([]), 4n)
    assert.deepEqual(r, { ok: true, value: [] })
  })

  test('pack refuses too many messages, too many bytes, a nested container', () => {
    const many = Array.from({ length: MAX_CONTAINER_MESSAGES + 1 }, (_, i) => ({
      msgId: BigInt(i * 4 + 4),
      seqNo: 0,
      body: body(1),
    }))
    assert.throws(() => packContainer(many), RangeError)
    assert.doesNotThrow(() => packContainer(many.slice(0, MAX_CONTAINER_MESSAGES)))
    const big = [{ msgId: 4n, seqNo: 1, body: new Uint8Array(MAX_CONTAINER_BYTES) }]
    assert.throws(() => packContainer(big), RangeError)
    const nested = [{ msgId: 4n, seqNo: 0, body: packContainer(items) }]
    assert.throws(() => packContainer(nested), /do not nest/)
  })

  test('containerBatchSize respects both limits and always takes the first message', () => {
    const small = Array.from({ length: 2000 }, () => ({ body: body(1) }))
    assert.equal(containerBatchSize(small), MAX_CONTAINER_MESSAGES)
    const half = MAX_CONTAINER_BYTES / 2
    const large = [{ body: new Uint8Array(half) }, { body: new Uint8Array(half) }, { body: new Uint8Array(8) }]
    assert.equal(containerBatchSize(large), 1)
    assert.ok(CONTAINER_HEADER_BYTES + 2 * (CONTAINER_ITEM_HEADER_BYTES + half) > MAX_CONTAINER_BYTES)
    assert.equal(containerBatchSize([{ body: new Uint8Array(MAX_CONTAINER_BYTES * 2) }]), 1)
    assert.equal(containerBatchSize([]), 0)
  })

  test('exactly MAX_RECEIVED_CONTAINER_MESSAGES inner messages are accepted', () => {
    const n = MAX_RECEIVED_CONTAINER_MESSAGES
    const b = new Uint8Array(CONTAINER_HEADER_BYTES + n * (CONTAINER_ITEM_HEADER_BYTES + 4))
    const v = new DataView(b.buffer)
    v.setUint32(0, MSG_CONTAINER_ID, true)
    v.setInt32(4, n, true)
    for (let i = 0; i < n; i++) {
      const at = CONTAINER_HEADER_BYTES + i * (CONTAINER_ITEM_HEADER_BYTES + 4)
      v.setBigInt64(at, BigInt(i * 4 + 4), true)
      v.setInt32(at + 12, 4, true)
      v.setUint32(at + 16, 0x7abe77ec, true)
    }
    const r = unpackContainer(b, BigInt(n * 4 + 4))
    assert.ok(r.ok && r.value.length === n)
  })

  test('the limits: 1 MiB messages, 4 KiB of that kept for encryption headers and padding, 1020 / 1024 messages', () => {
    // https://core.telegram.org/mtproto/service_messages#simple-container (at most 1024 messages)
    assert.equal(MAX_CONTAINER_BYTES, 1024 * 1024 - 4096)
    assert.equal(MAX_CONTAINER_MESSAGES, 1020)
    assert.equal(MAX_RECEIVED_CONTAINER_MESSAGES, 1024)
    assert.throws(() => packContainer(Array.from({ length: 1021 }, (_, i) => ({ msgId: BigInt(i * 4 + 4), seqNo: 0, body: body(1) }))), {
      name: 'RangeError',
      message: 'container holds at most 1020 messages, got 1021',
    })
  })

  test('a container of exactly MAX_CONTAINER_BYTES packs; 4 bytes more does not', () => {
    const fits = MAX_CONTAINER_BYTES - CONTAINER_HEADER_BYTES - CONTAINER_ITEM_HEADER_BYTES
    assert.equal(packContainer([{ msgId: 4n, seqNo: 1, body: new Uint8Array(fits) }]).length, MAX_CONTAINER_BYTES)
    assert.throws(() => packContainer([{ msgId: 4n, seqNo: 1, body: new Uint8Array(fits + 4) }]), {
      name: 'RangeError',
      message: `container of ${MAX_CONTAINER_BYTES + 4} bytes exceeds ${MAX_CONTAINER_BYTES}`,
    })
    // a batch that fills the limit exactly is one container; one byte-word more splits it
    const half = (MAX_CONTAINER_BYTES - CONTAINER_HEADER_BYTES) / 2 - CONTAINER_ITEM_HEADER_BYTES
    assert.equal(containerBatchSize([{ body: new Uint8Array(half) }, { body: new Uint8Array(half) }]), 2)
    assert.equal(containerBatchSize([{ body: new Uint8Array(half) }, { body: new Uint8Array(half + 4) }]), 1)
  })

  test('isContainer needs the 4-byte constructor id: exactly 4 bytes is enough, 3 are not', () => {
    const id = new Uint8Array(4)
    new DataView(id.buffer).setUint32(0, MSG_CONTAINER_ID, true)
    assert.equal(isContainer(id), true)
    assert.equal(isContainer(id.subarray(0, 3)), false)
    assert.equal(isContainer(body(0x7abe77ec)), false)
  })

  describe('unpack refuses', () => {
    const packed = packContainer(items)
    const edit = (f: (v: DataView, b: Uint8Array) => void): Uint8Array => {
      const b = packed.slice()
      f(new DataView(b.buffer), b)
      return b
    }

    test('another constructor', () => {
      const r = unpackContainer(body(0x7abe77ec), 12n)
      assert.deepEqual(r, { ok: false, error: { kind: 'not-a-container', expected: MSG_CONTAINER_ID, received: 0x7abe77ec } })
    })

    test('a count over the limit', () => {
      const r = unpackContainer(edit((v) => v.setInt32(4, MAX_RECEIVED_CONTAINER_MESSAGES + 1, true)), 12n)
      assert.equal(!r.ok && r.error.kind, 'too-many-messages')
    })

    test('an inner length that is not a multiple of 4, or runs past the end', () => {
      const odd = unpackContainer(edit((v) => v.setInt32(20, 10, true)), 12n)
      assert.deepEqual(odd, { ok: false, error: { kind: 'bad-inner-length', msgId: 4n, received: 10 } })
      const past = unpackContainer(edit((v) => v.setInt32(20, 4000, true)), 12n)
      assert.equal(!past.ok && past.error.kind, 'truncated')
    })

    test('a count larger than the messages present', () => {
      const r = unpackContainer(edit((v) => v.setInt32(4, 3, true)), 12n)
      assert.equal(!r.ok && r.error.kind, 'truncated')
    })

    test('trailing bytes after the last message', () => {
      const b = new Uint8Array(packed.length + 4)
      b.set(packed)
      const r = unpackContainer(b, 12n)
      assert.equal(!r.ok && r.error.kind, 'trailing-bytes')
    })

    test('a nested container', () => {
      const nested = new Uint8Array(containerSize([{ body: packed }]))
      const v = new DataView(nested.buffer)
      v.setUint32(0, MSG_CONTAINER_ID, true)
      v.setInt32(4, 1, true)
      v.setBigInt64(8, 4n, true)
      v.setInt32(20, packed.length, true)
      nested.set(packed, 24)
      assert.deepEqual(unpackContainer(nested, 100n), { ok: false, error: { kind: 'nested-container', msgId: 4n } })
    })

    test('an inner msg_id not below the container msg_id', () => {
      const r = unpackContainer(packed, 8n)
      assert.deepEqual(r, { ok: false, error: { kind: 'inner-msg-id-not-below-container', msgId: 8n, containerMsgId: 8n } })
    })

    test('the refusals carry the offsets and sizes that did not fit', () => {
      assert.deepEqual(unpackContainer(edit((v) => v.setInt32(4, MAX_RECEIVED_CONTAINER_MESSAGES + 1, true)), 12n), {
        ok: false,
        error: { kind: 'too-many-messages', expected: MAX_RECEIVED_CONTAINER_MESSAGES, received: MAX_RECEIVED_CONTAINER_MESSAGES + 1 },
      })
      assert.deepEqual(unpackContainer(edit((v) => v.setInt32(4, -1, true)), 12n), {
        ok: false,
        error: { kind: 'too-many-messages', expected: MAX_RECEIVED_CONTAINER_MESSAGES, received: -1 },
      })
      assert.deepEqual(unpackContainer(edit((v) => v.setInt32(20, 4000, true)), 12n), {
        ok: false,
        error: { kind: 'truncated', offset: 24, expected: 4000, received: packed.length - 24 },
      })
      assert.deepEqual(unpackContainer(edit((v) => v.setInt32(4, 3, true)), 12n), {
        ok: false,
        error: { kind: 'truncated', offset: packed.length, expected: CONTAINER_ITEM_HEADER_BYTES, received: 0 },
      })
      const b = new Uint8Array(packed.length + 4)
      b.set(packed)
      assert.deepEqual(unpackContainer(b, 12n), { ok: false, error: { kind: 'trailing-bytes', expected: packed.length, received: packed.length + 4 } })
    })

    test('fewer bytes than the container header, and exactly the header', () => {
      assert.deepEqual(unpackContainer(packed.subarray(0, 7), 12n), { ok: false, error: { kind: 'truncated', offset: 0, expected: 8, received: 7 } })
      const header = new Uint8Array(8)
      new DataView(header.buffer).setUint32(0, MSG_CONTAINER_ID, true)
      assert.deepEqual(unpackContainer(header, 12n), { ok: true, value: [] })
    })

    test('an item header that ends exactly at the end, its body missing: truncated at the body', () => {
      const b = new Uint8Array(CONTAINER_HEADER_BYTES + CONTAINER_ITEM_HEADER_BYTES)
      const v = new DataView(b.buffer)
      v.setUint32(0, MSG_CONTAINER_ID, true)
      v.setInt32(4, 1, true)
      v.setBigInt64(8, 4n, true)
      v.setInt32(20, 4, true)
      assert.deepEqual(unpackContainer(b, 12n), { ok: false, error: { kind: 'truncated', offset: 24, expected: 4, received: 0 } })
    })

    test('inner lengths below 4 (no constructor id) are refused; exactly 4 is a body', () => {
      for (const length of [0, -4]) {
        assert.deepEqual(unpackContainer(edit((v) => v.setInt32(20, length, true)), 12n), {
          ok: false,
          error: { kind: 'bad-inner-length', msgId: 4n, received: length },
        })
      }
      const r = unpackContainer(packContainer([{ msgId: 4n, seqNo: 0, body: body(0x7abe77ec, 0) }]), 8n)
      assert.ok(r.ok && r.value.length === 1 && r.value[0]!.body.length === 4)
    })

    test('two inner messages with the same msg_id', () => {
      const r = unpackContainer(edit((v) => v.setBigInt64(8 + 16 + 12, 4n, true)), 12n)
      assert.deepEqual(r, { ok: false, error: { kind: 'duplicate-inner-msg-id', msgId: 4n } })
    })
  })
})
