// Scenario tests for dcConnectionMachine: one per recovery rule, effects recorded through
// `provide`, timers on SimulatedClock; the last ones wire RPC actors to check resend semantics.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SimulatedClock, createActor, fromCallback, fromPromise, waitFor } from 'xstate'
import type { AnyActorRef } from 'xstate'
import { handshakeMachine } from '../handshake/handshake.machine.js'
import type { HandshakeResult, SetClientDhParamsOutput } from '../handshake/handshake.logic.js'
import { rpcMachine } from '../rpc/rpc.machine.js'
import { secret, type Secret } from '../secret/secret.js'
import { recordActions } from '../testing/recorder.js'
import { revealDeep } from '../testing/reveal.js'
import {
  ACK_FLUSH_DELAY_MS,
  KEY_RECHECKS,
  KEY_REJECTED_RETRY_MS,
  MAX_PENDING_ACKS,
  PING_DISCONNECT_DELAY_SEC,
  PING_INTERVAL_MS,
  PONG_TIMEOUT_MS,
  SALT_REFRESH_MARGIN_MS,
  STALE_ACKED_CALL_MS,
  STATE_PROBE_INTERVAL_MS,
  currentSalt,
  reconnectBackoffMs,
  timeOffsetFromMsgId,
  timeSyncNeedsNewSession,
  MSG_ID_FUTURE_WINDOW_MS,
} from './dc-connection.logic.js'
import type { DcConnectionInput } from './dc-connection.logic.js'
import { dcConnectionMachine } from './dc-connection.machine.js'
import type { DcConnectionEffects, SaveAuthKeyInput } from './dc-connection.machine.js'

const EFFECTS = [
  'storeSalt',
  'storeFutureSalts',
  'requestFutureSalts',
  'resendMessages',
  'requeueInFlight',
  'failMessages',
  'applyTimeOffset',
  'resetSession',
  'notifyNewSession',
  'sendPing',
  'flushAcks',
  'answerStateRequest',
  'probeStaleCalls',
  'requestResend',
  'acknowledge',
  'destroyPreviousSessions',
  'failHeldCalls',
  'reportReady',
  'reportDown',
] as const satisfies readonly (keyof DcConnectionEffects)[]

const NEW_KEY: HandshakeResult = { authKey: secret(new Uint8Array(256).fill(1)), authKeyId: 99n, serverSalt: secret(55n), timeOffsetMs: 250 }
const NOW = 1_700_000_000_000

function start(input: Partial<DcConnectionInput> = {}, overrides: { requeueInFlight?: (p: any) => void; resendMessages?: (p: any) => void } = {}) {
  const rec = recordActions(EFFECTS)
  const clock = new SimulatedClock()
  const saved: SaveAuthKeyInput[] = []
  let sockets = 0
  const actions = { ...rec.actions }
  for (const [name, fn] of Object.entries(overrides)) {
    const record = actions[name as keyof typeof actions]
    actions[name as keyof typeof actions] = (args, params) => {
      record(args, params)
      fn(params)
    }
  }
  const machine = dcConnectionMachine.provide({
    actions,
    actors: {
      socket: fromCallback(() => {
        sockets++
      }),
      handshake: handshakeMachine.provide({
        actors: {
          reqPq: fromPromise(async (): Promise<{ carry: Secret<unknown> }> => ({ carry: secret(1) })),
          reqDhParams: fromPromise(async (): Promise<{ carry: Secret<unknown> }> => ({ carry: secret(2) })),
          setClientDhParams: fromPromise(async (): Promise<SetClientDhParamsOutput> => ({ kind: 'dhGenOk', result: NEW_KEY })),
        },
      }),
      saveAuthKey: fromPromise(async ({ input }) => {
        saved.push(input)
      }),
    },
  })
  const actor = createActor(machine, { clock, input: { dcId: 2, authKeyId: 5n, serverSalt: secret(1n), ...input } }).start()
  return { actor, rec, clock, saved, sockets: () => sockets }
}

function ready(input: Partial<DcConnectionInput> = {}, overrides = {}) {
  const t = start(input, overrides)
  t.actor.send({ type: 'connection.open' })
  t.actor.send({ type: 'socket.connected' })
  assert.ok(t.actor.getSnapshot().matches({ online: 'ready' }))
  t.rec.clear()
  return t
}

describe('dcConnectionMachine', () => {
  test('with a stored key: connect → ready, reporting ready and asking for future salts', () => {
    const { actor, rec } = start()
    actor.send({ type: 'connection.open' })
    actor.send({ type: 'socket.connected' })
    assert.deepEqual(actor.getSnapshot().value, {
      online: { ready: { salt: 'refreshing', keepalive: 'quiet', acks: 'none', probe: 'watching' } },
    })
    assert.deepEqual(rec.of('reportReady'), [{ dcId: 2 }])
    assert.deepEqual(rec.of('destroyPreviousSessions'), [{ dcId: 2 }])
    assert.deepEqual(rec.of('requestFutureSalts'), [{ dcId: 2, count: 32 }])
  })

  test('without a key: handshake, store the key, then ready (never ready before it is stored)', async () => {
    const { actor, rec, saved } = start({ authKeyId: null })
    actor.send({ type: 'connection.open' })
    actor.send({ type: 'socket.connected' })
    assert.ok(actor.getSnapshot().matches({ online: 'handshaking' }))
    await waitFor(actor, (s) => s.matches({ online: 'ready' }))
    assert.deepEqual(revealDeep(saved), [{ dcId: 2, authKeyId: 99n, authKey: NEW_KEY.authKey.reveal() }])
    assert.equal(actor.getSnapshot().context.authKeyId, 99n)
    assert.equal(actor.getSnapshot().context.unsavedAuthKey, null)
    assert.deepEqual(revealDeep(rec.of('storeSalt')), [{ dcId: 2, salt: 55n }])
    assert.deepEqual(rec.of('applyTimeOffset'), [{ dcId: 2, timeOffsetMs: 250 }])
  })

  test('-404 never drops a stored key: re-checked on fresh connections, then kept while held calls fail', () => {
    const { actor, rec, clock, sockets, saved } = ready()
    const reconnect = (attempt: number) => {
      clock.increment(reconnectBackoffMs(attempt))
      actor.send({ type: 'socket.connected' })
      assert.ok(actor.getSnapshot().matches({ online: 'ready' }), 'reconnected with the same key, no handshake')
    }
    for (let i = 1; i <= KEY_RECHECKS; i++) {
      actor.send({ type: 'transport.error', code: -404 })
      assert.equal(actor.getSnapshot().value, 'backoff')
      assert.equal(actor.getSnapshot().context.keyRechecks, i)
      reconnect(i)
    }
    actor.send({ type: 'transport.error', code: -404 })
    assert.equal(actor.getSnapshot().value, 'keyRejected')
    const snap = actor.getSnapshot()
    assert.equal(snap.context.authKeyId, 5n, 'the key is kept')
    assert.deepEqual(rec.of('failHeldCalls'), [
      { dcId: 2, transportErrorCode: -404, reason: 'transport error -404: the server does not know our auth key (kept in the store)' },
    ])
    assert.equal(saved.length, 0, 'no new key was made')
    assert.equal(rec.of('requeueInFlight').filter((p) => p.scope === 'all').length, 0)
    // later, the same key is tried again; a message that verifies under it ends the re-checks
    const before = sockets()
    clock.increment(KEY_REJECTED_RETRY_MS)
    assert.equal(sockets(), before + 1)
    actor.send({ type: 'socket.connected' })
    actor.send({ type: 'key.confirmed' })
    assert.equal(actor.getSnapshot().context.keyRechecks, 0)
    actor.send({ type: 'transport.error', code: -404 })
    assert.equal(actor.getSnapshot().value, 'backoff', 'a -404 after the key was confirmed is re-checked again')
  })

  test('-404 while we have no key yet backs off like any transport error', () => {
    const { actor, rec } = start({ authKeyId: null })
    actor.send({ type: 'connection.open' })
    actor.send({ type: 'transport.error', code: -404 })
    assert.equal(actor.getSnapshot().value, 'backoff')
    assert.equal(actor.getSnapshot().context.keyRechecks, 0)
    assert.deepEqual(rec.of('failHeldCalls'), [])
  })

  test('-429 backs off, then reconnects with a new socket', () => {
    const { actor, rec, clock, sockets } = ready()
    assert.equal(sockets(), 1)
    actor.send({ type: 'transport.error', code: -429 })
    assert.equal(actor.getSnapshot().value, 'backoff')
    assert.deepEqual(rec.of('reportDown'), [{ dcId: 2, reason: 'transport error -429' }])
    clock.increment(reconnectBackoffMs(1) - 1)
    assert.equal(actor.getSnapshot().value, 'backoff')
    clock.increment(1)
    assert.deepEqual(actor.getSnapshot().value, { online: 'connecting' })
    assert.equal(sockets(), 2)
  })

  test('bad_server_salt stores the new salt and resends the message', () => {
    const { actor, rec } = ready()
    actor.send({ type: 'salt.bad', badMsgId: 100n, newServerSalt: secret(77n) })
    assert.equal(actor.getSnapshot().context.serverSalt.reveal(), 77n)
    assert.deepEqual(revealDeep(rec.calls), [
      { type: 'storeSalt', params: { dcId: 2, salt: 77n } },
      { type: 'resendMessages', params: { dcId: 2, msgIds: [100n], reason: 'badServerSalt' } },
    ])
  })

  test('bad_msg_notification 16/17 updates the time offset from the server msg_id and resends', () => {
    for (const errorCode of [16, 17]) {
      const { actor, rec } = ready()
      const serverMsgId = BigInt(Math.floor((NOW + 30_000) / 1000)) << 32n
      actor.send({ type: 'msg.bad', badMsgId: 100n, errorCode, serverMsgId, nowMs: NOW })
      const offset = timeOffsetFromMsgId(serverMsgId, NOW)
      assert.ok(Math.abs(offset - 30_000) < 1_000)
      assert.deepEqual(rec.calls, [
        { type: 'applyTimeOffset', params: { dcId: 2, timeOffsetMs: offset } },
        { type: 'resendMessages', params: { dcId: 2, msgIds: [100n], reason: 'badMsgTime' } },
      ])
    }
  })

  test('bad_msg 17 with the server clock moved back past the 30 s window: offset taken, new session, all in flight requeued', () => {
    // The ids this session used are ~45 s ahead of the server now; ids must grow within a session,
    // so only a new one can go on (a plain resend would be refused with 17 again, and again).
    const { actor, rec } = ready()
    const serverMsgId = BigInt(Math.floor((NOW - 45_000) / 1000)) << 32n
    actor.send({ type: 'msg.bad', badMsgId: 100n, errorCode: 17, serverMsgId, nowMs: NOW })
    const offset = timeOffsetFromMsgId(serverMsgId, NOW)
    assert.ok(offset < -MSG_ID_FUTURE_WINDOW_MS)
    assert.deepEqual(rec.calls, [
      { type: 'applyTimeOffset', params: { dcId: 2, timeOffsetMs: offset } },
      { type: 'resetSession', params: { dcId: 2 } },
      { type: 'destroyPreviousSessions', params: { dcId: 2 } },
      { type: 'requeueInFlight', params: { dcId: 2, scope: 'all', reason: 'sessionReset' } },
    ])
    assert.equal(timeSyncNeedsNewSession(0, -29_000), false)
    assert.equal(timeSyncNeedsNewSession(0, -31_000), true)
    assert.equal(timeSyncNeedsNewSession(-31_000, 0), false)
  })

  test('bad_msg_notification 32/33 reset the session, destroy the old one and requeue all in flight', () => {
    for (const errorCode of [32, 33]) {
      const { actor, rec } = ready()
      actor.send({ type: 'msg.bad', badMsgId: 100n, errorCode, serverMsgId: 0n, nowMs: NOW })
      assert.deepEqual(rec.calls, [
        { type: 'resetSession', params: { dcId: 2 } },
        { type: 'destroyPreviousSessions', params: { dcId: 2 } },
        { type: 'requeueInFlight', params: { dcId: 2, scope: 'all', reason: 'sessionReset' } },
      ])
      assert.ok(actor.getSnapshot().matches({ online: 'ready' }))
    }
  })

  test('destroy_session_ok for the current session resets it; for a previous one (our destroy_session) nothing changes', () => {
    const current = ready()
    current.actor.send({ type: 'session.destroyed', sessionId: 1n, current: true })
    assert.deepEqual(current.rec.calls, [
      { type: 'resetSession', params: { dcId: 2 } },
      { type: 'requeueInFlight', params: { dcId: 2, scope: 'all', reason: 'sessionReset' } },
    ])
    const previous = ready()
    previous.actor.send({ type: 'session.destroyed', sessionId: 2n, current: false })
    assert.deepEqual(previous.rec.calls, [])
    assert.ok(previous.actor.getSnapshot().matches({ online: 'ready' }))
  })

  test('other bad_msg codes: 20 resends, 48 sends again as it was, our own bugs fail the message', () => {
    const { actor, rec } = ready()
    actor.send({ type: 'msg.bad', badMsgId: 100n, errorCode: 20, serverMsgId: 0n, nowMs: NOW })
    actor.send({ type: 'msg.bad', badMsgId: 102n, errorCode: 48, serverMsgId: 0n, nowMs: NOW })
    actor.send({ type: 'msg.bad', badMsgId: 104n, errorCode: 64, serverMsgId: 0n, nowMs: NOW })
    assert.deepEqual(rec.calls, [
      { type: 'resendMessages', params: { dcId: 2, msgIds: [100n], reason: 'resendRequested' } },
      { type: 'resendMessages', params: { dcId: 2, msgIds: [102n], reason: 'badServerSalt' } },
      { type: 'failMessages', params: { dcId: 2, msgIds: [104n], errorCode: 64 } },
    ])
  })

  test('msgs_state_req from the server is answered with msgs_state_info for its msg_ids', () => {
    const { actor, rec } = ready()
    actor.send({ type: 'msgs.stateRequested', reqMsgId: 301n, msgIds: [201n, 205n] })
    assert.deepEqual(rec.calls, [{ type: 'answerStateRequest', params: { dcId: 2, reqMsgId: 301n, msgIds: [201n, 205n] } }])
  })

  test('stale calls are probed every STATE_PROBE_INTERVAL_MS; what msgs_state_info says is missing is sent again', () => {
    const { actor, rec, clock } = ready()
    clock.increment(STATE_PROBE_INTERVAL_MS - 1)
    assert.deepEqual(rec.of('probeStaleCalls'), [])
    clock.increment(1)
    assert.deepEqual(rec.of('probeStaleCalls'), [{ dcId: 2, unansweredForMs: STALE_ACKED_CALL_MS }])
    clock.increment(STATE_PROBE_INTERVAL_MS)
    assert.equal(rec.of('probeStaleCalls').length, 2)
    rec.clear()
    actor.send({ type: 'msgs.stateReported', missing: [100n], received: [104n] })
    actor.send({ type: 'msgs.stateReported', missing: [], received: [108n] })
    assert.deepEqual(rec.calls, [{ type: 'resendMessages', params: { dcId: 2, msgIds: [100n], reason: 'resendRequested' } }])
  })

  test('msg_resend_req from the server sends those of our messages again', () => {
    const { actor, rec } = ready()
    actor.send({ type: 'msgs.resendRequested', msgIds: [100n, 104n] })
    assert.deepEqual(rec.calls, [{ type: 'resendMessages', params: { dcId: 2, msgIds: [100n, 104n], reason: 'resendRequested' } }])
  })

  test('msg_detailed_info: a missing answer a call waits for is requested; one we have, or nobody wants, is acknowledged', () => {
    const { actor, rec, clock } = ready()
    actor.send({ type: 'answer.announced', answerMsgId: 205n, received: false, wanted: true })
    assert.deepEqual(rec.calls, [{ type: 'requestResend', params: { dcId: 2, msgIds: [205n] } }])
    rec.clear()
    actor.send({ type: 'answer.announced', answerMsgId: 209n, received: true, wanted: true })
    actor.send({ type: 'answer.announced', answerMsgId: 213n, received: false, wanted: false })
    assert.deepEqual(rec.of('acknowledge'), [
      { dcId: 2, msgIds: [209n] },
      { dcId: 2, msgIds: [213n] },
    ])
    assert.deepEqual(rec.of('requestResend'), [])
    assert.ok(actor.getSnapshot().matches({ online: { ready: { acks: 'pending' } } }), 'the acks wait for the flush')
    clock.increment(ACK_FLUSH_DELAY_MS)
    assert.deepEqual(rec.of('flushAcks'), [{ dcId: 2 }])
  })

  test('a stored future salt valid at start is used at once (no get_future_salts); at its refresh the next stored one takes over', () => {
    const salts = [
      { salt: secret(10n), validSinceMs: NOW - 60_000, validUntilMs: NOW + 1_800_000 },
      { salt: secret(11n), validSinceMs: NOW + 1_000_000, validUntilMs: NOW + 5_400_000 },
    ]
    const { actor, rec, clock } = start({ serverSalt: secret(1n), futureSalts: salts, nowMs: NOW })
    actor.send({ type: 'connection.open' })
    actor.send({ type: 'socket.connected' })
    assert.ok(actor.getSnapshot().matches({ online: { ready: { salt: 'valid' } } }))
    assert.deepEqual(revealDeep(rec.of('storeSalt')), [{ dcId: 2, salt: 10n }])
    assert.deepEqual(rec.of('requestFutureSalts'), [])
    rec.clear()
    clock.increment(1_800_000 - SALT_REFRESH_MARGIN_MS)
    assert.deepEqual(revealDeep(rec.of('storeSalt')), [{ dcId: 2, salt: 11n }])
    assert.deepEqual(rec.of('requestFutureSalts'), [])
    assert.equal(actor.getSnapshot().context.serverSalt.reveal(), 11n)
    actor.send({ type: 'pong.received', pingId: 1n }) // the keepalive ping that fell in the jump
    clock.increment(5_400_000 - (1_800_000 - SALT_REFRESH_MARGIN_MS) - SALT_REFRESH_MARGIN_MS)
    assert.deepEqual(rec.of('requestFutureSalts'), [{ dcId: 2, count: 32 }], 'no stored salt left: fetch more')
  })

  test('stored future salts none of which is valid at start: the stored current salt and get_future_salts', () => {
    const stale = [{ salt: secret(10n), validSinceMs: NOW - 7_200_000, validUntilMs: NOW - 3_600_000 }]
    const { actor, rec } = start({ serverSalt: secret(1n), futureSalts: stale, nowMs: NOW })
    actor.send({ type: 'connection.open' })
    actor.send({ type: 'socket.connected' })
    assert.equal(actor.getSnapshot().context.serverSalt.reveal(), 1n)
    assert.deepEqual(rec.of('requestFutureSalts'), [{ dcId: 2, count: 32 }])
  })

  test('new_session_created stores the salt and tells the RPC layer first_msg_id', () => {
    const { actor, rec } = ready()
    actor.send({ type: 'session.created', firstMsgId: 1234n, serverSalt: secret(66n) })
    assert.deepEqual(revealDeep(rec.calls), [
      { type: 'storeSalt', params: { dcId: 2, salt: 66n } },
      { type: 'notifyNewSession', params: { dcId: 2, firstMsgId: 1234n } },
    ])
  })

  test('future salts are requested again ahead of expiry', () => {
    const { actor, rec, clock } = ready()
    const salts = [
      { salt: secret(10n), validSinceMs: NOW - 60_000, validUntilMs: NOW + 3_600_000 },
      { salt: secret(11n), validSinceMs: NOW + 3_600_000, validUntilMs: NOW + 7_200_000 },
    ]
    assert.equal(currentSalt(salts, NOW)?.salt.reveal(), 10n)
    actor.send({ type: 'salts.received', salts, nowMs: NOW })
    assert.equal(actor.getSnapshot().context.serverSalt.reveal(), 10n)
    assert.deepEqual(rec.of('storeFutureSalts'), [{ dcId: 2, salts }])
    clock.increment(3_600_000 - SALT_REFRESH_MARGIN_MS - 1)
    assert.equal(rec.of('requestFutureSalts').length, 0)
    clock.increment(1)
    assert.deepEqual(rec.of('requestFutureSalts'), [{ dcId: 2, count: 32 }])
  })

  test('keepalive: ping_delay_disconnect after the interval; a missing pong reconnects', () => {
    const { actor, rec, clock } = ready()
    clock.increment(PING_INTERVAL_MS)
    assert.deepEqual(rec.of('sendPing'), [{ dcId: 2, disconnectDelaySec: PING_DISCONNECT_DELAY_SEC }])
    actor.send({ type: 'pong.received', pingId: 1n })
    clock.increment(PING_INTERVAL_MS)
    assert.equal(rec.of('sendPing').length, 2)
    clock.increment(PONG_TIMEOUT_MS)
    assert.equal(actor.getSnapshot().value, 'backoff')
    assert.deepEqual(rec.of('requeueInFlight'), [{ dcId: 2, scope: 'unacked', reason: 'reconnect' }])
    assert.deepEqual(rec.of('reportDown'), [{ dcId: 2, reason: 'pong timeout' }])
  })

  test('acks are flushed after the delay, or at once at the count threshold', () => {
    const { actor, rec, clock } = ready()
    actor.send({ type: 'ack.needed', count: 1 })
    clock.increment(ACK_FLUSH_DELAY_MS / 2)
    actor.send({ type: 'ack.needed', count: 1 })
    assert.equal(rec.of('flushAcks').length, 0)
    clock.increment(ACK_FLUSH_DELAY_MS / 2)
    assert.deepEqual(rec.of('flushAcks'), [{ dcId: 2 }])
    for (let i = 0; i < MAX_PENDING_ACKS - 1; i++) actor.send({ type: 'ack.needed', count: 1 })
    assert.equal(rec.of('flushAcks').length, 1)
    actor.send({ type: 'ack.needed', count: 1 })
    assert.equal(rec.of('flushAcks').length, 2)
    assert.equal(actor.getSnapshot().context.pendingAcks, 0)
    assert.ok(actor.getSnapshot().matches({ online: { ready: { acks: 'none' } } }))
  })

  test('pending acks are flushed when the connection drops, not lost', () => {
    const { actor, rec } = ready()
    actor.send({ type: 'ack.needed', count: 1 })
    actor.send({ type: 'socket.closed', reason: 'EOF' })
    assert.deepEqual(rec.of('flushAcks'), [{ dcId: 2 }])
  })
})

/** RPC actors wired to a connection the way the engine will: msg_id → RPC routing. */
function withRpcs() {
  const rpcs: Array<{ actor: AnyActorRef; enqueued: number }> = []
  const byMsgId = (msgId: bigint) => rpcs.find((r) => r.actor.getSnapshot().context.msgId === msgId)
  const conn = ready(
    {},
    {
      requeueInFlight: (p: DcConnectionEffects['requeueInFlight']) => {
        for (const r of rpcs) {
          const s = r.actor.getSnapshot()
          const inFlight = p.scope === 'all' ? s.matches({ active: 'inFlight' }) : s.matches({ active: { inFlight: 'sent' } })
          if (inFlight) r.actor.send({ type: 'rpc.resend', reason: p.reason })
        }
      },
      resendMessages: (p: DcConnectionEffects['resendMessages']) => {
        for (const id of p.msgIds) byMsgId(id)?.actor.send({ type: 'rpc.resend', reason: p.reason })
      },
    },
  )
  const add = (requestId: number) => {
    const entry = { actor: null as unknown as AnyActorRef, enqueued: 0 }
    entry.actor = createActor(
      rpcMachine.provide({
        actions: {
          enqueue: () => {
            entry.enqueued++
          },
        },
      }),
      { input: { requestId, method: 'test', dcId: 2 }, clock: conn.clock },
    ).start()
    rpcs.push(entry)
    return entry
  }
  return { conn, add }
}

describe('dcConnectionMachine with RPC actors', () => {
  test('a reconnect resends every unacknowledged RPC exactly once; acked ones wait for their answer', () => {
    const { conn, add } = withRpcs()
    const unacked = [add(1), add(2)]
    const acked = add(3)
    const queued = add(4)
    unacked[0]!.actor.send({ type: 'rpc.sent', msgId: 100n })
    unacked[1]!.actor.send({ type: 'rpc.sent', msgId: 104n })
    acked.actor.send({ type: 'rpc.sent', msgId: 108n })
    acked.actor.send({ type: 'rpc.acked', msgId: 108n })

    conn.actor.send({ type: 'socket.closed', reason: 'ECONNRESET' })
    conn.clock.increment(reconnectBackoffMs(1))
    conn.actor.send({ type: 'socket.connected' })
    // a second drop before anything was written again must not queue them twice
    conn.actor.send({ type: 'socket.closed', reason: 'ECONNRESET' })

    assert.deepEqual(unacked.map((r) => r.enqueued), [2, 2])
    assert.deepEqual(unacked.map((r) => r.actor.getSnapshot().context.resends.length), [1, 1])
    assert.equal(acked.enqueued, 1)
    assert.ok(acked.actor.getSnapshot().matches({ active: { inFlight: 'acked' } }))
    assert.equal(queued.enqueued, 1)
  })

  test('bad_server_salt for an acked RPC: salt stored, RPC resent under a new msg_id', () => {
    const { conn, add } = withRpcs()
    const rpc = add(1)
    rpc.actor.send({ type: 'rpc.sent', msgId: 100n })
    rpc.actor.send({ type: 'rpc.acked', msgId: 100n })
    conn.actor.send({ type: 'salt.bad', badMsgId: 100n, newServerSalt: secret(77n) })
    assert.deepEqual(revealDeep(conn.rec.of('storeSalt')), [{ dcId: 2, salt: 77n }])
    assert.equal(rpc.enqueued, 2)
    rpc.actor.send({ type: 'rpc.sent', msgId: 112n })
    assert.equal(rpc.actor.getSnapshot().context.msgId, 112n)
    assert.deepEqual(rpc.actor.getSnapshot().context.resends, [{ reason: 'badServerSalt', previousMsgId: 100n }])
  })
})
