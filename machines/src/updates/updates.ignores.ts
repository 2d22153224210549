// The (state, event) pairs the updates machine deliberately ignores, with the reason. The paths
// test fails when a pair is neither handled nor listed here.
import { ignoreAll } from '../testing/coverage.js'
import type { IgnoreTable } from '../testing/coverage.js'
import { UPDATES_EVENT_TYPES } from './updates.events.js'
import type { UpdatesEvent } from './updates.events.js'

type T = UpdatesEvent['type']

const NOT_ACTIVE = 'no state yet: nothing to fetch a difference for, and no channel box exists'
const beforeState = (extra: Partial<Record<T, string>>): Partial<Record<T, string>> => ({
  'updates.tooLong': NOT_ACTIVE,
  'state.received': 'no getState in flight: a late answer',
  'state.failed': 'no getState in flight: a late failure',
  'difference.received': NOT_ACTIVE,
  'difference.failed': NOT_ACTIVE,
  'channelDifference.received': NOT_ACTIVE,
  'channelDifference.failed': NOT_ACTIVE,
  'channels.seeded': 'no dialogs read in flight: a late answer',
  'channels.failed': 'no dialogs read in flight: a late failure',
  'session.created': 'getState (or the difference at start) will cover it',
  'connection.down': 'getState (or the difference at start) will cover it',
  'connection.up': 'getState (or the difference at start) will cover it',
  ...extra,
})

export const UPDATES_IGNORES: IgnoreTable<T> = {
  idle: beforeState({}),
  fetchingState: (() => {
    const { 'state.received': _r, 'state.failed': _f, ...rest } = beforeState({ 'updates.start': 'already started' })
    return rest
  })(),
  stateRetry: beforeState({ 'updates.start': 'already started' }),
  seedingChannels: (() => {
    const { 'channels.seeded': _s, 'channels.failed': _f, ...rest } = beforeState({
      'updates.start': 'already started',
      'state.received': 'getState answered already',
      'state.failed': 'getState answered already',
    })
    return rest
  })(),
  active: {
    'updates.start': 'already started',
    'channels.seeded': 'no dialogs read in flight: a late answer',
    'channels.failed': 'no dialogs read in flight: a late failure',
    'state.received': 'no getState in flight: a late answer',
    'state.failed': 'no getState in flight: a late failure',
  },
  'active.common.synced': {
    'difference.received': 'no getDifference in flight: a late answer',
    'difference.failed': 'no getDifference in flight: a late failure',
  },
  'active.common.gap': {
    'difference.received': 'no getDifference in flight: a late answer',
    'difference.failed': 'no getDifference in flight: a late failure',
  },
  'active.common.fetchingDifference': {
    'updates.tooLong': 'the difference in flight covers it',
    'session.created': 'the difference in flight is answered after the new session: it covers it',
    'connection.up': 'the difference in flight covers the outage',
  },
  'active.common.differenceRetry': {
    'updates.tooLong': 'a difference is due anyway',
    'session.created': 'a difference is due anyway',
    'difference.received': 'no getDifference in flight: a late answer',
    'difference.failed': 'no getDifference in flight: a late failure',
  },
  stopped: ignoreAll(UPDATES_EVENT_TYPES, 'stopped: nothing more happens'),
}
