// The pure router alone: each classified message goes to its call, the connection machine, the
// account or nowhere, with calls looked up in plain maps.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { REVOCATION_ERRORS } from '@mtswarm/machines'
import { newInflateBudget, serializeObject, type TlObject } from '../tl/index.js'
import type { IncomingEvent } from './incoming-event.js'
import { routeIncoming, type RouteContext, type Routed } from './incoming-router.js'
import { MSG_STATE, MSG_STATE_FLAG } from './message-state.js'

interface Call {
  readonly name: string
  readonly method: string
  readonly last: bigint
}
const A: Call = { name: 'a', method: 'help.getNearestDc', last: 104n }
const calls = new Map<bigint, Call>([
  [100n, A],
  [104n, A],
])
const SESSION = 77n

function ctx(extra: Partial<RouteContext<Call>> = {}): RouteContext<Call> {
  return {
    callOf: (id) => calls.get(id),
    lastMsgIdOf: (c) => c.last,
    methodOf: (c) => c.method,
    probeOf: () => undefined,
    received: () => false,
    sessionId: SESSION,
    timeOffsetMs: 2_000,
    nowMs: 1_000_000,
    ...extra,
  }
}

function route(event: IncomingEvent, c: RouteContext<Call> = ctx(), msgId = 901n): Routed<Call>[] {
  const out: Routed<Call>[] = []
  routeIncoming({ msgId, seqNo: 1, event }, c, out)
  return out
}

describe('routeIncoming', () => {
  test('an answer goes to the call that went out under its msg_id; one for no call goes nowhere', () => {
    assert.deepEqual(route({ type: 'rpc.result', reqMsgId: 100n, method: A.method, result: { _: 'x' } }), [
      { to: 'call', call: A, event: { type: 'rpc.resultReceived', msgId: 100n, result: { _: 'x' } } },
    ])
    assert.deepEqual(route({ type: 'rpc.result', reqMsgId: 555n, method: A.method, result: {} }), [{ to: 'nobody', why: 'unmatched' }])
  })

  test('a pong as rpc_result and a destroy_session answer as rpc_result belong to the machine', () => {
    assert.deepEqual(route({ type: 'rpc.result', reqMsgId: 3n, method: 'mt_ping_delay_disconnect', result: { _: 'mt_pong', msgId: 3n, pingId: 9n } }), [
      { to: 'machine', event: { type: 'pong.received', pingId: 9n } },
    ])
    assert.deepEqual(route({ type: 'rpc.result', reqMsgId: 3n, method: 'mt_destroy_session', result: { _: 'mt_destroy_session_ok', sessionId: 12n } }), [
      { to: 'machine', event: { type: 'session.destroyed', sessionId: 12n, current: false } },
    ])
  })

  test('future_salts inside rpc_result (get_future_salts is a method) reach the machine as they do bare', () => {
    const [r] = route({ type: 'rpc.result', reqMsgId: 3n, method: 'mt_get_future_salts', result: { _: 'mt_future_salts', reqMsgId: 3n, now: 1, salts: [{ _: 'mt_future_salt', validSince: 1000, validUntil: 2000, salt: 5n }] } })
    assert.ok(r?.to === 'machine' && r.event.type === 'salts.received' && r.event.salts[0]?.salt.reveal() === 5n)
  })

  test('every revocation error of the account machine notifies the account; other errors only the call', () => {
    assert.equal(REVOCATION_ERRORS.length, 5)
    for (const message of REVOCATION_ERRORS) {
      assert.deepEqual(route({ type: 'rpc.error', reqMsgId: 100n, method: A.method, code: 401, message }), [
        { to: 'account', notice: { type: 'auth.error', method: A.method, errorMessage: message } },
        { to: 'call', call: A, event: { type: 'rpc.errorReceived', msgId: 100n, errorCode: 401, errorMessage: message } },
      ])
    }
    assert.deepEqual(route({ type: 'rpc.error', reqMsgId: 100n, method: A.method, code: 400, message: 'PHONE_CODE_INVALID' }), [
      { to: 'call', call: A, event: { type: 'rpc.errorReceived', msgId: 100n, errorCode: 400, errorMessage: 'PHONE_CODE_INVALID' } },
    ])
  })

  test('the answer to an older copy is decoded for the call’s method; one that does not decode goes nowhere', () => {
    const result = serializeObject({ _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 2 } as TlObject)
    assert.deepEqual(route({ type: 'rpc.unmatched', reqMsgId: 100n, result, budget: newInflateBudget() }), [
      { to: 'call', call: A, event: { type: 'rpc.resultReceived', msgId: 100n, result: { _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 2 } } },
    ])
    assert.deepEqual(route({ type: 'rpc.unmatched', reqMsgId: 100n, result: new Uint8Array(3), budget: newInflateBudget() }), [{ to: 'nobody', why: 'unmatched' }])
  })

  test('an ack counts only for the copy a call last went out under', () => {
    assert.deepEqual(route({ type: 'msgs.ack', msgIds: [100n, 104n, 555n] }), [{ to: 'call', call: A, event: { type: 'rpc.acked', msgId: 104n } }])
  })

  test('destroy_session_ok / _none: current only when it names this session', () => {
    assert.deepEqual(route({ type: 'session.destroyed', sessionId: SESSION, existed: true }), [
      { to: 'machine', event: { type: 'session.destroyed', sessionId: SESSION, current: true } },
    ])
    assert.deepEqual(route({ type: 'session.destroyed', sessionId: 5n, existed: false }), [
      { to: 'machine', event: { type: 'session.destroyed', sessionId: 5n, current: false } },
    ])
  })

  test('msgs_state_req goes to the machine under its own msg_id; msgs_state_info only for a probe of ours', () => {
    assert.deepEqual(route({ type: 'msgs.state_req', msgIds: [11n, 15n] }, ctx(), 333n), [
      { to: 'machine', event: { type: 'msgs.stateRequested', reqMsgId: 333n, msgIds: [11n, 15n] } },
    ])
    const info = Uint8Array.of(MSG_STATE.notReceived, MSG_STATE.received | MSG_STATE_FLAG.acknowledged, MSG_STATE.unknown, MSG_STATE.notReceivedTooHigh)
    const probe = ctx({ probeOf: (id) => (id === 40n ? [100n, 104n, 108n, 112n] : undefined) })
    assert.deepEqual(route({ type: 'msgs.state_info', reqMsgId: 40n, info }, probe), [
      { to: 'machine', event: { type: 'msgs.stateReported', missing: [100n, 108n, 112n], received: [104n] } },
    ])
    assert.deepEqual(route({ type: 'msgs.state_info', reqMsgId: 44n, info }, probe), [{ to: 'nobody', why: 'unmatched' }])
  })

  test('msg_resend_req and detailed infos go to the machine with what the session knows', () => {
    assert.deepEqual(route({ type: 'msg.resend_req', msgIds: [100n] }), [{ to: 'machine', event: { type: 'msgs.resendRequested', msgIds: [100n] } }])
    const have = ctx({ received: (id) => id === 801n })
    assert.deepEqual(route({ type: 'msg.detailed_info', msgId: 100n, answerMsgId: 805n, bytes: 10, status: 0 }, have), [
      { to: 'machine', event: { type: 'answer.announced', answerMsgId: 805n, received: false, wanted: true } },
    ])
    assert.deepEqual(route({ type: 'msg.detailed_info', msgId: 555n, answerMsgId: 801n, bytes: 10, status: 0 }, have), [
      { to: 'machine', event: { type: 'answer.announced', answerMsgId: 801n, received: true, wanted: false } },
    ])
    assert.deepEqual(route({ type: 'msg.new_detailed_info', answerMsgId: 809n, bytes: 10, status: 0 }, have), [
      { to: 'machine', event: { type: 'answer.announced', answerMsgId: 809n, received: false, wanted: true } },
    ])
  })

  test('future salts arrive in server time and leave in local ms', () => {
    const [r] = route({ type: 'salts.future', reqMsgId: 1n, now: 1000, salts: [{ _: 'mt_future_salt', validSince: 1000, validUntil: 2000, salt: 5n }] })
    assert.ok(r?.to === 'machine' && r.event.type === 'salts.received')
    assert.equal(r.event.salts[0]?.salt.reveal(), 5n)
    assert.equal(r.event.salts[0]?.validSinceMs, 1_000_000 - 2_000)
    assert.equal(r.event.salts[0]?.validUntilMs, 2_000_000 - 2_000)
    assert.equal(r.event.nowMs, 1_000_000)
  })

  test('updates go to the account; what a client does not act on is counted as ignored', () => {
    assert.deepEqual(route({ type: 'updates', update: { _: 'updatesTooLong' } as TlObject }), [{ to: 'account', notice: { type: 'updates', update: { _: 'updatesTooLong' } } }])
    assert.deepEqual(route({ type: 'msgs.all_info', msgIds: [1n], info: new Uint8Array(1) }), [{ to: 'nobody', why: 'ignored' }])
  })
})
