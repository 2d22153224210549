import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { tl } from '@mtswarm/engine/tl'
import type { CallContext, WorldUser } from '../world/index.js'
import { apiKit, as, type ApiKit } from './api-test-kit.js'

interface Account {
  readonly user: WorldUser
  readonly ctx: CallContext
  readonly input: tl.RawInputUser
}

function trio(kit: ApiKit): { alice: Account; bob: Account; carol: Account } {
  const mk = (n: number, firstName: string): Account => {
    const user = kit.world.presetUser({ phone: `999661000${n}`, firstName, username: `${firstName.toLowerCase()}_chat` })
    return { user, ctx: kit.world.loginAs(user.id), input: { _: 'inputUser', userId: user.id, accessHash: user.accessHash } }
  }
  return { alice: mk(1, 'Alice'), bob: mk(2, 'Bob'), carol: mk(3, 'Carol') }
}

function updatesOf(u: tl.TypeUpdates): tl.TypeUpdate[] {
  return u._ === 'updates' || u._ === 'updatesCombined' ? u.updates : []
}

describe('basic groups', () => {
  test('createChat answers messages.invitedUsers; an invite link joins carol exactly once', async () => {
    const kit = apiKit()
    const { alice, bob, carol } = trio(kit)
    const created = await kit.call(alice.ctx, { _: 'messages.createChat', users: [bob.input], title: 'Webmasters' })
    assert.deepEqual(created.missingInvitees, [])
    const ups = as(created.updates, 'updates')
    const chat = as(ups.chats[0]!, 'chat')
    assert.equal(chat.title, 'Webmasters')
    assert.equal(chat.creator, true)
    assert.equal(chat.participantsCount, 2)
    const participants = as(ups.updates[0]!, 'updateChatParticipants')
    assert.deepEqual(
      as(participants.participants, 'chatParticipants').participants.map((p) => [p._, p.userId]),
      [
        ['chatParticipantCreator', alice.user.id],
        ['chatParticipant', bob.user.id],
      ],
    )
    const service = as(as(ups.updates[1]!, 'updateNewMessage').message, 'messageService')
    assert.deepEqual(service.action, { _: 'messageActionChatCreate', title: 'Webmasters', users: [bob.user.id] })
    assert.equal(ups.seq, 1)

    const peer: tl.TypeInputPeer = { _: 'inputPeerChat', chatId: chat.id }
    await kit.fails(bob.ctx, { _: 'messages.exportChatInvite', peer }, 403, 'CHAT_ADMIN_REQUIRED')
    const invite = as(await kit.call(alice.ctx, { _: 'messages.exportChatInvite', peer, usageLimit: 5 }), 'chatInviteExported')
    assert.match(invite.link, /^https:\/\/t\.me\/\+/)
    assert.equal(invite.adminId, alice.user.id)
    assert.equal(invite.usageLimit, 5)
    const hash = invite.link.slice('https://t.me/+'.length)

    const check = as(await kit.call(carol.ctx, { _: 'messages.checkChatInvite', hash }), 'chatInvite')
    assert.deepEqual([check.title, check.participantsCount, check.channel], ['Webmasters', 2, false])

    const joined = as(await kit.call(carol.ctx, { _: 'messages.importChatInvite', hash }), 'messages.chatInviteJoinResultOk')
    const joinUpdates = updatesOf(joined.updates)
    const joinMsg = as(as(joinUpdates.find((u) => u._ === 'updateNewMessage')!, 'updateNewMessage').message, 'messageService')
    assert.deepEqual(joinMsg.action, { _: 'messageActionChatJoinedByLink', inviterId: alice.user.id })
    assert.equal(joinMsg.out, true)
    await kit.fails(carol.ctx, { _: 'messages.importChatInvite', hash }, 400, 'USER_ALREADY_PARTICIPANT')
    as(await kit.call(carol.ctx, { _: 'messages.checkChatInvite', hash }), 'chatInviteAlready')

    const carolJoins = kit.world.membershipLog().filter((m) => m.userId === carol.user.id)
    assert.deepEqual(carolJoins.map((m) => [m.kind, m.via]), [['join', 'invite-link']])
    assert.deepEqual(kit.world.membersOf({ type: 'chat', id: chat.id }), [alice.user.id, bob.user.id, carol.user.id])

    // Everyone in the group sees messages posted there, in their own box.
    await kit.call(bob.ctx, { _: 'messages.sendMessage', peer, message: 'hello group', randomId: 3n })
    const carolView = await kit.call(carol.ctx, {
      _: 'messages.getHistory',
      peer,
      offsetId: 0,
      offsetDate: 0,
      addOffset: 0,
      limit: 10,
      maxId: 0,
      minId: 0,
      hash: 0n,
    })
    const texts = 'messages' in carolView ? carolView.messages.map((m) => (m._ === 'message' ? m.message : `[${m._}]`)) : []
    assert.deepEqual(texts, ['hello group', '[messageService]'])

    const full = await kit.call(carol.ctx, { _: 'messages.getFullChat', chatId: chat.id })
    const fullChat = as(full.fullChat, 'chatFull')
    assert.equal(as(fullChat.participants, 'chatParticipants').participants.length, 3)
    assert.equal(full.users.length, 3)
  })

  test('addChatUser answers invitedUsers; twice is USER_ALREADY_PARTICIPANT; deleteChatUser answers updates', async () => {
    const kit = apiKit()
    const { alice, bob, carol } = trio(kit)
    const created = await kit.call(alice.ctx, { _: 'messages.createChat', users: [bob.input], title: 'G' })
    const chatId = as(created.updates, 'updates').chats[0]!.id
    const added = await kit.call(alice.ctx, { _: 'messages.addChatUser', chatId, userId: carol.input, fwdLimit: 0 })
    const addMsg = updatesOf(added.updates).find((u) => u._ === 'updateNewMessage')
    assert.deepEqual(as(as(addMsg!, 'updateNewMessage').message, 'messageService').action, {
      _: 'messageActionChatAddUser',
      users: [carol.user.id],
    })
    await kit.fails(alice.ctx, { _: 'messages.addChatUser', chatId, userId: carol.input, fwdLimit: 0 }, 400, 'USER_ALREADY_PARTICIPANT')
    const left = await kit.call(carol.ctx, { _: 'messages.deleteChatUser', chatId, userId: { _: 'inputUserSelf' } })
    assert.ok(updatesOf(left).some((u) => u._ === 'updateChatParticipants'))
    assert.deepEqual(kit.world.membersOf({ type: 'chat', id: chatId }), [alice.user.id, bob.user.id])
  })
})

describe('channels', () => {
  test('a supergroup: create, invite, post, channel history, full channel, channel difference', async () => {
    const kit = apiKit()
    const { alice, bob, carol } = trio(kit)
    const created = as(
      await kit.call(alice.ctx, { _: 'channels.createChannel', megagroup: true, title: 'Customers', about: 'for customers' }),
      'updates',
    )
    const channel = as(created.chats[0]!, 'channel')
    assert.deepEqual([channel.megagroup, channel.broadcast, channel.creator, channel.left], [true, false, true, false])
    assert.deepEqual(created.updates.map((u) => u._), ['updateChannel', 'updateNewChannelMessage'])
    const input: tl.RawInputChannel = { _: 'inputChannel', channelId: channel.id, accessHash: channel.accessHash! }

    await kit.fails(bob.ctx, { _: 'channels.inviteToChannel', channel: { ...input, accessHash: 1n }, users: [carol.input] }, 400, 'CHANNEL_INVALID')
    const invited = await kit.call(alice.ctx, { _: 'channels.inviteToChannel', channel: input, users: [bob.input, bob.input] })
    assert.deepEqual(invited.missingInvitees, [])
    assert.deepEqual(kit.world.membersOf({ type: 'channel', id: channel.id }), [alice.user.id, bob.user.id])

    const peer: tl.TypeInputPeer = { _: 'inputPeerChannel', channelId: channel.id, accessHash: channel.accessHash! }
    const sent = as(await kit.call(bob.ctx, { _: 'messages.sendMessage', peer, message: 'hi all', randomId: 1n }), 'updates')
    const posted = as(sent.updates[1]!, 'updateNewChannelMessage')
    assert.equal(posted.pts, 3) // channelCreate, chatAddUser, this message
    assert.equal(as(posted.message, 'message').out, true)

    const hist = as(
      await kit.call(alice.ctx, { _: 'messages.getHistory', peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: 0n }),
      'messages.channelMessages',
    )
    assert.equal(hist.pts, 3)
    assert.equal(hist.count, 3)
    const top = as(hist.messages[0]!, 'message')
    assert.deepEqual([top.message, top.out], ['hi all', false])
    assert.deepEqual(top.fromId, { _: 'peerUser', userId: bob.user.id })

    await kit.fails(
      carol.ctx,
      { _: 'messages.getHistory', peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: 0n },
      406,
      'CHANNEL_PRIVATE',
    )
    const full = await kit.call(alice.ctx, { _: 'channels.getFullChannel', channel: input })
    const fullChannel = as(full.fullChat, 'channelFull')
    assert.deepEqual([fullChannel.about, fullChannel.participantsCount, fullChannel.pts], ['for customers', 2, 3])
    const got = await kit.call(alice.ctx, { _: 'channels.getChannels', id: [input, { ...input, accessHash: 2n }] })
    assert.equal(got.chats.length, 1)
    const byId = as(
      await kit.call(alice.ctx, { _: 'channels.getMessages', channel: input, id: [{ _: 'inputMessageID', id: 3 }, { _: 'inputMessageID', id: 7 }] }),
      'messages.channelMessages',
    )
    assert.deepEqual(byId.messages.map((m) => m._), ['message', 'messageEmpty'])
    assert.equal(byId.pts, 3)

    const filter: tl.TypeChannelMessagesFilter = { _: 'channelMessagesFilterEmpty' }
    const diff = as(
      await kit.call(bob.ctx, { _: 'updates.getChannelDifference', channel: input, filter, pts: 1, limit: 100 }),
      'updates.channelDifference',
    )
    assert.deepEqual([diff.final, diff.pts, diff.newMessages.length], [true, 3, 2])
    const empty = await kit.call(bob.ctx, { _: 'updates.getChannelDifference', channel: input, filter, pts: 3, limit: 100 })
    assert.deepEqual(empty, { _: 'updates.channelDifferenceEmpty', final: true, pts: 3 })

    const gone = as(await kit.call(bob.ctx, { _: 'channels.leaveChannel', channel: input }), 'updates')
    assert.ok(gone.updates.some((u) => u._ === 'updateChannel'))
    assert.equal(as(gone.chats.find((c) => c.id === channel.id)!, 'channel').left, true)
  })

  test('a broadcast channel: only admins post; joining a public one answers chatInviteJoinResultOk', async () => {
    const kit = apiKit()
    const { alice, bob } = trio(kit)
    const created = as(await kit.call(alice.ctx, { _: 'channels.createChannel', broadcast: true, title: 'News', about: '' }), 'updates')
    const channel = as(created.chats[0]!, 'channel')
    assert.equal(channel.broadcast, true)
    const input: tl.RawInputChannel = { _: 'inputChannel', channelId: channel.id, accessHash: channel.accessHash! }
    await kit.fails(bob.ctx, { _: 'channels.joinChannel', channel: input }, 406, 'CHANNEL_PRIVATE')
    await kit.call(alice.ctx, { _: 'account.updateUsername', username: 'alice_renamed' })
    kit.world.updateChannelUsername(alice.ctx, { id: channel.id }, 'news_public')
    const joined = as(await kit.call(bob.ctx, { _: 'channels.joinChannel', channel: input }), 'messages.chatInviteJoinResultOk')
    const ups = as(joined.updates, 'updates')
    assert.deepEqual(ups.updates.map((u) => u._), ['updateChannel'])
    assert.equal(as(ups.chats[0]!, 'channel').left, false)
    const peer: tl.TypeInputPeer = { _: 'inputPeerChannel', channelId: channel.id, accessHash: channel.accessHash! }
    await kit.fails(bob.ctx, { _: 'messages.sendMessage', peer, message: 'x', randomId: 1n }, 403, 'CHAT_ADMIN_REQUIRED')
    const post = as(await kit.call(alice.ctx, { _: 'messages.sendMessage', peer, message: 'news', randomId: 1n }), 'updates')
    const m = as(as(post.updates[1]!, 'updateNewChannelMessage').message, 'message')
    assert.deepEqual([m.post, m.fromId, m.out], [true, undefined, false])
    const resolved = await kit.call(bob.ctx, { _: 'contacts.resolveUsername', username: 'news_public' })
    assert.deepEqual(resolved.peer, { _: 'peerChannel', channelId: channel.id })
    assert.equal(resolved.chats.length, 1)
  })
})
