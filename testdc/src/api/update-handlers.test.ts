import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { tl } from '@mtswarm/engine/tl'
import { apiKit, as } from './api-test-kit.js'

function getDifference(pts: number, date: number, over: Partial<tl.updates.RawGetDifferenceRequest> = {}): tl.updates.RawGetDifferenceRequest {
  return { _: 'updates.getDifference', pts, date, qts: 0, ...over }
}

function setup() {
  const kit = apiKit('updates')
  const alice = kit.world.presetUser({ phone: '9996610001', firstName: 'Alice' })
  const bob = kit.world.presetUser({ phone: '9996610002', firstName: 'Bob' })
  const actx = kit.world.loginAs(alice.id)
  const bctx = kit.world.loginAs(bob.id)
  const toBob: tl.TypeInputPeer = { _: 'inputPeerUser', userId: bob.id, accessHash: bob.accessHash }
  return { kit, alice, bob, actx, bctx, toBob }
}

describe('updates.getState / getDifference', () => {
  test('after messages: difference with the messages and their users, then empty from the new state', async () => {
    const { kit, alice, bctx, actx, toBob } = setup()
    const start = await kit.call(bctx, { _: 'updates.getState' })
    assert.deepEqual([start.pts, start.qts, start.seq, start.unreadCount], [1, 0, 0, 0]) // a new user starts at pts 1
    for (let i = 1; i <= 3; i++) await kit.call(actx, { _: 'messages.sendMessage', peer: toBob, message: `m${i}`, randomId: BigInt(i) })

    const diff = as(await kit.call(bctx, getDifference(start.pts, start.date)), 'updates.difference')
    assert.deepEqual(
      diff.newMessages.map((m) => [m.id, as(m, 'message').message, as(m, 'message').out]),
      [
        [1, 'm1', false],
        [2, 'm2', false],
        [3, 'm3', false],
      ],
    )
    assert.deepEqual(diff.otherUpdates, [])
    assert.ok(diff.users.some((u) => u.id === alice.id))
    assert.equal(diff.state.pts, 4)
    const state = await kit.call(bctx, { _: 'updates.getState' })
    assert.equal(state.pts, 4)
    as(await kit.call(bctx, getDifference(diff.state.pts, diff.state.date)), 'updates.differenceEmpty')
  })

  test('pts_limit slices, pts_total_limit and a pts from the future answer differenceTooLong', async () => {
    const { kit, bctx, actx, toBob } = setup()
    for (let i = 1; i <= 5; i++) await kit.call(actx, { _: 'messages.sendMessage', peer: toBob, message: `m${i}`, randomId: BigInt(i) })
    // a new user starts at pts 1, so the five messages carry pts 2..6
    const slice = as(await kit.call(bctx, getDifference(1, 0, { ptsLimit: 2 })), 'updates.differenceSlice')
    assert.deepEqual(slice.newMessages.map((m) => m.id), [1, 2])
    assert.equal(slice.intermediateState.pts, 3)
    const rest = as(await kit.call(bctx, getDifference(3, 0)), 'updates.difference')
    assert.deepEqual(rest.newMessages.map((m) => m.id), [3, 4, 5])
    assert.deepEqual(await kit.call(bctx, getDifference(1, 0, { ptsTotalLimit: 3 })), { _: 'updates.differenceTooLong', pts: 6 })
    assert.deepEqual(await kit.call(bctx, getDifference(99, 0)), { _: 'updates.differenceTooLong', pts: 6 })
  })

  test('group membership shows up as updateChatParticipants in otherUpdates, with the chat', async () => {
    const { kit, bob, actx, bctx } = setup()
    const start = await kit.call(bctx, { _: 'updates.getState' })
    kit.time.ms += 5_000
    await kit.call(actx, { _: 'messages.createChat', users: [{ _: 'inputUser', userId: bob.id, accessHash: 0n }], title: 'T' })
    const diff = as(await kit.call(bctx, getDifference(start.pts, start.date)), 'updates.difference')
    assert.deepEqual(diff.otherUpdates.map((u) => u._), ['updateChatParticipants'])
    assert.equal(as(diff.newMessages[0]!, 'messageService').action._, 'messageActionChatCreate')
    assert.deepEqual(diff.chats.map((c) => c._), ['chat'])
    assert.equal(diff.state.seq, 1)
  })

  test('getChannelDifference from a pts ahead of the channel answers channelDifferenceTooLong with a dialog', async () => {
    const { kit, actx } = setup()
    const created = as(await kit.call(actx, { _: 'channels.createChannel', megagroup: true, title: 'SG', about: '' }), 'updates')
    const channel = as(created.chats[0]!, 'channel')
    const input: tl.TypeInputChannel = { _: 'inputChannel', channelId: channel.id, accessHash: channel.accessHash! }
    const res = as(
      await kit.call(actx, { _: 'updates.getChannelDifference', channel: input, filter: { _: 'channelMessagesFilterEmpty' }, pts: 50, limit: 10 }),
      'updates.channelDifferenceTooLong',
    )
    assert.deepEqual(res.dialog.peer, { _: 'peerChannel', channelId: channel.id })
    assert.equal(as(res.dialog, 'dialog').pts, 1)
    assert.equal(res.messages.length, 1)
  })
})
