// In-memory SessionStore for tests and throwaway engines: the same contract as the LMDB store,
// records kept msgpack-encoded (so copies, versions and shape checks behave identically).
// Knows nothing about durability: everything is gone when the process ends.
import { assertRecord, decodeRecord, encodeRecord } from './record-codec.js'
import type { RecordKind, RecordTypes } from './record-codec.js'
import type {
  AccountId,
  AccountRecord,
  AccountState,
  AuthKeyKind,
  AuthKeyRecord,
  DcId,
  DcOptionsRecord,
  PeerRecord,
  PeerType,
  ServerSaltsRecord,
  SessionRecord,
  SessionStore,
  UpdateStateRecord,
  UpdatesCommit,
} from './session-store.js'
import { StoreError } from './store-error.js'
import {
  assertAccountId,
  assertAuthKey,
  assertAuthKeyKind,
  assertDcId,
  assertPeerId,
  assertPeerNames,
  assertPeerType,
  assertPhone,
  assertDeadLetterId,
  assertUpdatesCommit,
  assertUsername,
  compareUtf8,
} from './store-input.js'
import { advanceChannelPts, advanceUpdateState, byChannelId, byParking, mergePeer, usernameKey } from './store-rules.js'

const MEMORY_PATH = 'memory'

interface Bucket {
  account?: Uint8Array
  /** key: `${dcId}/${kind}` */
  readonly authKeys: Map<string, Uint8Array>
  readonly serverSalts: Map<DcId, Uint8Array>
  readonly sessions: Map<DcId, Uint8Array>
  /** key: `${type}/${id}` */
  readonly peers: Map<string, Uint8Array>
  /** lower-cased username → `${type}/${id}` */
  readonly usernames: Map<string, string>
  /** phone → `${type}/${id}` */
  readonly phones: Map<string, string>
  updateState?: Uint8Array
  /** key: channel id */
  readonly channelPts: Map<bigint, Uint8Array>
  /** key: dead letter id */
  readonly deadLetters: Map<string, Uint8Array>
}

/** Point `name` at peer `k`, dropping the entry `k` held under its previous name (if still `k`'s). */
function reindex(index: Map<string, string>, k: string, before: string | undefined, after: string | undefined): void {
  if (before !== undefined && before !== after && index.get(before) === k) index.delete(before)
  if (after !== undefined) index.set(after, k)
}

/** Create an empty in-memory store. */
export function createMemoryStore(): SessionStore {
  const buckets = new Map<AccountId, Bucket>()
  const dcOptions = new Map<DcId, Uint8Array>()
  let closed = false

  const live = (): void => {
    if (closed) throw new StoreError('closed', MEMORY_PATH, 'store is closed')
  }
  const bucket = (accountId: AccountId): Bucket => {
    let b = buckets.get(accountId)
    if (b === undefined) {
      b = {
        authKeys: new Map(),
        serverSalts: new Map(),
        sessions: new Map(),
        peers: new Map(),
        usernames: new Map(),
        phones: new Map(),
        channelPts: new Map(),
        deadLetters: new Map(),
      }
      buckets.set(accountId, b)
    }
    return b
  }
  const decode = <K extends RecordKind>(kind: K, bytes: Uint8Array, key: string): RecordTypes[K] =>
    decodeRecord(kind, bytes, { path: MEMORY_PATH, key })
  const decodeMaybe = <K extends RecordKind>(
    kind: K,
    bytes: Uint8Array | undefined,
    key: string,
  ): RecordTypes[K] | undefined => (bytes === undefined ? undefined : decode(kind, bytes, key))
  const byDc = <T extends { readonly dcId: DcId }>(a: T, b: T): number => a.dcId - b.dcId

  return {
    async getAccount(accountId) {
      live()
      assertAccountId(accountId)
      return decodeMaybe('account', buckets.get(accountId)?.account, accountId)
    },
    async putAccount(account: AccountRecord) {
      live()
      assertAccountId(account.id)
      assertDcId(account.homeDcId)
      bucket(account.id).account = encodeRecord('account', account)
    },
    async listAccounts() {
      live()
      const out: AccountRecord[] = []
      for (const [id, b] of buckets) if (b.account !== undefined) out.push(decode('account', b.account, id))
      return out.sort((a, b) => compareUtf8(a.id, b.id))
    },
    async deleteAccount(accountId) {
      live()
      assertAccountId(accountId)
      buckets.delete(accountId)
    },
    async loadAccountState(accountId): Promise<AccountState | undefined> {
      live()
      assertAccountId(accountId)
      const b = buckets.get(accountId)
      if (b?.account === undefined) return undefined
      const authKeys = [...b.authKeys].map(([k, v]) => decode('authKey', v, `${accountId}/${k}`))
      authKeys.sort((x, y) => x.dcId - y.dcId || compareUtf8(x.kind, y.kind))
      const serverSalts = [...b.serverSalts].map(([dc, v]) => decode('serverSalts', v, `${accountId}/${dc}`))
      const sessions = [...b.sessions].map(([dc, v]) => decode('session', v, `${accountId}/${dc}`))
      const updateState = decodeMaybe('updateState', b.updateState, accountId)
      return {
        account: decode('account', b.account, accountId),
        authKeys,
        serverSalts: serverSalts.sort(byDc),
        sessions: sessions.sort(byDc),
        ...(updateState === undefined ? {} : { updateState }),
      }
    },

    async getAuthKey(accountId, dcId, kind: AuthKeyKind = 'perm') {
      live()
      assertAccountId(accountId)
      assertDcId(dcId)
      assertAuthKeyKind(kind)
      const k = `${dcId}/${kind}`
      return decodeMaybe('authKey', buckets.get(accountId)?.authKeys.get(k), `${accountId}/${k}`)
    },
    async putAuthKey(record: AuthKeyRecord) {
      live()
      assertAuthKey(record)
      bucket(record.accountId).authKeys.set(`${record.dcId}/${record.kind}`, encodeRecord('authKey', record))
    },
    async deleteAuthKey(accountId, dcId, kind) {
      live()
      assertAccountId(accountId)
      assertDcId(dcId)
      assertAuthKeyKind(kind)
      buckets.get(accountId)?.authKeys.delete(`${dcId}/${kind}`)
    },

    async getServerSalts(accountId, dcId) {
      live()
      assertAccountId(accountId)
      assertDcId(dcId)
      return decodeMaybe('serverSalts', buckets.get(accountId)?.serverSalts.get(dcId), `${accountId}/${dcId}`)
    },
    async putServerSalts(record: ServerSaltsRecord) {
      live()
      assertAccountId(record.accountId)
      assertDcId(record.dcId)
      bucket(record.accountId).serverSalts.set(record.dcId, encodeRecord('serverSalts', record))
    },

    async getSession(accountId, dcId) {
      live()
      assertAccountId(accountId)
      assertDcId(dcId)
      return decodeMaybe('session', buckets.get(accountId)?.sessions.get(dcId), `${accountId}/${dcId}`)
    },
    async putSession(record: SessionRecord) {
      live()
      assertAccountId(record.accountId)
      assertDcId(record.dcId)
      bucket(record.accountId).sessions.set(record.dcId, encodeRecord('session', record))
    },

    async getDcOptions(dcId) {
      live()
      assertDcId(dcId)
      return decodeMaybe('dcOptions', dcOptions.get(dcId), String(dcId))
    },
    async listDcOptions() {
      live()
      return [...dcOptions].map(([dc, v]) => decode('dcOptions', v, String(dc))).sort(byDc)
    },
    async putDcOptions(record: DcOptionsRecord) {
      live()
      assertDcId(record.dcId)
      dcOptions.set(record.dcId, encodeRecord('dcOptions', record))
    },

    async getPeer(accountId, type: PeerType, peerId: bigint) {
      live()
      assertAccountId(accountId)
      assertPeerType(type)
      assertPeerId(peerId)
      const k = `${type}/${peerId}`
      return decodeMaybe('peer', buckets.get(accountId)?.peers.get(k), `${accountId}/${k}`)
    },
    async getPeers(accountId, refs) {
      live()
      assertAccountId(accountId)
      const peers = buckets.get(accountId)?.peers
      return refs.map(({ type, id }) => {
        assertPeerType(type)
        assertPeerId(id)
        const k = `${type}/${id}`
        return decodeMaybe('peer', peers?.get(k), `${accountId}/${k}`)
      })
    },
    async putPeers(accountId, peers: readonly PeerRecord[]) {
      live()
      assertAccountId(accountId)
      // Check and encode all first so a bad record leaves the store unchanged, like the LMDB transaction.
      for (const p of peers) {
        assertPeerNames(p)
        assertRecord('peer', p)
      }
      if (peers.length === 0) return
      const b = bucket(accountId)
      for (const p of peers) {
        const k = `${p.type}/${p.id}`
        const old = decodeMaybe('peer', b.peers.get(k), `${accountId}/${k}`)
        const merged = mergePeer(old, p)
        b.peers.set(k, encodeRecord('peer', merged))
        reindex(b.usernames, k, old?.username === undefined ? undefined : usernameKey(old.username), merged.username === undefined ? undefined : usernameKey(merged.username))
        reindex(b.phones, k, old?.phone, merged.phone)
      }
    },
    async findPeerByUsername(accountId, username) {
      live()
      assertAccountId(accountId)
      assertUsername(username)
      const b = buckets.get(accountId)
      const k = b?.usernames.get(usernameKey(username))
      return k === undefined ? undefined : decodeMaybe('peer', b?.peers.get(k), `${accountId}/${k}`)
    },
    async findPeerByPhone(accountId, phone) {
      live()
      assertAccountId(accountId)
      assertPhone(phone)
      const b = buckets.get(accountId)
      const k = b?.phones.get(phone)
      return k === undefined ? undefined : decodeMaybe('peer', b?.peers.get(k), `${accountId}/${k}`)
    },

    async getUpdateState(accountId) {
      live()
      assertAccountId(accountId)
      return decodeMaybe('updateState', buckets.get(accountId)?.updateState, accountId)
    },
    async putUpdateState(record: UpdateStateRecord) {
      live()
      assertAccountId(record.accountId)
      bucket(record.accountId).updateState = encodeRecord('updateState', record)
    },
    async listChannelPts(accountId) {
      live()
      assertAccountId(accountId)
      const all = [...(buckets.get(accountId)?.channelPts ?? [])].map(([id, v]) => decode('channelPts', v, `${accountId}/${id}`))
      return all.sort(byChannelId)
    },
    async commitUpdates(accountId, commit: UpdatesCommit) {
      live()
      assertAccountId(accountId)
      assertUpdatesCommit(accountId, commit)
      // Encode all first: a malformed record leaves the store unchanged, like the LMDB transaction.
      if (commit.common !== undefined) encodeRecord('updateState', commit.common)
      for (const c of commit.channels ?? []) encodeRecord('channelPts', c)
      const letters = (commit.deadLetters ?? []).map((d) => [d.id, encodeRecord('deadLetter', d)] as const)
      const b = bucket(accountId)
      if (commit.common !== undefined) {
        const next = advanceUpdateState(decodeMaybe('updateState', b.updateState, accountId), commit.common)
        if (next !== undefined) b.updateState = encodeRecord('updateState', next)
      }
      for (const c of commit.channels ?? []) {
        const next = advanceChannelPts(decodeMaybe('channelPts', b.channelPts.get(c.channelId), `${accountId}/${c.channelId}`), c)
        if (next !== undefined) b.channelPts.set(c.channelId, encodeRecord('channelPts', next))
      }
      for (const [id, v] of letters) b.deadLetters.set(id, v)
    },
    async listDeadLetters(accountId) {
      live()
      assertAccountId(accountId)
      const all = [...(buckets.get(accountId)?.deadLetters ?? [])].map(([id, v]) => decode('deadLetter', v, `${accountId}/${id}`))
      return all.sort(byParking)
    },
    async deleteDeadLetter(accountId, id) {
      live()
      assertAccountId(accountId)
      assertDeadLetterId(id)
      return buckets.get(accountId)?.deadLetters.delete(id) ?? false
    },

    async close() {
      closed = true
    },
  }
}
