// The update load: what it says each user must receive is exactly what the world's differences
// hold (every user) and what a real client receives as pushes (one user), in per-chat order.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { TlObject } from '@mtswarm/engine/tl'
import { startTestDc } from '../test-dc.js'
import { World, peerKey, seededRandom, type BoxMessage, type ChannelMessage } from '../world/index.js'
import { keyedClient, sharedRsaKeyPem } from './fixtures.js'
import { bindClientToUser } from './login.js'
import { createUpdateLoad, type ExpectedMessage } from './update-load.js'

/** Per chat, the (id, text, out) list in order: what "in order per chat" compares. */
function byChat(list: readonly ExpectedMessage[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const m of list) {
    const k = peerKey(m.chat)
    const l = out.get(k) ?? []
    l.push(`${m.id}:${m.text}:${m.out}`)
    out.set(k, l)
  }
  return out
}

describe('update load', () => {
  test('creates users, chats, groups, a channel and a megagroup, and its expectations match every user\'s differences', () => {
    const world = new World({ clock: () => 1_700_000_000_000, random: seededRandom('load'), differenceLimit: 10_000 })
    const load = createUpdateLoad(world, { users: 9, groups: 3, groupSize: 4, privateChatsPerUser: 2, seed: 5 })
    assert.equal(load.users.length, 9)
    assert.deepEqual(load.users.slice(0, 2).map((u) => [u.phone, u.code, u.homeDcId]), [
      ['9996610000', '11111', 1],
      ['9996610001', '11111', 1],
    ])
    assert.equal(load.privateChats.length, 18)
    assert.deepEqual(load.groups.map((g) => g.members.size), [4, 4, 4])
    assert.equal(load.channel?.megagroup, false)
    assert.equal(load.megagroup?.members.size, 9)

    const ctxs = load.users.map((u) => world.loginAs(u.id))
    const states = ctxs.map((ctx) => world.getState(ctx))
    const channelPts = [load.channel, load.megagroup].map((c) => c?.pts ?? 0)
    const batch = load.send(600)
    assert.equal(load.sent, 600)
    let total = 0
    load.users.forEach((u, i) => {
      const ctx = ctxs[i]!
      const diff = world.getDifference(ctx, states[i]!, 10_000)
      assert.equal(diff.kind, 'difference')
      const actual: ExpectedMessage[] = (diff.kind === 'difference' ? diff.newMessages : []).map((m: BoxMessage) => ({ chat: m.peer, id: m.id, text: m.text, out: m.out }))
      ;[load.channel, load.megagroup].forEach((c, j) => {
        if (c === undefined || !c.members.has(u.id)) return
        const cd = world.getChannelDifference(ctx, c, channelPts[j]!, 10_000)
        if (cd.kind !== 'difference') return
        for (const m of cd.newMessages as ChannelMessage[]) actual.push({ chat: m.peer, id: m.id, text: m.text, out: m.fromId === u.id || (m.post && c.creatorId === u.id) })
      })
      const expected = batch.expectedFor(u.id)
      total += expected.length
      assert.deepEqual(byChat(expected), byChat(actual), `user ${i}`)
      assert.deepEqual(load.expectedFor(u.id), expected, 'one batch: the cumulative list is the batch')
    })
    assert.ok(total > 600, 'groups and channels fan out')
    assert.deepEqual(world.checkInvariants(), [])
  })

  test('refuses sizes the test phones cannot hold', () => {
    const world = new World({ clock: () => 0, random: seededRandom('x') })
    assert.throws(() => createUpdateLoad(world, { users: 0 }), RangeError)
    assert.throws(() => createUpdateLoad(world, { users: 2, firstIndex: 9_999 }), RangeError)
    assert.throws(() => createUpdateLoad(world, { users: 2, dcIds: [7] }), RangeError)
  })

  test('drive: a client logged in as a load user receives exactly its expected messages as pushes, in order per chat', { timeout: 60_000 }, async () => {
    const dc = await startTestDc({ rsaPrivateKeyPem: sharedRsaKeyPem(), dcCount: 2, seed: 3 })
    const load = createUpdateLoad(dc, { users: 12, dcIds: [1, 2], groups: 3, groupSize: 4, seed: 9 })
    const who = load.users[3]!
    const client = await keyedClient(dc, { dcId: who.homeDcId })
    try {
      bindClientToUser(dc, client, who.homeDcId, who.phone)
      await client.ping(1n)
      const batch = await load.drive(300, { batch: 25 })
      const expected = batch.expectedFor(who.id)
      const got: ExpectedMessage[] = []
      const collect = (obj: TlObject): void => {
        if (obj._ === 'updateShortMessage') got.push({ chat: { type: 'user', id: obj.userId }, id: obj.id, text: obj.message, out: obj.out === true })
        else if (obj._ === 'updateShortChatMessage') got.push({ chat: { type: 'chat', id: obj.chatId }, id: obj.id, text: obj.message, out: obj.out === true })
        else if (obj._ === 'updates') {
          for (const u of obj.updates) {
            if ((u._ === 'updateNewMessage' || u._ === 'updateNewChannelMessage') && u.message._ === 'message') {
              const p = u.message.peerId
              const chat = p._ === 'peerUser' ? { type: 'user' as const, id: p.userId } : p._ === 'peerChat' ? { type: 'chat' as const, id: p.chatId } : { type: 'channel' as const, id: p.channelId }
              got.push({ chat, id: u.message.id, text: u.message.message, out: u.message.out === true })
            }
          }
        }
      }
      while (got.length < expected.length) collect((await client.next((m) => m.obj._ === 'updates' || m.obj._.startsWith('updateShort'), 20_000)).obj)
      assert.deepEqual(byChat(got), byChat(expected))
      assert.ok(expected.some((m) => m.chat.type === 'channel') && expected.some((m) => m.chat.type === 'user'))
    } finally {
      await client.close()
      await dc.close()
    }
  })
})
