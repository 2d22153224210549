// Issue 6's acceptance checks against the real test DC through the public API only: 200
// concurrent logins (2FA, PHONE_MIGRATE) and a message ring; a restart from LMDB with no handshake
// and no login; RPCs under every fault at once, each settling once and executing once.
// Knows nothing of the engine's internals: createEngine/account/invoke/login helpers, events$, counters.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEngine, isMtSwarmError, ProtocolError, RpcError, type Account, type Engine, type EngineEvent } from '@mtswarm/engine'
import { openLmdbStore } from '@mtswarm/storage'
import { startTestDc } from '../dc/index.js'
import { apiUpdatesHook, createApiHandler } from '../dc/api/index.js'
import { sharedRsaKeyPem } from '../dc/testing/fixtures.js'
import type { ApiHook, TestDc } from '../dc/types.js'
import type { WorldUser } from '../dc/world/index.js'

const ACCOUNTS = 200
/** Accounts that take part in the fault run (the first ones of the 200). */
const FAULT_ACCOUNTS = 100
/**
 * RPCs in the fault run. NB: the full 10,000 of the issue does not fit `npm test`'s budget on a
 * loaded 2-core machine; run it by hand with MTSWARM_ACCEPTANCE_RPCS=10000.
 */
const FAULT_RPCS = Number(process.env['MTSWARM_ACCEPTANCE_RPCS'] ?? 2000)
/** Calls in flight per account during the fault run. */
const WINDOW = 4
/** Share of the fault run's calls that are messages.sendMessage (the rest: cheap calls). */
const SEND_SHARE = 0.25

interface Site {
  readonly accountId: string
  readonly phone: string
  readonly homeDcId: number
  readonly password: string | undefined
  readonly user: WorldUser
}

let dc: TestDc
let dir: string
let storePath: string
const sites: Site[] = []
/** Server-side executions of messages.sendMessage, by `${userId}:${randomId}` (before the world's dedup). */
const sendExecutions = new Map<string, number>()

/** The API with a tap on sendMessage: the world dedups by randomId, this shows re-executions. */
const tappedApi = (): ApiHook => {
  const inner = createApiHandler()
  return (call, fallback) => {
    if (call.method === 'messages.sendMessage' && call.userId !== undefined) {
      const r = call.request as { randomId?: bigint }
      const k = `${call.userId}:${r.randomId}`
      sendExecutions.set(k, (sendExecutions.get(k) ?? 0) + 1)
    }
    return inner(call, fallback)
  }
}

before(async () => {
  dc = await startTestDc({ dcCount: 3, rsaPrivateKeyPem: sharedRsaKeyPem(), api: tappedApi(), updates: apiUpdatesHook, seed: 6 })
  dir = mkdtempSync(join(tmpdir(), 'mtswarm-acceptance-'))
  storePath = join(dir, 'store.mdb')
  const perDc = new Map<number, number>()
  for (let i = 0; i < ACCOUNTS; i++) {
    // 1 in 5 homed on DC 2 or 3 (PHONE_MIGRATE from the default DC 1), 1 in 5 with 2FA.
    const homeDcId = i % 5 === 1 ? 2 + (i % 2) : 1
    const n = (perDc.get(homeDcId) ?? 0) + 1
    perDc.set(homeDcId, n)
    const phone = `99966${homeDcId}${String(n).padStart(4, '0')}`
    const password = i % 5 === 3 ? `pw-${i}` : undefined
    const user = dc.world.presetUser({ phone, firstName: `User ${i}`, username: `accept_user_${i}`, ...(password === undefined ? {} : { password }) })
    sites.push({ accountId: `site-${i}`, phone, homeDcId, password, user })
  }
})

after(async () => {
  await dc.close()
  rmSync(dir, { recursive: true, force: true })
})

async function openEngine(): Promise<{ engine: Engine; events: EngineEvent[] }> {
  const store = await openLmdbStore({ path: storePath, verify: 'none', encryptionKey: new Uint8Array(32).fill(7) })
  const engine = createEngine({ apiId: 4242, apiHash: '0123456789abcdef0123456789abcdef', store, dcs: dc.dcs, publicKeys: [dc.publicKeyPem] })
  const events: EngineEvent[] = []
  engine.events$.subscribe((e) => {
    if (e.type !== 'rpc.settled' && e.type !== 'account.state') events.push(e)
  })
  return { engine, events }
}

function count(events: readonly EngineEvent[], type: EngineEvent['type']): number {
  return events.filter((e) => e.type === type).length
}

/** What a settled call came to: 'ok', or the typed error's kind and name. */
function outcomeOf(e: unknown): string {
  if (e instanceof RpcError) return `${e.kind}:${e.errorName}`
  if (e instanceof ProtocolError) return `${e.kind}:${e.detail.kind}`
  if (isMtSwarmError(e)) return e.kind
  return `untyped:${String(e)}`
}

function bump(table: Map<string, number>, key: string): void {
  table.set(key, (table.get(key) ?? 0) + 1)
}

/** World messages sent by `sender` with one of `randomIds`, counted in the receiver's box. */
function delivered(receiver: bigint, sender: bigint): Map<bigint, number> {
  const out = new Map<bigint, number>()
  for (const m of dc.world.boxOf(receiver)) {
    if (m.box !== 'user' || m.out || m.fromId !== sender || m.randomId === undefined) continue
    out.set(m.randomId, (out.get(m.randomId) ?? 0) + 1)
  }
  return out
}

describe('issue 6 acceptance', () => {
  test(`${ACCOUNTS} accounts log in concurrently (2FA, PHONE_MIGRATE), then a message ring lands exactly once`, async () => {
    const { engine, events } = await openEngine()
    try {
      const started = performance.now()
      const results = await Promise.all(
        sites.map(async (s) => {
          const acc = engine.account(s.accountId)
          await acc.sendCode(s.phone)
          const r = await acc.signIn(String(s.homeDcId).repeat(5))
          if (r.status === 'passwordNeeded') {
            assert.ok(s.password !== undefined, `${s.accountId}: passwordNeeded without 2FA`)
            await acc.checkPassword(s.password)
          } else {
            assert.equal(r.status, 'authorized', s.accountId)
          }
          return acc
        }),
      )
      const loginMs = performance.now() - started
      for (const [i, acc] of results.entries()) {
        const s = sites[i]!
        assert.deepEqual([acc.state.state, acc.homeDcId, acc.userId], ['authorized', s.homeDcId, s.user.id], s.accountId)
      }
      const migrated = sites.filter((s) => s.homeDcId !== 1).length
      const twoFa = sites.filter((s) => s.password !== undefined).length
      assert.ok(migrated >= 20 && twoFa >= 20, `${migrated} migrated, ${twoFa} with 2FA`)
      assert.equal(engine.counters.logins, ACCOUNTS)
      assert.equal(count(events, 'login'), ACCOUNTS)
      assert.equal(events.filter((e) => e.type === 'login' && e.via === 'password').length, twoFa)
      assert.equal(events.filter((e) => e.type === 'account.migrated' && e.fromDcId === 1).length, migrated)
      // First contact on DC 1 for everyone, plus one key on the home DC for the migrated ones.
      assert.equal(engine.counters.handshakes, ACCOUNTS + migrated)

      // Ring: i → i+1, the peer resolved by username.
      const before = dc.world.messagesCount()
      await Promise.all(
        results.map(async (acc, i) => {
          const next = sites[(i + 1) % ACCOUNTS]!
          const resolved = await acc.invoke({ _: 'contacts.resolveUsername', username: next.user.username! })
          const peerUser = resolved.users.find((u) => u.id === next.user.id)
          assert.ok(peerUser !== undefined && peerUser._ === 'user' && peerUser.accessHash !== undefined, `${sites[i]!.accountId}: resolved ${next.user.username}`)
          await acc.invoke({
            _: 'messages.sendMessage',
            peer: { _: 'inputPeerUser', userId: peerUser.id, accessHash: peerUser.accessHash },
            message: `ring ${i} → ${(i + 1) % ACCOUNTS}`,
            randomId: BigInt(1_000_000 + i),
          })
        }),
      )
      assert.equal(dc.world.messagesCount() - before, ACCOUNTS)
      for (const [i, s] of sites.entries()) {
        const next = sites[(i + 1) % ACCOUNTS]!
        assert.deepEqual([...delivered(next.user.id, s.user.id)], [[BigInt(1_000_000 + i), 1]], `ring ${i}`)
      }
      assert.deepEqual(dc.world.assertNoDuplicateMessages(), [])
      assert.deepEqual(dc.world.checkInvariants(), [])
      const ringExec = [...sendExecutions.values()]
      assert.deepEqual([ringExec.length, Math.max(...ringExec)], [ACCOUNTS, 1], 'each ring message executed once on the server')
      console.log(`# logins: ${ACCOUNTS} in ${loginMs.toFixed(0)} ms (${((ACCOUNTS * 1000) / loginMs).toFixed(1)} accounts/s), ${migrated} migrated, ${twoFa} with 2FA`)
    } finally {
      await engine.stop()
    }
  })

  test('restart from the LMDB store: zero handshakes, zero logins, every first RPC succeeds', async () => {
    const stats = dc.stats.snapshot()
    const { engine, events } = await openEngine()
    try {
      assert.equal((await engine.storedAccountIds()).length, ACCOUNTS)
      const selves = await Promise.all(
        sites.map(async (s) => {
          const acc = engine.account(s.accountId)
          const snap = await acc.ready()
          assert.deepEqual([snap.state, snap.homeDcId, snap.userId], ['authorized', s.homeDcId, s.user.id], s.accountId)
          return (await acc.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }))[0]?.id
        }),
      )
      assert.deepEqual(selves, sites.map((s) => s.user.id))
      assert.deepEqual([engine.counters.handshakes, engine.counters.logins, engine.counters.rpcFailed], [0, 0, 0])
      assert.deepEqual([count(events, 'handshake'), count(events, 'login')], [0, 0])
      assert.equal(dc.stats.handshakesStarted - stats.handshakesStarted, 0, 'the test DC saw no handshake')
      assert.equal((dc.stats.rpcCalls['users.getUsers'] ?? 0) - (stats.rpcCalls['users.getUsers'] ?? 0), ACCOUNTS)
      for (const m of ['auth.sendCode', 'auth.signIn', 'auth.checkPassword', 'auth.importAuthorization']) {
        assert.equal(dc.stats.rpcCalls[m] ?? 0, stats.rpcCalls[m] ?? 0, `${m} on the restart`)
      }
    } finally {
      await engine.stop()
    }
  })

  test(`${FAULT_RPCS} RPCs over ${FAULT_ACCOUNTS} accounts under every fault at once: each settles once, executes once, no duplicate message`, async () => {
    const { engine, events } = await openEngine()
    const accounts: Account[] = []
    for (const s of sites.slice(0, FAULT_ACCOUNTS)) {
      const acc = engine.account(s.accountId)
      assert.equal((await acc.ready()).state, 'authorized')
      accounts.push(acc)
    }
    const stats = dc.stats.snapshot()
    const sendsBefore = sendExecutions.size
    // USER_MIGRATE for 10 accounts to a DC they are not on; each entry is lifted as soon as the
    // engine saw it (a permanent knob would also refuse the export/import that carries the move).
    const migrateTargets = new Map<string, string>()
    for (const s of sites.slice(0, FAULT_ACCOUNTS).filter((_, i) => i % 10 === 7)) {
      migrateTargets.set(s.accountId, s.user.id.toString())
    }
    let userMigrate: Record<string, number> = {}
    for (const [accountId, userId] of migrateTargets) userMigrate[userId] = sites.find((s) => s.accountId === accountId)!.homeDcId === 3 ? 2 : 3
    const sub = engine.events$.subscribe((e) => {
      if (e.type === 'rpc.migrated' && e.errorMessage.startsWith('USER_MIGRATE')) {
        const userId = migrateTargets.get(e.accountId)
        if (userId !== undefined && userId in userMigrate) {
          const { [userId]: _, ...rest } = userMigrate
          userMigrate = rest
          dc.faults.set({ userMigrate })
        }
      }
    })
    dc.faults.set({
      dropProbability: 0.002,
      duplicateProbability: 0.02,
      // NB: server 20 s ahead (inside the 300 s past window). A server behind the client by 45 s
      // (msg_id 17 on every call) fails every call with too-many-resends: see the report.
      clockSkewMs: 20_000,
      badServerSaltNext: 20,
      userMigrate,
    })
    // FLOOD_WAIT_1 (under the 10 s threshold) and forced bad salts come in pulses (by wall time: a
    // loaded event loop runs timers late), so the retries after them pass.
    let lastPulse = performance.now()
    let flooding = false
    const pulse = setInterval(() => {
      const since = performance.now() - lastPulse
      if (flooding && since >= 150) {
        flooding = false
        dc.faults.set({ floodWait: undefined, badServerSaltNext: 10 })
      } else if (!flooding && since >= 500) {
        lastPulse = performance.now()
        flooding = true
        dc.faults.set({ floodWait: { 'help.getNearestDc': 1 } })
      }
    }, 20)

    const outcomes = new Map<string, number>()
    const sent = new Map<string, 'ok' | 'failed'>()
    let settles = 0
    let issued = 0
    const started = performance.now()
    try {
      const perAccount = Math.ceil(FAULT_RPCS / FAULT_ACCOUNTS)
      await Promise.all(
        accounts.map(async (acc, a) => {
          const me = sites[a]!
          const peer = sites[(a + 1) % ACCOUNTS]!.user
          let next = 0
          const worker = async (): Promise<void> => {
            for (;;) {
              const k = next++
              if (k >= perAccount || a * perAccount + k >= FAULT_RPCS) return
              issued++
              const kind = (k * 7919 + a) % 100 < SEND_SHARE * 100 ? 'send' : k % 2 === 0 ? 'nearest' : 'state'
              const randomId = BigInt(2_000_000_000 + a * 100_000 + k)
              const p =
                kind === 'send'
                  ? acc.invoke({ _: 'messages.sendMessage', peer: { _: 'inputPeerUser', userId: peer.id, accessHash: peer.accessHash }, message: `fault ${a}/${k}`, randomId })
                  : kind === 'nearest'
                    ? acc.invoke({ _: 'help.getNearestDc' })
                    : acc.invoke({ _: 'updates.getState' })
              let once = 0
              const outcome = await p.then(
                () => 'ok',
                (e: unknown) => outcomeOf(e),
              )
              once++
              settles++
              assert.equal(once, 1)
              bump(outcomes, `${kind}:${outcome}`)
              if (kind === 'send') sent.set(`${me.user.id}:${randomId}`, outcome === 'ok' ? 'ok' : 'failed')
            }
          }
          await Promise.all(Array.from({ length: WINDOW }, worker))
        }),
      )
    } finally {
      clearInterval(pulse)
      sub.unsubscribe()
      dc.faults.clear()
    }
    const ms = performance.now() - started
    try {
      const tally = Object.fromEntries([...outcomes].sort())
      const fired = Object.fromEntries(Object.entries(dc.stats.faults).map(([k, v]) => [k, v - (stats.faults[k] ?? 0)]))
      const calls = Object.fromEntries(
        ['help.getNearestDc', 'updates.getState', 'messages.sendMessage', 'auth.exportAuthorization', 'auth.importAuthorization'].map((m) => [
          m,
          (dc.stats.rpcCalls[m] ?? 0) - (stats.rpcCalls[m] ?? 0),
        ]),
      )
      console.log(`# fault run: ${settles}/${issued} settled in ${ms.toFixed(0)} ms (${((settles * 1000) / ms).toFixed(0)} RPC/s)`)
      console.log(`# outcomes: ${JSON.stringify(tally)}`)
      console.log(`# faults fired: ${JSON.stringify(fired)}; server dispatches: ${JSON.stringify(calls)}`)
      console.log(`# engine: ${JSON.stringify(engine.counters)} dc.down ${count(events, 'dc.down')} migrated ${count(events, 'account.migrated')}`)

      assert.equal(issued, FAULT_RPCS)
      assert.equal(settles, FAULT_RPCS, 'every call settled, once')
      assert.ok(![...outcomes.keys()].some((k) => k.includes('untyped')), `only typed errors: ${JSON.stringify(tally)}`)
      // Every fault actually fired (otherwise the run proves nothing about it).
      for (const f of ['dropProbability', 'duplicate', 'badServerSalt', 'floodWait', 'userMigrate']) assert.ok((fired[f] ?? 0) > 0, `${f} fired`)
      // New keys only where USER_MIGRATE sent an account to a DC it had none on.
      assert.ok(count(events, 'handshake') <= migrateTargets.size, `${count(events, 'handshake')} handshakes`)
      assert.equal(count(events, 'account.migrated'), migrateTargets.size)

      // Server side: each sendMessage executed at most once (before the world's randomId dedup),
      // exactly once when it succeeded; the world holds exactly one copy of each.
      assert.equal(sendExecutions.size - sendsBefore, [...sent.keys()].filter((k) => sendExecutions.has(k)).length)
      for (const [k, outcome] of sent) {
        const n = sendExecutions.get(k) ?? 0
        assert.ok(n <= 1, `${k} executed ${n} times`)
        if (outcome === 'ok') assert.equal(n, 1, `${k} succeeded without executing`)
      }
      for (const [a, s] of sites.slice(0, FAULT_ACCOUNTS).entries()) {
        const peer = sites[(a + 1) % ACCOUNTS]!.user
        const got = delivered(peer.id, s.user.id)
        for (const [k, outcome] of sent) {
          const [sender, rid] = k.split(':') as [string, string]
          if (sender !== s.user.id.toString()) continue
          const copies = got.get(BigInt(rid)) ?? 0
          assert.equal(copies, sendExecutions.has(k) ? 1 : 0, `${k} (${outcome}) copies in the peer's box`)
        }
      }
      assert.deepEqual(dc.world.assertNoDuplicateMessages(), [])
      assert.deepEqual(dc.world.checkInvariants(), [])
    } finally {
      await engine.stop()
    }
  })
})
