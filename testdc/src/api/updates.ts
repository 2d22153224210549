// World updates → layer-227 `Updates` for one user: what the server core pushes to a user's
// sessions (updatesFor), what a mutating call answers with (updatesFromDeliveries), and the
// updates.getDifference / getChannelDifference answers. Knows nothing about sessions or sockets.
// https://core.telegram.org/api/updates
import type { tl } from '@mtswarm/engine/tl'
import {
  combineDeliveries,
  type ChannelDifference,
  type Difference,
  type Peer,
  type UpdateDelivery,
  type UpdateState,
  type World,
  type WorldChannel,
  type WorldMessage,
  type WorldUpdate,
} from '../world/index.js'
import type { TlValue, UpdatesHook } from '../types.js'
import { chatParticipantToTl, messageToTl, peersToTl, type Viewer } from './convert.js'

/** One world update as `viewer` sees it. */
export function updateToTl(update: WorldUpdate, viewer: Viewer): tl.TypeUpdate {
  switch (update.kind) {
    case 'newMessage':
      return { _: 'updateNewMessage', message: messageToTl(update.message, viewer), pts: update.pts, ptsCount: update.ptsCount }
    case 'newChannelMessage':
      return {
        _: 'updateNewChannelMessage',
        message: messageToTl(update.message, viewer),
        pts: update.pts,
        ptsCount: update.ptsCount,
      }
    case 'chatParticipants':
      return {
        _: 'updateChatParticipants',
        participants: {
          _: 'chatParticipants',
          chatId: update.chatId,
          participants: update.participants.map(chatParticipantToTl),
          version: update.version,
        },
      }
    case 'chatParticipantAdd':
      return {
        _: 'updateChatParticipantAdd',
        chatId: update.chatId,
        userId: update.userId,
        inviterId: update.inviterId,
        date: update.date,
        version: update.version,
      }
    case 'channel':
      return { _: 'updateChannel', channelId: update.channelId }
    case 'channelTooLong':
      return { _: 'updateChannelTooLong', channelId: update.channelId, pts: update.pts }
  }
}

export interface UpdatesForOptions {
  /**
   * When a lone new message (no service action, no seq) is pushed in its short form, without
   * users/chats — `updateShortMessage` (private chats) or `updateShortChatMessage` (basic groups):
   * - `known` (default): only when an earlier message of the dialog in the recipient's box already
   *   named its peers (World.peersSeenBefore), so a first contact always comes with its entities;
   * - `always`: every lone private/basic-group message (a client that meets an unknown peer must
   *   fetch it: mtcute calls getDifference, test/docs/interop.md quirk 8);
   * - `never`: always `updates` with users and chats.
   * https://core.telegram.org/constructor/updateShortMessage
   */
  readonly short?: 'known' | 'always' | 'never'
}

/**
 * The TL object pushed to `delivery.userId`'s online sessions for one world delivery: a short
 * form for a lone message whose peers the recipient has seen (see UpdatesForOptions.short), else
 * `updates` with the converted updates plus every user and chat they mention, the delivery's
 * date and seq (0 when it only carries pts updates). Fits the server core's `UpdatesHook`.
 */
export function updatesFor(delivery: UpdateDelivery, world: World, options: UpdatesForOptions = {}): tl.TypeUpdates {
  const viewer: Viewer = { world, userId: delivery.userId }
  const short = shortFor(delivery, world, options.short ?? 'known')
  if (short !== undefined) return short
  const { users, chats } = peersToTl(viewer, delivery.updates)
  const updates = delivery.updates.map((u) => updateToTl(u, viewer))
  if (delivery.seqStart !== undefined) {
    return { _: 'updatesCombined', updates, users, chats, date: delivery.date, seqStart: delivery.seqStart, seq: delivery.seq }
  }
  return { _: 'updates', updates, users, chats, date: delivery.date, seq: delivery.seq }
}

/** The short form of a delivery, when it has one and `mode` allows it. */
function shortFor(delivery: UpdateDelivery, world: World, mode: 'known' | 'always' | 'never'): tl.RawUpdateShortMessage | tl.RawUpdateShortChatMessage | undefined {
  const only = delivery.updates.length === 1 ? delivery.updates[0] : undefined
  if (mode === 'never' || delivery.seq !== 0 || only?.kind !== 'newMessage') return undefined
  const m = only.message
  if (m.action !== undefined || m.fromId === undefined || m.peer.type === 'channel') return undefined
  if (mode === 'known' && !world.peersSeenBefore(m)) return undefined
  const common = { out: m.out, id: m.id, message: m.text, pts: only.pts, ptsCount: only.ptsCount, date: m.date }
  return m.peer.type === 'user'
    ? { _: 'updateShortMessage', ...common, userId: m.peer.id }
    : { _: 'updateShortChatMessage', ...common, fromId: m.fromId, chatId: m.peer.id }
}

/**
 * One `Updates` answering a mutating call from the caller's own deliveries (see
 * captureDeliveries). Several seq-bearing deliveries become `updatesCombined` so the client sees
 * seq_start..seq without a gap (https://core.telegram.org/api/updates#updates-sequence).
 */
export function updatesFromDeliveries(
  viewer: Viewer,
  deliveries: readonly UpdateDelivery[],
  extra: { readonly chats?: readonly Peer[] } = {},
): tl.RawUpdates | tl.RawUpdatesCombined {
  const all = deliveries.flatMap((d) => d.updates)
  const { users, chats } = peersToTl(viewer, all, { chats: extra.chats ?? [] })
  const updates = all.map((u) => updateToTl(u, viewer))
  if (deliveries.length === 0) return { _: 'updates', updates, users, chats, date: viewer.world.now(), seq: 0 }
  const { date, seq, seqStart } = combineDeliveries(deliveries)
  if (seqStart !== undefined) return { _: 'updatesCombined', updates, users, chats, date, seqStart, seq }
  return { _: 'updates', updates, users, chats, date, seq }
}

/**
 * Runs a world mutation and collects the deliveries it made for `userId` that came from this
 * auth key (the caller's own view of the change, for the RPC answer).
 * NB: world mutations are synchronous and flush their deliveries before returning, so nothing
 * from another call can interleave here.
 */
export function captureDeliveries<T>(
  world: World,
  origin: { readonly dcId: number; readonly authKeyId: bigint },
  userId: bigint,
  run: () => T,
): { value: T; deliveries: UpdateDelivery[] } {
  const deliveries: UpdateDelivery[] = []
  const off = world.onUpdates((d) => {
    if (d.userId === userId && d.origin?.dcId === origin.dcId && d.origin.authKeyId === origin.authKeyId) deliveries.push(d)
  })
  try {
    return { value: run(), deliveries }
  } finally {
    off()
  }
}

export function stateToTl(state: UpdateState): tl.updates.RawState {
  return { _: 'updates.state', pts: state.pts, qts: state.qts, date: state.date, seq: state.seq, unreadCount: 0 }
}

/** updates.getDifference's answer for `viewer` (https://core.telegram.org/api/updates#recovering-gaps). */
export function differenceToTl(diff: Difference, viewer: Viewer): tl.updates.TypeDifference {
  switch (diff.kind) {
    case 'empty':
      return { _: 'updates.differenceEmpty', date: diff.date, seq: diff.seq }
    case 'tooLong':
      return { _: 'updates.differenceTooLong', pts: diff.pts }
    case 'difference':
    case 'slice': {
      const { users, chats } = peersToTl(viewer, [...diff.newMessages, ...diff.otherUpdates])
      const body = {
        newMessages: diff.newMessages.map((m) => messageToTl(m, viewer)),
        newEncryptedMessages: [],
        otherUpdates: diff.otherUpdates.map((u) => updateToTl(u, viewer)),
        chats,
        users,
      }
      return diff.kind === 'slice'
        ? { _: 'updates.differenceSlice', ...body, intermediateState: stateToTl(diff.state) }
        : { _: 'updates.difference', ...body, state: stateToTl(diff.state) }
    }
  }
}

/** A channel's dialog as `viewer` sees it (for channelDifferenceTooLong and getDialogs). */
export function channelDialog(channel: WorldChannel, topMessage: number): tl.RawDialog {
  return {
    _: 'dialog',
    peer: { _: 'peerChannel', channelId: channel.id },
    topMessage,
    readInboxMaxId: topMessage,
    readOutboxMaxId: topMessage,
    unreadCount: 0,
    unreadMentionsCount: 0,
    unreadReactionsCount: 0,
    unreadPollVotesCount: 0,
    notifySettings: { _: 'peerNotifySettings' },
    pts: channel.pts,
  }
}

/** updates.getChannelDifference's answer for `viewer`. */
export function channelDifferenceToTl(
  diff: ChannelDifference,
  channel: WorldChannel,
  viewer: Viewer,
  /** The channel's newest messages, newest first (for channelDifferenceTooLong). */
  recent: () => readonly WorldMessage[],
): tl.updates.TypeChannelDifference {
  switch (diff.kind) {
    case 'empty':
      return { _: 'updates.channelDifferenceEmpty', final: true, pts: diff.pts }
    case 'difference': {
      const { users, chats } = peersToTl(viewer, diff.newMessages, { chats: [{ type: 'channel', id: channel.id }] })
      return {
        _: 'updates.channelDifference',
        final: diff.final,
        pts: diff.pts,
        newMessages: diff.newMessages.map((m) => messageToTl(m, viewer)),
        otherUpdates: [],
        chats,
        users,
      }
    }
    case 'tooLong': {
      const tail = recent()
      const { users, chats } = peersToTl(viewer, tail, { chats: [{ type: 'channel', id: channel.id }] })
      return {
        _: 'updates.channelDifferenceTooLong',
        final: true,
        dialog: channelDialog(channel, tail[0]?.id ?? 0),
        messages: tail.map((m) => messageToTl(m, viewer)),
        chats,
        users,
      }
    }
  }
}

/**
 * {@link updatesFor} as the server core's `updates` hook, startTestDc's default: pushes are built
 * by the same converter as the API's answers. A delivery without updates pushes nothing.
 */
export const apiUpdatesHook: UpdatesHook = (delivery, world) =>
  delivery.updates.length === 0 ? undefined : (updatesFor(delivery, world) as TlValue)
