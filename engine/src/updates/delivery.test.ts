// The delivery pipeline on a real memory store: order per chat, chats side by side under the
// limits, commits only past handled updates, retries then dead letters, stop.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { BoxPosition, CommonState, DeliveredItem } from '@mtswarm/machines'
import { createMemoryStore, type SessionStore } from '@mtswarm/storage'
import { deserializeObject } from '../tl/index.js'
import { UpdateDelivery, type DeliveredUpdate, type DeliveryOptions } from './delivery.js'

const S: CommonState = { pts: 0, qts: 0, seq: 0, date: 1 }

/** A private message from `user` at common pts `pts`. */
function msg(user: number, pts: number): DeliveredItem {
  const position: BoxPosition = { box: 'common', state: { ...S, pts } }
  return {
    payload: { _: 'updateNewMessage', message: { _: 'message', id: pts, peerId: { _: 'peerUser', userId: BigInt(user) }, date: 1, message: `m${pts}` }, pts, ptsCount: 1 },
    position,
  }
}

function setup(options: Partial<DeliveryOptions> = {}) {
  const store: SessionStore = createMemoryStore()
  const writes: Promise<unknown>[] = []
  const warnings: string[] = []
  const fleet = new UpdateDelivery(
    { concurrency: 64, perAccountConcurrency: 8, retryDelaysMs: [1, 1], ...options },
    { store, nowMs: () => 1_000, track: (w) => void writes.push(w), warn: (_a, m) => void warnings.push(m), setTimeout: (fn, ms) => setTimeout(fn, ms) },
  )
  return { store, fleet, warnings, account: fleet.account('acc') }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('update delivery', () => {
  test('updates of one chat reach the handler strictly in order; chats run side by side', async () => {
    const { fleet, account } = setup()
    const seen = new Map<string, number[]>()
    let running = 0
    let peak = 0
    fleet.onUpdate(async (u: DeliveredUpdate) => {
      running++
      peak = Math.max(peak, running)
      await sleep((Number((u.update as any).pts) * 7) % 5)
      const list = seen.get(u.chat) ?? []
      list.push((u.update as any).pts)
      seen.set(u.chat, list)
      running--
    })
    const items: DeliveredItem[] = []
    for (let pts = 1; pts <= 60; pts++) items.push(msg(pts % 3, pts))
    account.enqueue(items)
    await account.settled()
    for (const [chat, list] of seen) assert.deepEqual(list, [...list].sort((a, b) => a - b), `order in ${chat}`)
    assert.equal([...seen.values()].flat().length, 60)
    assert.ok(peak > 1, 'three chats ran concurrently')
    assert.ok(peak <= 3, 'never two updates of one chat at once')
  })

  test('the position is committed only once every update up to it is handled', async () => {
    const { store, fleet, account } = setup()
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    fleet.onUpdate(async (u) => {
      if ((u.update as any).pts === 1) await gate
    })
    account.enqueue([msg(1, 1), msg(2, 2), msg(3, 3)])
    await sleep(20)
    assert.equal(await store.getUpdateState('acc'), undefined, 'pts 2 and 3 are handled but pts 1 is not')
    release()
    await account.settled()
    assert.equal((await store.getUpdateState('acc'))?.pts, 3)
  })

  test('a failing handler is retried, then parked as a dead letter with the commit that passes it', async () => {
    const { store, fleet, account, warnings } = setup({ retryDelaysMs: [1, 2] })
    let tries = 0
    fleet.onUpdate((u) => {
      if ((u.update as any).pts === 2) {
        tries++
        throw new Error('boom')
      }
    })
    account.enqueue([msg(1, 1), msg(1, 2), msg(1, 3)])
    await account.settled()
    assert.equal(tries, 3, 'first try and two retries')
    const dead = await store.listDeadLetters('acc')
    assert.equal(dead.length, 1)
    assert.equal(dead[0]?.attempts, 3)
    assert.match(dead[0]?.error ?? '', /boom/)
    assert.equal((deserializeObject(dead[0]!.payload) as any).pts, 2)
    assert.equal((await store.getUpdateState('acc'))?.pts, 3, 'the parked update does not block the box')
    assert.equal(fleet.counters.deadLetters, 1)
    assert.equal(warnings.length, 1)
  })

  test('only the failing handler is retried; the others ran once', async () => {
    const { fleet, account } = setup()
    let good = 0
    let bad = 0
    fleet.onUpdate(() => void good++)
    account.onUpdate(() => {
      if (++bad < 2) throw new Error('once')
    })
    account.enqueue([msg(1, 1)])
    await account.settled()
    assert.equal(good, 1)
    assert.equal(bad, 2)
  })

  test('per-account and global limits hold', async () => {
    const { fleet } = setup({ concurrency: 3, perAccountConcurrency: 2 })
    const a = fleet.account('a')
    const b = fleet.account('b')
    const running = new Map<string, number>()
    let peakTotal = 0
    let peakPerAccount = 0
    fleet.onUpdate(async (u) => {
      running.set(u.accountId, (running.get(u.accountId) ?? 0) + 1)
      const total = [...running.values()].reduce((x, y) => x + y, 0)
      peakTotal = Math.max(peakTotal, total)
      peakPerAccount = Math.max(peakPerAccount, running.get(u.accountId) ?? 0)
      await sleep(2)
      running.set(u.accountId, (running.get(u.accountId) ?? 1) - 1)
    })
    const items = (n: number) => Array.from({ length: n }, (_, i) => msg(i, i + 1))
    a.enqueue(items(20))
    b.enqueue(items(20))
    await Promise.all([a.settled(), b.settled()])
    assert.equal(peakTotal, 3)
    assert.equal(peakPerAccount, 2)
  })

  test('stop: the running handler finishes and commits; queued updates stay uncommitted', async () => {
    const { store, fleet, account } = setup({ perAccountConcurrency: 1 })
    const handled: number[] = []
    fleet.onUpdate(async (u) => {
      await sleep(10)
      handled.push((u.update as any).pts)
    })
    account.enqueue([msg(1, 1), msg(2, 2), msg(3, 3)])
    await sleep(2)
    await account.stop()
    assert.deepEqual(handled, [1])
    assert.equal((await store.getUpdateState('acc'))?.pts, 1)
  })
})
