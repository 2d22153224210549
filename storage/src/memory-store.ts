// In-memory SessionStore for tests and throwaway engines: the same contract as the LMDB store,
// records kept msgpack-encoded (so copies, versions and shape checks behave identically).
// Knows nothing about durability: everything is gone when the process ends.
import { decodeRecord, encodeRecord } from './record-codec.js'
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
} from './session-store.js'
import { StoreError } from './store-error.js'
import {
  assertAccountId,
  assertAuthKey,
  assertAuthKeyKind,
  assertDcId,
  assertPeerId,
  assertPeerType,
  compareUtf8,
} from './store-input.js'

const MEMORY_PATH = 'memory'

interface Bucket {
  account?: Uint8Array
  /** key: `${dcId}/${kind}` */
  readonly authKeys: Map<string, Uint8Array>
  readonly serverSalts: Map<DcId, Uint8Array>
  readonly sessions: Map<DcId, Uint8Array>
  /** key: `${type}/${id}` */
  readonly peers: Map<string, Uint8Array>
  updateState?: Uint8Array
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
      b = { authKeys: new Map(), serverSalts: new Map(), sessions: new Map(), peers: new Map() }
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
      // Encode all first so a bad record leaves the store unchanged, like the LMDB transaction.
      const encoded = peers.map((p) => [`${p.type}/${p.id}`, encodeRecord('peer', p)] as const)
      if (encoded.length === 0) return
      const map = bucket(accountId).peers
      for (const [k, v] of encoded) map.set(k, v)
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

    async close() {
      closed = true
    },
  }
}
