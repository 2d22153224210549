import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { SentMessages, type SentMessage } from './sent-messages.js'

function msg(msgId: bigint, method?: string): SentMessage {
  return { msgId, seqNo: 1, body: Uint8Array.of(Number(msgId & 0xffn)), contentRelated: true, ...(method ? { method } : {}) }
}

describe('SentMessages', () => {
  test('an rpc_result settles the query and yields its method', () => {
    const s = new SentMessages()
    s.record(msg(4n, 'help.getConfig'))
    assert.equal(s.methodOf(4n), 'help.getConfig')
    assert.equal(s.settle(4n)?.method, 'help.getConfig')
    assert.equal(s.settle(4n), undefined)
    assert.equal(s.size, 0)
  })

  test('msgs_ack forgets non-RPC messages and reports acked RPC queries', () => {
    const s = new SentMessages()
    s.record(msg(4n, 'help.getConfig'))
    s.record(msg(8n))
    assert.deepEqual(s.acknowledge([4n, 8n, 12n]), [4n])
    assert.ok(s.has(4n))
    assert.ok(!s.has(8n))
  })

  test('takeForResend expands a container into its pending messages', () => {
    const s = new SentMessages()
    s.record(msg(4n, 'a'))
    s.record(msg(8n, 'b'))
    s.record(msg(12n))
    s.recordContainer(16n, [4n, 8n, 12n])
    s.settle(8n) // answered meanwhile
    assert.ok(s.has(16n))
    assert.deepEqual(
      s.takeForResend(16n).map((m) => m.msgId),
      [4n, 12n],
    )
    assert.ok(!s.has(16n))
    assert.equal(s.size, 0)
  })

  test('takeForResend of a single message, and of an unknown id', () => {
    const s = new SentMessages()
    s.record(msg(4n, 'a'))
    assert.deepEqual(s.takeForResend(99n), [])
    assert.deepEqual(s.takeForResend(4n).map((m) => m.method), ['a'])
  })

  test('a container disappears once all its messages are settled', () => {
    const s = new SentMessages()
    s.record(msg(4n, 'a'))
    s.recordContainer(8n, [4n])
    s.settle(4n)
    assert.ok(!s.has(8n))
  })

  test('idsBefore lists in-flight ids below a msg_id, oldest first', () => {
    const s = new SentMessages()
    for (const id of [12n, 4n, 20n]) s.record(msg(id, 'a'))
    assert.deepEqual(s.idsBefore(16n), [4n, 12n])
    assert.deepEqual(s.idsBefore(4n), [])
  })

  test('takeAll returns everything oldest first', () => {
    const s = new SentMessages()
    s.record(msg(12n))
    s.record(msg(4n, 'a'))
    assert.deepEqual(
      s.takeAll().map((m) => m.msgId),
      [4n, 12n],
    )
    assert.equal(s.size, 0)
  })
})
