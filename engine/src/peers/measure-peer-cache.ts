// Quick measurement of the peer cache (not a test, not part of the bench suite): the cost of
// absorb() on a result carrying 20 users and chats, known and new, and heap bytes per cached peer.
// Run: node --expose-gc --import tsx engine/src/peers/measure-peer-cache.ts
import { createMemoryStore } from '@mtswarm/storage'
import { PeerCache, PeerMemory } from './peer-cache.js'

const USERS = 14
const CHANNELS = 4
const CHATS = 2

/** A messages.messages-shaped result: 20 peers, and 20 messages the absorb must not walk. */
function result(base: bigint): object {
  const users = Array.from({ length: USERS }, (_, i) => ({
    _: 'user',
    id: base + BigInt(i),
    accessHash: -0x1234_5678_9abc_def0n + BigInt(i),
    firstName: `User ${i}`,
    username: i % 2 === 0 ? `user_${base}_${i}` : undefined,
    status: { _: 'userStatusRecently' },
  }))
  const chats = [
    ...Array.from({ length: CHANNELS }, (_, i) => ({ _: 'channel', id: base + 1000n + BigInt(i), accessHash: 0x7777n + BigInt(i), title: 'c', username: `chan_${base}_${i}`, photo: { _: 'chatPhotoEmpty' }, date: 1 })),
    ...Array.from({ length: CHATS }, (_, i) => ({ _: 'chat', id: base + 2000n + BigInt(i), title: 'g', photo: { _: 'chatPhotoEmpty' }, participantsCount: 3, date: 1, version: 1 })),
  ]
  const messages = Array.from({ length: 20 }, (_, i) => ({ _: 'message', id: i, peerId: { _: 'peerUser', userId: base }, date: 1, message: 'hello there' }))
  return { _: 'messages.messages', messages, chats, users }
}

function timeIt(label: string, rounds: number, run: (i: number) => void): void {
  for (let i = 0; i < Math.min(rounds, 2000); i++) run(i) // warm-up
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < rounds; i++) run(i)
  const ns = Number(process.hrtime.bigint() - t0) / rounds
  console.log(`${label}: ${(ns / 1000).toFixed(2)} µs per result (${(ns / (USERS + CHANNELS + CHATS)).toFixed(0)} ns per peer)`)
}

const host = { store: createMemoryStore(), nowMs: () => 1_763_900_000_000, track: () => {}, warn: (m: string) => console.error(m) }
const known = new PeerCache('site-user-000001', host, new PeerMemory(1_000_000))
const same = result(10_000n)
known.absorb(same)
await known.flush()
timeIt('absorb, every peer already known (steady state)', 200_000, () => known.absorb(same))

// New peers each time: record built, memory set, queued for the store (flushed outside the timing).
const fresh = new PeerCache('site-user-000002', host, new PeerMemory(1_000_000))
const results = Array.from({ length: 20_000 }, (_, i) => result(1_000_000n + BigInt(i) * 10_000n))
timeIt('absorb, every peer new', results.length - 2000, (i) => fresh.absorb(results[i + 2000] as object))
await fresh.flush()

// Heap per cached entry: 100,000 users (half with a username) in one PeerMemory, keys as the cache makes them.
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) {
  console.log('bytes per peer: run with --expose-gc')
} else {
  const N = 100_000
  gc()
  const before = process.memoryUsage().heapUsed
  const memory = new PeerMemory(N)
  for (let i = 0; i < N; i++) {
    const id = 5_000_000_000n + BigInt(i) * 7919n
    memory.set(`site-user-000123\u0000u${id}`, {
      type: 'user',
      id,
      accessHash: -0x1234_5678_9abc_def0n - BigInt(i),
      ...(i % 2 === 0 ? { username: `some_user_${i}` } : {}),
      updatedAtMs: 1_763_900_000_000 + i,
    })
  }
  gc()
  const bytes = (process.memoryUsage().heapUsed - before) / N
  console.log(`bytes per cached peer: ${bytes.toFixed(0)} (${memory.size} entries; ${((bytes * N) / 1e6).toFixed(1)} MB at the default ${N})`)
}
