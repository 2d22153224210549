// Model-based coverage of updatesMachine: every state reached by a shortest path, every
// (state, event) pair handled or listed in UPDATES_IGNORES, every ignore needed, every state described.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { eventCoverageProblems, exploreMachine, redundantIgnores, statesWithoutDescription, unreachedStates } from '../testing/coverage.js'
import { UPDATES_EVENT_TYPES } from './updates.events.js'
import { UPDATES_IGNORES } from './updates.ignores.js'
import type { UpdatesContext } from './updates.logic.js'
import { updatesMachine } from './updates.machine.js'

const state = { pts: 10, qts: 0, seq: 5, date: 1000 }
const msg = (pts: number, channelId: bigint | null = null) => ({ kind: 'pts' as const, channelId, pts, ptsCount: 1, payload: { pts } })
const SAMPLES = {
  'updates.start': [
    { type: 'updates.start', stored: { common: null, channels: [] } },
    { type: 'updates.start', stored: { common: state, channels: [{ channelId: 7n, pts: 3 }] } },
  ],
  'updates.received': [
    { type: 'updates.received', envelopes: [{ items: [msg(11)], seq: 0, seqStart: 0, date: 1001 }] },
    { type: 'updates.received', envelopes: [{ items: [msg(13)], seq: 0, seqStart: 0, date: 1001 }] },
    { type: 'updates.received', envelopes: [{ items: [msg(5, 7n)], seq: 0, seqStart: 0, date: 1001 }] },
  ],
  'updates.tooLong': [{ type: 'updates.tooLong' }],
  'state.received': [{ type: 'state.received', state }],
  'state.failed': [{ type: 'state.failed', errorMessage: 'INTERNAL' }],
  'channels.seeded': [{ type: 'channels.seeded', channels: [{ channelId: 7n, pts: 3 }] }],
  'channels.failed': [{ type: 'channels.failed', errorMessage: 'INTERNAL' }],
  'difference.received': [
    { type: 'difference.received', answer: { kind: 'empty', date: 1002, seq: 5 } },
    { type: 'difference.received', answer: { kind: 'slice', items: [], state: { ...state, pts: 20 } } },
    { type: 'difference.received', answer: { kind: 'tooLong', pts: 50 } },
  ],
  'difference.failed': [{ type: 'difference.failed', errorMessage: 'INTERNAL' }],
  'channelDifference.received': [{ type: 'channelDifference.received', channelId: 7n, answer: { kind: 'empty', pts: 3 } }],
  'channelDifference.failed': [{ type: 'channelDifference.failed', channelId: 7n, errorMessage: 'CHANNEL_PRIVATE' }],
  'session.created': [{ type: 'session.created' }],
  'connection.down': [{ type: 'connection.down', atMs: 0 }],
  'connection.up': [{ type: 'connection.up', atMs: 60_000 }],
  'updates.stop': [{ type: 'updates.stop' }],
} as const

const explored = exploreMachine(updatesMachine, {
  input: { accountId: 'a' },
  samples: SAMPLES,
  project: (c: UpdatesContext) => [c.common?.pts ?? null, c.held.length, Object.keys(c.channels).length, c.failures > 0, c.downSinceMs !== null],
})

describe('updatesMachine paths', () => {
  test('every state is reached by a generated shortest path', () => {
    assert.deepEqual(unreachedStates(updatesMachine, explored.byValue), [])
  })

  test('every (state, event type) pair is handled or explicitly ignored', () => {
    assert.deepEqual(eventCoverageProblems(updatesMachine, explored.byValue, UPDATES_EVENT_TYPES, UPDATES_IGNORES), [])
  })

  test('every ignore entry is needed (removing one fails the check)', () => {
    assert.deepEqual(redundantIgnores(updatesMachine, explored.byValue, UPDATES_EVENT_TYPES, UPDATES_IGNORES), [])
  })

  test('every state has a description', () => {
    assert.deepEqual(statesWithoutDescription(updatesMachine), [])
  })
})
