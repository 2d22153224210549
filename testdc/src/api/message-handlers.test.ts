import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { tl } from '@mtswarm/engine/tl'
import type { CallContext, UpdateDelivery, WorldUser } from '../world/index.js'
import { apiKit, as, decodePushed, type ApiKit } from './api-test-kit.js'
import { updatesFor } from './updates.js'

interface Account {
  readonly user: WorldUser
  readonly ctx: CallContext
}

function people(kit: ApiKit): { alice: Account; bob: Account } {
  const mk = (phone: string, firstName: string, username: string): Account => {
    const user = kit.world.presetUser({ phone, firstName, username })
    return { user, ctx: kit.world.loginAs(user.id) }
  }
  return { alice: mk('9996620001', 'Alice', 'alice_api'), bob: mk('9996620002', 'Bob', 'bob_api') }
}

function history(peer: tl.TypeInputPeer, over: Partial<tl.messages.RawGetHistoryRequest> = {}): tl.messages.RawGetHistoryRequest {
  return { _: 'messages.getHistory', peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 20, maxId: 0, minId: 0, hash: 0n, ...over }
}

function send(peer: tl.TypeInputPeer, message: string, randomId: bigint): tl.messages.RawSendMessageRequest {
  return { _: 'messages.sendMessage', peer, message, randomId }
}

describe('private messages', () => {
  test('resolveUsername gives the access hash; sendMessage (sentMessage: updates) answers updateMessageID + updateNewMessage; both histories see it', async () => {
    const kit = apiKit('api', { sentMessage: 'updates' })
    const { alice, bob } = people(kit)
    const resolved = await kit.call(alice.ctx, { _: 'contacts.resolveUsername', username: '@Bob_API' })
    assert.deepEqual(resolved.peer, { _: 'peerUser', userId: bob.user.id })
    const bobTl = as(resolved.users[0]!, 'user')
    assert.equal(bobTl.accessHash, bob.user.accessHash)
    assert.equal(bobTl.self, false)
    assert.equal(bobTl.phone, undefined)

    const toBob: tl.TypeInputPeer = { _: 'inputPeerUser', userId: bob.user.id, accessHash: bobTl.accessHash! }
    const sent = as(await kit.call(alice.ctx, send(toBob, 'hi bob', 77n)), 'updates')
    assert.deepEqual(sent.updates[0], { _: 'updateMessageID', id: 1, randomId: 77n })
    const created = as(sent.updates[1]!, 'updateNewMessage')
    assert.equal(created.pts, 2) // a new user starts at pts 1
    assert.equal(created.ptsCount, 1)
    const mine = as(created.message, 'message')
    assert.equal(mine.out, true)
    assert.equal(mine.message, 'hi bob')
    assert.deepEqual(mine.peerId, { _: 'peerUser', userId: bob.user.id })
    assert.deepEqual(sent.users.map((u) => u.id).sort(), [alice.user.id, bob.user.id].sort())

    // A retry with the same random_id answers the same message and adds nothing.
    const again = as(await kit.call(alice.ctx, send(toBob, 'hi bob', 77n)), 'updates')
    assert.deepEqual(again.updates[0], { _: 'updateMessageID', id: 1, randomId: 77n })
    assert.equal(kit.world.messagesCount(), 1)

    const toAlice: tl.TypeInputPeer = { _: 'inputPeerUser', userId: alice.user.id, accessHash: 0n }
    const bobView = as(await kit.call(bob.ctx, history(toAlice)), 'messages.messages')
    assert.equal(bobView.messages.length, 1)
    const theirs = as(bobView.messages[0]!, 'message')
    assert.equal(theirs.out, false)
    assert.equal(theirs.message, 'hi bob')
    assert.deepEqual(theirs.fromId, { _: 'peerUser', userId: alice.user.id })
    assert.deepEqual(theirs.peerId, { _: 'peerUser', userId: alice.user.id })
    assert.ok(bobView.users.some((u) => u.id === alice.user.id && as(u, 'user').accessHash === alice.user.accessHash))

    const aliceView = as(await kit.call(alice.ctx, history(toBob)), 'messages.messages')
    assert.equal(as(aliceView.messages[0]!, 'message').out, true)
  })

  test('a wrong access hash is PEER_ID_INVALID; users.getUsers leaves unknown users out, accepts hash 0', async () => {
    const kit = apiKit()
    const { alice, bob } = people(kit)
    await kit.fails(alice.ctx, send({ _: 'inputPeerUser', userId: bob.user.id, accessHash: 5n }, 'x', 1n), 400, 'PEER_ID_INVALID')
    await kit.fails(alice.ctx, send({ _: 'inputPeerUser', userId: bob.user.id, accessHash: 0n }, ' ', 1n), 400, 'MESSAGE_EMPTY')
    const users = await kit.call(alice.ctx, {
      _: 'users.getUsers',
      id: [
        { _: 'inputUser', userId: bob.user.id, accessHash: 0n },
        { _: 'inputUser', userId: 999n, accessHash: 0n },
        { _: 'inputUserEmpty' },
        { _: 'inputUserSelf' },
      ],
    })
    assert.deepEqual(
      users.map((u) => [u.id, as(u, 'user').self]),
      [
        [bob.user.id, false],
        [alice.user.id, true],
      ],
    )
    const full = await kit.call(alice.ctx, { _: 'users.getFullUser', id: { _: 'inputUser', userId: bob.user.id, accessHash: bob.user.accessHash } })
    assert.equal(full.fullUser.id, bob.user.id)
    await kit.fails(alice.ctx, { _: 'users.getFullUser', id: { _: 'inputUser', userId: 999n, accessHash: 1n } }, 400, 'USER_ID_INVALID')
    await kit.fails(alice.ctx, { _: 'contacts.resolveUsername', username: 'nobody_here' }, 400, 'USERNAME_NOT_OCCUPIED')
  })

  test('getHistory pages with limit/offset_id/add_offset/min_id/max_id and answers messagesSlice with the total', async () => {
    const kit = apiKit()
    const { alice, bob } = people(kit)
    const toBob: tl.TypeInputPeer = { _: 'inputPeerUser', userId: bob.user.id, accessHash: bob.user.accessHash }
    for (let i = 1; i <= 5; i++) await kit.call(alice.ctx, send(toBob, `m${i}`, BigInt(i)))
    const ids = (r: tl.messages.TypeMessages) => ('messages' in r ? r.messages.map((m) => m.id) : [])
    const first = as(await kit.call(alice.ctx, history(toBob, { limit: 2 })), 'messages.messagesSlice')
    assert.equal(first.count, 5)
    assert.deepEqual(ids(first), [5, 4])
    assert.deepEqual(ids(await kit.call(alice.ctx, history(toBob, { limit: 2, offsetId: 4 }))), [3, 2])
    assert.deepEqual(ids(await kit.call(alice.ctx, history(toBob, { limit: 2, offsetId: 4, addOffset: -1 }))), [4, 3])
    assert.deepEqual(ids(await kit.call(alice.ctx, history(toBob, { minId: 2, maxId: 5 }))), [4, 3])
    as(await kit.call(alice.ctx, history(toBob, { limit: 100 })), 'messages.messages')
    assert.deepEqual(ids(await kit.call(alice.ctx, history({ _: 'inputPeerSelf' }))), [])
  })

  test('getDialogs lists both sides with their top message; readHistory moves no pts', async () => {
    const kit = apiKit()
    const { alice, bob } = people(kit)
    await kit.call(alice.ctx, send({ _: 'inputPeerUser', userId: bob.user.id, accessHash: 0n }, 'one', 1n))
    await kit.call(bob.ctx, send({ _: 'inputPeerUser', userId: alice.user.id, accessHash: 0n }, 'two', 1n))
    const req: tl.messages.RawGetDialogsRequest = {
      _: 'messages.getDialogs',
      offsetDate: 0,
      offsetId: 0,
      offsetPeer: { _: 'inputPeerEmpty' },
      limit: 20,
      hash: 0n,
    }
    const dialogs = as(await kit.call(bob.ctx, req), 'messages.dialogs')
    assert.equal(dialogs.dialogs.length, 1)
    assert.deepEqual(dialogs.dialogs[0]!.peer, { _: 'peerUser', userId: alice.user.id })
    assert.equal(dialogs.dialogs[0]!.topMessage, 2)
    assert.equal(as(dialogs.messages[0]!, 'message').message, 'two')
    assert.ok(dialogs.users.some((u) => u.id === alice.user.id))
    const read = await kit.call(bob.ctx, { _: 'messages.readHistory', peer: { _: 'inputPeerUser', userId: alice.user.id, accessHash: 0n }, maxId: 2 })
    assert.deepEqual([read.pts, read.ptsCount], [3, 0])
    const peerDialogs = await kit.call(bob.ctx, {
      _: 'messages.getPeerDialogs',
      peers: [{ _: 'inputDialogPeer', peer: { _: 'inputPeerUser', userId: alice.user.id, accessHash: 0n } }],
    })
    assert.equal(peerDialogs.dialogs.length, 1)
    assert.equal(peerDialogs.state.pts, 3)
  })

  test('by default a private sendMessage answers updateShortSentMessage; basic groups and channels answer updates', async () => {
    const kit = apiKit('short')
    const { alice, bob } = people(kit)
    const res = as(await kit.call(alice.ctx, send({ _: 'inputPeerUser', userId: bob.user.id, accessHash: 0n }, 'x', 9n)), 'updateShortSentMessage')
    assert.deepEqual([res.out, res.id, res.pts, res.ptsCount], [true, 1, 2, 1])
    const again = as(await kit.call(alice.ctx, send({ _: 'inputPeerUser', userId: bob.user.id, accessHash: 0n }, 'x', 9n)), 'updateShortSentMessage')
    assert.deepEqual([again.id, again.pts], [1, 2], 'a retried random_id answers the same message')
    const created = as(
      as(await kit.call(alice.ctx, { _: 'messages.createChat', users: [{ _: 'inputUser', userId: bob.user.id, accessHash: 0n }], title: 'G' }), 'messages.invitedUsers').updates,
      'updates',
    )
    const chatId = as(created.chats[0]!, 'chat').id
    const inGroup = as(await kit.call(alice.ctx, send({ _: 'inputPeerChat', chatId }, 'g', 10n)), 'updates')
    assert.deepEqual(inGroup.updates.map((u) => u._), ['updateMessageID', 'updateNewMessage'])
  })
})

describe('lookups by id and phone', () => {
  test('messages.getMessages finds the caller\'s own copies (messageEmpty otherwise); importContacts maps client ids', async () => {
    const kit = apiKit()
    const { alice, bob } = people(kit)
    await kit.call(alice.ctx, send({ _: 'inputPeerUser', userId: bob.user.id, accessHash: 0n }, 'first', 1n))
    await kit.call(bob.ctx, send({ _: 'inputPeerUser', userId: alice.user.id, accessHash: 0n }, 'second', 1n))
    const got = as(
      await kit.call(bob.ctx, { _: 'messages.getMessages', id: [{ _: 'inputMessageID', id: 2 }, { _: 'inputMessageID', id: 9 }, { _: 'inputMessageID', id: 1 }] }),
      'messages.messages',
    )
    assert.deepEqual(
      got.messages.map((m) => (m._ === 'message' ? [m.id, m.message, m.out] : [m.id, m._])),
      [
        [2, 'second', true],
        [9, 'messageEmpty'],
        [1, 'first', false],
      ],
    )
    assert.ok(got.users.some((u) => u.id === alice.user.id))

    const imported = await kit.call(alice.ctx, {
      _: 'contacts.importContacts',
      contacts: [
        { _: 'inputPhoneContact', clientId: 10n, phone: '+999 66 2 0002', firstName: 'B', lastName: '' },
        { _: 'inputPhoneContact', clientId: 11n, phone: '15550000000', firstName: 'Nobody', lastName: '' },
      ],
    })
    assert.deepEqual(imported.imported, [{ _: 'importedContact', userId: bob.user.id, clientId: 10n }])
    assert.deepEqual(imported.users.map((u) => u.id), [bob.user.id])
  })
})

describe('updatesFor (pushed updates)', () => {
  test('the recipient gets updates{updateNewMessage} with the sender in users, pts continuing its own sequence', async () => {
    const kit = apiKit()
    const { alice, bob } = people(kit)
    const deliveries: UpdateDelivery[] = []
    kit.world.onUpdates((d) => deliveries.push(d))
    await kit.call(alice.ctx, send({ _: 'inputPeerUser', userId: bob.user.id, accessHash: 0n }, 'ping', 1n))
    const toBob = deliveries.find((d) => d.userId === bob.user.id)
    assert.ok(toBob !== undefined)
    const pushed = updatesFor(toBob, kit.world)
    const decoded = as(decodePushed(pushed), 'updates')
    const upd = as(decoded.updates[0]!, 'updateNewMessage')
    assert.equal(upd.pts, 2)
    const m = as(upd.message, 'message')
    assert.equal(m.out, false)
    assert.equal(m.message, 'ping')
    assert.ok(decoded.users.some((u) => u.id === alice.user.id && as(u, 'user').accessHash === alice.user.accessHash))
    assert.ok(decoded.users.some((u) => u.id === bob.user.id && as(u, 'user').self))
    assert.equal(decoded.seq, 0)

    assert.equal(updatesFor(toBob, kit.world)._, 'updates', 'a first contact comes with its users')
    const short = as(updatesFor(toBob, kit.world, { short: 'always' }), 'updateShortMessage')
    assert.deepEqual([short.userId, short.out, short.message, short.pts], [alice.user.id, false, 'ping', 2])
  })
})
