// Model-based coverage of handshakeMachine: every state reached by a shortest path, every
// (state, event) pair handled or listed in HANDSHAKE_IGNORES, every failure kind reachable.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  eventCoverageProblems,
  exploreMachine,
  redundantIgnores,
  statesWithoutDescription,
  unreachedStates,
} from '../testing/coverage.js'
import { HANDSHAKE_EVENT_TYPES } from './handshake.events.js'
import { HANDSHAKE_IGNORES } from './handshake.ignores.js'
import type { HandshakeContext, HandshakeResult } from './handshake.logic.js'
import { handshakeMachine } from './handshake.machine.js'
import { secret } from '../secret/secret.js'

const result: HandshakeResult = { authKey: secret(new Uint8Array(256)), authKeyId: 1n, serverSalt: secret(2n), timeOffsetMs: 0 }
const boom = new Error('security check failed')

const explored = exploreMachine(handshakeMachine, {
  input: { dcId: 2 },
  samples: {
    'xstate.done.actor.reqPq': [{ type: 'xstate.done.actor.reqPq', output: { carry: secret('resPq') } }],
    'xstate.error.actor.reqPq': [{ type: 'xstate.error.actor.reqPq', error: boom }],
    'xstate.done.actor.reqDhParams': [{ type: 'xstate.done.actor.reqDhParams', output: { carry: secret('dh') } }],
    'xstate.error.actor.reqDhParams': [{ type: 'xstate.error.actor.reqDhParams', error: boom }],
    'xstate.done.actor.setClientDhParams': [
      { type: 'xstate.done.actor.setClientDhParams', output: { kind: 'dhGenOk', result } },
      { type: 'xstate.done.actor.setClientDhParams', output: { kind: 'dhGenRetry', carry: secret('retry') } },
      { type: 'xstate.done.actor.setClientDhParams', output: { kind: 'dhGenFail' } },
    ],
    'xstate.error.actor.setClientDhParams': [{ type: 'xstate.error.actor.setClientDhParams', error: boom }],
    'handshake.abort': [{ type: 'handshake.abort', reason: 'socket closed' }],
  },
  project: (c: HandshakeContext) => [c.attempt, c.dhRetries, c.output && (c.output.ok || c.output.failure.kind)],
})

describe('handshakeMachine paths', () => {
  test('every state is reached by a generated shortest path', () => {
    assert.deepEqual(unreachedStates(handshakeMachine, explored.byValue), [])
  })

  test('every (state, event type) pair is handled or explicitly ignored', () => {
    assert.deepEqual(
      eventCoverageProblems(handshakeMachine, explored.byValue, HANDSHAKE_EVENT_TYPES, HANDSHAKE_IGNORES),
      [],
    )
  })

  test('every ignore entry is needed', () => {
    assert.deepEqual(redundantIgnores(handshakeMachine, explored.byValue, HANDSHAKE_EVENT_TYPES, HANDSHAKE_IGNORES), [])
  })

  test('every state has a description', () => {
    assert.deepEqual(statesWithoutDescription(handshakeMachine), [])
  })

  test('every outcome is reachable, and only final states have one', () => {
    const kinds = new Set<string>()
    for (const s of explored.snapshots) {
      const c = s.context as HandshakeContext
      if (s.status === 'done') {
        assert.ok(c.output)
        kinds.add(c.output.ok ? 'ok' : c.output.failure.kind)
      } else assert.equal(c.output, null)
    }
    assert.deepEqual([...kinds].sort(), ['aborted', 'dhGenFail', 'ok', 'stepFailed', 'timeout', 'tooManyDhRetries'])
  })
})
