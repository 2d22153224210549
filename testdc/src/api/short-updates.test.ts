// Pushed short updates: updateShortMessage / updateShortChatMessage once the recipient has met the
// dialog's peers, full `updates` with users/chats for first contacts, service messages and channels.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { UpdateDelivery, WorldUser } from '../world/index.js'
import { apiKit, as, decodePushed } from './api-test-kit.js'
import { updatesFor } from './updates.js'

function setup() {
  const kit = apiKit('short-updates')
  const [alice, bob, carol] = ['9996610001', '9996610002', '9996610003'].map((phone, i) =>
    kit.world.presetUser({ phone, firstName: ['Alice', 'Bob', 'Carol'][i]! }),
  ) as [WorldUser, WorldUser, WorldUser]
  const deliveries: UpdateDelivery[] = []
  kit.world.onUpdates((d) => deliveries.push(d))
  /** The push `userId` got for the last change. */
  const lastFor = (userId: bigint) => {
    const d = deliveries.filter((x) => x.userId === userId).at(-1)
    assert.ok(d !== undefined)
    return decodePushed(updatesFor(d, kit.world))
  }
  let randomId = 1n
  const say = (from: WorldUser, peer: { type: 'user' | 'chat' | 'channel'; id: bigint }, text: string) => kit.world.sendMessageAs(from.id, peer, text, randomId++)
  return { kit, alice, bob, carol, lastFor, say }
}

describe('short updates', () => {
  test('private chat: the first message comes as updates with the sender, later ones as updateShortMessage (both sides)', () => {
    const { alice, bob, lastFor, say } = setup()
    say(alice, { type: 'user', id: bob.id }, 'hello')
    const first = as(lastFor(bob.id), 'updates')
    assert.ok(first.users.some((u) => u.id === alice.id))
    say(bob, { type: 'user', id: alice.id }, 'hi back')
    const toAlice = as(lastFor(alice.id), 'updateShortMessage')
    assert.deepEqual([toAlice.out, toAlice.userId, toAlice.message, toAlice.id, toAlice.ptsCount], [false, bob.id, 'hi back', 2, 1])
    // the sender's own sessions (no origin: another device) get it as out, naming the other user
    const toBob = as(lastFor(bob.id), 'updateShortMessage')
    assert.deepEqual([toBob.out, toBob.userId, toBob.message], [true, alice.id, 'hi back'])
    assert.equal(toBob.pts, first.updates.length === 1 ? (first.updates[0] as { pts: number }).pts + 1 : -1, 'pts continues the recipient\'s own sequence')
  })

  test('basic group: updateShortChatMessage from a sender already seen in the chat; a new sender comes with users', () => {
    const { kit, alice, bob, carol, lastFor, say } = setup()
    const chat = kit.world.createChatAs(alice.id, 'G', [{ id: bob.id }, { id: carol.id }])
    as(lastFor(bob.id), 'updates') // chatCreate: a service message with participants and seq
    say(alice, { type: 'chat', id: chat.id }, 'from the creator')
    const short = as(lastFor(bob.id), 'updateShortChatMessage')
    assert.deepEqual([short.fromId, short.chatId, short.message, short.out], [alice.id, chat.id, 'from the creator', false])
    say(carol, { type: 'chat', id: chat.id }, 'carol speaks')
    const full = as(lastFor(bob.id), 'updates')
    assert.ok(full.users.some((u) => u.id === carol.id))
    assert.deepEqual(full.chats.map((c) => c.id), [chat.id])
    say(carol, { type: 'chat', id: chat.id }, 'carol again')
    assert.equal(as(lastFor(bob.id), 'updateShortChatMessage').fromId, carol.id)
  })

  test('channels, service messages and the never/always modes', () => {
    const { kit, alice, bob, say } = setup()
    const channel = kit.world.createChannelAs(alice.id, { title: 'C', megagroup: true })
    kit.world.inviteToChannelAs(alice.id, channel, [{ id: bob.id }])
    const deliveries: UpdateDelivery[] = []
    kit.world.onUpdates((d) => deliveries.push(d))
    for (let i = 0; i < 2; i++) say(alice, { type: 'channel', id: channel.id }, `post ${i}`)
    const post = deliveries.filter((d) => d.userId === bob.id).at(-1)!
    assert.deepEqual(as(updatesFor(post, kit.world), 'updates').updates.map((u) => u._), ['updateNewChannelMessage'])

    say(alice, { type: 'user', id: bob.id }, 'one')
    const first = deliveries.filter((d) => d.userId === bob.id).at(-1)!
    assert.equal(updatesFor(first, kit.world, { short: 'always' })._, 'updateShortMessage')
    say(alice, { type: 'user', id: bob.id }, 'two')
    const second = deliveries.filter((d) => d.userId === bob.id).at(-1)!
    assert.equal(updatesFor(second, kit.world, { short: 'never' })._, 'updates')
    assert.equal(updatesFor(second, kit.world)._, 'updateShortMessage')
  })
})
