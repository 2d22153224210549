// Model-based coverage of rpcMachine: every state reached by a shortest path, every
// (state, event) pair handled or listed in RPC_IGNORES, every settlement kind reachable.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  eventCoverageProblems,
  exploreMachine,
  redundantIgnores,
  statesWithoutDescription,
  unreachedStates,
} from '../testing/coverage.js'
import { RPC_EVENT_TYPES } from './rpc.events.js'
import { RPC_IGNORES } from './rpc.ignores.js'
import type { RpcContext } from './rpc.logic.js'
import { rpcMachine } from './rpc.machine.js'

const SAMPLES = {
    'rpc.sent': [{ type: 'rpc.sent', msgId: 100n }],
    'rpc.acked': [{ type: 'rpc.acked', msgId: 100n }],
    'rpc.resultReceived': [{ type: 'rpc.resultReceived', msgId: 100n, result: { _: 'config' } }],
    'rpc.errorReceived': [
      { type: 'rpc.errorReceived', msgId: 100n, errorCode: 420, errorMessage: 'FLOOD_WAIT_3' },
      { type: 'rpc.errorReceived', msgId: 100n, errorCode: 420, errorMessage: 'FLOOD_WAIT_3600' },
      { type: 'rpc.errorReceived', msgId: 100n, errorCode: 303, errorMessage: 'PHONE_MIGRATE_4' },
      { type: 'rpc.errorReceived', msgId: 100n, errorCode: 400, errorMessage: 'PEER_ID_INVALID' },
    ],
    'rpc.resend': [{ type: 'rpc.resend', reason: 'badServerSalt' }],
    'rpc.cancel': [{ type: 'rpc.cancel' }],
    'rpc.protocolFailed': [
      { type: 'rpc.protocolFailed', msgId: 100n, failure: { kind: 'badMsg', code: 48 } },
      { type: 'rpc.protocolFailed', msgId: 100n, failure: { kind: 'undecodable', tlKind: 'unknown-constructor' } },
    ],
    'rpc.deadline': [{ type: 'rpc.deadline' }],
} as const

const explored = exploreMachine(rpcMachine, {
  input: { requestId: 1, method: 'help.getConfig', dcId: 2 },
  samples: SAMPLES,
  project: (c: RpcContext) => [c.resends.length, c.migrations, c.settlement && (c.settlement.ok || c.settlement.error.kind)],
})

describe('rpcMachine paths', () => {
  test('every state is reached by a generated shortest path', () => {
    assert.deepEqual(unreachedStates(rpcMachine, explored.byValue), [])
  })

  test('every (state, event type) pair is handled or explicitly ignored', () => {
    assert.deepEqual(eventCoverageProblems(rpcMachine, explored.byValue, RPC_EVENT_TYPES, RPC_IGNORES), [])
  })

  test('every ignore entry is needed (removing one fails the check)', () => {
    assert.deepEqual(redundantIgnores(rpcMachine, explored.byValue, RPC_EVENT_TYPES, RPC_IGNORES), [])
  })

  test('every state has a description', () => {
    assert.deepEqual(statesWithoutDescription(rpcMachine), [])
  })

  test('every settlement kind is reachable, and only from final states', () => {
    const kinds = new Set<string>()
    for (const s of explored.snapshots) {
      const c = s.context as RpcContext
      if (s.status === 'done') {
        assert.ok(c.settlement, `final ${JSON.stringify(s.value)} without settlement`)
        kinds.add(c.settlement.ok ? 'ok' : c.settlement.error.kind)
      } else {
        assert.equal(c.settlement, null)
      }
    }
    assert.deepEqual(
      [...kinds].sort(),
      ['badMsg', 'cancelled', 'floodWait', 'ok', 'rpcError', 'timeout', 'tooManyMigrations', 'tooManyResends', 'undecodable'],
    )
  })

  test('with surfaceMigrate a 303 is a final state settling with the 303: no path re-queues the call', () => {
    const surfaced = exploreMachine(rpcMachine, {
      input: { requestId: 1, method: 'auth.sendCode', dcId: 2, surfaceMigrate: true },
      samples: SAMPLES,
      project: (c: RpcContext) => [c.resends.length, c.migrations, c.dcId, c.settlement && (c.settlement.ok || JSON.stringify(c.settlement.error))],
    })
    const contexts = surfaced.snapshots.map((s) => s.context as RpcContext)
    assert.ok(contexts.every((c) => c.migrations === 0 && c.dcId === 2), 'a surfaced 303 moved the call')
    const failures = contexts.flatMap((c) => (c.settlement && !c.settlement.ok ? [c.settlement.error] : []))
    assert.ok(failures.some((f) => f.kind === 'rpcError' && f.errorCode === 303 && f.errorMessage === 'PHONE_MIGRATE_4'))
    assert.ok(!failures.some((f) => f.kind === 'tooManyMigrations'))
  })
})
