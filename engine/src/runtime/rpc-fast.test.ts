// The common path (rpc-fast.ts, generated from rpcMachine) against rpcMachine itself: for every
// state of the path and every event (several payloads per type), whatever the table does without an
// actor is exactly what the machine does from that state (same next state and msg_id, same effects,
// same settlement); the path really is the cheap one (sent, acked and the result need no actor);
// and rpc.deadline, sent by the runtime's timer, ends a call in each state as the machine says.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SimulatedClock, createActor, createMachine } from 'xstate'
import { initialRpcContext, rpcMachine, type RpcEvent, type RpcInput } from '@mtswarm/machines'
import { FAST_RPC_TABLE, fastRpcStep, generateFastRpcTable, rpcStateValue, type FastRpcPhase } from './rpc-fast.js'

const INPUT: RpcInput = { requestId: 7, method: 'help.getConfig', dcId: 2, timeoutMs: 1_000 }
const MSG_ID = 0x1234n

const EVENTS: readonly RpcEvent[] = [
  { type: 'rpc.sent', msgId: 0x5678n },
  { type: 'rpc.acked', msgId: MSG_ID },
  { type: 'rpc.resultReceived', msgId: MSG_ID, result: { _: 'config' } },
  { type: 'rpc.errorReceived', msgId: MSG_ID, errorCode: 400, errorMessage: 'PEER_ID_INVALID' },
  { type: 'rpc.errorReceived', msgId: MSG_ID, errorCode: 420, errorMessage: 'FLOOD_WAIT_3' },
  { type: 'rpc.errorReceived', msgId: MSG_ID, errorCode: 303, errorMessage: 'NETWORK_MIGRATE_4' },
  { type: 'rpc.resend', reason: 'badServerSalt' },
  { type: 'rpc.cancel' },
  { type: 'rpc.protocolFailed', msgId: MSG_ID, failure: { kind: 'badMsg', code: 48 } },
  { type: 'rpc.protocolFailed', msgId: MSG_ID, failure: { kind: 'undecodable', tlKind: 'unknown-constructor' } },
  { type: 'rpc.deadline' },
]
const PHASES: readonly FastRpcPhase[] = ['queued', 'sent', 'acked']

/** The real machine started in `phase`, recording the effects it runs. */
function machineIn(phase: FastRpcPhase, clock = new SimulatedClock()) {
  const effects: string[] = []
  const settled: unknown[] = []
  const logic = rpcMachine.provide({
    actions: {
      enqueue: () => effects.push('enqueue'),
      dequeue: () => effects.push('dequeue'),
      dropAnswer: (_, p) => effects.push(`dropAnswer ${p.msgId}`),
      settle: (_, p) => settled.push(p.settlement),
      notifyMigrated: () => effects.push('notifyMigrated'),
    },
  })
  const snapshot = logic.resolveState({
    value: rpcStateValue(phase),
    context: { ...initialRpcContext(INPUT), msgId: phase === 'queued' ? null : MSG_ID },
  })
  const actor = createActor(logic, { input: INPUT, snapshot, clock })
  actor.start()
  return { actor, effects, settled }
}

const valueOf = (phase: FastRpcPhase): string => JSON.stringify(rpcStateValue(phase))

describe('rpc common path vs rpcMachine', () => {
  for (const phase of PHASES) {
    for (const event of EVENTS) {
      const label = event.type === 'rpc.errorReceived' ? `${event.type} ${event.errorMessage}` : event.type
      test(`${phase} + ${label}`, () => {
        const step = fastRpcStep(phase, event)
        const m = machineIn(phase)
        m.actor.send(event)
        const after = m.actor.getSnapshot()
        switch (step.kind) {
          case 'ignore':
            assert.equal(JSON.stringify(after.value), valueOf(phase), 'the machine moved on an event the path ignores')
            assert.deepEqual([m.effects, m.settled], [[], []])
            break
          case 'move':
            assert.equal(JSON.stringify(after.value), valueOf(step.phase))
            assert.equal(after.context.msgId, step.takesMsgId && 'msgId' in event ? event.msgId : MSG_ID)
            assert.deepEqual([m.effects, m.settled], [[], []])
            break
          case 'settle':
            assert.equal(after.status, 'done')
            assert.deepEqual(m.effects, step.dequeue ? ['dequeue'] : [])
            assert.deepEqual(m.settled, [{ ok: true, result: 'result' in event ? event.result : undefined }])
            break
          case 'machine':
            // handed over: the machine must do something the path does not model (leave the path or settle otherwise)
            assert.ok(
              after.status === 'done' || JSON.stringify(after.value) !== valueOf(phase) || m.effects.length > 0 || after.context.resends.length > 0,
              'handed to the machine an event it ignores',
            )
            break
        }
      })
    }
  }

  test('the generated path is the cheap one: sent, acked and the answer need no actor', () => {
    assert.deepEqual(FAST_RPC_TABLE.queued['rpc.sent'], { kind: 'move', phase: 'sent', takesMsgId: true })
    assert.deepEqual(FAST_RPC_TABLE.sent['rpc.acked'], { kind: 'move', phase: 'acked', takesMsgId: false })
    assert.deepEqual(FAST_RPC_TABLE.queued['rpc.resultReceived'], { kind: 'settle', dequeue: true })
    for (const phase of ['sent', 'acked'] as const) {
      assert.deepEqual(FAST_RPC_TABLE[phase]['rpc.resultReceived'], { kind: 'settle', dequeue: false })
    }
    // and it never settles anything but a result: errors, resends, cancels, the deadline go to the machine
    for (const phase of PHASES) {
      for (const event of EVENTS) {
        if (fastRpcStep(phase, event).kind === 'settle') assert.equal(event.type, 'rpc.resultReceived')
      }
    }
  })

  test('the table follows the machine: change a transition and the generated step changes with it', () => {
    // rpcMachine with one change: an ack in `sent` also runs an effect (dequeue), and an ack in `acked` moves back to `sent`.
    const clone = (v: any): any =>
      Array.isArray(v) ? v.map(clone) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) : v
    const config = clone(rpcMachine.config)
    const inFlight = config.states.active.states.inFlight
    inFlight.states.sent.on['rpc.acked'] = { target: 'acked', actions: { type: 'dequeue', params: { requestId: 1, dcId: 2 } } }
    inFlight.states.acked.on = { 'rpc.acked': { target: 'sent' } }
    const variant = createMachine(config, rpcMachine.implementations as any)
    const table = generateFastRpcTable(variant)
    assert.deepEqual(table.sent['rpc.acked'], { kind: 'machine' }, 'an effect the path does not run must go to the machine')
    assert.deepEqual(table.acked['rpc.acked'], { kind: 'move', phase: 'sent', takesMsgId: false })
    // everything else is as generated from the real machine
    assert.deepEqual({ ...table, sent: { ...table.sent, 'rpc.acked': null }, acked: { ...table.acked, 'rpc.acked': null } }, {
      ...FAST_RPC_TABLE,
      sent: { ...FAST_RPC_TABLE.sent, 'rpc.acked': null },
      acked: { ...FAST_RPC_TABLE.acked, 'rpc.acked': null },
    })
  })

  test('rpc.deadline, delivered to an actor in each phase, ends the call (drop the answer in flight, dequeue before)', () => {
    for (const phase of PHASES) {
      assert.deepEqual(fastRpcStep(phase, { type: 'rpc.deadline' }), { kind: 'machine' })
      const m = machineIn(phase)
      m.actor.send({ type: 'rpc.deadline' })
      assert.equal(m.actor.getSnapshot().status, 'done')
      assert.deepEqual(m.effects, phase === 'queued' ? ['dequeue'] : [`dropAnswer ${MSG_ID}`])
      assert.deepEqual(m.settled, [{ ok: false, error: { kind: 'timeout', afterMs: 1_000, answerDropped: phase !== 'queued' } }])
    }
  })

  test('an actor started in a resolved state runs no entry effect, and the machine keeps no deadline timer', () => {
    // why the runtime keeps the deadline itself (one timer per call, sending rpc.deadline)
    const clock = new SimulatedClock()
    const m = machineIn('sent', clock)
    clock.increment(10 * INPUT.timeoutMs!)
    assert.deepEqual([m.effects, m.settled, m.actor.getSnapshot().status], [[], [], 'active'])
  })
})
