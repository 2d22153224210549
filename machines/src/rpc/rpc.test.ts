// Scenario tests for rpcMachine: effects replaced with recording fakes via `provide`, timers on
// xstate's SimulatedClock (no real waiting).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SimulatedClock, createActor } from 'xstate'
import { recordActions } from '../testing/recorder.js'
import { MAX_RPC_MIGRATIONS, MAX_RPC_RESENDS, classifyRpcError } from './rpc.logic.js'
import type { RpcInput } from './rpc.logic.js'
import { rpcMachine } from './rpc.machine.js'

const EFFECTS = ['enqueue', 'dequeue', 'dropAnswer', 'settle', 'notifyMigrated'] as const

function start(input: Partial<RpcInput> = {}) {
  const rec = recordActions(EFFECTS)
  const clock = new SimulatedClock()
  const actor = createActor(rpcMachine.provide({ actions: rec.actions }), {
    clock,
    input: { requestId: 7, method: 'help.getConfig', dcId: 2, ...input },
  })
  actor.start()
  return { actor, rec, clock }
}

const error = (msgId: bigint, errorCode: number, errorMessage: string) =>
  ({ type: 'rpc.errorReceived', msgId, errorCode, errorMessage }) as const

describe('classifyRpcError', () => {
  test('reads FLOOD_WAIT_X, FLOOD_PREMIUM_WAIT_X and X_MIGRATE_N', () => {
    assert.deepEqual(classifyRpcError('FLOOD_WAIT_42'), { kind: 'floodWait', seconds: 42 })
    assert.deepEqual(classifyRpcError('FLOOD_PREMIUM_WAIT_5'), { kind: 'floodWait', seconds: 5 })
    assert.deepEqual(classifyRpcError('USER_MIGRATE_5'), { kind: 'migrate', dcId: 5 })
    assert.deepEqual(classifyRpcError('FILE_MIGRATE_1'), { kind: 'migrate', dcId: 1 })
    assert.deepEqual(classifyRpcError('FLOOD_WAIT_'), { kind: 'other' })
    assert.deepEqual(classifyRpcError('PEER_ID_INVALID'), { kind: 'other' })
  })
})

describe('rpcMachine', () => {
  test('queued → sent → acked → done settles once with the result', () => {
    const { actor, rec } = start()
    assert.deepEqual(rec.of('enqueue'), [{ requestId: 7, dcId: 2 }])
    actor.send({ type: 'rpc.sent', msgId: 100n })
    assert.deepEqual(actor.getSnapshot().value, { active: { inFlight: 'sent' } })
    actor.send({ type: 'rpc.acked', msgId: 100n })
    assert.deepEqual(actor.getSnapshot().value, { active: { inFlight: 'acked' } })
    actor.send({ type: 'rpc.resultReceived', msgId: 100n, result: { _: 'config' } })
    assert.equal(actor.getSnapshot().status, 'done')
    assert.deepEqual(actor.getSnapshot().output, { ok: true, result: { _: 'config' } })
    assert.deepEqual(rec.types(), ['enqueue', 'settle'])
    assert.deepEqual(rec.of('settle'), [{ requestId: 7, settlement: { ok: true, result: { _: 'config' } } }])
  })

  test('bad_server_salt while acked: resent under a new msg_id with the reason recorded', () => {
    const { actor, rec } = start()
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send({ type: 'rpc.acked', msgId: 100n })
    actor.send({ type: 'rpc.resend', reason: 'badServerSalt' })
    assert.deepEqual(actor.getSnapshot().value, { active: 'queued' })
    assert.equal(rec.of('enqueue').length, 2)
    assert.deepEqual(actor.getSnapshot().context.resends, [{ reason: 'badServerSalt', previousMsgId: 100n }])
    actor.send({ type: 'rpc.sent', msgId: 104n })
    assert.equal(actor.getSnapshot().context.msgId, 104n)
    actor.send({ type: 'rpc.resultReceived', msgId: 104n, result: 1 })
    assert.equal(rec.of('settle').length, 1)
  })

  test('a second resend while already queued does not queue it twice', () => {
    const { actor, rec } = start()
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send({ type: 'rpc.resend', reason: 'reconnect' })
    actor.send({ type: 'rpc.resend', reason: 'reconnect' })
    assert.equal(rec.of('enqueue').length, 2)
    assert.equal(actor.getSnapshot().context.resends.length, 1)
  })

  test('FLOOD_WAIT_3 waits three seconds, then queues again and completes', () => {
    const { actor, rec, clock } = start()
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send(error(100n, 420, 'FLOOD_WAIT_3'))
    assert.deepEqual(actor.getSnapshot().value, { active: 'waiting' })
    clock.increment(2_999)
    assert.deepEqual(actor.getSnapshot().value, { active: 'waiting' })
    assert.equal(rec.of('enqueue').length, 1)
    clock.increment(1)
    assert.deepEqual(actor.getSnapshot().value, { active: 'queued' })
    assert.equal(rec.of('enqueue').length, 2)
    actor.send({ type: 'rpc.sent', msgId: 200n })
    actor.send({ type: 'rpc.resultReceived', msgId: 200n, result: 'ok' })
    assert.deepEqual(actor.getSnapshot().output, { ok: true, result: 'ok' })
  })

  test('FLOOD_WAIT_3600 fails with the typed flood-wait error', () => {
    const { actor, rec } = start()
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send(error(100n, 420, 'FLOOD_WAIT_3600'))
    const expected = { ok: false, error: { kind: 'floodWait', seconds: 3600, thresholdSec: 10 } }
    assert.deepEqual(actor.getSnapshot().output, expected)
    assert.deepEqual(rec.of('settle'), [{ requestId: 7, settlement: expected }])
  })

  test('the flood threshold is an input', () => {
    const { actor } = start({ floodSleepThresholdSec: 3600 })
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send(error(100n, 420, 'FLOOD_WAIT_3600'))
    assert.deepEqual(actor.getSnapshot().value, { active: 'waiting' })
  })

  test('cancel after sent emits rpc_drop_answer for the msg_id; before sent only dequeues', () => {
    const a = start()
    a.actor.send({ type: 'rpc.sent', msgId: 100n })
    a.actor.send({ type: 'rpc.cancel' })
    assert.deepEqual(a.rec.of('dropAnswer'), [{ requestId: 7, dcId: 2, msgId: 100n }])
    assert.deepEqual(a.actor.getSnapshot().output, { ok: false, error: { kind: 'cancelled', answerDropped: true } })

    const b = start()
    b.actor.send({ type: 'rpc.cancel' })
    assert.deepEqual(b.rec.types(), ['enqueue', 'dequeue', 'settle'])
    assert.deepEqual(b.actor.getSnapshot().output, { ok: false, error: { kind: 'cancelled', answerDropped: false } })
  })

  test('PHONE_MIGRATE_4 queues the call on DC 4; too many redirects fail', () => {
    const { actor, rec } = start()
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send(error(100n, 303, 'PHONE_MIGRATE_4'))
    assert.deepEqual(rec.of('notifyMigrated'), [
      { requestId: 7, fromDcId: 2, toDcId: 4, errorMessage: 'PHONE_MIGRATE_4' },
    ])
    assert.deepEqual(rec.of('enqueue').at(-1), { requestId: 7, dcId: 4 })
    for (let i = 1; i < MAX_RPC_MIGRATIONS; i++) {
      actor.send({ type: 'rpc.sent', msgId: BigInt(100 + i * 4) })
      actor.send(error(BigInt(100 + i * 4), 303, 'PHONE_MIGRATE_4'))
    }
    actor.send({ type: 'rpc.sent', msgId: 999n })
    actor.send(error(999n, 303, 'PHONE_MIGRATE_5'))
    assert.deepEqual(actor.getSnapshot().output, {
      ok: false,
      error: { kind: 'tooManyMigrations', dcId: 5, limit: MAX_RPC_MIGRATIONS },
    })
  })

  test('surfaceMigrate: a 303 settles the call with it (no re-queue, no notifyMigrated)', () => {
    const { actor, rec } = start({ surfaceMigrate: true })
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send(error(100n, 303, 'PHONE_MIGRATE_4'))
    assert.deepEqual(actor.getSnapshot().value, 'failed')
    assert.deepEqual(rec.types(), ['enqueue', 'settle'])
    assert.deepEqual(actor.getSnapshot().output, {
      ok: false,
      error: { kind: 'rpcError', errorCode: 303, errorMessage: 'PHONE_MIGRATE_4' },
    })
  })

  test('surfaceMigrate does not touch flood waits', () => {
    const { actor } = start({ surfaceMigrate: true })
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send(error(100n, 420, 'FLOOD_WAIT_3'))
    assert.deepEqual(actor.getSnapshot().value, { active: 'waiting' })
  })

  test('rpc.protocolFailed fails an in-flight call with the typed failure; a superseded copy\'s is ignored', () => {
    const { actor } = start()
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send({ type: 'rpc.resend', reason: 'reconnect' })
    actor.send({ type: 'rpc.protocolFailed', msgId: 100n, failure: { kind: 'badMsg', code: 35 } })
    assert.deepEqual(actor.getSnapshot().value, { active: 'queued' })
    actor.send({ type: 'rpc.sent', msgId: 104n })
    actor.send({ type: 'rpc.protocolFailed', msgId: 104n, failure: { kind: 'undecodable', tlKind: 'unknown-constructor' } })
    assert.deepEqual(actor.getSnapshot().output, { ok: false, error: { kind: 'undecodable', tlKind: 'unknown-constructor' } })
  })

  test('an rpc_error fails the call with code and message', () => {
    const { actor } = start()
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send(error(100n, 400, 'PEER_ID_INVALID'))
    assert.deepEqual(actor.getSnapshot().output, {
      ok: false,
      error: { kind: 'rpcError', errorCode: 400, errorMessage: 'PEER_ID_INVALID' },
    })
  })

  test('rpc.deadline drops the answer when in flight, and fails with a timeout', () => {
    const { actor, rec, clock } = start({ timeoutMs: 5_000 })
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send({ type: 'rpc.acked', msgId: 100n })
    clock.increment(60_000)
    assert.equal(actor.getSnapshot().status, 'active', 'the machine keeps no deadline timer of its own')
    actor.send({ type: 'rpc.deadline' })
    assert.deepEqual(rec.of('dropAnswer'), [{ requestId: 7, dcId: 2, msgId: 100n }])
    assert.deepEqual(actor.getSnapshot().output, {
      ok: false,
      error: { kind: 'timeout', afterMs: 5_000, answerDropped: true },
    })
  })

  test('rpc.deadline while re-queued (or sleeping a flood wait) only dequeues: nothing to drop', () => {
    const { actor, rec, clock } = start({ timeoutMs: 5_000 })
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send({ type: 'rpc.resend', reason: 'badMsgTime' })
    actor.send({ type: 'rpc.deadline' })
    assert.deepEqual(rec.of('dropAnswer'), [])
    assert.deepEqual(rec.of('dequeue'), [{ requestId: 7, dcId: 2 }])
    assert.deepEqual(actor.getSnapshot().output, {
      ok: false,
      error: { kind: 'timeout', afterMs: 5_000, answerDropped: false },
    })
    const w = start({ timeoutMs: 5_000 })
    w.actor.send({ type: 'rpc.sent', msgId: 100n })
    w.actor.send(error(100n, 420, 'FLOOD_WAIT_3'))
    w.actor.send({ type: 'rpc.deadline' })
    clock.increment(3_000)
    assert.deepEqual(w.rec.types(), ['enqueue', 'dequeue', 'settle'])
    assert.deepEqual(actor.getSnapshot().output, {
      ok: false,
      error: { kind: 'timeout', afterMs: 5_000, answerDropped: false },
    })
  })

  test('a resend loop fails after MAX_RPC_RESENDS', () => {
    const { actor } = start()
    for (let i = 0; i <= MAX_RPC_RESENDS; i++) {
      actor.send({ type: 'rpc.sent', msgId: BigInt(100 + 4 * i) })
      actor.send({ type: 'rpc.resend', reason: 'badServerSalt' })
    }
    assert.deepEqual(actor.getSnapshot().output, {
      ok: false,
      error: { kind: 'tooManyResends', resends: MAX_RPC_RESENDS, limit: MAX_RPC_RESENDS },
    })
  })

  test('an answer to an earlier copy that arrives after re-queueing is taken', () => {
    const { actor, rec } = start()
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send({ type: 'rpc.resend', reason: 'reconnect' })
    actor.send({ type: 'rpc.resultReceived', msgId: 100n, result: 5 })
    assert.deepEqual(rec.types(), ['enqueue', 'enqueue', 'dequeue', 'settle'])
    assert.deepEqual(actor.getSnapshot().output, { ok: true, result: 5 })
  })

  test('settle runs exactly once whatever arrives afterwards', () => {
    const { actor, rec } = start()
    actor.send({ type: 'rpc.sent', msgId: 100n })
    actor.send({ type: 'rpc.resultReceived', msgId: 100n, result: 1 })
    actor.send({ type: 'rpc.resultReceived', msgId: 100n, result: 2 })
    actor.send({ type: 'rpc.cancel' })
    actor.send(error(100n, 500, 'INTERNAL'))
    assert.equal(rec.of('settle').length, 1)
    assert.deepEqual(rec.of('dropAnswer'), [])
  })
})
