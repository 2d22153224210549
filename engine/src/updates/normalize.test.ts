// TL updates → machine items: which box and counter each update uses, the short forms widened,
// seq of updates/updatesCombined, differences, chat lanes and stable ids.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { tl } from '../tl/index.js'
import { chatOf, channelDifferenceOf, differenceOf, envelopeOf, itemOf, updateIdOf } from './normalize.js'

const SELF = 100n
const channelMsg = (channelId: bigint, id: number): tl.RawMessage => ({ _: 'message', id, peerId: { _: 'peerChannel', channelId }, date: 5, message: 'hi' })

describe('updates normalization', () => {
  test('updateShortMessage becomes updateNewMessage from the other user, in the common pts', () => {
    const inc = envelopeOf({ _: 'updateShortMessage', id: 7, userId: 42n, message: 'hello', pts: 11, ptsCount: 1, date: 9 }, SELF)
    assert.equal(inc.kind, 'envelope')
    const item = inc.kind === 'envelope' ? inc.envelope.items[0] : undefined
    assert.equal(item?.kind, 'pts')
    assert.deepEqual(item?.kind === 'pts' && [item.channelId, item.pts, item.ptsCount], [null, 11, 1])
    const u = (item as { payload: tl.RawUpdateNewMessage }).payload
    assert.equal(u._, 'updateNewMessage')
    const m = u.message as tl.RawMessage
    assert.deepEqual([m.id, m.message, m.peerId, m.fromId], [7, 'hello', { _: 'peerUser', userId: 42n }, { _: 'peerUser', userId: 42n }])
  })

  test('an outgoing short message is from self; a short chat message is in its chat', () => {
    const out = envelopeOf({ _: 'updateShortMessage', out: true, id: 1, userId: 42n, message: 'x', pts: 2, ptsCount: 1, date: 1 }, SELF)
    const m1 = ((out as any).envelope.items[0].payload as tl.RawUpdateNewMessage).message as tl.RawMessage
    assert.deepEqual(m1.fromId, { _: 'peerUser', userId: SELF })
    const chat = envelopeOf({ _: 'updateShortChatMessage', id: 3, fromId: 42n, chatId: 5n, message: 'y', pts: 3, ptsCount: 1, date: 1 }, SELF)
    const u = (chat as any).envelope.items[0].payload as tl.RawUpdateNewMessage
    assert.equal(chatOf(u), 'chat:5')
  })

  test('channel updates count in their channel; qts updates in qts; others are plain', () => {
    assert.deepEqual(itemOf({ _: 'updateNewChannelMessage', message: channelMsg(9n, 4), pts: 20, ptsCount: 1 }), {
      kind: 'pts',
      channelId: 9n,
      pts: 20,
      ptsCount: 1,
      payload: { _: 'updateNewChannelMessage', message: channelMsg(9n, 4), pts: 20, ptsCount: 1 },
    })
    assert.equal((itemOf({ _: 'updateDeleteChannelMessages', channelId: 9n, messages: [1], pts: 21, ptsCount: 1 }) as any).channelId, 9n)
    assert.equal((itemOf({ _: 'updateDeleteMessages', messages: [1], pts: 21, ptsCount: 1 }) as any).channelId, null)
    assert.equal(itemOf({ _: 'updateBotStopped', userId: 1n, date: 1, stopped: true, qts: 4 }).kind, 'qts')
    assert.equal(itemOf({ _: 'updateUserStatus', userId: 1n, status: { _: 'userStatusEmpty' } }).kind, 'plain')
    assert.deepEqual(itemOf({ _: 'updateChannelTooLong', channelId: 9n, pts: 30 }), { kind: 'channelTooLong', channelId: 9n, pts: 30 })
  })

  test('seq: updates carries seq, updatesCombined seq_start..seq, short forms none; updatesTooLong is too long', () => {
    const u = envelopeOf({ _: 'updates', updates: [], users: [], chats: [], date: 1, seq: 8 }, SELF)
    assert.deepEqual(u.kind === 'envelope' && [u.envelope.seqStart, u.envelope.seq], [0, 8])
    const c = envelopeOf({ _: 'updatesCombined', updates: [], users: [], chats: [], date: 1, seqStart: 5, seq: 8 }, SELF)
    assert.deepEqual(c.kind === 'envelope' && [c.envelope.seqStart, c.envelope.seq], [5, 8])
    assert.deepEqual(envelopeOf({ _: 'updatesTooLong' }, SELF), { kind: 'tooLong' })
  })

  test('a difference puts new messages first, its common updates as plain, and keeps channel updates in their boxes', () => {
    const d = differenceOf({
      _: 'updates.difference',
      newMessages: [{ _: 'message', id: 1, peerId: { _: 'peerUser', userId: 42n }, date: 1, message: 'a' }],
      newEncryptedMessages: [],
      otherUpdates: [
        { _: 'updateReadHistoryInbox', peer: { _: 'peerUser', userId: 42n }, maxId: 1, stillUnreadCount: 0, pts: 12, ptsCount: 1 },
        { _: 'updateNewChannelMessage', message: channelMsg(9n, 4), pts: 20, ptsCount: 1 },
      ],
      chats: [],
      users: [],
      state: { _: 'updates.state', pts: 12, qts: 0, date: 3, seq: 1, unreadCount: 0 },
    })
    assert.equal(d.kind, 'difference')
    assert.deepEqual(d.kind === 'difference' && d.items.map((i) => i.kind), ['plain', 'plain', 'pts'])
    assert.deepEqual(d.kind === 'difference' && d.state, { pts: 12, qts: 0, seq: 1, date: 3 })
  })

  test('channelDifferenceTooLong: messages oldest first, pts from the dialog', () => {
    const a = channelDifferenceOf({
      _: 'updates.channelDifferenceTooLong',
      final: true,
      dialog: { _: 'dialog', peer: { _: 'peerChannel', channelId: 9n }, topMessage: 5, readInboxMaxId: 5, readOutboxMaxId: 5, unreadCount: 0, unreadMentionsCount: 0, unreadReactionsCount: 0, unreadPollVotesCount: 0, notifySettings: { _: 'peerNotifySettings' }, pts: 77 } as tl.TypeDialog,
      messages: [channelMsg(9n, 5), channelMsg(9n, 4)],
      chats: [],
      users: [],
    })
    assert.equal(a.kind, 'tooLong')
    assert.equal(a.kind === 'tooLong' && a.pts, 77)
    assert.deepEqual(a.kind === 'tooLong' && a.items.map((i: any) => i.payload.message.id), [4, 5])
  })

  test('a message has the same id pushed short and repeated by a difference', () => {
    const pushed = (envelopeOf({ _: 'updateShortMessage', id: 7, userId: 42n, message: 'hello', pts: 11, ptsCount: 1, date: 9 }, SELF) as any).envelope.items[0].payload
    const diff = differenceOf({
      _: 'updates.difference',
      newMessages: [{ _: 'message', id: 7, peerId: { _: 'peerUser', userId: 42n }, date: 9, message: 'hello' }],
      newEncryptedMessages: [],
      otherUpdates: [],
      chats: [],
      users: [],
      state: { _: 'updates.state', pts: 11, qts: 0, date: 9, seq: 0, unreadCount: 0 },
    })
    const repeated = (diff as any).items[0].payload
    assert.equal(updateIdOf('acc', pushed, 'x'), updateIdOf('acc', repeated, 'y'))
    assert.equal(updateIdOf('acc', pushed, 'x'), 'acc/user:42/msg7')
  })
})
