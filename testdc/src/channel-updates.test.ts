// Channels and megagroups over real sockets: creating, inviting, posting, and the pushes each
// member's sessions get (updateNewChannelMessage under the channel's own pts, pts_count 1), then
// getChannelDifference's slices and channelDifferenceTooLong, and getDifference's slices and
// differenceTooLong under small logs. https://core.telegram.org/api/updates
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { TlObject, tl } from '@mtswarm/engine/tl'
import { apiKit, as } from './api/api-test-kit.js'
import { startTestDc } from './test-dc.js'
import { keyedClient, sharedRsaKeyPem } from './testing/fixtures.js'
import { bindClientToUser } from './testing/login.js'
import { TestRpcError, type TestClient } from './testing/test-client.js'
import type { TestDc } from './types.js'

/** The channel updates of a pushed `updates`: (channel, pts, pts_count, text). */
function channelPosts(obj: TlObject): Array<[bigint, number, number, string]> {
  if (obj._ !== 'updates') return []
  return obj.updates.flatMap((u) =>
    u._ === 'updateNewChannelMessage' && u.message._ === 'message' && u.message.peerId._ === 'peerChannel'
      ? [[u.message.peerId.channelId, u.pts, u.ptsCount, u.message.message] as [bigint, number, number, string]]
      : [],
  )
}

describe('channel traffic over the wire', () => {
  let dc: TestDc
  const clients: TestClient[] = []
  const users: tl.RawUser[] = []
  before(async () => {
    dc = await startTestDc({ rsaPrivateKeyPem: sharedRsaKeyPem(), dcCount: 1, seed: 21 })
    for (const [i, name] of ['Alice', 'Bob', 'Carol'].entries()) {
      const phone = `999661000${i + 1}`
      const u = dc.world.presetUser({ phone, firstName: name })
      const c = await keyedClient(dc)
      bindClientToUser(dc, c, 1, phone)
      await c.ping(1n)
      clients.push(c)
      users.push({ _: 'user', id: u.id, accessHash: u.accessHash })
    }
  })
  after(async () => {
    for (const c of clients) await c.close()
    await dc.close()
  })

  const inputUser = (u: tl.RawUser): tl.TypeInputUser => ({ _: 'inputUser', userId: u.id, accessHash: u.accessHash ?? 0n })
  async function create(megagroup: boolean): Promise<{ input: tl.RawInputChannel; peer: tl.RawInputPeerChannel; pts: number }> {
    const [alice, bob, carol] = clients as [TestClient, TestClient, TestClient]
    const created = (await alice.invoke({ _: 'channels.createChannel', title: megagroup ? 'MG' : 'BC', about: '', megagroup, broadcast: !megagroup })) as tl.RawUpdates
    const ch = created.chats.find((c) => c._ === 'channel') as tl.RawChannel
    const input: tl.RawInputChannel = { _: 'inputChannel', channelId: ch.id, accessHash: ch.accessHash ?? 0n }
    await alice.invoke({ _: 'channels.inviteToChannel', channel: input, users: [inputUser(users[1]!), inputUser(users[2]!)] })
    const full = (await bob.invoke({ _: 'channels.getFullChannel', channel: input })) as tl.messages.RawChatFull
    for (const c of [alice, bob, carol]) c.inbox.length = 0
    return { input, peer: { _: 'inputPeerChannel', channelId: ch.id, accessHash: input.accessHash }, pts: (full.fullChat as tl.RawChannelFull).pts ?? 0 }
  }

  test('megagroup: every post reaches every other member under the channel pts +1 (pts_count 1); the poster\'s own key gets no push', async () => {
    const [alice, bob, carol] = clients as [TestClient, TestClient, TestClient]
    const mg = await create(true)
    const posters = [alice, bob, carol, bob, alice]
    let randomId = 100n
    for (const [k, poster] of posters.entries()) {
      const answer = (await poster.invoke({ _: 'messages.sendMessage', peer: mg.peer, message: `p${k}`, randomId: randomId++ })) as tl.RawUpdates
      const own = answer.updates.find((u) => u._ === 'updateNewChannelMessage') as tl.RawUpdateNewChannelMessage
      assert.deepEqual([own.pts, own.ptsCount], [mg.pts + k + 1, 1], 'the answer carries the post under the channel pts')
    }
    for (const [i, c] of [alice, bob, carol].entries()) {
      const expected = posters.flatMap((p, k) => (p === c ? [] : [[mg.input.channelId, mg.pts + k + 1, 1, `p${k}`]]))
      const got: Array<[bigint, number, number, string]> = []
      while (got.length < expected.length) got.push(...channelPosts((await c.next((m) => channelPosts(m.obj).length > 0)).obj))
      assert.deepEqual(got, expected, `member ${i}`)
    }
    await alice.ping(9n)
    assert.equal(alice.inbox.filter((m) => channelPosts(m.obj).length > 0).length, 0)
  })

  test('broadcast: only admins post; members get posts without an author', async () => {
    const [alice, bob, carol] = clients as [TestClient, TestClient, TestClient]
    const bc = await create(false)
    await assert.rejects(
      bob.invoke({ _: 'messages.sendMessage', peer: bc.peer, message: 'not mine', randomId: 1n }),
      (e: unknown) => e instanceof TestRpcError && e.errorMessage === 'CHAT_ADMIN_REQUIRED',
    )
    await alice.invoke({ _: 'messages.sendMessage', peer: bc.peer, message: 'news', randomId: 2n })
    for (const c of [bob, carol]) {
      const m = await c.next((x) => channelPosts(x.obj).length > 0)
      const u = (m.obj as tl.RawUpdates).updates[0] as tl.RawUpdateNewChannelMessage
      const msg = u.message as tl.RawMessage
      assert.deepEqual([u.pts, msg.post, msg.fromId, msg.message], [bc.pts + 1, true, undefined, 'news'])
    }
  })
})

describe('differences under small logs', () => {
  function setup() {
    const kit = apiKit('small-logs', {}, { updateLogLimit: 5, differenceLimit: 3 })
    const alice = kit.world.presetUser({ phone: '9996610001', firstName: 'Alice' })
    const bob = kit.world.presetUser({ phone: '9996610002', firstName: 'Bob' })
    return { kit, alice, bob, actx: kit.world.loginAs(alice.id), bctx: kit.world.loginAs(bob.id) }
  }

  test('getChannelDifference: slices with final false, then final; channelDifferenceTooLong once the log has moved past the client', async () => {
    const { kit, alice, bob, bctx } = setup()
    const ch = kit.world.createChannelAs(alice.id, { title: 'C', megagroup: true })
    kit.world.inviteToChannelAs(alice.id, ch, [{ id: bob.id }])
    const p0 = ch.pts // channelCreate + chatAddUser
    for (let i = 0; i < 4; i++) kit.world.sendMessageAs(alice.id, { type: 'channel', id: ch.id }, `c${i}`, BigInt(i + 1))
    const input: tl.TypeInputChannel = { _: 'inputChannel', channelId: ch.id, accessHash: ch.accessHash }
    const req = (pts: number, limit: number): tl.updates.RawGetChannelDifferenceRequest => ({ _: 'updates.getChannelDifference', channel: input, filter: { _: 'channelMessagesFilterEmpty' }, pts, limit })
    const first = as(await kit.call(bctx, req(p0, 100)), 'updates.channelDifference') // the world's cap: 3
    assert.deepEqual([first.final, first.pts, first.newMessages.map((m) => (m as tl.RawMessage).message)], [false, p0 + 3, ['c0', 'c1', 'c2']])
    const second = as(await kit.call(bctx, req(first.pts, 2)), 'updates.channelDifference')
    assert.deepEqual([second.final, second.pts, second.newMessages.map((m) => (m as tl.RawMessage).message)], [true, p0 + 4, ['c3']])
    as(await kit.call(bctx, req(second.pts, 10)), 'updates.channelDifferenceEmpty')
    // the log holds 5 of the 6 posts (pts 2..6): a client at pts 1 is served, one at 0 is too far behind
    assert.equal(as(await kit.call(bctx, req(1, 10)), 'updates.channelDifference').newMessages.length, 3)
    const tooLong = as(await kit.call(bctx, req(0, 10)), 'updates.channelDifferenceTooLong')
    assert.equal(as(tooLong.dialog, 'dialog').pts, p0 + 4)
    assert.equal((tooLong.messages[0] as tl.RawMessage).message, 'c3')
  })

  test('getDifference: the world\'s cap slices, a pts older than the log is differenceTooLong', async () => {
    const { kit, alice, bob, bctx } = setup()
    const start = await kit.call(bctx, { _: 'updates.getState' })
    for (let i = 0; i < 4; i++) kit.world.sendMessageAs(alice.id, { type: 'user', id: bob.id }, `d${i}`, BigInt(i + 1))
    const slice = as(await kit.call(bctx, { _: 'updates.getDifference', pts: start.pts, date: start.date, qts: 0 }), 'updates.differenceSlice')
    assert.deepEqual(slice.newMessages.map((m) => (m as tl.RawMessage).message), ['d0', 'd1', 'd2'])
    assert.equal(slice.intermediateState.pts, start.pts + 3)
    const rest = as(await kit.call(bctx, { _: 'updates.getDifference', pts: slice.intermediateState.pts, date: slice.intermediateState.date, qts: 0 }), 'updates.difference')
    assert.deepEqual(rest.newMessages.map((m) => (m as tl.RawMessage).message), ['d3'])
    for (let i = 4; i < 8; i++) kit.world.sendMessageAs(alice.id, { type: 'user', id: bob.id }, `d${i}`, BigInt(i + 1))
    assert.deepEqual(await kit.call(bctx, { _: 'updates.getDifference', pts: start.pts, date: start.date, qts: 0 }), { _: 'updates.differenceTooLong', pts: start.pts + 8 })
  })
})
