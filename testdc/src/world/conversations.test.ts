import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { World } from './world.js'
import { throwsWorldError } from '../testing/world-errors.js'
import { seededRandom } from './seeded-random.js'
import type { CallContext, UpdateDelivery, WorldUser } from './types.js'

const START_MS = 1_700_000_000_000

/** A world with three users logged in on their home DC, recording every delivery. */
function setup(seed = 'conv') {
  const time = { ms: START_MS }
  const world = new World({ clock: () => time.ms, random: seededRandom(seed) })
  const deliveries: UpdateDelivery[] = []
  world.onUpdates((d) => deliveries.push(d))
  const mk = (n: number): { user: WorldUser; ctx: CallContext } => {
    const user = world.presetUser({ phone: `999661000${n}`, firstName: `User${n}`, username: `user_${n}_x` })
    return { user, ctx: world.loginAs(user.id) }
  }
  return { world, time, deliveries, alice: mk(1), bob: mk(2), carol: mk(3) }
}

describe('private messages', () => {
  test('each side gets its own copy, id and pts; a retried randomId changes nothing', () => {
    const { world, deliveries, alice, bob } = setup()
    const first = world.sendMessage(alice.ctx, { type: 'user', id: bob.user.id, accessHash: bob.user.accessHash }, 'hi', 42n)
    assert.equal(first.duplicate, false)
    assert.equal(first.message.id, 1)
    assert.equal(first.pts, 2) // a new user starts at pts 1 (INITIAL_USER_PTS)
    assert.deepEqual(
      deliveries.map((d) => d.userId),
      [alice.user.id, bob.user.id],
    )
    const bobUpdate = deliveries[1]?.updates[0]
    assert.ok(bobUpdate?.kind === 'newMessage')
    assert.equal(bobUpdate.message.out, false)
    assert.equal(bobUpdate.message.text, 'hi')
    assert.deepEqual(bobUpdate.message.peer, { type: 'user', id: alice.user.id })
    assert.deepEqual(deliveries[0]?.origin, alice.ctx)

    const retry = world.sendMessage(alice.ctx, { type: 'user', id: bob.user.id }, 'hi', 42n)
    assert.equal(retry.duplicate, true)
    assert.equal(retry.message, first.message)
    assert.equal(deliveries.length, 2)
    assert.equal(world.messagesCount(), 1)
    throwsWorldError(() => world.sendMessage(alice.ctx, { type: 'user', id: alice.user.id }, 'hi', 42n), 500, 'RANDOM_ID_DUPLICATE')

    world.sendMessage(bob.ctx, { type: 'user', id: alice.user.id }, 'hello', 42n) // another sender may reuse it
    assert.equal(world.getState(alice.ctx).pts, 3)
    assert.equal(world.getState(bob.ctx).pts, 3)
    assert.deepEqual(
      world.getHistory(alice.ctx, { type: 'user', id: bob.user.id }).map((m) => [m.id, m.text]),
      [
        [2, 'hello'],
        [1, 'hi'],
      ],
    )
    assert.deepEqual(world.assertNoDuplicateMessages(), [])
    assert.deepEqual(world.checkInvariants(), [])
  })

  test('errors: MESSAGE_EMPTY, MESSAGE_TOO_LONG, PEER_ID_INVALID, AUTH_KEY_UNREGISTERED', () => {
    const { world, alice, bob } = setup()
    const toBob = { type: 'user', id: bob.user.id } as const
    throwsWorldError(() => world.sendMessage(alice.ctx, toBob, '  ', 1n), 400, 'MESSAGE_EMPTY')
    throwsWorldError(() => world.sendMessage(alice.ctx, toBob, 'x'.repeat(4097), 2n), 400, 'MESSAGE_TOO_LONG')
    throwsWorldError(() => world.sendMessage(alice.ctx, { type: 'user', id: 1n }, 'x', 3n), 400, 'PEER_ID_INVALID')
    throwsWorldError(() => world.sendMessage(alice.ctx, { ...toBob, accessHash: bob.user.accessHash + 1n }, 'x', 4n), 400, 'PEER_ID_INVALID')
    throwsWorldError(() => world.sendMessage({ dcId: 1, authKeyId: 1n }, toBob, 'x', 5n), 401, 'AUTH_KEY_UNREGISTERED')
    assert.equal(world.messagesCount(), 0)
  })

  test('messages to self land once, in Saved Messages', () => {
    const { world, deliveries, alice } = setup()
    world.sendMessage(alice.ctx, { type: 'user', id: alice.user.id }, 'note', 9n)
    assert.equal(deliveries.length, 1)
    assert.equal(world.boxOf(alice.user.id).length, 1)
    assert.equal(world.getState(alice.ctx).pts, 2)
  })
})

describe('basic groups and invite links', () => {
  test('createChat: every member gets the service message and the participants', () => {
    const { world, deliveries, alice, bob, carol } = setup()
    const chat = world.createChat(alice.ctx, 'webmasters', [{ id: bob.user.id }])
    assert.deepEqual(world.membersOf({ type: 'chat', id: chat.id }), [alice.user.id, bob.user.id])
    assert.deepEqual(
      deliveries.map((d) => d.userId),
      [alice.user.id, bob.user.id],
    )
    for (const d of deliveries) {
      assert.deepEqual(
        d.updates.map((u) => u.kind),
        ['chatParticipants', 'newMessage'],
      )
      assert.equal(d.seq, 1)
    }
    assert.equal(world.boxOf(carol.user.id).length, 0)
    throwsWorldError(() => world.createChat(alice.ctx, ' ', []), 400, 'CHAT_TITLE_EMPTY')
    throwsWorldError(() => world.createChat(alice.ctx, 't', [{ id: 77n }]), 400, 'USER_ID_INVALID')
  })

  test('invite link: only admins export it; joining works exactly once', () => {
    const { world, deliveries, alice, bob, carol } = setup()
    const chat = world.createChat(alice.ctx, 'customers', [{ id: bob.user.id }])
    const peer = { type: 'chat', id: chat.id } as const
    throwsWorldError(() => world.exportChatInvite(bob.ctx, peer), 403, 'CHAT_ADMIN_REQUIRED')
    throwsWorldError(() => world.exportChatInvite(carol.ctx, peer), 400, 'PEER_ID_INVALID')
    const invite = world.exportChatInvite(alice.ctx, peer)
    assert.equal(invite.link, `https://t.me/+${invite.hash}`)
    const check = world.checkChatInvite(carol.ctx, invite.hash)
    assert.ok(check.kind === 'invite')
    assert.equal(check.title, 'customers')
    assert.equal(check.participantsCount, 2)

    deliveries.length = 0
    assert.deepEqual(world.importChatInvite(carol.ctx, invite.hash), peer)
    assert.deepEqual(
      deliveries.map((d) => d.userId).sort(),
      [alice.user.id, bob.user.id, carol.user.id].sort(),
    )
    // Each member learns of the one new member (updateChatParticipantAdd), not the whole list, and
    // the users that go with it are the joiner and the inviter (and the recipient's own box owner).
    for (const d of deliveries) {
      const [add, msg] = d.updates
      assert.ok(add?.kind === 'chatParticipantAdd' && msg?.kind === 'newMessage', d.updates.map((u) => u.kind).join())
      assert.deepEqual([add.chatId, add.userId, add.inviterId, add.version], [chat.id, carol.user.id, alice.user.id, chat.version])
      const users = world.peersOf(d.updates).users.map((u) => u.id)
      assert.ok(users.every((id) => id === alice.user.id || id === carol.user.id || id === d.userId), String(users))
    }
    throwsWorldError(() => world.importChatInvite(carol.ctx, invite.hash), 400, 'USER_ALREADY_PARTICIPANT')
    assert.equal(world.checkChatInvite(carol.ctx, invite.hash).kind, 'already')
    assert.equal(world.joinsOf(peer), 3)
    assert.deepEqual(world.membersOf(peer), [alice.user.id, bob.user.id, carol.user.id])
    const joined = world.getHistory(carol.ctx, peer)[0]
    assert.deepEqual(joined?.action, { type: 'chatJoinedByLink', inviterId: alice.user.id })
    throwsWorldError(() => world.addChatUser(alice.ctx, chat.id, { id: carol.user.id }), 400, 'USER_ALREADY_PARTICIPANT')
    assert.deepEqual(world.checkInvariants(), [])
  })

  test('invite hashes: EMPTY, INVALID, EXPIRED by date, by usage limit and by revocation', () => {
    const { world, time, alice, bob, carol } = setup()
    const chat = world.createChat(alice.ctx, 'g', [])
    const peer = { type: 'chat', id: chat.id } as const
    throwsWorldError(() => world.importChatInvite(bob.ctx, ''), 400, 'INVITE_HASH_EMPTY')
    throwsWorldError(() => world.importChatInvite(bob.ctx, 'nope'), 400, 'INVITE_HASH_INVALID')
    const dated = world.exportChatInvite(alice.ctx, peer, { expireDate: world.now() + 60 })
    const once = world.exportChatInvite(alice.ctx, peer, { usageLimit: 1 })
    const revoked = world.exportChatInvite(alice.ctx, peer)
    world.revokeChatInvite(alice.ctx, revoked.hash)
    throwsWorldError(() => world.importChatInvite(bob.ctx, revoked.hash), 400, 'INVITE_HASH_EXPIRED')
    world.importChatInvite(bob.ctx, once.hash)
    throwsWorldError(() => world.importChatInvite(carol.ctx, once.hash), 400, 'INVITE_HASH_EXPIRED')
    time.ms += 61_000
    throwsWorldError(() => world.importChatInvite(carol.ctx, dated.hash), 400, 'INVITE_HASH_EXPIRED')
    assert.deepEqual(world.membersOf(peer), [alice.user.id, bob.user.id])
  })

  test('group messages fan out to members only, each with its own id and pts', () => {
    const { world, deliveries, alice, bob, carol } = setup()
    world.sendMessage(bob.ctx, { type: 'user', id: carol.user.id }, 'side', 1n) // bob's and carol's ids move on
    const chat = world.createChat(alice.ctx, 'g', [{ id: bob.user.id }])
    const peer = { type: 'chat', id: chat.id } as const
    throwsWorldError(() => world.sendMessage(carol.ctx, peer, 'x', 2n), 403, 'CHAT_WRITE_FORBIDDEN')
    deliveries.length = 0
    const sent = world.sendMessage(alice.ctx, peer, 'to all', 3n)
    assert.deepEqual(
      deliveries.map((d) => d.userId),
      [alice.user.id, bob.user.id],
    )
    const ids = deliveries.map((d) => (d.updates[0]?.kind === 'newMessage' ? [d.updates[0].message.id, d.updates[0].pts] : []))
    assert.deepEqual(ids, [
      [2, 3],
      [3, 4],
    ])
    assert.equal(sent.message.id, 2)
    assert.equal(deliveries.every((d) => d.seq === 0), true)
    assert.equal(world.messagesCount(peer), 1)
  })
})

describe('channels and supergroups', () => {
  test('a supergroup: invite, messages with the channel pts, getChannelDifference', () => {
    const { world, deliveries, alice, bob, carol } = setup()
    const sg = world.createChannel(alice.ctx, { title: 'karma 1000+', megagroup: true })
    const ref = { id: sg.id, accessHash: sg.accessHash }
    const peer = { type: 'channel', id: sg.id } as const
    assert.equal(sg.pts, 1) // channelCreate
    assert.deepEqual(world.inviteToChannel(alice.ctx, ref, [{ id: bob.user.id }, { id: bob.user.id }]), [bob.user.id])
    assert.deepEqual(world.inviteToChannel(alice.ctx, ref, [{ id: bob.user.id }]), [])
    throwsWorldError(() => world.inviteToChannel(carol.ctx, ref, [{ id: carol.user.id }]), 406, 'CHANNEL_PRIVATE')
    throwsWorldError(() => world.inviteToChannel(alice.ctx, { id: sg.id, accessHash: 1n }, []), 400, 'CHANNEL_INVALID')
    deliveries.length = 0
    const sent = world.sendMessage(bob.ctx, peer, 'hello sg', 5n)
    assert.equal(sent.pts, 3)
    assert.equal(sent.message.id, 3)
    assert.deepEqual(
      deliveries.map((d) => [d.userId, d.updates[0]?.kind]),
      [
        [alice.user.id, 'newChannelMessage'],
        [bob.user.id, 'newChannelMessage'],
      ],
    )
    // Channel messages do not move the members' own pts.
    assert.equal(world.getState(bob.ctx).pts, 1)
    const diff = world.getChannelDifference(bob.ctx, ref, 1)
    assert.ok(diff.kind === 'difference')
    assert.deepEqual(
      diff.newMessages.map((m) => m.id),
      [2, 3],
    )
    assert.equal(diff.pts, 3)
    assert.equal(world.getChannelDifference(bob.ctx, ref, 3).kind, 'empty')
    throwsWorldError(() => world.getChannelDifference(carol.ctx, ref, 0), 406, 'CHANNEL_PRIVATE')
    assert.deepEqual(world.checkInvariants(), [])
  })

  test('a broadcast channel: only admins post and invite; public join by username', () => {
    const { world, alice, bob, carol } = setup()
    const ch = world.createChannel(alice.ctx, { title: 'news' })
    const peer = { type: 'channel', id: ch.id } as const
    const invite = world.exportChatInvite(alice.ctx, peer)
    world.importChatInvite(bob.ctx, invite.hash)
    throwsWorldError(() => world.sendMessage(bob.ctx, peer, 'x', 1n), 403, 'CHAT_ADMIN_REQUIRED')
    throwsWorldError(() => world.inviteToChannel(bob.ctx, ch, [{ id: carol.user.id }]), 403, 'CHAT_ADMIN_REQUIRED')
    const post = world.sendMessage(alice.ctx, peer, 'post', 2n)
    assert.ok(post.message.box === 'channel' && post.message.post)
    assert.equal(post.message.fromId, undefined)
    throwsWorldError(() => world.joinChannel(carol.ctx, ch), 406, 'CHANNEL_PRIVATE')
    world.updateChannelUsername(alice.ctx, ch, 'karma_news')
    const resolved = world.resolveUsername(carol.ctx, '@Karma_News')
    assert.deepEqual(resolved.peer, peer)
    world.joinChannel(carol.ctx, ch)
    throwsWorldError(() => world.joinChannel(carol.ctx, ch), 400, 'USER_ALREADY_PARTICIPANT')
    assert.equal(world.joinsOf(peer), 3)
    assert.deepEqual(world.checkInvariants(), [])
  })
})

describe('users', () => {
  test('getUsers, getFullUser, resolveUsername and their errors', () => {
    const { world, alice, bob } = setup()
    assert.deepEqual(
      world.getUsers(alice.ctx, [{ id: bob.user.id }, { id: 5n }, { id: alice.user.id, accessHash: 1n }]).map((u) => u.id),
      [bob.user.id],
    )
    world.createChat(alice.ctx, 'g', [{ id: bob.user.id }])
    assert.equal(world.getFullUser(alice.ctx, { id: bob.user.id }).commonChatsCount, 1)
    throwsWorldError(() => world.getFullUser(alice.ctx, { id: 5n }), 400, 'USER_ID_INVALID')
    assert.equal(world.resolveUsername(alice.ctx, 'USER_2_X').user?.id, bob.user.id)
    throwsWorldError(() => world.resolveUsername(alice.ctx, 'nobody_here'), 400, 'USERNAME_NOT_OCCUPIED')
    throwsWorldError(() => world.resolveUsername(alice.ctx, 'a b'), 400, 'USERNAME_INVALID')
    throwsWorldError(() => world.updateUsername(alice.ctx, 'user_2_x'), 400, 'USERNAME_OCCUPIED')
    assert.deepEqual(
      world.importContacts(alice.ctx, ['+999 66 1000 2', '15550000000', '9996610002']).map((u) => u.id),
      [bob.user.id],
    )
    world.updateUsername(alice.ctx, 'alice_new')
    throwsWorldError(() => world.resolveUsername(bob.ctx, 'user_1_x'), 400, 'USERNAME_NOT_OCCUPIED')
    assert.equal(world.resolveUsername(bob.ctx, 'alice_new').user?.id, alice.user.id)
  })
})

describe('getDifference', () => {
  test('returns what happened since the client\'s pts, then empty', () => {
    const { world, alice, bob } = setup()
    const before = world.getState(bob.ctx)
    world.sendMessage(alice.ctx, { type: 'user', id: bob.user.id }, 'one', 1n)
    const chat = world.createChat(alice.ctx, 'g', [{ id: bob.user.id }])
    world.sendMessage(alice.ctx, { type: 'chat', id: chat.id }, 'two', 2n)
    const diff = world.getDifference(bob.ctx, before)
    assert.ok(diff.kind === 'difference')
    assert.deepEqual(
      diff.newMessages.map((m) => m.text),
      ['one', '', 'two'],
    )
    assert.deepEqual(
      diff.otherUpdates.map((u) => u.kind),
      ['chatParticipants'],
    )
    assert.equal(diff.state.pts, 4)
    assert.equal(diff.state.seq, 1)
    assert.equal(world.getDifference(bob.ctx, diff.state).kind, 'empty')
  })

  test('slices past the limit and answers tooLong once the log no longer reaches back', () => {
    const time = { ms: START_MS }
    const world = new World({ clock: () => time.ms, random: seededRandom('small'), updateLogLimit: 10 })
    const a = world.presetUser({ phone: '9996610001', firstName: 'A' })
    const b = world.presetUser({ phone: '9996610002', firstName: 'B' })
    const actx = world.loginAs(a.id)
    const bctx = world.loginAs(b.id)
    for (let i = 1; i <= 8; i++) world.sendMessage(actx, { type: 'user', id: b.id }, `m${i}`, BigInt(i))
    const slice = world.getDifference(bctx, { pts: 1, date: 0, qts: 0 }, 5) // a new user's pts
    assert.ok(slice.kind === 'slice')
    assert.equal(slice.newMessages.length, 5)
    assert.equal(slice.state.pts, 6)
    const rest = world.getDifference(bctx, slice.state, 5)
    assert.ok(rest.kind === 'difference')
    assert.deepEqual(
      rest.newMessages.map((m) => m.text),
      ['m6', 'm7', 'm8'],
    )
    for (let i = 9; i <= 14; i++) world.sendMessage(actx, { type: 'user', id: b.id }, `m${i}`, BigInt(i))
    assert.deepEqual(world.getDifference(bctx, { pts: 4, date: 0, qts: 0 }), { kind: 'tooLong', pts: 15 })
    const recent = world.getDifference(bctx, { pts: 5, date: 0, qts: 0 })
    assert.ok(recent.kind === 'difference')
    assert.equal(recent.newMessages.length, 10)
    assert.deepEqual(world.checkInvariants(), [])
  })
})

describe('determinism', () => {
  function script(seed: string) {
    const { world, alice, bob } = setup(seed)
    const chat = world.createChat(alice.ctx, 'g', [{ id: bob.user.id }])
    const invite = world.exportChatInvite(alice.ctx, { type: 'chat', id: chat.id })
    const ch = world.createChannel(alice.ctx, { title: 'c', megagroup: true })
    const sent = world.sendCode({ dcId: 1, authKeyId: 3n }, '15550009999')
    return {
      ids: [alice.user.id, bob.user.id, chat.id, ch.id],
      hashes: [alice.user.accessHash, bob.user.accessHash, ch.accessHash],
      invite: invite.hash,
      code: [sent.phoneCodeHash, world.lastCodeFor('15550009999')],
    }
  }

  test('the same seed gives the same ids, hashes and codes; another seed other hashes', () => {
    assert.deepEqual(script('s1'), script('s1'))
    const a = script('s1')
    const b = script('s2')
    assert.deepEqual(a.ids, b.ids)
    assert.notDeepEqual(a.hashes, b.hashes)
    assert.notEqual(a.invite, b.invite)
  })
})

describe('leaving and rejoining', () => {
  test('kick needs an admin; the removed user gets the service message; rejoin by link counts a second join', () => {
    const { world, deliveries, alice, bob, carol } = setup()
    const chat = world.createChat(alice.ctx, 'g', [{ id: bob.user.id }, { id: carol.user.id }])
    const peer = { type: 'chat', id: chat.id } as const
    throwsWorldError(() => world.deleteChatUser(bob.ctx, chat.id, { id: carol.user.id }), 403, 'CHAT_ADMIN_REQUIRED')
    deliveries.length = 0
    world.deleteChatUser(alice.ctx, chat.id, { id: carol.user.id })
    assert.deepEqual(world.membersOf(peer), [alice.user.id, bob.user.id])
    assert.ok(deliveries.some((d) => d.userId === carol.user.id))
    const participants = deliveries[0]?.updates[0]
    assert.ok(participants?.kind === 'chatParticipants')
    assert.deepEqual(
      participants.participants.map((p) => p.userId),
      [alice.user.id, bob.user.id],
    )
    throwsWorldError(() => world.deleteChatUser(alice.ctx, chat.id, { id: carol.user.id }), 400, 'USER_NOT_PARTICIPANT')
    throwsWorldError(() => world.sendMessage(carol.ctx, peer, 'x', 1n), 403, 'CHAT_WRITE_FORBIDDEN')
    const invite = world.exportChatInvite(alice.ctx, peer)
    world.importChatInvite(carol.ctx, invite.hash)
    world.deleteChatUser(bob.ctx, chat.id, { id: bob.user.id }) // leaving needs no admin
    assert.equal(world.joinsOf(peer), 4)
    assert.deepEqual(world.membersOf(peer), [alice.user.id, carol.user.id])
    assert.deepEqual(
      world.membershipLog().filter((m) => m.userId === carol.user.id).map((m) => `${m.kind}:${m.via}`),
      ['join:create', 'leave:kick', 'join:invite-link'],
    )
    assert.deepEqual(world.checkInvariants(), [])
  })

  test('leaveChannel, then joinChannel again for a public supergroup', () => {
    const { world, alice, bob } = setup()
    const sg = world.createChannel(alice.ctx, { title: 'open', megagroup: true })
    world.updateChannelUsername(alice.ctx, sg, 'open_group')
    world.joinChannel(bob.ctx, sg)
    world.leaveChannel(bob.ctx, sg)
    throwsWorldError(() => world.leaveChannel(bob.ctx, sg), 400, 'USER_NOT_PARTICIPANT')
    world.joinChannel(bob.ctx, sg)
    assert.deepEqual(world.membersOf({ type: 'channel', id: sg.id }), [alice.user.id, bob.user.id])
    assert.deepEqual(world.checkInvariants(), [])
  })
})

describe('handler helpers', () => {
  test('dialogsOf lists each dialog once with its newest message, newest first', () => {
    const { world, time, alice, bob, carol } = setup()
    world.sendMessage(alice.ctx, { type: 'user', id: bob.user.id }, 'old', 1n)
    time.ms += 1000
    const chat = world.createChat(alice.ctx, 'g', [{ id: carol.user.id }])
    time.ms += 1000
    world.sendMessage(bob.ctx, { type: 'user', id: alice.user.id }, 'new', 1n)
    const dialogs = world.dialogsOf(alice.ctx)
    assert.deepEqual(
      dialogs.map((d) => [d.peer.type, d.peer.id, d.topMessage.text]),
      [
        ['user', bob.user.id, 'new'],
        ['chat', chat.id, ''],
      ],
    )
  })

  test('peersOf names senders, dialogs, action targets and participants', () => {
    const { world, deliveries, alice, bob, carol } = setup()
    const chat = world.createChat(alice.ctx, 'g', [{ id: bob.user.id }])
    world.deleteChatUser(alice.ctx, chat.id, { id: bob.user.id })
    const sg = world.createChannel(carol.ctx, { title: 'c', megagroup: true })
    const aliceUpdates = deliveries.filter((d) => d.userId === alice.user.id).flatMap((d) => d.updates)
    const peers = world.peersOf(aliceUpdates)
    assert.deepEqual(
      peers.users.map((u) => u.id).sort(),
      [alice.user.id, bob.user.id].sort(),
    )
    assert.deepEqual(
      peers.chats.map((c) => c.id),
      [chat.id],
    )
    assert.deepEqual(world.peersOf(world.getHistory(carol.ctx, { type: 'channel', id: sg.id })).channels.map((c) => c.id), [sg.id])
  })

  test('a listener may call back into the world: deliveries stay ordered and complete', () => {
    const { world, alice, bob } = setup()
    const seen: string[] = []
    world.onUpdates((d) => {
      const u = d.updates[0]
      if (u?.kind !== 'newMessage') return
      seen.push(`${d.userId === bob.user.id ? 'bob' : 'alice'}:${u.message.text}`)
      if (d.userId === bob.user.id && u.message.text === 'ping') {
        world.sendMessage(bob.ctx, { type: 'user', id: alice.user.id }, 'pong', 7n)
      }
    })
    world.sendMessage(alice.ctx, { type: 'user', id: bob.user.id }, 'ping', 7n)
    assert.deepEqual(seen, ['alice:ping', 'bob:ping', 'bob:pong', 'alice:pong'])
  })
})
