import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { MAX_GZIP_DEPTH, MAX_GZIP_INFLATED_BYTES, serializeObject, type TlObject } from '../tl/index.js'
import { packContainer } from './container.js'
import { classifyIncoming, type ClassifyContext, type IncomingEvent } from './incoming-event.js'

const pending = new Map<bigint, string>([
  [100n, 'help.getNearestDc'],
  [104n, 'mt_ping'],
])
const ctx: ClassifyContext = { methodOf: (id) => pending.get(id) }

const bytes = (obj: object): Uint8Array => serializeObject(obj as TlObject)

function classify(obj: object, seqNo = 1, msgId = 201n): { events: IncomingEvent[]; ackIds: bigint[] } {
  const r = classifyIncoming({ msgId, seqNo, body: bytes(obj) }, ctx)
  return { events: r.messages.map((m) => m.event), ackIds: r.ackIds }
}

function only(obj: object, seqNo = 1): IncomingEvent {
  const { events } = classify(obj, seqNo)
  assert.equal(events.length, 1)
  return events[0] as IncomingEvent
}

describe('classifyIncoming: service messages', () => {
  test('rpc_result decoded for the pending method', () => {
    const result = bytes({ _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 4 })
    assert.deepEqual(only({ _: 'mt_rpc_result', reqMsgId: 100n, result }), {
      type: 'rpc.result',
      reqMsgId: 100n,
      method: 'help.getNearestDc',
      result: { _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 4 },
    })
  })

  test('rpc_result with a gzip_packed result', () => {
    const inner = bytes({ _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 4 })
    const result = bytes({ _: 'mt_gzip_packed', packedData: gzipSync(inner) })
    const e = only({ _: 'mt_rpc_result', reqMsgId: 100n, result })
    assert.equal(e.type, 'rpc.result')
    assert.deepEqual(e.type === 'rpc.result' && e.result, { _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 4 })
  })

  test('rpc_result carrying rpc_error', () => {
    const result = bytes({ _: 'mt_rpc_error', errorCode: 420, errorMessage: 'FLOOD_WAIT_3' })
    assert.deepEqual(only({ _: 'mt_rpc_result', reqMsgId: 100n, result }), {
      type: 'rpc.error',
      reqMsgId: 100n,
      method: 'help.getNearestDc',
      code: 420,
      message: 'FLOOD_WAIT_3',
    })
  })

  test('rpc_result for no pending query, and one that does not decode for its method', () => {
    const result = bytes({ _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 4 })
    const unmatched = only({ _: 'mt_rpc_result', reqMsgId: 999n, result })
    assert.equal(unmatched.type, 'rpc.unmatched')
    assert.deepEqual(unmatched.type === 'rpc.unmatched' && [unmatched.reqMsgId, unmatched.result], [999n, result])
    const e = only({ _: 'mt_rpc_result', reqMsgId: 100n, result: result.subarray(0, 8) })
    assert.equal(e.type, 'rpc.undecodable')
    assert.equal(e.type === 'rpc.undecodable' && e.error.kind, 'truncated')
  })

  test('bad_server_salt → salt.bad', () => {
    assert.deepEqual(only({ _: 'mt_bad_server_salt', badMsgId: 96n, badMsgSeqno: 3, errorCode: 48, newServerSalt: -5n }, 0), {
      type: 'salt.bad',
      badMsgId: 96n,
      badMsgSeqNo: 3,
      newSalt: -5n,
    })
  })

  test('bad_msg_notification → msg.bad for every documented code (the remedy is the connection machine’s)', () => {
    for (const code of [16, 17, 18, 19, 20, 32, 33, 34, 35, 48, 64]) {
      assert.deepEqual(only({ _: 'mt_bad_msg_notification', badMsgId: 96n, badMsgSeqno: 3, errorCode: code }, 0), {
        type: 'msg.bad',
        badMsgId: 96n,
        badMsgSeqNo: 3,
        code,
      })
    }
  })

  test('new_session_created → session.created (content-related: acked)', () => {
    const { events, ackIds } = classify({ _: 'mt_new_session_created', firstMsgId: 92n, uniqueId: 7n, serverSalt: 11n }, 1)
    assert.deepEqual(events, [{ type: 'session.created', firstMsgId: 92n, uniqueId: 7n, serverSalt: 11n }])
    assert.deepEqual(ackIds, [201n])
  })

  test('pong (not content-related: no ack)', () => {
    const { events, ackIds } = classify({ _: 'mt_pong', msgId: 104n, pingId: 77n }, 0)
    assert.deepEqual(events, [{ type: 'pong', msgId: 104n, pingId: 77n }])
    assert.deepEqual(ackIds, [])
  })

  test('future_salts → salts.future', () => {
    const salts = [{ _: 'mt_future_salt', validSince: 1, validUntil: 2, salt: 3n }]
    assert.deepEqual(only({ _: 'mt_future_salts', reqMsgId: 108n, now: 5, salts }, 0), {
      type: 'salts.future',
      reqMsgId: 108n,
      now: 5,
      salts,
    })
  })

  test('msgs_state_info, msgs_all_info, msgs_state_req', () => {
    const info = Uint8Array.of(4, 1)
    assert.deepEqual(only({ _: 'mt_msgs_state_info', reqMsgId: 112n, info }, 0), { type: 'msgs.state_info', reqMsgId: 112n, info })
    assert.deepEqual(only({ _: 'mt_msgs_all_info', msgIds: [4n, 8n], info }, 0), { type: 'msgs.all_info', msgIds: [4n, 8n], info })
    assert.deepEqual(only({ _: 'mt_msgs_state_req', msgIds: [1n] }, 0), { type: 'msgs.state_req', msgIds: [1n] })
  })

  test('msg_detailed_info and msg_new_detailed_info', () => {
    assert.deepEqual(only({ _: 'mt_msg_detailed_info', msgId: 4n, answerMsgId: 5n, bytes: 100, status: 0 }, 0), {
      type: 'msg.detailed_info',
      msgId: 4n,
      answerMsgId: 5n,
      bytes: 100,
      status: 0,
    })
    assert.deepEqual(only({ _: 'mt_msg_new_detailed_info', answerMsgId: 9n, bytes: 10, status: 0 }, 0), {
      type: 'msg.new_detailed_info',
      answerMsgId: 9n,
      bytes: 10,
      status: 0,
    })
  })

  test('msg_resend_req, destroy_session_ok/none, msgs_ack', () => {
    assert.deepEqual(only({ _: 'mt_msg_resend_req', msgIds: [4n] }, 0), { type: 'msg.resend_req', msgIds: [4n] })
    assert.deepEqual(only({ _: 'mt_destroy_session_ok', sessionId: 3n }), { type: 'session.destroyed', sessionId: 3n, existed: true })
    assert.deepEqual(only({ _: 'mt_destroy_session_none', sessionId: 3n }), { type: 'session.destroyed', sessionId: 3n, existed: false })
    assert.deepEqual(only({ _: 'mt_msgs_ack', msgIds: [4n, 8n] }, 0), { type: 'msgs.ack', msgIds: [4n, 8n] })
  })

  test('an API object is an update; an unexpected MTProto object is not', () => {
    assert.deepEqual(only({ _: 'updatesTooLong' }), { type: 'updates', update: { _: 'updatesTooLong' } })
    const e = only({ _: 'mt_http_wait', maxDelay: 0, waitAfter: 0, maxWait: 0 }, 0)
    assert.equal(e.type, 'message.unexpected')
  })

  test('a gzip_packed update is unpacked', () => {
    const packed = { _: 'mt_gzip_packed', packedData: gzipSync(bytes({ _: 'updatesTooLong' })) }
    assert.deepEqual(only(packed), { type: 'updates', update: { _: 'updatesTooLong' } })
  })

  test('bytes that are not TL → message.undecodable', () => {
    const r = classifyIncoming({ msgId: 5n, seqNo: 1, body: Uint8Array.of(1, 2, 3, 4) }, ctx)
    assert.equal(r.messages[0]?.event.type, 'message.undecodable')
    assert.deepEqual(r.ackIds, [5n])
  })
})

describe('classifyIncoming: containers', () => {
  const items = [
    { msgId: 201n, seqNo: 1, body: bytes({ _: 'mt_new_session_created', firstMsgId: 92n, uniqueId: 7n, serverSalt: 11n }) },
    { msgId: 205n, seqNo: 2, body: bytes({ _: 'mt_msgs_ack', msgIds: [100n] }) },
    { msgId: 209n, seqNo: 3, body: bytes({ _: 'mt_rpc_result', reqMsgId: 104n, result: bytes({ _: 'mt_pong', msgId: 104n, pingId: 1n }) }) },
  ]

  test('yields each inner event with its own msg_id; acks only content-related inner messages', () => {
    const r = classifyIncoming({ msgId: 213n, seqNo: 4, body: packContainer(items) }, ctx)
    assert.deepEqual(
      r.messages.map((m) => [m.msgId, m.event.type]),
      [
        [201n, 'session.created'],
        [205n, 'msgs.ack'],
        [209n, 'rpc.result'],
      ],
    )
    assert.deepEqual(r.messages[2]?.event, { type: 'rpc.result', reqMsgId: 104n, method: 'mt_ping', result: { _: 'mt_pong', msgId: 104n, pingId: 1n } })
    assert.deepEqual(r.ackIds, [201n, 209n])
  })

  test('an inner message seen before is acked again but not processed', () => {
    const seen = new Set([201n])
    const r = classifyIncoming(
      { msgId: 213n, seqNo: 4, body: packContainer(items) },
      { ...ctx, acceptInner: (id) => !seen.has(id) },
    )
    assert.deepEqual(
      r.messages.map((m) => m.msgId),
      [205n, 209n],
    )
    assert.deepEqual(r.ackIds, [201n, 209n])
  })

  test('an invalid container yields container.invalid and nothing from inside', () => {
    const r = classifyIncoming({ msgId: 205n, seqNo: 4, body: packContainer(items) }, ctx)
    assert.equal(r.messages.length, 1)
    const e = r.messages[0]?.event
    assert.equal(e?.type, 'container.invalid')
    assert.equal(e?.type === 'container.invalid' && e.error.kind, 'inner-msg-id-not-below-container')
    assert.deepEqual(r.ackIds, [])
  })

  test('msg_copy is processed as its original message', () => {
    const orig = { _: 'mt_message', msgId: 201n, seqno: 1, bytes: items[0]!.body.length, body: items[0]!.body }
    const r = classifyIncoming({ msgId: 213n, seqNo: 0, body: bytes({ _: 'mt_msg_copy', origMessage: orig }) }, ctx)
    assert.deepEqual(
      r.messages.map((m) => [m.msgId, m.event.type]),
      [[201n, 'session.created']],
    )
    assert.deepEqual(r.ackIds, [201n])
  })

  test('a copy of a copy is refused as too deep, not followed', () => {
    const orig = { _: 'mt_message', msgId: 201n, seqno: 1, bytes: items[0]!.body.length, body: items[0]!.body }
    const copy = bytes({ _: 'mt_msg_copy', origMessage: orig })
    const outer = { _: 'mt_message', msgId: 202n, seqno: 0, bytes: copy.length, body: copy }
    const r = classifyIncoming({ msgId: 213n, seqNo: 0, body: bytes({ _: 'mt_msg_copy', origMessage: outer }) }, ctx)
    assert.deepEqual(
      r.messages.map((m) => [m.msgId, m.event.type, m.event.type === 'message.undecodable' && m.event.error.kind]),
      [[202n, 'message.undecodable', 'too-deep']],
    )
  })
})

describe('classifyIncoming: inflation is bounded per message', () => {
  /** An update whose text inflates to a little over `n` bytes from ~n/1000 on the wire. */
  const bigText = (n: number): object => ({
    _: 'mt_gzip_packed',
    packedData: gzipSync(bytes({ _: 'updateShortMessage', out: false, mentioned: false, mediaUnread: false, silent: false, id: 1, userId: 5n, message: 'x'.repeat(n), pts: 1, ptsCount: 1, date: 0 })),
  })

  test('gzip_packed inside gzip_packed deeper than the limit is refused', () => {
    let obj: object = { _: 'updatesTooLong' }
    for (let i = 0; i <= MAX_GZIP_DEPTH; i++) obj = { _: 'mt_gzip_packed', packedData: gzipSync(bytes(obj)) }
    const e = only(obj)
    assert.equal(e.type, 'message.undecodable')
    assert.equal(e.type === 'message.undecodable' && e.error.kind, 'gzip')
    assert.match(e.type === 'message.undecodable' ? e.error.message : '', /nested/)
    // one level less is what servers send, and it decodes
    let ok: object = { _: 'updatesTooLong' }
    for (let i = 0; i < MAX_GZIP_DEPTH; i++) ok = { _: 'mt_gzip_packed', packedData: gzipSync(bytes(ok)) }
    assert.equal(only(ok).type, 'updates')
  })

  test('every gzip_packed of one container draws on one allowance', () => {
    const per = 1 << 20
    const count = Math.ceil(MAX_GZIP_INFLATED_BYTES / per) + 3
    const body = bytes(bigText(per))
    const inner = Array.from({ length: count }, (_, i) => ({ msgId: 1000n + BigInt(i) * 4n, seqNo: 2 * i + 1, body }))
    const r = classifyIncoming({ msgId: 1000n + BigInt(count) * 4n, seqNo: 0, body: packContainer(inner) }, ctx)
    const kinds = r.messages.map((m) => (m.event.type === 'message.undecodable' ? m.event.error.kind : m.event.type))
    const decoded = kinds.filter((k) => k === 'updates').length
    // each update inflates to a little over `per` bytes: fewer than the allowance / per fit
    assert.ok(decoded >= 1 && decoded < MAX_GZIP_INFLATED_BYTES / per, `decoded ${decoded}`)
    assert.deepEqual(new Set(kinds.slice(decoded)), new Set(['gzip']))
    // every content-related message is still acknowledged
    assert.equal(r.ackIds.length, count)
  })

  test('an overflow spends the allowance: a later small gzip_packed of the same message is refused too', () => {
    const packed = (n: number) => bytes({ _: 'mt_gzip_packed', packedData: gzipSync(bytes({ _: 'updateShortMessage', out: false, mentioned: false, mediaUnread: false, silent: false, id: 1, userId: 5n, message: 'x'.repeat(n), pts: 1, ptsCount: 1, date: 0 })) })
    const first = MAX_GZIP_INFLATED_BYTES - 64 * 1024 // leaves ~64 KiB
    const bodies = [packed(first), packed(128 * 1024), packed(1024)] // fits, overflows, would fit what was left
    const inner = bodies.map((body, i) => ({ msgId: 2000n + BigInt(i) * 4n, seqNo: 2 * i + 1, body }))
    const r = classifyIncoming({ msgId: 2100n, seqNo: 0, body: packContainer(inner) }, ctx)
    const kinds = r.messages.map((m) => (m.event.type === 'message.undecodable' ? m.event.error.kind : m.event.type))
    assert.deepEqual(kinds, ['updates', 'gzip', 'gzip'])
  })

  test('a gzip bomb in an rpc_result stops at the allowance', () => {
    const bomb = { _: 'mt_gzip_packed', packedData: gzipSync(new Uint8Array(MAX_GZIP_INFLATED_BYTES + 1)) }
    const e = only({ _: 'mt_rpc_result', reqMsgId: 100n, result: bytes(bomb) })
    assert.equal(e.type, 'rpc.undecodable')
    assert.equal(e.type === 'rpc.undecodable' && e.error.kind, 'gzip')
  })
})
