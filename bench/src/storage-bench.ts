// Storage figures: durable auth-key writes/s, reads/s, peer batch writes/s, and the restart of
// 10k accounts (open + list + load every account) on the LMDB store. Knows only the public
// @mtswarm/storage API. Run alone: node --import tsx bench/src/storage-bench.ts [--encrypted]
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { openLmdbStore } from '@mtswarm/storage'
import type { AuthKeyRecord, PeerRecord, SessionStore } from '@mtswarm/storage'

export interface StorageBenchOptions {
  /** Accounts in the restart test. */
  readonly accounts?: number
  /** Durable auth-key writes in the write test. */
  readonly authKeyWrites?: number
  /** Writes kept in flight at once (an engine writes for many accounts concurrently). */
  readonly concurrency?: number
  /** Seal auth keys with AES-256-GCM. */
  readonly encrypted?: boolean
  /** Directory for the store files (a temp dir by default; removed afterwards). */
  readonly dir?: string
}

export interface StorageBenchResult {
  readonly encrypted: boolean
  readonly concurrency: number
  /** Durable putAuthKey, `concurrency` in flight. */
  readonly authKeyWritesPerSec: number
  /** Durable putAuthKey, one at a time (each waits for its fsync). */
  readonly authKeyWritesSequentialPerSec: number
  readonly authKeyReadsPerSec: number
  /** Peers/s through putPeers in batches of PEER_BATCH. */
  readonly peerWritesPerSec: number
  readonly restart: {
    readonly accounts: number
    /** openLmdbStore, including the child-process probe of every key. */
    readonly openMs: number
    readonly listMs: number
    /** loadAccountState for every listed account. */
    readonly loadMs: number
    readonly totalMs: number
  }
}

const PEER_BATCH = 100
const SEQUENTIAL_WRITES = 200
const T0 = 1_763_900_000_000

function authKey(i: number, dcId = 2): AuthKeyRecord {
  const key = new Uint8Array(256)
  for (let j = 0; j < key.length; j++) key[j] = (i * 31 + j) & 0xff
  return { accountId: `acc${i}`, dcId, kind: 'perm', key, keyId: BigInt(i) - 2n ** 62n, createdAtMs: T0 }
}

async function pool(total: number, concurrency: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    for (let i = next++; i < total; i = next++) await job(i)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker))
}

const perSec = (count: number, ms: number): number => Math.round((count * 1000) / ms)

/** Measure the LMDB store; see StorageBenchResult for what each figure means. */
export async function runStorageBench(options: StorageBenchOptions = {}): Promise<StorageBenchResult> {
  const accounts = options.accounts ?? 10_000
  const writes = options.authKeyWrites ?? 5_000
  const concurrency = options.concurrency ?? 64
  const encrypted = options.encrypted ?? false
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'mtswarm-storage-bench-')))
  const encryptionKey = encrypted ? new Uint8Array(32).fill(0x5a) : undefined
  const open = (name: string): Promise<SessionStore> =>
    openLmdbStore({ path: join(dir, name), ...(encryptionKey === undefined ? { insecurePlaintext: true } : { encryptionKey }) })

  try {
    const store = await open('writes.mtswarm')
    let t = performance.now()
    await pool(writes, concurrency, (i) => store.putAuthKey(authKey(i)))
    const authKeyWritesPerSec = perSec(writes, performance.now() - t)

    t = performance.now()
    for (let i = 0; i < SEQUENTIAL_WRITES; i++) await store.putAuthKey(authKey(i, 3))
    const authKeyWritesSequentialPerSec = perSec(SEQUENTIAL_WRITES, performance.now() - t)

    const reads = writes * 4
    t = performance.now()
    for (let i = 0; i < reads; i++) {
      if ((await store.getAuthKey(`acc${(i * 7919) % writes}`, 2)) === undefined) throw new Error('lost a key')
    }
    const authKeyReadsPerSec = perSec(reads, performance.now() - t)

    const batches = 100
    t = performance.now()
    for (let b = 0; b < batches; b++) {
      const peers: PeerRecord[] = []
      for (let j = 0; j < PEER_BATCH; j++) {
        const id = BigInt(b * PEER_BATCH + j + 1)
        peers.push({ type: 'user', id, accessHash: id * 7n, username: `user${id}`, updatedAtMs: T0 })
      }
      await store.putPeers('acc1', peers)
    }
    const peerWritesPerSec = perSec(batches * PEER_BATCH, performance.now() - t)
    await store.close()

    // Restart: fill a store the way 10k logged-in accounts leave it, close, then time a restart.
    const fill = await open('restart.mtswarm')
    await pool(accounts, 256, async (i) => {
      const accountId = `acc${i}`
      await Promise.all([
        fill.putAccount({ id: accountId, homeDcId: 2, loginState: 'authorized', userId: BigInt(1e9 + i), createdAtMs: T0, updatedAtMs: T0 }),
        fill.putAuthKey(authKey(i)),
        fill.putServerSalts({ accountId, dcId: 2, current: BigInt(i), future: [], updatedAtMs: T0 }),
        fill.putUpdateState({ accountId, pts: i, qts: 0, date: 1_763_900_000, seq: 1, updatedAtMs: T0 }),
      ])
    })
    await fill.close()

    const t0 = performance.now()
    const restarted = await open('restart.mtswarm')
    const t1 = performance.now()
    const listed = await restarted.listAccounts()
    const t2 = performance.now()
    for (const a of listed) {
      const state = await restarted.loadAccountState(a.id)
      if (state?.authKeys.length !== 1) throw new Error(`account ${a.id} came back without its key`)
    }
    const t3 = performance.now()
    await restarted.close()
    if (listed.length !== accounts) throw new Error(`restart listed ${listed.length} of ${accounts} accounts`)

    return {
      encrypted,
      concurrency,
      authKeyWritesPerSec,
      authKeyWritesSequentialPerSec,
      authKeyReadsPerSec,
      peerWritesPerSec,
      restart: {
        accounts,
        openMs: Math.round(t1 - t0),
        listMs: Math.round(t2 - t1),
        loadMs: Math.round(t3 - t2),
        totalMs: Math.round(t3 - t0),
      },
    }
  } finally {
    if (options.dir === undefined) await rm(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runStorageBench({ encrypted: process.argv.includes('--encrypted') })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e: unknown) => {
      console.error(e)
      process.exit(1)
    })
}
