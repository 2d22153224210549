// A call the server executed whose answer was lost with its connection: the engine reconnects and
// sends the call again, and the server must not execute it twice. Counted on the server before
// any dedup of the world's (sendMessage's randomId), and with messages.readHistory, which has no
// idempotency key at all: only the session's msg_id answer cache can keep it from running twice.
// Public API only (createEngine, account, invoke, login helpers).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { createEngine, isMtSwarmError, RpcError, type Account, type Engine } from '@mtswarm/engine'
import type { tl } from '@mtswarm/engine/tl'
import { createMemoryStore } from '@mtswarm/storage'
import { type ApiHook, apiUpdatesHook, createApiHandler, startTestDc, type TestDc, type WorldUser } from '@mtswarm/testdc'
import { sharedRsaKeyPem } from '@mtswarm/testdc/testing'

/** Calls made while answers get lost. */
const CALLS = 48
/** Calls in flight at once. */
const WINDOW = 3
/** Share of executed calls whose answer is lost with its connection. */
const DROP_RESULT_PROBABILITY = 0.2

/** Server-side executions by call key (`send:<randomId>`, `read:<maxId>`), before any dedup. */
const executions = new Map<string, number>()

function bump(table: Map<string, number>, key: string): void {
  table.set(key, (table.get(key) ?? 0) + 1)
}

/** The API with a tap that counts every execution of the two methods under test. */
const tappedApi = (): ApiHook => {
  const inner = createApiHandler()
  return (call, fallback) => {
    if (call.method === 'messages.sendMessage') bump(executions, `send:${(call.request as unknown as { randomId: bigint }).randomId}`)
    if (call.method === 'messages.readHistory') bump(executions, `read:${(call.request as unknown as { maxId: number }).maxId}`)
    return inner(call, fallback)
  }
}

let dc: TestDc
let engine: Engine
let alice: WorldUser
let bob: WorldUser
let acc: Account
let peer: tl.TypeInputPeer

before(async () => {
  dc = await startTestDc({ dcCount: 1, rsaPrivateKeyPem: sharedRsaKeyPem(), api: tappedApi(), updates: apiUpdatesHook, seed: 11 })
  alice = dc.world.presetUser({ phone: '9996610001', firstName: 'Alice', username: 'lost_answer_alice' })
  bob = dc.world.presetUser({ phone: '9996610002', firstName: 'Bob', username: 'lost_answer_bob' })
  engine = createEngine({ apiId: 4242, apiHash: '0123456789abcdef0123456789abcdef', store: createMemoryStore(), dcs: dc.dcs, publicKeys: [dc.publicKeyPem] })
  acc = engine.account('alice')
  await acc.sendCode(alice.phone!)
  assert.equal((await acc.signIn('11111')).status, 'authorized')
  const resolved = await acc.invoke({ _: 'contacts.resolveUsername', username: bob.username! })
  const peerUser = resolved.users.find((u): u is tl.RawUser => u._ === 'user' && u.id === bob.id)
  assert.ok(peerUser?.accessHash !== undefined)
  peer = { _: 'inputPeerUser', userId: bob.id, accessHash: peerUser.accessHash }
})

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

after(async () => {
  await engine.stop()
  await dc.close()
})

describe('an answer lost after the server executed the call', () => {
  test(`${CALLS} calls, ${DROP_RESULT_PROBABILITY * 100} % of answers lost with their connection: each call settles once and executes at most once, exactly once when it succeeded`, async () => {
    const before = dc.stats.snapshot()

    dc.faults.set({ dropResultProbability: DROP_RESULT_PROBABILITY })
    /** Settlements per call key: exactly one each is the claim. */
    const settlements = new Map<string, number>()
    const outcomes = new Map<string, string>()
    let next = 0
    const worker = async (): Promise<void> => {
      for (let k = next++; k < CALLS; k = next++) {
        const key = k % 2 === 0 ? `send:${9_000_000 + k}` : `read:${k + 1}`
        const p: Promise<unknown> =
          k % 2 === 0
            ? acc.invoke({ _: 'messages.sendMessage', peer, message: `lost answer ${k}`, randomId: BigInt(9_000_000 + k) })
            : acc.invoke({ _: 'messages.readHistory', peer, maxId: k + 1 })
        // NB: counted in the callbacks themselves, so a call that never settles is seen as 0.
        await p.then(
          () => {
            bump(settlements, key)
            outcomes.set(key, 'ok')
          },
          (e: unknown) => {
            bump(settlements, key)
            outcomes.set(key, e instanceof RpcError ? `${e.kind}:${e.code}:${e.errorName}` : isMtSwarmError(e) ? e.kind : `untyped:${String(e)}`)
          },
        )
      }
    }
    try {
      await Promise.all(Array.from({ length: WINDOW }, worker))
    } finally {
      dc.faults.clear()
    }

    const lost = (dc.stats.faults['dropResult'] ?? 0) - (before.faults['dropResult'] ?? 0)
    const tally: Record<string, number> = {}
    for (const o of outcomes.values()) tally[o] = (tally[o] ?? 0) + 1
    console.log(`# ${lost} answers lost; outcomes ${JSON.stringify(tally)}; executions ${JSON.stringify(Object.fromEntries([...executions].filter(([, n]) => n > 1)))} ran twice or more`)
    assert.ok(lost >= 3, `the fault fired (${lost} answers lost)`)
    assert.equal(settlements.size, CALLS, 'every call settled')
    assert.deepEqual([...settlements].filter(([, n]) => n !== 1), [], 'no call settled twice')
    assert.deepEqual(Object.keys(tally).filter((o) => o.startsWith('untyped')), [], `only typed errors: ${JSON.stringify(tally)}`)
    assert.equal(engine.runtimeStats.doubleSettles, 0)

    for (const [key, outcome] of outcomes) {
      const n = executions.get(key) ?? 0
      assert.ok(n <= 1, `${key} (${outcome}) executed ${n} times on the server`)
      if (outcome === 'ok') assert.equal(n, 1, `${key} succeeded without executing`)
    }
    // The world holds one copy of each message that was executed.
    const inBox = new Map<bigint, number>()
    for (const m of dc.world.boxOf(bob.id)) {
      if (m.box === 'user' && !m.out && m.fromId === alice.id && m.randomId !== undefined) inBox.set(m.randomId, (inBox.get(m.randomId) ?? 0) + 1)
    }
    for (const key of outcomes.keys()) {
      if (!key.startsWith('send:')) continue
      const rid = BigInt(key.slice('send:'.length))
      assert.equal(inBox.get(rid) ?? 0, executions.has(key) ? 1 : 0, `${key} copies in the recipient's box`)
    }
    assert.deepEqual(dc.world.assertNoDuplicateMessages(), [])
  })

  test('a query sent again after a lost connection, inside a container refused for its salt, keeps its msg_id and still runs once', async () => {
    const lostKey = 'read:500001'
    const withItKey = 'read:500002'
    const drops = () => dc.stats.faults['dropResult'] ?? 0
    const dropsBefore = drops()
    dc.faults.set({ dropResultProbability: 1 })
    const lost = acc.invoke({ _: 'messages.readHistory', peer, maxId: 500_001 })
    await until(() => drops() > dropsBefore, 'the answer to be lost')
    // The engine reconnects after its backoff; by then a second call waits beside the first, so
    // the first flush packs both in a container, and that container is refused for its salt.
    dc.faults.set({ dropResultProbability: undefined, badServerSaltNext: 1 })
    const badSalts = dc.stats.badMsgs[48] ?? 0
    const withIt = acc.invoke({ _: 'messages.readHistory', peer, maxId: 500_002 })
    await Promise.all([lost, withIt])
    assert.equal((dc.stats.badMsgs[48] ?? 0) - badSalts, 1, 'the container was refused once')
    assert.deepEqual([executions.get(lostKey), executions.get(withItKey)], [1, 1], 'each query ran once')
  })
})
