// One account's updates (https://core.telegram.org/api/updates): idle → fetchingState (no stored
// state: updates.getState) → active, where the common box runs synced → gap (a short wait for the
// missing pts/qts/seq) → fetchingDifference (getDifference, slices, tooLong) → synced, and the
// channel boxes wait out their gaps together and fetch getChannelDifference per channel.
// Resynchronises after updatesTooLong, new_session_created, a long outage and a restart (stored
// state → difference first). Decides only: the engine fetches, converts TL and delivers.
import { assign, enqueueActions, setup } from 'xstate'
import { UPDATES_EVENT_DESCRIPTIONS as ev } from './updates.events.js'
import type { UpdatesEvent } from './updates.events.js'
import {
  acceptChannelDifference,
  acceptDifference,
  acceptDuringDifference,
  acceptEnvelope,
  channelFetchFailed,
  fromStore,
  hasChannelGap,
  hasCommonGap,
  initialUpdatesContext,
  reopenChannels,
  replayHeld,
  retryDelayMs,
  seedChannels,
  startChannelFetches,
  tooManyHeld,
  type Applied,
  type BoxPosition,
  type CommonState,
  type DeliveredItem,
  type UpdatesContext,
  type UpdatesInput,
} from './updates.logic.js'

/** Effects the engine provides (plain params; they reach `inspect`). */
export interface UpdatesEffects {
  fetchState: { accountId: string }
  /** Read the account's dialogs for its channels' pts (a fresh state has none). */
  fetchChannels: { accountId: string }
  fetchDifference: { accountId: string; state: CommonState }
  fetchChannelDifference: { accountId: string; channelId: bigint; pts: number }
  /** Hand these items to the handlers, in order; each carries the position that covers it. */
  deliver: { accountId: string; items: readonly DeliveredItem[] }
  /**
   * Record a position reached without an update to deliver (getState's answer): it is committed
   * once everything before it is handled, so a restart resumes from it instead of asking again.
   */
  commitPosition: { accountId: string; position: BoxPosition }
  /** A range of updates is gone for good (differenceTooLong, channelDifferenceTooLong): tell the handlers. */
  reportLost: { accountId: string; box: 'common' | bigint }
}

type Ctx = { context: UpdatesContext }
type Ev<T extends UpdatesEvent['type']> = Extract<UpdatesEvent, { type: T }>

/** Applies what a logic function returned: the context, then the deliveries and notices it names. */
// NB: these shared actions are typed `any` where used: xstate's action types are per transition
// event, and a helper shared by several transitions cannot name one.
const applied = (run: (context: UpdatesContext, event: any) => Applied): any =>
  enqueueActions<UpdatesContext, UpdatesEvent, undefined, any, any, any, any, any, any>(({ context, event, enqueue }) => {
    const a = run(context, event)
    enqueue.assign(() => a.context)
    if (a.delivered.length > 0) enqueue({ type: 'deliver', params: { accountId: context.accountId, items: a.delivered } })
    for (const position of a.marks ?? []) enqueue({ type: 'commitPosition', params: { accountId: context.accountId, position } })
    for (const channelId of a.lostChannels ?? []) enqueue({ type: 'reportLost', params: { accountId: context.accountId, box: channelId } })
    if (a.refetch !== undefined) {
      enqueue({ type: 'fetchChannelDifference', params: { accountId: context.accountId, channelId: a.refetch.channelId, pts: a.refetch.pts } })
    }
  })

const holdEnvelope: any = assign<UpdatesContext, any, undefined, UpdatesEvent, any>({
  heldEnvelopes: ({ context, event }) => [...context.heldEnvelopes, ...(event as Ev<'updates.received'>).envelopes],
})
const failed: any = assign<UpdatesContext, any, undefined, UpdatesEvent, any>({ failures: ({ context }) => context.failures + 1 })
const noFailures: any = assign<UpdatesContext, any, undefined, UpdatesEvent, any>({ failures: 0 })
const resync = { target: 'fetchingDifference' as const }

/** What synced and gap do alike: apply what arrives; resync on updatesTooLong, a new session, a long outage. */
const whileApplying = (shortOutage: string): any => ({
  'updates.received': { description: ev['updates.received'], actions: applied((c, e: Ev<'updates.received'>) => acceptEnvelope(c, e.envelopes)) },
  'updates.tooLong': { ...resync, description: ev['updates.tooLong'] },
  'session.created': { ...resync, description: ev['session.created'] },
  'connection.up': [
    {
      guard: 'wasDownLong',
      ...resync,
      description: 'down at least resyncAfterDownMs: catch up (channels too)',
      actions: assign<UpdatesContext, any, undefined, UpdatesEvent, any>(({ context }) => ({ ...reopenChannels(context), downSinceMs: null })),
    },
    { description: shortOutage, actions: assign<UpdatesContext, any, undefined, UpdatesEvent, any>({ downSinceMs: null }) },
  ],
})

/** One account's update boxes. Input {@link UpdatesInput}. */
export const updatesMachine = setup({
  types: {
    context: {} as UpdatesContext,
    events: {} as UpdatesEvent,
    input: {} as UpdatesInput,
  },
  actions: {
    fetchState: (_: unknown, _p: UpdatesEffects['fetchState']) => {},
    fetchChannels: (_: unknown, _p: UpdatesEffects['fetchChannels']) => {},
    fetchDifference: (_: unknown, _p: UpdatesEffects['fetchDifference']) => {},
    fetchChannelDifference: (_: unknown, _p: UpdatesEffects['fetchChannelDifference']) => {},
    deliver: (_: unknown, _p: UpdatesEffects['deliver']) => {},
    commitPosition: (_: unknown, _p: UpdatesEffects['commitPosition']) => {},
    reportLost: (_: unknown, _p: UpdatesEffects['reportLost']) => {},
  },
  guards: {
    hasStoredState: ({ event }) => (event as Ev<'updates.start'>).stored.common !== null,
    hasCommonGap: ({ context }) => hasCommonGap(context),
    noCommonGap: ({ context }) => !hasCommonGap(context),
    tooManyHeld: ({ context }) => tooManyHeld(context),
    hasChannelGap: ({ context }) => hasChannelGap(context),
    isSlice: ({ event }) => (event as Ev<'difference.received'>).answer.kind === 'slice',
    isTooLong: ({ event }) => (event as Ev<'difference.received'>).answer.kind === 'tooLong',
    wasDownLong: ({ context, event }) =>
      context.downSinceMs !== null && (event as Ev<'connection.up'>).atMs - context.downSinceMs >= context.timing.resyncAfterDownMs,
  },
  delays: {
    gapTimeout: ({ context }) => context.timing.gapTimeoutMs,
    idleDifference: ({ context }) => context.timing.idleDifferenceMs,
    retryDelay: ({ context }) => retryDelayMs(context.failures),
  },
}).createMachine({
  id: 'updates',
  description: "One account's update boxes: common pts/qts/seq and a pts per channel, gaps, differences",
  context: ({ input }) => initialUpdatesContext(input),
  initial: 'idle',
  on: {
    'updates.stop': { target: '.stopped', description: ev['updates.stop'] },
  },
  states: {
    idle: {
      description: 'Not authorized yet: pushes are kept until the state is known',
      on: {
        'updates.start': [
          {
            guard: 'hasStoredState',
            target: 'active.common.fetchingDifference',
            description: 'restart from the store: catch up with getDifference (and every stored channel)',
            actions: assign(({ context, event }) => reopenChannels(fromStore(context, event.stored))),
          },
          {
            target: 'fetchingState',
            description: 'nothing stored: ask updates.getState',
            actions: assign(({ context, event }) => fromStore(context, event.stored)),
          },
        ],
        'updates.received': { actions: holdEnvelope, description: 'kept until the state is known' },
      },
    },
    fetchingState: {
      description: 'updates.getState in flight',
      entry: { type: 'fetchState', params: ({ context }) => ({ accountId: context.accountId }) },
      on: {
        'state.received': {
          target: 'seedingChannels',
          description: ev['state.received'],
          actions: [
            assign({ common: ({ event }) => event.state }),
            { type: 'commitPosition', params: ({ context, event }) => ({ accountId: context.accountId, position: { box: 'common' as const, state: event.state } }) },
            noFailures,
          ],
        },
        'state.failed': { target: 'stateRetry', actions: failed, description: ev['state.failed'] },
        'updates.received': { actions: holdEnvelope, description: 'kept until the state is known' },
      },
    },
    seedingChannels: {
      description: "The dialogs are read for the channels' pts; pushes wait",
      entry: { type: 'fetchChannels', params: ({ context }) => ({ accountId: context.accountId }) },
      on: {
        'channels.seeded': {
          target: 'active',
          description: ev['channels.seeded'],
          actions: [assign(({ context, event }) => seedChannels(context, event.channels)), applied((c) => replayHeld(c))],
        },
        'channels.failed': {
          target: 'active',
          description: ev['channels.failed'],
          actions: applied((c) => replayHeld(c)),
        },
        'updates.received': { actions: holdEnvelope, description: 'kept until the channels are known' },
      },
    },
    stateRetry: {
      description: 'updates.getState failed: wait, then ask again',
      after: { retryDelay: { target: 'fetchingState', description: 'the retry delay passed' } },
      on: {
        'updates.received': { actions: holdEnvelope, description: 'kept until the state is known' },
      },
    },
    active: {
      description: 'The state is known: the common box and the channel boxes run side by side',
      type: 'parallel',
      on: {
        'channelDifference.received': {
          description: ev['channelDifference.received'],
          actions: applied((c, e: Ev<'channelDifference.received'>) => acceptChannelDifference(c, e.channelId, e.answer)),
        },
        'channelDifference.failed': {
          description: ev['channelDifference.failed'],
          actions: assign(({ context, event }) => channelFetchFailed(context, event.channelId, event.errorMessage)),
        },
        'connection.down': {
          description: ev['connection.down'],
          actions: assign({ downSinceMs: ({ context, event }) => context.downSinceMs ?? event.atMs }),
        },
      },
      states: {
        common: {
          description: 'The account-wide box (pts, qts, seq, date)',
          initial: 'synced',
          states: {
            synced: {
              description: 'Everything up to pts/qts/seq applied; nothing held',
              after: {
                idleDifference: {
                  ...resync,
                  description: 'every idleDifferenceMs: a lost last push leaves no gap to see',
                  actions: assign(({ context }) => reopenChannels(context)),
                },
              },
              always: [
                { guard: 'tooManyHeld', target: 'fetchingDifference', description: 'too much held: fetch now' },
                { guard: 'hasCommonGap', target: 'gap', description: 'something is held ahead of the state' },
              ],
              on: whileApplying('a short outage: pushes resume'),
            },
            gap: {
              description: 'Held updates wait for the missing ones, up to gapTimeoutMs',
              always: [
                { guard: 'tooManyHeld', target: 'fetchingDifference', description: 'too much held: fetch now' },
                { guard: 'noCommonGap', target: 'synced', description: 'the missing updates arrived' },
              ],
              after: { gapTimeout: { ...resync, description: 'the gap did not fill in time' } },
              on: whileApplying('a short outage: the gap timer still runs'),
            },
            fetchingDifference: {
              description: 'updates.getDifference in flight; common updates wait for its answer',
              entry: { type: 'fetchDifference', params: ({ context }) => ({ accountId: context.accountId, state: context.common as CommonState }) },
              on: {
                'updates.received': {
                  description: 'channel items apply; common items wait for the difference',
                  actions: applied((c, e: Ev<'updates.received'>) => acceptDuringDifference(c, e.envelopes)),
                },
                'difference.received': [
                  {
                    guard: 'isSlice',
                    target: 'fetchingDifference',
                    reenter: true,
                    description: 'differenceSlice: apply it, fetch the next part from its intermediate state',
                    actions: [noFailures, applied((c, e: Ev<'difference.received'>) => acceptDifference(c, e.answer))],
                  },
                  {
                    guard: 'isTooLong',
                    target: 'synced',
                    description: 'differenceTooLong: the range is lost; continue from the pts given',
                    actions: [
                      noFailures,
                      applied((c, e: Ev<'difference.received'>) => acceptDifference(c, e.answer)),
                      { type: 'reportLost', params: ({ context }) => ({ accountId: context.accountId, box: 'common' as const }) },
                      applied((c) => replayHeld(c)),
                    ],
                  },
                  {
                    target: 'synced',
                    description: 'difference or differenceEmpty: caught up; replay what waited',
                    actions: [noFailures, applied((c, e: Ev<'difference.received'>) => acceptDifference(c, e.answer)), applied((c) => replayHeld(c))],
                  },
                ],
                'difference.failed': { target: 'differenceRetry', actions: failed, description: ev['difference.failed'] },
              },
            },
            differenceRetry: {
              description: 'getDifference failed: wait, then fetch again',
              after: { retryDelay: { target: 'fetchingDifference', description: 'the retry delay passed' } },
              on: {
                'updates.received': {
                  description: 'channel items apply; common items wait for the difference',
                  actions: applied((c, e: Ev<'updates.received'>) => acceptDuringDifference(c, e.envelopes)),
                },
                'connection.up': { actions: assign({ downSinceMs: null }), description: 'a difference is due anyway' },
              },
            },
          },
        },
        channels: {
          description: 'The channel boxes: gaps wait together, then each fetches getChannelDifference',
          initial: 'quiet',
          states: {
            quiet: {
              description: 'No channel has an open gap (fetches may be in flight)',
              always: { guard: 'hasChannelGap', target: 'waiting', description: 'a channel box has a gap' },
            },
            waiting: {
              description: 'A channel gap is open: wait gapTimeoutMs for the missing updates',
              after: {
                gapTimeout: {
                  target: 'quiet',
                  description: 'fetch every channel whose gap is still open',
                  actions: enqueueActions(({ context, enqueue }) => {
                    const { context: next, fetches } = startChannelFetches(context)
                    enqueue.assign(() => next)
                    for (const f of fetches) enqueue({ type: 'fetchChannelDifference', params: { accountId: context.accountId, channelId: f.channelId, pts: f.pts } })
                  }),
                },
              },
            },
          },
        },
      },
    },
    stopped: {
      description: 'Logged out, revoked or stopped',
      type: 'final',
    },
  },
})

/** The machine's type, for providers. */
export type UpdatesMachine = typeof updatesMachine
