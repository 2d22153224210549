// The fleet under gap faults: 200 accounts in one engine over LMDB receive 20,000 messages in
// private chats, basic groups, a megagroup and a broadcast channel while the test DC drops 10% of
// its pushes, reorders 5%, and forgets every session now and then. Every message reaches the
// handlers at least once, in order per chat; the duplicates delivered are counted and bounded.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import type { Account, DeliveredUpdate } from '@mtswarm/engine'
import { openLmdbStore } from '@mtswarm/storage'
import type { TestDc } from '@mtswarm/testdc'
import { createUpdateLoad, type ExpectedMessage } from '@mtswarm/testdc/testing'
import { engineOn, startDc } from './harness.js'

const ACCOUNTS = Number(process.env['MTSWARM_SCENARIO_ACCOUNTS'] ?? 200)
const MESSAGES = Number(process.env['MTSWARM_SCENARIO_MESSAGES'] ?? 20_000)
const FAULTS = { dropUpdatesProbability: 0.1, reorderUpdatesProbability: 0.05 } as const
/**
 * Members of the megagroup and of the broadcast channel. NB: each post reaches every member; with
 * all 200 the 20,000 messages would be ~1M deliveries (minutes of CPU), a bench's size, not a test's.
 */
const CHANNEL_MEMBERS = Math.min(ACCOUNTS, 40)

let dc: TestDc
let dir: string
before(async () => {
  dc = await startDc({ dcCount: 1, seed: 'updates-scenario' })
  dir = await mkdtemp(join(tmpdir(), 'mtswarm-scenario-'))
})
after(async () => {
  await dc.close()
  await rm(dir, { recursive: true, force: true })
})

/** A message as handlers saw it: the chat lane and the id the recipient knows it by. */
const keyOf = (chat: string, id: number) => `${chat}#${id}`
const chatKey = (m: ExpectedMessage) => `${m.chat.type}:${m.chat.id}`

function messageOf(u: DeliveredUpdate): { chat: string; id: number; text: string } | undefined {
  const up = u.update
  if ((up._ !== 'updateNewMessage' && up._ !== 'updateNewChannelMessage') || up.message._ !== 'message') return undefined
  return { chat: u.chat, id: up.message.id, text: up.message.message }
}

test(`${ACCOUNTS} accounts receive ${MESSAGES} messages under dropped, reordered pushes and forgotten sessions: each at least once, in order per chat`, async () => {
  const load = createUpdateLoad(dc, { users: ACCOUNTS, dcIds: [1], channelMembers: CHANNEL_MEMBERS, megagroupMembers: CHANNEL_MEMBERS })
  const store = await openLmdbStore({ path: join(dir, 'fleet.lmdb'), encryptionKey: new Uint8Array(32).fill(3) })
  const { engine, events } = engineOn(dc, store, { updates: { gapTimeoutMs: 200, idleDifferenceMs: 3_000 } })
  /** What each account's handler saw, in order. */
  const seen = new Map<string, Array<{ chat: string; id: number; text: string }>>()
  engine.onUpdate((u) => {
    const m = messageOf(u)
    if (m === undefined) return
    let list = seen.get(u.accountId)
    if (list === undefined) seen.set(u.accountId, (list = []))
    list.push(m)
  })
  const accounts: Account[] = []
  try {
    for (let i = 0; i < load.users.length; i += 20) {
      await Promise.all(
        load.users.slice(i, i + 20).map(async (user, j) => {
          const account = engine.account(`u${i + j}`)
          await account.sendCode(user.phone)
          assert.equal((await account.signIn(user.code)).status, 'authorized')
          accounts[i + j] = account
        }),
      )
    }
    // Every account knows its state (and its channels) before the traffic starts.
    for (const a of accounts) while (JSON.stringify(a.updatesState).indexOf('active') < 0) await new Promise((r) => setTimeout(r, 10))
    const before = new Map([...seen].map(([id, list]) => [id, list.length]))
    dc.faults.set(FAULTS)
    const third = Math.floor(MESSAGES / 3)
    await load.drive(third)
    dc.forgetSessions('all')
    await load.drive(third)
    dc.forgetSessions('all')
    await load.drive(MESSAGES - 2 * third)
    dc.faults.clear()

    const missing = () => {
      let n = 0
      load.users.forEach((user, i) => {
        const got = new Set((seen.get(`u${i}`) ?? []).map((m) => keyOf(m.chat, m.id)))
        for (const m of load.expectedFor(user.id)) if (!got.has(keyOf(chatKey(m), m.id))) n++
      })
      return n
    }
    const deadline = Date.now() + 180_000
    for (let left = missing(); left > 0; left = missing()) {
      assert.ok(Date.now() < deadline, `${left} messages never reached a handler (faults: ${JSON.stringify(dc.stats.faults)})`)
      await new Promise((r) => setTimeout(r, 200))
    }
    await Promise.all(accounts.map((a) => a.updatesSettled()))

    let delivered = 0
    let duplicates = 0
    load.users.forEach((user, i) => {
      const list = (seen.get(`u${i}`) ?? []).slice(before.get(`u${i}`) ?? 0)
      delivered += list.length
      const firsts = new Map<string, number[]>()
      const unique = new Set<string>()
      for (const m of list) {
        const k = keyOf(m.chat, m.id)
        if (unique.has(k)) {
          duplicates++
          continue
        }
        unique.add(k)
        firsts.set(m.chat, [...(firsts.get(m.chat) ?? []), m.id])
      }
      for (const [chat, ids] of firsts) assert.deepEqual(ids, [...ids].sort((a, b) => a - b), `u${i}, ${chat}: in order`)
      const expected = load.expectedFor(user.id)
      const texts = new Map(list.map((m) => [keyOf(m.chat, m.id), m.text]))
      for (const m of expected) assert.equal(texts.get(keyOf(chatKey(m), m.id)), m.text, `u${i}: ${chatKey(m)}#${m.id}`)
    })
    const f = dc.stats.faults
    process.stdout.write(
      `# updates scenario: ${ACCOUNTS} accounts, ${load.sent} messages sent, ${delivered} delivered, ${duplicates} duplicates; ` +
        `pushes dropped ${f['dropUpdate'] ?? 0}, reordered ${f['reorderUpdate'] ?? 0}, sessions forgotten ${f['forgetSessions'] ?? 0}; ` +
        `getDifference ${events.filter((e) => e.type === 'rpc.settled' && e.method === 'updates.getDifference').length}, ` +
        `getChannelDifference ${events.filter((e) => e.type === 'rpc.settled' && e.method === 'updates.getChannelDifference').length}\n`,
    )
    assert.ok((f['dropUpdate'] ?? 0) > 0 && (f['forgetSessions'] ?? 0) > 0, `the faults fired: ${JSON.stringify(f)}`)
    assert.ok(duplicates <= delivered / 100, `duplicates bounded (≤ 1%): ${duplicates} of ${delivered}`)
  } finally {
    await engine.stop()
  }
})
