// Record builders shared by the storage tests and the crash-writer helper process
// (kept apart from the contract suite so a plain process can import them without node:test).
import assert from 'node:assert/strict'
import type {
  AccountRecord,
  AuthKeyRecord,
  ChannelPtsRecord,
  DeadLetterRecord,
  PeerRecord,
  ServerSaltsRecord,
  SessionRecord,
  SessionStore,
  UpdateStateRecord,
} from './session-store.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
export const T0 = 1_763_900_000_000

export function account(id: string, extra: Partial<AccountRecord> = {}): AccountRecord {
  return { id, homeDcId: 2, loginState: 'anonymous', createdAtMs: T0, updatedAtMs: T0, ...extra }
}

/** A deterministic 256-byte key whose bytes depend on `seed`. */
export function keyBytes(seed: number): Uint8Array {
  const key = new Uint8Array(256)
  for (let i = 0; i < key.length; i++) key[i] = (seed * 131 + i * 7 + 1) & 0xff
  return key
}

export function authKey(accountId: string, dcId: number, extra: Partial<AuthKeyRecord> = {}): AuthKeyRecord {
  return {
    accountId,
    dcId,
    kind: 'perm',
    key: keyBytes(dcId),
    keyId: -0x1234_5678_9abc_def0n - BigInt(dcId),
    createdAtMs: T0,
    ...extra,
  }
}

export function salts(accountId: string, dcId: number): ServerSaltsRecord {
  return {
    accountId,
    dcId,
    current: INT64_MIN,
    future: [
      { salt: INT64_MAX, validSinceSec: 1_763_900_000, validUntilSec: 1_763_901_800 },
      { salt: 42n, validSinceSec: 1_763_901_800, validUntilSec: 1_763_903_600 },
    ],
    updatedAtMs: T0,
  }
}

export function session(accountId: string, dcId: number): SessionRecord {
  return { accountId, dcId, sessionId: 0x7eadbeefcafebaben, serverTimeOffsetMs: -1234, updatedAtMs: T0 }
}

export function peer(type: PeerRecord['type'], id: bigint, extra: Partial<PeerRecord> = {}): PeerRecord {
  return { type, id, accessHash: -(id % 1_000_000_000n) * 1000n - 7n, updatedAtMs: T0, ...extra }
}

export function updateState(accountId: string): UpdateStateRecord {
  return { accountId, pts: 100, qts: 5, date: 1_763_900_000, seq: 12, updatedAtMs: T0 }
}

export function channelPts(accountId: string, channelId: bigint, pts: number): ChannelPtsRecord {
  return { accountId, channelId, pts, updatedAtMs: T0 + pts }
}

export function deadLetter(accountId: string, id: string, extra: Partial<DeadLetterRecord> = {}): DeadLetterRecord {
  return {
    accountId,
    id,
    payload: new TextEncoder().encode(`update ${id}`),
    error: 'handler failed: boom',
    attempts: 5,
    parkedAtMs: T0,
    ...extra,
  }
}

/** The auth key (DC 2) of seeded account `acc<i>`. */
export function seededKey(i: number): AuthKeyRecord {
  return authKey(`acc${i}`, 2, { key: keyBytes(i) })
}

/** Writes accounts acc0 … acc<count-1>, each with its {@link seededKey}. */
export async function seedAccounts(store: SessionStore, count: number): Promise<void> {
  const writes: Promise<void>[] = []
  for (let i = 0; i < count; i++) writes.push(store.putAccount(account(`acc${i}`)), store.putAuthKey(seededKey(i)))
  await Promise.all(writes)
}

/** Asserts `store` holds all `count` seeded accounts, and every `stride`-th key (and the last) intact. */
export async function expectSeeded(store: SessionStore, count: number, stride: number): Promise<void> {
  assert.equal((await store.listAccounts()).length, count)
  for (let i = 0; i < count; i += stride) assert.deepEqual(await store.getAuthKey(`acc${i}`, 2), seededKey(i), `acc${i}`)
  assert.deepEqual(await store.getAuthKey(`acc${count - 1}`, 2), seededKey(count - 1))
}
