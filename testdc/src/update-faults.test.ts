// The update faults over real sockets: dropped pushes (recovered by getDifference), updatesTooLong,
// reordered and delayed pushes, and forgotten sessions (new_session_created, queued pushes lost).
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import type { TlObject, tl } from '@mtswarm/engine/tl'
import { Faults } from './faults.js'
import { TestDcStats } from './stats.js'
import { startTestDc } from './test-dc.js'
import { keyedClient, sharedRsaKeyPem } from './testing/fixtures.js'
import { bindClientToUser } from './testing/login.js'
import type { ReceivedMessage, TestClient } from './testing/test-client.js'
import type { TestDc } from './types.js'
import type { CallContext, WorldUser } from './world/index.js'

/** The (pts, text) of a pushed private message, in any of the shapes the DC pushes. */
function pushedMessage(obj: TlObject): { pts: number; text: string } | undefined {
  if (obj._ === 'updateShortMessage') return { pts: obj.pts, text: obj.message }
  if (obj._ !== 'updates') return undefined
  for (const u of obj.updates) {
    if (u._ === 'updateNewMessage' && u.message._ === 'message') return { pts: u.pts, text: u.message.message }
  }
  return undefined
}

const isMessagePush = (m: ReceivedMessage): boolean => pushedMessage(m.obj) !== undefined

describe('update faults', () => {
  let dc: TestDc
  let alice: WorldUser
  let aliceKey: CallContext
  let bob: WorldUser
  let client: TestClient
  let randomId = 1n
  const send = (text: string): number => dc.world.sendMessage(aliceKey, { type: 'user', id: bob.id, accessHash: bob.accessHash }, text, randomId++).pts

  before(async () => {
    dc = await startTestDc({ rsaPrivateKeyPem: sharedRsaKeyPem(), dcCount: 1, seed: 13 })
    alice = dc.world.presetUser({ phone: '9996610001', firstName: 'Alice' })
    bob = dc.world.presetUser({ phone: '9996610002', firstName: 'Bob' })
    aliceKey = dc.world.loginAs(alice.id)
    client = await keyedClient(dc)
    bindClientToUser(dc, client, 1, '9996610002')
    await client.ping(1n) // bob's session goes online on this connection
  })
  after(async () => {
    await client.close()
    await dc.close()
  })
  beforeEach(() => {
    dc.faults.clear()
    client.inbox.length = 0
  })

  test('a dropped push is counted, the next push shows the gap, and getDifference returns the dropped message', async () => {
    const state = (await client.invoke({ _: 'updates.getState' })) as tl.updates.RawState
    dc.faults.set({ dropNextUpdates: 1 })
    send('lost')
    send('seen')
    const next = pushedMessage((await client.next(isMessagePush)).obj)
    assert.equal(dc.stats.faults.dropUpdate, 1)
    assert.deepEqual(next, { pts: state.pts + 2, text: 'seen' }, 'pts − pts_count is one past the client: a gap')
    const diff = (await client.invoke({ _: 'updates.getDifference', pts: state.pts, date: state.date, qts: state.qts })) as tl.updates.RawDifference
    assert.equal(diff._, 'updates.difference')
    assert.deepEqual(diff.newMessages.map((m) => (m as tl.RawMessage).message), ['lost', 'seen'])
    assert.equal(diff.state.pts, state.pts + 2)
  })

  test('dropUpdatesProbability 1 drops every push, and each is counted', async () => {
    const before = dc.stats.faults.dropUpdate ?? 0
    const pushedBefore = dc.stats.updatesPushed
    dc.faults.set({ dropUpdatesProbability: 1 })
    for (let i = 0; i < 5; i++) send(`d${i}`)
    await client.ping(2n) // anything pushed would have been flushed before this pong
    assert.equal(client.inbox.filter(isMessagePush).length, 0)
    assert.equal((dc.stats.faults.dropUpdate ?? 0) - before, 5)
    assert.equal(dc.stats.updatesPushed, pushedBefore)
  })

  test('updatesTooLongNext pushes updatesTooLong instead of the update; getDifference has it', async () => {
    const state = (await client.invoke({ _: 'updates.getState' })) as tl.updates.RawState
    dc.faults.set({ updatesTooLongNext: 1 })
    send('too long')
    await client.next((m) => m.obj._ === 'updatesTooLong')
    assert.equal(dc.stats.faults.updatesTooLong, 1)
    const diff = (await client.invoke({ _: 'updates.getDifference', pts: state.pts, date: state.date, qts: state.qts })) as tl.updates.RawDifference
    assert.deepEqual(diff.newMessages.map((m) => (m as tl.RawMessage).message), ['too long'])
  })

  test('updatesTooLong in place of a channel post is updateChannelTooLong from the pts before it; getChannelDifference has the post', async () => {
    const mg = dc.world.createChannelAs(alice.id, { title: 'MG', megagroup: true })
    dc.world.inviteToChannelAs(alice.id, mg, [{ id: bob.id }])
    await client.ping(7n)
    dc.faults.set({ updatesTooLongNext: 1 })
    const post = dc.world.sendMessageAs(alice.id, { type: 'channel', id: mg.id }, 'channel post', randomId++)
    const m = await client.next((x) => x.obj._ === 'updates' && x.obj.updates.some((u) => u._ === 'updateChannelTooLong'))
    const pushed = m.obj as tl.RawUpdates
    assert.deepEqual(pushed.updates, [{ _: 'updateChannelTooLong', channelId: mg.id, pts: post.pts - 1 }])
    assert.deepEqual(pushed.chats.map((c) => c.id), [mg.id], 'with the channel, so the client can ask for its difference')
    const diff = (await client.invoke({
      _: 'updates.getChannelDifference',
      channel: { _: 'inputChannel', channelId: mg.id, accessHash: mg.accessHash },
      filter: { _: 'channelMessagesFilterEmpty' },
      pts: post.pts - 1,
      limit: 10,
    })) as tl.updates.RawChannelDifference
    assert.deepEqual([diff._, diff.pts, diff.newMessages.map((x) => (x as tl.RawMessage).message)], ['updates.channelDifference', post.pts, ['channel post']])
  })

  test('a reordered push arrives after a push with a later pts', async () => {
    dc.faults.set({ reorderUpdatesProbability: 1 })
    const p1 = send('first')
    const p2 = send('second')
    const a = pushedMessage((await client.next(isMessagePush)).obj)
    const b = pushedMessage((await client.next(isMessagePush)).obj)
    assert.deepEqual([a?.pts, b?.pts], [p2, p1])
    assert.deepEqual([a?.text, b?.text], ['second', 'first'])
    assert.ok((dc.stats.faults.reorderUpdate ?? 0) >= 1)
  })

  test('a push held back with nothing behind it still goes out (the hold is bounded)', async () => {
    dc.faults.set({ reorderUpdatesProbability: 1 })
    const p = send('alone')
    assert.equal(pushedMessage((await client.next(isMessagePush, 5_000)).obj)?.pts, p)
  })

  test('delayed pushes with jitter keep their order per session and are counted', async () => {
    dc.faults.set({ delayUpdatesMs: 5, updatesJitterMs: 60 })
    const sent = Array.from({ length: 8 }, (_, i) => send(`j${i}`))
    const got: number[] = []
    for (let i = 0; i < sent.length; i++) got.push(pushedMessage((await client.next(isMessagePush)).obj)?.pts ?? -1)
    assert.deepEqual(got, sent)
    assert.ok((dc.stats.faults.delayUpdate ?? 0) >= 8)
  })

  test('a delayed push is overtaken by an RPC answer sent after it', async () => {
    dc.faults.set({ delayUpdatesMs: 1_500 })
    const p = send('late')
    await client.ping(3n)
    assert.equal(client.inbox.filter(isMessagePush).length, 0, 'the push is still held when the pong arrives')
    assert.equal(pushedMessage((await client.next(isMessagePush, 10_000)).obj)?.pts, p)
  })

  test('forgetSessions: the next message gets new_session_created and what was pushed meanwhile is lost', async () => {
    const created = (): number => client.inbox.filter((m) => m.obj._ === 'mt_new_session_created').length
    assert.equal(dc.forgetSessions(bob.id), 1)
    assert.equal(dc.stats.faults.forgetSessions, 1)
    send('into the void') // no session of bob's key is known: nothing to push to
    const { msgId } = client.send({ _: 'mt_ping', pingId: 4n })
    const m = await client.next((x) => x.obj._ === 'mt_new_session_created')
    assert.equal((m.obj as { firstMsgId: bigint }).firstMsgId, msgId)
    await client.next((x) => x.obj._ === 'mt_pong')
    assert.equal(client.inbox.filter(isMessagePush).length, 0)
    const p = send('after')
    assert.equal(pushedMessage((await client.next(isMessagePush)).obj)?.pts, p, 'the new session gets pushes again')
    assert.equal(created(), 0, 'only one new_session_created')
  })

  test('forgetSessionsNext: the session of the next message is forgotten first (new_session_created)', async () => {
    dc.faults.set({ forgetSessionsNext: 1 })
    const { msgId } = client.send({ _: 'mt_ping', pingId: 5n })
    const m = await client.next((x) => x.obj._ === 'mt_new_session_created')
    assert.equal((m.obj as { firstMsgId: bigint }).firstMsgId, msgId)
    assert.equal(dc.stats.faults.forgetSession, 1)
    await client.ping(6n)
    assert.equal(client.inbox.filter((x) => x.obj._ === 'mt_new_session_created').length, 0, 'one forgotten session, one announcement')
  })
})

describe('update fault decisions', () => {
  test('bad configurations are refused with a RangeError naming the knob, and change nothing', () => {
    const f = new Faults({ dropUpdatesProbability: 0.5 }, 1, new TestDcStats())
    assert.throws(() => f.set({ reorderUpdatesProbability: 2 }), /reorderUpdatesProbability must be in 0\.\.1/)
    assert.throws(() => f.set({ delayUpdatesMs: Number.NaN }), /delayUpdatesMs must be a finite number/)
    assert.throws(() => f.set({ dropUpdatesProbabilty: 1 } as never), /unknown fault "dropUpdatesProbabilty"/)
    assert.throws(() => new Faults({ updatesTooLongProbability: -1 }, 1, new TestDcStats()), RangeError)
    assert.deepEqual(f.config, { dropUpdatesProbability: 0.5 })
  })

  test('are seeded, and the next-N counters come first', () => {
    const run = (seed: number) => {
      const f = new Faults({ dropUpdatesProbability: 0.3, updatesTooLongProbability: 0.2, reorderUpdatesProbability: 0.4, updatesJitterMs: 9 }, seed, new TestDcStats())
      return Array.from({ length: 40 }, () => [f.updatePush(), f.reorderUpdate(), f.updateDelayMs()])
    }
    assert.deepEqual(run(3), run(3))
    assert.notDeepEqual(run(3), run(4))
    const stats = new TestDcStats()
    const f = new Faults({ dropNextUpdates: 1, updatesTooLongNext: 1, forgetSessionsNext: 1 }, 1, stats)
    assert.deepEqual([f.updatePush(), f.updatePush(), f.updatePush()], ['drop', 'tooLong', 'send'])
    assert.deepEqual([f.forgetSession(), f.forgetSession()], [true, false])
    assert.deepEqual([stats.faults.dropUpdate, stats.faults.updatesTooLong, stats.faults.forgetSession], [1, 1, 1])
  })
})
