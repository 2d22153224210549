// The engine's peer cache on the test DC and a real LMDB store: every user and chat a result
// carries is kept (access hash, username, phone), resolvePeer answers from memory or the store
// with no RPC (also after a restart), a min user never clobbers a full access hash, a changed
// username moves, a miss goes to the network once and is then cached, bad refs are UsageErrors.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { PeerCache, PeerMemory, RpcError, UsageError, type Account, type Engine, type EngineEvent } from '@mtswarm/engine'
import type { tl } from '@mtswarm/engine/tl'
import { createMemoryStore, mergePeer, openLmdbStore, type PeerRecord, type SessionStore } from '@mtswarm/storage'
import type { TestDc } from '@mtswarm/testdc'
import { engineOn, startDc } from './harness.js'

let dc: TestDc
let dir = ''
before(async () => {
  dc = await startDc()
  dir = await mkdtemp(join(tmpdir(), 'mtswarm-peers-'))
})
after(async () => {
  await dc.close()
  await rm(dir, { recursive: true, force: true })
})

let n = 0
const openStore = (path: string): Promise<SessionStore> => openLmdbStore({ path, insecurePlaintext: true, verify: 'none' })
const freshPath = (): string => join(dir, `s${++n}.mtswarm`)

/** RPCs the engine settled of these methods (the network calls a resolve may make). */
const NETWORK_RESOLVES = new Set(['users.getUsers', 'channels.getChannels', 'contacts.resolveUsername', 'contacts.resolvePhone'])
const resolvesIn = (events: EngineEvent[]): string[] => events.flatMap((e) => (e.type === 'rpc.settled' && NETWORK_RESOLVES.has(e.method) ? [e.method] : []))

/** A user logged in on DC 1 through the engine (code: the test number's DC digit, five times). */
async function loggedIn(engine: Engine, id: string, phone: string): Promise<Account> {
  const acc = engine.account(id)
  await acc.sendCode(phone)
  assert.equal((await acc.signIn('11111')).status, 'authorized')
  return acc
}

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const userPeer = (u: { id: bigint; accessHash: bigint }): tl.TypeInputPeer => ({ _: 'inputPeerUser', userId: u.id, accessHash: u.accessHash })
const CHANNEL_MARK = 1_000_000_000_000n

describe('peer cache and resolvePeer', () => {
  test('after a restart from the same LMDB store, every peer the account has seen resolves with no RPC', async () => {
    const alice = dc.world.presetUser({ phone: '9996610101', firstName: 'Alice' })
    const bob = dc.world.presetUser({ phone: '9996610102', firstName: 'Bob' })
    const carol = dc.world.presetUser({ phone: '9996610103', firstName: 'Carol', username: 'Carol_Peers' })
    const dave = dc.world.presetUser({ phone: '9996610104', firstName: 'Dave' })
    const erin = dc.world.presetUser({ phone: '9996610105', firstName: 'Erin' })
    const daveCtx = dc.world.loginAs(dave.id)
    const group = dc.world.createChat(daveCtx, 'peers group', [{ id: alice.id }, { id: erin.id }])
    dc.world.sendMessage(daveCtx, { type: 'chat', id: group.id }, 'hello group', 1n)
    const news = dc.world.createChannel(daveCtx, { title: 'news' })
    dc.world.updateChannelUsername(daveCtx, news, 'peers_news')

    const path = freshPath()
    const first = engineOn(dc, await openStore(path))
    try {
      const acc = await loggedIn(first.engine, 'alice', '9996610101')
      await acc.invoke({ _: 'contacts.importContacts', contacts: [{ _: 'inputPhoneContact', clientId: 1n, phone: '9996610102', firstName: 'Bob', lastName: '' }] })
      await acc.invoke({ _: 'contacts.resolveUsername', username: 'carol_peers' })
      await acc.invoke({ _: 'contacts.resolveUsername', username: 'peers_news' })
      await acc.invoke({ _: 'messages.getHistory', peer: { _: 'inputPeerChat', chatId: group.id }, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: 0n })
      await acc.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })
    } finally {
      await first.engine.stop()
    }

    const second = engineOn(dc, await openStore(path))
    try {
      const acc = second.engine.account('alice')
      await acc.ready()
      assert.equal(acc.state.state, 'authorized')
      const from = second.events.length
      const want: Array<[Parameters<Account['resolvePeer']>[0], tl.TypeInputPeer]> = [
        [bob.id, userPeer(bob)],
        [Number(carol.id), userPeer(carol)],
        [{ type: 'user', id: dave.id }, userPeer(dave)],
        [erin.id, userPeer(erin)],
        ['@carol_peers', userPeer(carol)],
        ['CAROL_PEERS', userPeer(carol)],
        ['+9996610101', userPeer(alice)],
        ['@peers_news', { _: 'inputPeerChannel', channelId: news.id, accessHash: news.accessHash }],
        [-CHANNEL_MARK - news.id, { _: 'inputPeerChannel', channelId: news.id, accessHash: news.accessHash }],
        [-group.id, { _: 'inputPeerChat', chatId: group.id }],
      ]
      for (const [ref, peer] of want) assert.deepEqual(await acc.resolvePeer(ref), peer, `resolvePeer(${String(ref)})`)
      // NB: the updates machine catches up in the background (updates.*); nothing else may be sent.
      const sent = second.events.slice(from).flatMap((e) => (e.type === 'rpc.settled' && !e.method.startsWith('updates.') ? [e.method] : []))
      assert.deepEqual(sent, [], 'no RPC for any resolve')
      assert.deepEqual(resolvesIn(second.events), [])
      // And what it gave is what the server accepts (a wrong hash would leave the user out).
      const got = await acc.invoke({ _: 'users.getUsers', id: [await acc.inputUser(dave.id), await acc.inputUser('@carol_peers')] })
      assert.deepEqual(got.map((u) => u.id), [dave.id, carol.id])
    } finally {
      await second.engine.stop()
    }
  })

  test('a user first met in a pushed update resolves with no RPC', async () => {
    dc.world.presetUser({ phone: '9996610113', firstName: 'Nora' })
    const mona = dc.world.presetUser({ phone: '9996610114', firstName: 'Mona' })
    const { engine, events } = engineOn(dc, await openStore(freshPath()))
    try {
      const acc = await loggedIn(engine, 'nora', '9996610113')
      const seen: string[] = []
      acc.onUpdate((u) => {
        seen.push(u.chat)
      })
      // NB: what happened before updates.getState answered is history, not an update: wait for it.
      await until('the updates state', () => JSON.stringify(acc.updatesState).includes('synced'))
      dc.world.sendMessage(dc.world.loginAs(mona.id), { type: 'user', id: acc.userId as bigint }, 'hello Nora', 77n)
      await until('the pushed message', () => seen.includes(`user:${mona.id}`))
      assert.deepEqual(await acc.resolvePeer(mona.id), userPeer(mona))
      assert.deepEqual(resolvesIn(events), [])
    } finally {
      await engine.stop()
    }
  })

  test('a channel post lost in transit is fetched with getChannelDifference, addressed by the cached channel hash', async () => {
    const dave = dc.world.presetUser({ phone: '9996610115', firstName: 'Dave' })
    dc.world.presetUser({ phone: '9996610116', firstName: 'Oscar' })
    const mega = dc.world.createChannel(dc.world.loginAs(dave.id), { title: 'mega', megagroup: true })
    dc.world.updateChannelUsername(dc.world.loginAs(dave.id), mega, 'peers_mega')
    const { engine, events } = engineOn(dc, await openStore(freshPath()))
    try {
      const acc = await loggedIn(engine, 'oscar', '9996610116')
      await acc.invoke({ _: 'channels.joinChannel', channel: await acc.inputChannel('@peers_mega') })
      const posts: string[] = []
      acc.onUpdate((u) => {
        if (u.update._ === 'updateNewChannelMessage' && u.update.message._ === 'message') posts.push(u.update.message.message)
      })
      await until('the updates state', () => JSON.stringify(acc.updatesState).includes('synced'))
      const post = (text: string, r: bigint) => dc.world.sendMessageAs(dave.id, { type: 'channel', id: mega.id }, text, r)
      post('one', 1n)
      await until('the first post', () => posts.length === 1)
      dc.faults.set({ dropNextUpdates: 1 })
      post('two', 2n)
      post('three', 3n)
      await until('the lost post', () => posts.length === 3)
      assert.deepEqual(posts, ['one', 'two', 'three'])
      const fetched = events.filter((e) => e.type === 'rpc.settled' && e.method === 'updates.getChannelDifference')
      assert.ok(fetched.length >= 1 && fetched.every((e) => e.type === 'rpc.settled' && e.ok), 'getChannelDifference was sent, with a hash the server took')
    } finally {
      await engine.stop()
    }
  })

  test('a min user never clobbers a stored access hash (absorbed by the engine, also after a restart)', async () => {
    const frank = dc.world.presetUser({ phone: '9996610106', firstName: 'Frank' })
    const gina = dc.world.presetUser({ phone: '9996610107', firstName: 'Gina', username: 'gina_min' })
    const path = freshPath()
    const firstStore = await openStore(path)
    const first = engineOn(dc, firstStore)
    try {
      const acc = await loggedIn(first.engine, 'frank', '9996610106')
      await acc.invoke({ _: 'users.getUsers', id: [{ _: 'inputUser', userId: gina.id, accessHash: gina.accessHash }] })
      // What a channel's message list brings for a member the account never met: a min user.
      const min: tl.RawUser = { _: 'user', min: true, id: gina.id, accessHash: 777n, firstName: 'Gina' }
      acc.peers.absorb({ _: 'messages.channelMessages', users: [min], chats: [] })
      acc.peers.absorb([min])
      await acc.peers.flush()
      assert.equal((await firstStore.getPeer('frank', 'user', gina.id))?.accessHash, gina.accessHash, 'the store kept the full hash')
      assert.deepEqual(await acc.resolvePeer(gina.id), userPeer(gina))
      assert.deepEqual(resolvesIn(first.events), ['users.getUsers'], 'only the explicit call: the resolve was local')
      // A min user the account never saw in full is kept, but not trusted: resolving it asks the server.
      acc.peers.absorb({ users: [{ _: 'user', min: true, id: frank.id + 1000n, accessHash: 5n }] })
    } finally {
      await first.engine.stop()
    }
    const store = await openStore(path)
    try {
      const stored = await store.getPeer('frank', 'user', gina.id)
      assert.equal(stored?.accessHash, gina.accessHash)
      assert.equal(stored?.min, undefined)
      assert.equal((await store.findPeerByUsername('frank', 'GINA_MIN'))?.accessHash, gina.accessHash)
      assert.equal((await store.getPeer('frank', 'user', frank.id + 1000n))?.min, true)
    } finally {
      await store.close()
    }
    const second = engineOn(dc, await openStore(path))
    try {
      const acc = second.engine.account('frank')
      await acc.ready()
      assert.deepEqual(await acc.resolvePeer('@gina_min'), userPeer(gina))
      await assert.rejects(acc.resolvePeer(frank.id + 1000n), (e: unknown) => e instanceof RpcError)
      assert.deepEqual(resolvesIn(second.events), ['users.getUsers'], 'only the min-only peer went to the network')
    } finally {
      await second.engine.stop()
    }
  })

  test('a changed username moves: the new one resolves (network once, then cached), the old one is gone', async () => {
    const hank = dc.world.presetUser({ phone: '9996610108', firstName: 'Hank' })
    const ivy = dc.world.presetUser({ phone: '9996610109', firstName: 'Ivy', username: 'ivy_before' })
    const { engine, events } = engineOn(dc, await openStore(freshPath()))
    try {
      const acc = await loggedIn(engine, 'hank', '9996610108')
      assert.deepEqual(await acc.resolvePeer('@ivy_before'), userPeer(ivy))
      assert.deepEqual(await acc.resolvePeer('@ivy_before'), userPeer(ivy))
      assert.deepEqual(resolvesIn(events), ['contacts.resolveUsername'], 'a miss goes to the network once')
      dc.world.updateUsername(dc.world.loginAs(ivy.id), 'ivy_after')
      // Ivy seen again with her new name (any result carrying her would do).
      await acc.invoke({ _: 'users.getUsers', id: [await acc.inputUser(ivy.id)] })
      assert.deepEqual(await acc.resolvePeer('@IVY_AFTER'), userPeer(ivy))
      assert.deepEqual(resolvesIn(events), ['contacts.resolveUsername', 'users.getUsers'])
      // The old name is no longer hers locally, so the server is asked, and it knows no such name.
      await assert.rejects(acc.resolvePeer('@ivy_before'), (e: unknown) => e instanceof RpcError && e.is('USERNAME_NOT_OCCUPIED'))
      assert.ok(hank.id > 0n)
    } finally {
      await engine.stop()
    }
  })

  test('a miss by id goes to the network (access hash 0) once, then is cached', async () => {
    const jack = dc.world.presetUser({ phone: '9996610110', firstName: 'Jack' })
    const kate = dc.world.presetUser({ phone: '9996610111', firstName: 'Kate' })
    const { engine, events } = engineOn(dc, await openStore(freshPath()))
    try {
      const acc = await loggedIn(engine, 'jack', '9996610110')
      assert.deepEqual(await acc.resolvePeer(kate.id), userPeer(kate))
      assert.deepEqual(await acc.resolvePeer({ type: 'user', id: kate.id }), userPeer(kate))
      assert.deepEqual(await acc.inputUser(kate.id), { _: 'inputUser', userId: kate.id, accessHash: kate.accessHash })
      assert.deepEqual(resolvesIn(events), ['users.getUsers'])
      await assert.rejects(acc.resolvePeer(kate.id + 999_999n), (e: unknown) => e instanceof RpcError && e.is('PEER_ID_INVALID'))
      await assert.rejects(acc.resolvePeer('+9990000000'), (e: unknown) => e instanceof RpcError && e.is('PHONE_NOT_OCCUPIED'))
      // A phone never seen: contacts.resolvePhone once, then the cache (memory, and the phone index).
      const lena = dc.world.presetUser({ phone: '9996610118', firstName: 'Lena' })
      const phoneBefore = resolvesIn(events).length
      assert.deepEqual(await acc.resolvePeer('+9996610118'), userPeer(lena))
      assert.deepEqual(await acc.resolvePeer('+9996610118'), userPeer(lena))
      assert.deepEqual(resolvesIn(events).slice(phoneBefore), ['contacts.resolvePhone'])
      assert.ok(jack.id > 0n)
      // The engine's memory is shared by its accounts, but what one saw is not another's.
      const pete = dc.world.presetUser({ phone: '9996610117', firstName: 'Pete' })
      assert.deepEqual(await acc.resolvePeer(pete.id), userPeer(pete))
      const other = await loggedIn(engine, 'kate', '9996610111')
      const before = resolvesIn(events).length
      assert.deepEqual(await other.resolvePeer(pete.id), userPeer(pete))
      assert.deepEqual(await acc.resolvePeer(pete.id), userPeer(pete))
      assert.deepEqual(resolvesIn(events).slice(before), ['users.getUsers'], "kate asks the server once; jack's copy stays his")
    } finally {
      await engine.stop()
    }
  })

  test('a malformed ref is a UsageError bad-argument, refused before any RPC', async () => {
    dc.world.presetUser({ phone: '9996610112', firstName: 'Liam' })
    const { engine, events } = engineOn(dc, await openStore(freshPath()))
    try {
      const acc = await loggedIn(engine, 'liam', '9996610112')
      const settled = (): number => events.filter((e) => e.type === 'rpc.settled').length
      const before = settled()
      const bad: unknown[] = [0, 0n, 1.5, Number.MAX_SAFE_INTEGER + 2, -CHANNEL_MARK, 2n ** 63n, '', '@', '12345', 'a b', '+12', null, undefined, {}, { type: 'robot', id: 1n }, { type: 'user', id: 1 }, { _: 'inputUser', userId: 1n, accessHash: 0n }]
      for (const ref of bad) {
        await assert.rejects(acc.resolvePeer(ref as never), (e: unknown) => e instanceof UsageError && e.reason === 'bad-argument', `resolvePeer(${String(ref)})`)
      }
      await assert.rejects(acc.inputUser(-5), (e: unknown) => e instanceof UsageError && e.reason === 'bad-argument')
      await assert.rejects(acc.inputChannel({ _: 'inputPeerSelf' }), (e: unknown) => e instanceof UsageError && e.reason === 'bad-argument')
      assert.equal(settled(), before)
      const self: tl.TypeInputPeer = { _: 'inputPeerSelf' }
      assert.equal(await acc.resolvePeer(self), self, 'an InputPeer is returned as is')
    } finally {
      await engine.stop()
    }
  })

  test('what the cache skips as unchanged is exactly what the store rule would not change (2,000 random sightings)', async () => {
    const store = createMemoryStore()
    const memory = new PeerMemory(1000)
    const cache = new PeerCache('acc', { store, nowMs: () => 1, track: () => {}, warn: (m) => assert.fail(m) }, memory)
    // The model: every sighting folded through the store's own rule, nothing skipped.
    const model = new Map<bigint, PeerRecord>()
    let seed = 12345
    const pick = <T>(xs: readonly T[]): T => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      // NB: the high bits: an LCG's low bits repeat with a short period.
      return xs[Math.floor((seed / 2 ** 31) * xs.length)] as T
    }
    const facts = (p: PeerRecord | undefined) => p && [p.accessHash, p.username, p.phone, p.min === true]
    for (let round = 0; round < 200; round++) {
      const ids = [1n, 2n, 3n].map((i) => BigInt(round) * 3n + i)
      const users = Array.from({ length: 10 }, () => {
        const username = pick([undefined, 'name_a', 'name_b'])
        const phone = pick([undefined, '111', '222'])
        // Three fresh ids a round: min-first histories (min over nothing, then min or full) keep coming.
        return { _: 'user', id: ids[pick([0, 1, 2])] as bigint, accessHash: pick([10n, 20n]), min: pick([true, false]), ...(username ? { username } : {}), ...(phone ? { phone } : {}) }
      })
      for (const u of users) {
        const rec: PeerRecord = { type: 'user', id: u.id, accessHash: u.accessHash, ...(u.min ? { min: true } : {}), ...(u.username ? { username: u.username } : {}), ...(u.phone ? { phone: u.phone } : {}), updatedAtMs: 1 }
        model.set(u.id, mergePeer(model.get(u.id), rec))
      }
      cache.absorb({ users })
      await cache.flush()
      for (const id of ids) {
        const want = facts(model.get(id))
        assert.deepEqual(facts(await store.getPeer('acc', 'user', id)), want, `store, round ${round}, user ${id}`)
        assert.deepEqual(facts(memory.get(`acc\u0000u${id}`)), want, `memory, round ${round}, user ${id}`)
      }
    }
  })
})
