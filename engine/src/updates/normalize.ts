// TL updates as the updates machine sees them: every form of Updates (updateShort*, updates,
// updatesCombined; pushed or inside an RPC result) becomes one envelope of items counted in pts,
// qts or nothing, and the differences become the machine's answers. The short message forms are
// widened to updateNewMessage so handlers meet one shape. Pure: no I/O, no clock.
// https://core.telegram.org/api/updates
import type { ChannelDifferenceAnswer, DifferenceAnswer, UpdateItem, UpdatesEnvelope } from '@mtswarm/machines'
import type { tl } from '../tl/index.js'

/** Constructors of the Updates type (what a push, or an RPC result of type Updates, can be). */
export const UPDATES_CONSTRUCTORS: ReadonlySet<string> = new Set([
  'updatesTooLong',
  'updateShortMessage',
  'updateShortChatMessage',
  'updateShort',
  'updatesCombined',
  'updates',
  'updateShortSentMessage',
])

/** True for an object of TL type Updates. */
export function isUpdates(value: unknown): value is tl.TypeUpdates {
  return typeof value === 'object' && value !== null && UPDATES_CONSTRUCTORS.has((value as { _?: unknown })._ as string)
}

/** Updates counted in a channel's pts (the others with pts count in the common box). */
const CHANNEL_PTS_UPDATES: ReadonlySet<string> = new Set([
  'updateNewChannelMessage',
  'updateEditChannelMessage',
  'updateDeleteChannelMessages',
  'updateChannelWebPage',
  'updatePinnedChannelMessages',
])

/** The channel a channel update belongs to (its channelId, or its message's peer). */
function channelOf(u: Record<string, any>): bigint | null {
  if (typeof u.channelId === 'bigint') return u.channelId
  const peer = u.message?.peerId
  return peer?._ === 'peerChannel' ? (peer.channelId as bigint) : null
}

/** One TL update as a machine item: by the fields it carries (pts + pts_count, qts) and its kind. */
export function itemOf(update: tl.TypeUpdate): UpdateItem {
  const u = update as Record<string, any>
  if (update._ === 'updateChannelTooLong') return { kind: 'channelTooLong', channelId: update.channelId, pts: update.pts ?? null }
  if (typeof u.pts === 'number' && typeof u.ptsCount === 'number') {
    const channelId = CHANNEL_PTS_UPDATES.has(update._) ? channelOf(u) : null
    return { kind: 'pts', channelId, pts: u.pts, ptsCount: u.ptsCount, payload: update }
  }
  if (typeof u.qts === 'number' && u.qts > 0) return { kind: 'qts', qts: u.qts, payload: update }
  return { kind: 'plain', payload: update }
}

/** What one Updates object is for the machine: an envelope, or "too long: fetch the difference". */
export type Incoming = { readonly kind: 'envelope'; readonly envelope: UpdatesEnvelope } | { readonly kind: 'tooLong' }

/**
 * One Updates object as an envelope. `selfId`: the account's user id (the short private forms
 * name only the other side). updateShortSentMessage (the answer to our own send) counts in pts
 * and is delivered as it is: it carries no text.
 */
export function envelopeOf(updates: tl.TypeUpdates, selfId: bigint): Incoming {
  switch (updates._) {
    case 'updatesTooLong':
      return { kind: 'tooLong' }
    case 'updateShortMessage':
    case 'updateShortChatMessage': {
      const update = widenShort(updates, selfId)
      return { kind: 'envelope', envelope: { items: [itemOf(update)], seq: 0, seqStart: 0, date: updates.date } }
    }
    case 'updateShortSentMessage':
      return {
        kind: 'envelope',
        envelope: { items: [{ kind: 'pts', channelId: null, pts: updates.pts, ptsCount: updates.ptsCount, payload: updates }], seq: 0, seqStart: 0, date: updates.date },
      }
    case 'updateShort':
      return { kind: 'envelope', envelope: { items: [itemOf(updates.update)], seq: 0, seqStart: 0, date: updates.date } }
    case 'updates':
      return { kind: 'envelope', envelope: { items: updates.updates.map(itemOf), seq: updates.seq, seqStart: 0, date: updates.date } }
    case 'updatesCombined':
      return { kind: 'envelope', envelope: { items: updates.updates.map(itemOf), seq: updates.seq, seqStart: updates.seqStart, date: updates.date } }
  }
}

/** updateShortMessage / updateShortChatMessage as the updateNewMessage they stand for. */
export function widenShort(short: tl.RawUpdateShortMessage | tl.RawUpdateShortChatMessage, selfId: bigint): tl.RawUpdateNewMessage {
  // NB: built field by field, no spreads: this runs for most private messages.
  const m: { -readonly [K in keyof tl.RawMessage]: tl.RawMessage[K] } =
    short._ === 'updateShortMessage'
      ? {
          _: 'message',
          id: short.id,
          peerId: { _: 'peerUser', userId: short.userId },
          fromId: { _: 'peerUser', userId: short.out === true ? selfId : short.userId },
          date: short.date,
          message: short.message,
        }
      : { _: 'message', id: short.id, peerId: { _: 'peerChat', chatId: short.chatId }, fromId: { _: 'peerUser', userId: short.fromId }, date: short.date, message: short.message }
  if (short.out === true) m.out = true
  if (short.mentioned === true) m.mentioned = true
  if (short.mediaUnread === true) m.mediaUnread = true
  if (short.silent === true) m.silent = true
  if (short.fwdFrom !== undefined) m.fwdFrom = short.fwdFrom
  if (short.viaBotId !== undefined) m.viaBotId = short.viaBotId
  if (short.replyTo !== undefined) m.replyTo = short.replyTo
  if (short.entities !== undefined) m.entities = short.entities
  if (short.ttlPeriod !== undefined) m.ttlPeriod = short.ttlPeriod
  return { _: 'updateNewMessage', message: m, pts: short.pts, ptsCount: short.ptsCount }
}

/** updates.getDifference's answer for the machine: new messages first (as updateNewMessage), then the others. */
export function differenceOf(d: tl.updates.TypeDifference): DifferenceAnswer {
  switch (d._) {
    case 'updates.differenceEmpty':
      return { kind: 'empty', date: d.date, seq: d.seq }
    case 'updates.differenceTooLong':
      return { kind: 'tooLong', pts: d.pts }
    case 'updates.difference':
    case 'updates.differenceSlice': {
      const s = d._ === 'updates.difference' ? d.state : d.intermediateState
      const state = { pts: s.pts, qts: s.qts, seq: s.seq, date: s.date }
      const items: UpdateItem[] = [
        ...d.newMessages.map((m): UpdateItem => ({ kind: 'plain', payload: asNewMessage(m) })),
        ...d.otherUpdates.map(itemOfDifference),
      ]
      return { kind: d._ === 'updates.difference' ? 'difference' : 'slice', items, state }
    }
  }
}

/** Inside a difference only channel items keep their boxes; common ones are covered by its state. */
function itemOfDifference(update: tl.TypeUpdate): UpdateItem {
  const item = itemOf(update)
  if (item.kind === 'channelTooLong' || (item.kind === 'pts' && item.channelId !== null)) return item
  return { kind: 'plain', payload: update }
}

/** updates.getChannelDifference's answer for the machine. */
export function channelDifferenceOf(d: tl.updates.TypeChannelDifference): ChannelDifferenceAnswer {
  switch (d._) {
    case 'updates.channelDifferenceEmpty':
      return { kind: 'empty', pts: d.pts }
    case 'updates.channelDifference':
      return {
        kind: 'difference',
        pts: d.pts,
        final: d.final === true,
        items: [
          ...d.newMessages.map((m): UpdateItem => ({ kind: 'plain', payload: asNewChannelMessage(m) })),
          ...d.otherUpdates.map((u): UpdateItem => ({ kind: 'plain', payload: u })),
        ],
      }
    case 'updates.channelDifferenceTooLong': {
      const dialog = d.dialog as { pts?: number }
      return {
        kind: 'tooLong',
        pts: dialog.pts ?? 0,
        items: [...d.messages].reverse().map((m): UpdateItem => ({ kind: 'plain', payload: asNewChannelMessage(m) })),
      }
    }
  }
}

// NB: a difference's messages carry no pts of their own; 0 marks "positioned by the difference".
function asNewMessage(message: tl.TypeMessage): tl.RawUpdateNewMessage {
  return { _: 'updateNewMessage', message, pts: 0, ptsCount: 0 }
}
function asNewChannelMessage(message: tl.TypeMessage): tl.RawUpdateNewChannelMessage {
  return { _: 'updateNewChannelMessage', message, pts: 0, ptsCount: 0 }
}

/**
 * The chat an update belongs to, as a lane key: 'user:ID', 'chat:ID', 'channel:ID', or 'account'
 * for updates of no chat. Updates of one chat reach handlers strictly in order.
 */
export function chatOf(update: unknown): string {
  const u = update as Record<string, any>
  if (u._ === 'updateShortSentMessage') return 'account'
  const peer = u.message?.peerId ?? u.peer
  if (peer !== undefined) {
    switch (peer._) {
      case 'peerUser':
        return `user:${peer.userId}`
      case 'peerChat':
        return `chat:${peer.chatId}`
      case 'peerChannel':
        return `channel:${peer.channelId}`
    }
  }
  if (typeof u.channelId === 'bigint') return `channel:${u.channelId}`
  if (typeof u.chatId === 'bigint') return `chat:${u.chatId}`
  return 'account'
}

/**
 * A stable id for an update, the same whether it came pushed or in a difference: messages by
 * (chat, message id), other updates by their own pts or qts in their box, else by the position
 * of the box when it was applied.
 */
export function updateIdOf(accountId: string, update: unknown, position: string): string {
  const u = update as Record<string, any>
  const m = u.message
  if (m !== undefined && typeof m.id === 'number' && (u._ === 'updateNewMessage' || u._ === 'updateNewChannelMessage')) {
    return `${accountId}/${chatOf(update)}/msg${m.id}`
  }
  if (u._ === 'updateShortSentMessage') return `${accountId}/sent/msg${u.id}`
  if (typeof u.pts === 'number' && u.pts > 0) {
    const box = CHANNEL_PTS_UPDATES.has(u._) ? `channel:${channelOf(u)}` : 'common'
    return `${accountId}/${box}/pts${u.pts}/${u._}`
  }
  if (typeof u.qts === 'number' && u.qts > 0) return `${accountId}/qts${u.qts}/${u._}`
  return `${accountId}/${position}/${u._}`
}
