// The engine's peer cache: every user and chat a result carries goes into a bounded in-memory map
// shared by the engine's accounts (most recently used first out of the way of eviction) and, in
// one putPeers per account per event-loop turn, into the store. Lookups go memory → store; the
// network is the resolver's business (peer-resolver.ts). The min rule is the store's mergePeer,
// applied here too so memory never holds what the store would refuse.
import { mergePeer, type PeerRecord, type PeerType, type SessionStore } from '@mtswarm/storage'
import type { tl } from '../tl/index.js'
import { forEachPeerIn, peerKey, type SeenPeer } from './peer-records.js'

/**
 * Peers kept in memory per engine, across all its accounts (~200 bytes each as measured, see
 * engine/README.md: 100,000 entries ≈ 20 MB). NB: a per-account bound alone would not do: 2,000
 * per account is 200 million entries at 100,000 accounts. One LRU across the engine keeps the
 * peers of the accounts that are busy; the store holds everything else.
 */
export const PEER_MEMORY_ENTRIES = 100_000

/** A bounded map, least recently used evicted first (a Map keeps insertion order: a hit moves to the end). */
export class PeerMemory {
  private readonly map = new Map<string, PeerRecord>()

  constructor(readonly capacity: number = PEER_MEMORY_ENTRIES) {}

  /** Entries held now. */
  get size(): number {
    return this.map.size
  }

  /** The entry, now the most recently used. */
  get(key: string): PeerRecord | undefined {
    const v = this.map.get(key)
    if (v !== undefined) {
      this.map.delete(key)
      this.map.set(key, v)
    }
    return v
  }

  /** Insert or replace, evicting the least recently used beyond capacity. */
  set(key: string, value: PeerRecord): void {
    this.map.delete(key)
    this.map.set(key, value)
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next()
      if (oldest.done !== true) this.map.delete(oldest.value)
    }
  }

  delete(key: string): void {
    this.map.delete(key)
  }
}

// NB: keyed by an object that lives exactly as long as one engine (its resolved options), so the
// accounts of one engine share one memory and a stopped engine's memory goes with it.
const memories = new WeakMap<object, PeerMemory>()

/** The PeerMemory shared by everything that passes the same `owner` (one per engine). */
export function peerMemoryOf(owner: object): PeerMemory {
  let m = memories.get(owner)
  if (m === undefined) {
    m = new PeerMemory()
    memories.set(owner, m)
  }
  return m
}

/** What a PeerCache needs from its account. */
export interface PeerCacheHost {
  readonly store: SessionStore
  nowMs(): number
  /** Keeps a background write until the engine's stop() has waited for it. */
  track(write: Promise<unknown>): void
  /** A write failed (the peers are written again the next time they are seen). */
  warn(message: string): void
}

/** One account's view of the peer cache. */
export class PeerCache {
  private readonly pending = new Map<string, PeerRecord>()
  private scheduled = false
  private closed = false
  private lastWrite: Promise<void> = Promise.resolve()

  constructor(
    readonly accountId: string,
    private readonly host: PeerCacheHost,
    private readonly memory: PeerMemory = new PeerMemory(),
  ) {}

  /**
   * Takes in the users and chats of a decoded TL object (a result, Updates, a difference…; see
   * forEachPeerIn for where it looks). Synchronous and cheap: a peer already known with the same
   * access hash, username, phone and min flag costs one map lookup and writes nothing; a new or
   * changed one is written with the others of this event-loop turn in one putPeers.
   */
  absorb(obj: unknown): void {
    forEachPeerIn(obj, (seen) => this.remember(seen))
  }

  /** Takes in one peer (e.g. a phone the resolver learnt along with the user it resolved to). */
  remember(seen: SeenPeer): void {
    const key = this.keyOf(seen.type, seen.id)
    const known = this.memory.get(key)
    if (known !== undefined && !changes(known, seen)) return
    const merged = mergePeer(known, { ...seen, updatedAtMs: this.host.nowMs() })
    this.memory.set(key, merged)
    if (this.closed) return
    this.pending.set(key, merged)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => {
        this.scheduled = false
        void this.flush()
      })
    }
  }

  /** True when memory holds a full (non-min) record of (type, id); no store read (synchronous). */
  knownInMemory(type: PeerType, id: bigint): boolean {
    const known = this.memory.get(this.keyOf(type, id))
    return known !== undefined && known.min !== true
  }

  /** The InputChannel of a channel with a full record (memory, then the store), or null. */
  async inputChannelOf(channelId: bigint): Promise<tl.TypeInputChannel | null> {
    const known = await this.lookup('channel', channelId)
    return known === undefined || known.min === true ? null : { _: 'inputChannel', channelId, accessHash: known.accessHash }
  }

  /** The full (non-min) record of (type, id) from memory, else the store; undefined when neither has one. */
  async lookup(type: PeerType, id: bigint): Promise<PeerRecord | undefined> {
    const key = this.keyOf(type, id)
    const known = this.memory.get(key)
    if (known !== undefined && known.min !== true) return known
    await this.flush()
    return this.keep(await this.host.store.getPeer(this.accountId, type, id))
  }

  /** The peer holding `username` (no '@'), from the store (after writing what is pending). */
  async byUsername(username: string): Promise<PeerRecord | undefined> {
    await this.flush()
    return this.keep(await this.host.store.findPeerByUsername(this.accountId, username))
  }

  /** The peer holding `phone` (digits only), from the store (after writing what is pending). */
  async byPhone(phone: string): Promise<PeerRecord | undefined> {
    await this.flush()
    return this.keep(await this.host.store.findPeerByPhone(this.accountId, phone))
  }

  /** Writes what is pending now (one putPeers); resolves when it (and every earlier write) is committed. */
  flush(): Promise<void> {
    if (this.pending.size === 0) return this.lastWrite
    const batch = [...this.pending.values()]
    const keys = [...this.pending.keys()]
    this.pending.clear()
    // NB: the store commits writes in call order, so this one landing means every earlier one did.
    this.lastWrite = this.host.store.putPeers(this.accountId, batch).catch((e: unknown) => {
      // Forget them so the next sighting writes them again.
      for (const k of keys) this.memory.delete(k)
      this.host.warn(`peer cache write failed (${batch.length} peers): ${String(e)}`)
    })
    this.host.track(this.lastWrite)
    return this.lastWrite
  }

  /** Writes what is pending; later sightings only update memory (the account is stopping). */
  close(): Promise<void> {
    const last = this.flush()
    this.closed = true
    return last
  }

  /** A full record from the store goes into memory too; a min one is not worth keeping. */
  private keep(stored: PeerRecord | undefined): PeerRecord | undefined {
    if (stored === undefined || stored.min === true) return stored
    this.memory.set(this.keyOf(stored.type, stored.id), stored)
    return stored
  }

  private keyOf(type: PeerType, id: bigint): string {
    return `${this.accountId}\u0000${peerKey(type, id)}`
  }
}

/**
 * Whether `seen` would change what `known` holds, by the store's merge rule (mergePeer) without
 * building the merged record: the common case, a peer seen again as it was, allocates nothing.
 */
function changes(known: PeerRecord, seen: SeenPeer): boolean {
  if (seen.min === true && known.min !== true) {
    return (known.username === undefined && seen.username !== undefined) || (known.phone === undefined && seen.phone !== undefined)
  }
  if (seen.min === true) {
    // min over min: names are kept when the new one lacks them.
    return seen.accessHash !== known.accessHash || (seen.username !== undefined && seen.username !== known.username) || (seen.phone !== undefined && seen.phone !== known.phone)
  }
  return seen.accessHash !== known.accessHash || seen.username !== known.username || seen.phone !== known.phone || known.min === true
}
