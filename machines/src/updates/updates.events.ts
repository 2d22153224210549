// Events the updates machine receives. Updates arrive as plain items (the engine turns TL into
// UpdateItem / DifferenceAnswer); the machine never sees TL, sockets or the store.
import type { ChannelDifferenceAnswer, CommonState, DifferenceAnswer, StoredUpdateState, UpdatesEnvelope } from './updates.logic.js'

/** Events of {@link updatesMachine}. */
export type UpdatesEvent =
  | { type: 'updates.start'; stored: StoredUpdateState }
  /** One or more Updates objects in arrival order (the engine batches what one tick brought). */
  | { type: 'updates.received'; envelopes: readonly UpdatesEnvelope[] }
  | { type: 'updates.tooLong' }
  | { type: 'state.received'; state: CommonState }
  | { type: 'state.failed'; errorMessage: string }
  | { type: 'channels.seeded'; channels: readonly { readonly channelId: bigint; readonly pts: number }[] }
  | { type: 'channels.failed'; errorMessage: string }
  | { type: 'difference.received'; answer: DifferenceAnswer }
  | { type: 'difference.failed'; errorMessage: string }
  | { type: 'channelDifference.received'; channelId: bigint; answer: ChannelDifferenceAnswer }
  | { type: 'channelDifference.failed'; channelId: bigint; errorMessage: string }
  | { type: 'session.created' }
  | { type: 'connection.down'; atMs: number }
  | { type: 'connection.up'; atMs: number }
  | { type: 'updates.stop' }

/** One line per event type; also the runtime list of event types (keys). */
export const UPDATES_EVENT_DESCRIPTIONS: Readonly<Record<UpdatesEvent['type'], string>> = {
  'updates.start': 'the account is authorized: the stored state (common and channel pts), if any',
  'updates.received': 'Updates objects, in arrival order: pushed by the server, or inside RPC results',
  'updates.tooLong': 'updatesTooLong: too many to push, fetch the difference',
  'state.received': 'updates.getState answered',
  'state.failed': 'updates.getState failed',
  'channels.seeded': "the account's channels and their pts (from its dialogs)",
  'channels.failed': 'the dialogs could not be read: channels start from their first update',
  'difference.received': 'updates.getDifference answered (difference, slice, empty or tooLong)',
  'difference.failed': 'updates.getDifference failed',
  'channelDifference.received': 'updates.getChannelDifference answered for one channel',
  'channelDifference.failed': 'updates.getChannelDifference failed for one channel',
  'session.created': 'new_session_created on the home DC: pushes in between may be lost',
  'connection.down': 'the home DC connection went down (event time)',
  'connection.up': 'the home DC connection is back (event time)',
  'updates.stop': 'the account logs out, is revoked or stops',
}

export const UPDATES_EVENT_TYPES = Object.keys(UPDATES_EVENT_DESCRIPTIONS) as UpdatesEvent['type'][]
