// Updates end to end on the test DC: private messages reach the handlers once each and in order,
// the updates inside an RPC result take the same path, the committed state moves only past
// handled updates, and a restart from the same store catches up with what happened while away.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Account, DeliveredUpdate, Engine } from '@mtswarm/engine'
import type { tl } from '@mtswarm/engine/tl'
import { openLmdbStore, type SessionStore } from '@mtswarm/storage'
import type { TestDc } from '@mtswarm/testdc'
import { engineOn, startDc } from './harness.js'

let dc: TestDc
let dir: string
const KEY = new Uint8Array(32).fill(7)

before(async () => {
  dc = await startDc()
  dir = await mkdtemp(join(tmpdir(), 'mtswarm-updates-'))
})
after(async () => {
  await dc.close()
  await rm(dir, { recursive: true, force: true })
})

let phones = 0
/** A preset user on DC 1 logged in on `engine` as account `id`. */
async function loggedIn(engine: Engine, id: string, firstName: string): Promise<{ account: Account; userId: bigint; phone: string }> {
  const phone = `99966100${String(10 + phones++).padStart(2, '0')}`
  const user = dc.world.presetUser({ phone, firstName })
  const account = engine.account(id)
  await account.sendCode(phone)
  assert.equal((await account.signIn('11111')).status, 'authorized')
  return { account, userId: user.id, phone }
}

/** alice's InputPeer of the user with this phone (contacts.importContacts gives the access hash). */
async function peerOf(account: Account, phone: string): Promise<tl.TypeInputPeer> {
  const r = await account.invoke({ _: 'contacts.importContacts', contacts: [{ _: 'inputPhoneContact', clientId: 1n, phone, firstName: 'x', lastName: '' }] })
  const u = r.users[0] as tl.RawUser
  return { _: 'inputPeerUser', userId: u.id, accessHash: u.accessHash ?? 0n }
}

const texts = (seen: DeliveredUpdate[]): string[] =>
  seen.flatMap((u) => (u.update._ === 'updateNewMessage' && u.update.message._ === 'message' ? [u.update.message.message] : []))

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function send(account: Account, peer: tl.TypeInputPeer, text: string): Promise<void> {
  await account.invoke({ _: 'messages.sendMessage', peer, message: text, randomId: BigInt(Math.floor(Math.random() * 2 ** 52)) })
}

describe('updates on the engine', () => {
  test('private messages reach the handler once each, in order, and the state commits past them', async () => {
    const store: SessionStore = await openLmdbStore({ path: join(dir, 'a.lmdb'), encryptionKey: KEY })
    const { engine } = engineOn(dc, store)
    const seen: DeliveredUpdate[] = []
    engine.onUpdate((u) => {
      if (u.accountId === 'bob') seen.push(u)
    })
    try {
      const alice = await loggedIn(engine, 'alice', 'Alice')
      const bob = await loggedIn(engine, 'bob', 'Bob')
      const peer = await peerOf(alice.account, bob.phone)
      const sent = Array.from({ length: 30 }, (_, i) => `hello ${i}`)
      for (const t of sent) await send(alice.account, peer, t)
      await until('30 messages', () => texts(seen).length >= 30)
      await bob.account.updatesSettled()
      assert.deepEqual(texts(seen), sent)
      assert.equal(new Set(seen.map((u) => u.id)).size, seen.length, 'no update delivered twice')
      assert.ok(seen.every((u) => u.chat === `user:${alice.userId}`))
      const state = await store.getUpdateState('bob')
      assert.equal(state?.pts, dc.world.getState(dc.world.loginAs(bob.userId)).pts, 'committed up to the last message')
    } finally {
      await engine.stop()
    }
  })

  test('the Updates inside an RPC result are delivered too: the sender sees its own message once', async () => {
    const store: SessionStore = await openLmdbStore({ path: join(dir, 'b.lmdb'), encryptionKey: KEY })
    const { engine } = engineOn(dc, store)
    const mine: DeliveredUpdate[] = []
    try {
      const carol = await loggedIn(engine, 'carol', 'Carol')
      const dave = await loggedIn(engine, 'dave', 'Dave')
      carol.account.onUpdate((u) => void mine.push(u))
      const peer = await peerOf(carol.account, dave.phone)
      await send(carol.account, peer, 'from carol')
      await carol.account.updatesSettled()
      const own = mine.filter((u) => u.update._ === 'updateNewMessage' || u.update._ === 'updateShortSentMessage')
      assert.equal(own.length, 1, `the own message once, got ${mine.map((u) => u.update._).join(', ')}`)
      const m = own[0]?.update
      if (m?._ === 'updateNewMessage' && m.message._ === 'message') assert.deepEqual([m.message.out, m.message.message], [true, 'from carol'])
      const state = await store.getUpdateState('carol')
      assert.equal(state?.pts, dc.world.getState(dc.world.loginAs(carol.userId)).pts)
    } finally {
      await engine.stop()
    }
  })

  test('a handler that keeps failing parks its update as a dead letter; later ones still flow; replay runs the handlers again', async () => {
    const store: SessionStore = await openLmdbStore({ path: join(dir, 'd.lmdb'), encryptionKey: KEY })
    const { engine } = engineOn(dc, store, { updates: { retryDelaysMs: [1, 1] } })
    const handled: string[] = []
    let healed = false
    try {
      const gina = await loggedIn(engine, 'gina', 'Gina')
      const hal = await loggedIn(engine, 'hal', 'Hal')
      hal.account.onUpdate((u) => {
        const [text] = texts([u])
        if (text === undefined) return
        if (text === 'poison' && !healed) throw new Error('cannot digest poison')
        handled.push(text)
      })
      const peer = await peerOf(gina.account, hal.phone)
      for (const t of ['one', 'poison', 'two']) await send(gina.account, peer, t)
      await until('the messages after the poison', () => handled.includes('two'))
      await hal.account.updatesSettled()
      assert.deepEqual(handled, ['one', 'two'])
      const dead = await hal.account.deadLetters()
      assert.equal(dead.length, 1)
      assert.equal(dead[0]?.attempts, 3, 'one try and two retries')
      assert.match(dead[0]?.error ?? '', /cannot digest poison/)
      assert.equal(texts([{ update: dead[0]!.update } as DeliveredUpdate])[0], 'poison')
      assert.equal((await store.getUpdateState('hal'))?.pts, dc.world.getState(dc.world.loginAs(hal.userId)).pts, 'the dead letter does not hold the box back')
      await assert.rejects(hal.account.replayDeadLetter(dead[0]!.id), /cannot digest poison/, 'still failing: stays parked')
      assert.equal((await hal.account.deadLetters()).length, 1)
      healed = true
      await hal.account.replayDeadLetter(dead[0]!.id)
      assert.deepEqual(handled, ['one', 'two', 'poison'])
      assert.deepEqual(await hal.account.deadLetters(), [])
      await assert.rejects(hal.account.replayDeadLetter('nope'), (e: Error) => e.name === 'UsageError')
    } finally {
      await engine.stop()
    }
  })

  test('a short message from a sender the peer cache does not hold is fetched with getDifference (which carries the user), not applied bare', async () => {
    const path = join(dir, 'e.lmdb')
    const first = engineOn(dc, await openLmdbStore({ path, encryptionKey: KEY }))
    let ivy: { account: Account; userId: bigint; phone: string }
    let jon: { account: Account; userId: bigint; phone: string }
    let peer: tl.TypeInputPeer
    const seen: string[] = []
    try {
      ivy = await loggedIn(first.engine, 'ivy', 'Ivy')
      jon = await loggedIn(first.engine, 'jon', 'Jon')
      peer = await peerOf(ivy.account, jon.phone)
      first.engine.onUpdate((u) => {
        if (u.accountId === 'jon') seen.push(...texts([u]))
      })
      await send(ivy.account, peer, 'first contact') // a full updates, with Ivy in its users
      await until('the first message', () => seen.length === 1)
      await jon.account.updatesSettled()
      await jon.account.stop()
    } finally {
      await first.engine.stop()
    }
    // A new engine: empty peer memory. Ivy and Jon have met, so the DC pushes updateShortMessage.
    const second = engineOn(dc, await openLmdbStore({ path, encryptionKey: KEY }))
    try {
      second.engine.onUpdate((u) => {
        if (u.accountId === 'jon') seen.push(...texts([u]))
      })
      const again = second.engine.account('jon')
      await again.ready()
      while (JSON.stringify(again.updatesState).indexOf('synced') < 0) await new Promise((r) => setTimeout(r, 10))
      const differences = () => second.events.filter((e) => e.type === 'rpc.settled' && e.accountId === 'jon' && e.method === 'updates.getDifference').length
      const before = differences()
      const sender = second.engine.account('ivy')
      await sender.ready()
      await send(sender, peer, 'short one')
      await until('the short message', () => seen.includes('short one'))
      assert.equal(differences(), before + 1, 'the unknown sender made it a getDifference')
      assert.deepEqual(seen, ['first contact', 'short one'])
      const resolvesBefore = second.events.filter((e) => e.type === 'rpc.settled' && e.accountId === 'jon').length
      assert.deepEqual(await again.resolvePeer({ type: 'user', id: ivy.userId }), { _: 'inputPeerUser', userId: ivy.userId, accessHash: dc.world.user(ivy.userId)?.accessHash })
      assert.equal(second.events.filter((e) => e.type === 'rpc.settled' && e.accountId === 'jon').length, resolvesBefore, 'the sender resolves from the cache')
    } finally {
      await second.engine.stop()
    }
  })

  test('a restart from the same store catches up with the messages sent while the account was away', async () => {
    const path = join(dir, 'c.lmdb')
    const first = engineOn(dc, await openLmdbStore({ path, encryptionKey: KEY }))
    const seen: string[] = []
    let eve: { account: Account; userId: bigint; phone: string }
    let frank: { account: Account; userId: bigint; phone: string }
    let peer: tl.TypeInputPeer
    try {
      eve = await loggedIn(first.engine, 'eve', 'Eve')
      frank = await loggedIn(first.engine, 'frank', 'Frank')
      peer = await peerOf(eve.account, frank.phone)
      first.engine.onUpdate((u) => {
        if (u.accountId === 'frank') seen.push(...texts([u]))
      })
      await send(eve.account, peer, 'before')
      await until('the first message', () => seen.length === 1)
      await frank.account.updatesSettled()
      await frank.account.stop()
      for (let i = 0; i < 5; i++) await send(eve.account, peer, `while away ${i}`)
    } finally {
      await first.engine.stop()
    }
    const second = engineOn(dc, await openLmdbStore({ path, encryptionKey: KEY }))
    try {
      second.engine.onUpdate((u) => {
        if (u.accountId === 'frank') seen.push(...texts([u]))
      })
      const again = second.engine.account('frank')
      await again.ready()
      await until('the five missed messages', () => seen.length >= 6)
      await again.updatesSettled()
      assert.deepEqual(seen, ['before', ...Array.from({ length: 5 }, (_, i) => `while away ${i}`)])
    } finally {
      await second.engine.stop()
    }
  })
})
