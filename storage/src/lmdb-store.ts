// SessionStore over one LMDB environment (lmdb-js): a named database per record kind, values
// encoded by record-codec.ts, auth keys optionally sealed with AES-256-GCM. Owns the file's
// safety checks on open (store-file-check.ts) and the durability promises of the interface.
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { open } from 'lmdb'
import type { Database, RootDatabase } from 'lmdb'
import { createKeyCipher } from './key-cipher.js'
import type { KeyCipher } from './key-cipher.js'
import { acquireOwnerLock } from './owner-lock.js'
import type { OwnerLock } from './owner-lock.js'
import { STORE_MAGIC, decodeRecord, encodeRecord } from './record-codec.js'
import type { RecordKind, RecordTypes, StoreMeta } from './record-codec.js'
import type {
  AccountId,
  AccountRecord,
  AccountState,
  AuthKeyKind,
  AuthKeyRecord,
  DcId,
  PeerRecord,
  PeerType,
  SessionStore,
} from './session-store.js'
import { StoreError } from './store-error.js'
import { checkStoreFile, classifyLmdbError, probeStoreFile } from './store-file-check.js'
import type { ProbeDepth } from './store-file-check.js'
import {
  assertAccountId,
  assertAuthKey,
  assertAuthKeyKind,
  assertDcId,
  assertPeerId,
  assertPeerType,
} from './store-input.js'

/** Options of {@link openLmdbStore}. */
export interface LmdbStoreOptions {
  /** The store file (LMDB runs in no-subdir mode; it adds `<path>-lock`, we add `<path>-owner`). */
  readonly path: string
  /**
   * 32-byte key: auth-key records are sealed with AES-256-GCM under it. Fixed at creation: a
   * store made with a key must always be opened with the same key, one made without, without.
   */
  readonly encryptionKey?: Uint8Array
  /**
   * How an existing file is checked in a child process before this process maps it:
   * 'keys' (default) reads every key, 'full' every value too, 'none' skips the child (faster
   * start; a damaged file may then crash the process).
   */
  readonly verify?: ProbeDepth | 'none'
  /** Time source for the meta record's creation time; defaults to Date.now. */
  readonly nowMs?: () => number
}

/** Named databases; NB: renaming one orphans existing stores' data. */
const DB = {
  meta: 'mtswarm/meta',
  accounts: 'mtswarm/accounts',
  authKeys: 'mtswarm/auth-keys',
  serverSalts: 'mtswarm/server-salts',
  sessions: 'mtswarm/sessions',
  dcOptions: 'mtswarm/dc-options',
  peers: 'mtswarm/peers',
  updateState: 'mtswarm/update-state',
} as const
const MAX_DBS = 16
const META_KEY = 'meta'
/** Sorts after every number and string element of an ordered-binary array key. */
const KEY_END = Buffer.from([0xff])
const KEY_CHECK_PLAINTEXT = new TextEncoder().encode('mtswarm key check v1')
const KEY_CHECK_AAD = new TextEncoder().encode('mtswarm/meta')

type Key = string | number | (string | number | Buffer)[]
type BinDb = Database<Uint8Array, Key>

/**
 * Open (or create) an LMDB-backed store.
 *
 * Durability (decided here, see SessionStore for what each method promises):
 * - `noSync: false`, `noMetaSync: false`: LMDB syncs on commit. Never disabled.
 * - `overlappingSync` is lmdb-js's platform default (on except Windows): lmdb-js documents that
 *   a write's promise resolves when its transaction is committed (visible, survives a process
 *   crash) and that `env.flushed` resolves once it is on disk. Durable methods await both;
 *   committed-only methods await the commit alone. (Observed with strace on Linux, lmdb 3.5:
 *   the fdatasync of the data file already happens before the commit promise resolves, so the
 *   extra wait is nearly free; we still rely only on the documented `flushed`.)
 * - `noMemInit: false`: pages are zeroed, so freed memory (possibly key material) never lands in
 *   the file's slack space. `useWritemap: false`: a stray pointer cannot scribble on the map.
 * - Writes of one event-loop turn share a transaction (lmdb-js `eventTurnBatching`), which is
 *   what makes 10k concurrent `put`s cheap.
 *
 * @throws StoreError 'foreign' | 'corrupt' | 'version' | 'locked' | 'encryption' | 'io'; the file
 *   is never modified unless it is new, empty, or an mtswarm store.
 */
export async function openLmdbStore(options: LmdbStoreOptions): Promise<SessionStore> {
  const { path } = options
  const cipher = options.encryptionKey === undefined ? undefined : createKeyCipher(options.encryptionKey)
  const verify = options.verify ?? 'keys'
  const nowMs = options.nowMs ?? Date.now

  mkdirForStore(path)
  const lock = acquireOwnerLock(path)
  let env: RootDatabase<Uint8Array, Key> | undefined
  try {
    const file = checkStoreFile(path) // after the lock: nobody else creates it between check and open
    const probe = file.state === 'lmdb' && verify !== 'none' ? await probeStoreFile(path, verify) : undefined
    env = openEnv(path)
    const names = file.state === 'new' ? [] : (probe?.names ?? [...env.getKeys()].map(String))
    if (names.length > 0 && !names.includes(DB.meta)) {
      throw new StoreError('foreign', path, `LMDB environment of another application (databases: ${names.slice(0, 5).join(', ')})`)
    }
    // NB: creation makes the meta database, then writes the meta record, then the other
    // databases. An environment holding nothing but an empty meta database (or nothing at all)
    // is therefore an interrupted creation of ours, and is safe to initialise.
    const initialise = names.every((name) => name === DB.meta)
    const meta = env.openDB<Uint8Array, Key>({ name: DB.meta, encoding: 'binary', cache: false })
    const metaBytes = meta.getBinary(META_KEY)
    if (metaBytes === undefined) {
      if (!initialise) throw new StoreError('corrupt', path, 'store meta record is missing')
      const record: StoreMeta = {
        magic: STORE_MAGIC,
        encrypted: cipher !== undefined,
        ...(cipher === undefined ? {} : { keyCheck: cipher.seal(KEY_CHECK_PLAINTEXT, KEY_CHECK_AAD) }),
        createdAtMs: nowMs(),
      }
      await meta.put(META_KEY, encodeRecord('meta', record))
      await env.flushed
    } else {
      checkMeta(path, decodeRecord('meta', new Uint8Array(metaBytes), { path, key: META_KEY }), cipher)
    }
    return createLmdbStore(path, env, cipher, lock)
  } catch (e) {
    if (env !== undefined) await env.close().catch(() => undefined)
    lock.release()
    if (e instanceof StoreError || e instanceof TypeError || e instanceof RangeError) throw e
    throw classifyLmdbError(path, (e as Error).message, (e as { code?: unknown }).code, e)
  }
}

function mkdirForStore(path: string): void {
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true })
  } catch (e) {
    throw new StoreError('io', path, `cannot create its directory: ${(e as Error).message}`, { cause: e })
  }
}

function openEnv(path: string): RootDatabase<Uint8Array, Key> {
  return open<Uint8Array, Key>({
    path,
    noSubdir: true,
    maxDbs: MAX_DBS,
    encoding: 'binary',
    cache: false,
    noSync: false,
    noMetaSync: false,
    noMemInit: false,
    useWritemap: false,
  })
}

function checkMeta(path: string, meta: StoreMeta, cipher: KeyCipher | undefined): void {
  if (meta.magic !== STORE_MAGIC) throw new StoreError('foreign', path, 'meta record is not an mtswarm store')
  if (meta.encrypted && cipher === undefined) {
    throw new StoreError('encryption', path, 'store is encrypted; an encryptionKey is required')
  }
  if (!meta.encrypted && cipher !== undefined) {
    throw new StoreError('encryption', path, 'store was created without encryption; open it without encryptionKey')
  }
  if (cipher !== undefined) {
    const check = meta.keyCheck === undefined ? undefined : cipher.open(meta.keyCheck, KEY_CHECK_AAD)
    if (check === undefined || Buffer.compare(check, KEY_CHECK_PLAINTEXT) !== 0) {
      throw new StoreError('encryption', path, 'wrong encryption key')
    }
  }
}

function authKeyAad(accountId: AccountId, dcId: DcId, kind: AuthKeyKind): Uint8Array {
  return new TextEncoder().encode(`${DB.authKeys}\u0000${accountId}\u0000${dcId}\u0000${kind}`)
}

function createLmdbStore(
  path: string,
  env: RootDatabase<Uint8Array, Key>,
  cipher: KeyCipher | undefined,
  lock: OwnerLock,
): SessionStore {
  const db = (name: string): BinDb => env.openDB<Uint8Array, Key>({ name, encoding: 'binary', cache: false })
  const accounts = db(DB.accounts)
  const authKeys = db(DB.authKeys)
  const serverSalts = db(DB.serverSalts)
  const sessions = db(DB.sessions)
  const dcOptions = db(DB.dcOptions)
  const peers = db(DB.peers)
  const updateState = db(DB.updateState)
  const perAccount = [authKeys, serverSalts, sessions, peers]

  let closed = false
  let closing: Promise<void> | undefined
  const inFlight = new Set<Promise<unknown>>()

  const live = (): void => {
    if (closed) throw new StoreError('closed', path, 'store is closed')
  }
  /** Run a write, tracked so close() waits for it; LMDB failures become StoreErrors. */
  const write = async (durable: boolean, run: () => Promise<unknown>): Promise<void> => {
    live()
    const p = (async () => {
      await run()
      if (durable) await env.flushed
    })()
    inFlight.add(p)
    try {
      await p
    } catch (e) {
      throw asStoreError(e)
    } finally {
      inFlight.delete(p)
    }
  }
  const asStoreError = (e: unknown): unknown =>
    e instanceof StoreError || e instanceof TypeError || e instanceof RangeError
      ? e
      : classifyLmdbError(path, (e as Error).message, (e as { code?: unknown }).code, e)
  const read = <T>(run: () => T): T => {
    live()
    try {
      return run()
    } catch (e) {
      throw asStoreError(e)
    }
  }
  const decode = <K extends RecordKind>(kind: K, bytes: Uint8Array, key: Key): RecordTypes[K] =>
    decodeRecord(kind, bytes, { path, key: JSON.stringify(key) })
  const get = <K extends RecordKind>(kind: K, from: BinDb, key: Key): RecordTypes[K] | undefined => {
    const bytes = from.getBinary(key)
    return bytes === undefined ? undefined : decode(kind, bytes, key)
  }
  const accountRange = (accountId: AccountId) => ({ start: [accountId], end: [accountId, KEY_END] })

  const sealAuthKey = (record: AuthKeyRecord): Uint8Array => {
    const plain = encodeRecord('authKey', record)
    return cipher === undefined ? plain : cipher.seal(plain, authKeyAad(record.accountId, record.dcId, record.kind))
  }
  const openAuthKey = (bytes: Uint8Array, key: Key, accountId: AccountId, dcId: DcId, kind: AuthKeyKind): AuthKeyRecord => {
    if (cipher === undefined) return decode('authKey', bytes, key)
    const plain = cipher.open(bytes, authKeyAad(accountId, dcId, kind))
    if (plain === undefined) {
      throw new StoreError('corrupt', path, `auth key ${JSON.stringify(key)} fails authentication (tampered or moved)`)
    }
    return decode('authKey', plain, key)
  }
  const peerKey = (accountId: AccountId, type: PeerType, id: bigint): Key => [accountId, type, id.toString()]

  return {
    async getAccount(accountId) {
      assertAccountId(accountId)
      return read(() => get('account', accounts, accountId))
    },
    async putAccount(account: AccountRecord) {
      assertAccountId(account.id)
      assertDcId(account.homeDcId)
      const bytes = encodeRecord('account', account)
      await write(true, () => accounts.put(account.id, bytes))
    },
    async listAccounts() {
      return read(() => {
        const out: AccountRecord[] = []
        for (const { key, value } of accounts.getRange()) out.push(decode('account', value, key))
        return out
      })
    },
    async deleteAccount(accountId) {
      assertAccountId(accountId)
      await write(true, () =>
        env.transaction(() => {
          accounts.remove(accountId)
          updateState.remove(accountId)
          for (const from of perAccount) {
            for (const key of [...from.getKeys(accountRange(accountId))]) from.remove(key)
          }
        }),
      )
    },
    async loadAccountState(accountId): Promise<AccountState | undefined> {
      assertAccountId(accountId)
      return read(() => {
        const account = get('account', accounts, accountId)
        if (account === undefined) return undefined
        const keys: AuthKeyRecord[] = []
        for (const { key, value } of authKeys.getRange(accountRange(accountId))) {
          const [, dcId, kind] = key as [AccountId, DcId, AuthKeyKind]
          keys.push(openAuthKey(value, key, accountId, dcId, kind))
        }
        const salts = [...serverSalts.getRange(accountRange(accountId))].map(({ key, value }) =>
          decode('serverSalts', value, key),
        )
        const sess = [...sessions.getRange(accountRange(accountId))].map(({ key, value }) =>
          decode('session', value, key),
        )
        const updates = get('updateState', updateState, accountId)
        return {
          account,
          authKeys: keys,
          serverSalts: salts,
          sessions: sess,
          ...(updates === undefined ? {} : { updateState: updates }),
        }
      })
    },

    async getAuthKey(accountId, dcId, kind: AuthKeyKind = 'perm') {
      assertAccountId(accountId)
      assertDcId(dcId)
      assertAuthKeyKind(kind)
      return read(() => {
        const key: Key = [accountId, dcId, kind]
        const bytes = authKeys.getBinary(key)
        return bytes === undefined ? undefined : openAuthKey(bytes, key, accountId, dcId, kind)
      })
    },
    async putAuthKey(record: AuthKeyRecord) {
      assertAuthKey(record)
      const bytes = sealAuthKey(record)
      await write(true, () => authKeys.put([record.accountId, record.dcId, record.kind], bytes))
    },
    async deleteAuthKey(accountId, dcId, kind) {
      assertAccountId(accountId)
      assertDcId(dcId)
      assertAuthKeyKind(kind)
      await write(true, () => authKeys.remove([accountId, dcId, kind]))
    },

    async getServerSalts(accountId, dcId) {
      assertAccountId(accountId)
      assertDcId(dcId)
      return read(() => get('serverSalts', serverSalts, [accountId, dcId]))
    },
    async putServerSalts(record) {
      assertAccountId(record.accountId)
      assertDcId(record.dcId)
      const bytes = encodeRecord('serverSalts', record)
      await write(false, () => serverSalts.put([record.accountId, record.dcId], bytes))
    },

    async getSession(accountId, dcId) {
      assertAccountId(accountId)
      assertDcId(dcId)
      return read(() => get('session', sessions, [accountId, dcId]))
    },
    async putSession(record) {
      assertAccountId(record.accountId)
      assertDcId(record.dcId)
      const bytes = encodeRecord('session', record)
      await write(false, () => sessions.put([record.accountId, record.dcId], bytes))
    },

    async getDcOptions(dcId) {
      assertDcId(dcId)
      return read(() => get('dcOptions', dcOptions, dcId))
    },
    async listDcOptions() {
      return read(() => [...dcOptions.getRange()].map(({ key, value }) => decode('dcOptions', value, key)))
    },
    async putDcOptions(record) {
      assertDcId(record.dcId)
      const bytes = encodeRecord('dcOptions', record)
      await write(false, () => dcOptions.put(record.dcId, bytes))
    },

    async getPeer(accountId, type, peerId) {
      assertAccountId(accountId)
      assertPeerType(type)
      assertPeerId(peerId)
      return read(() => get('peer', peers, peerKey(accountId, type, peerId)))
    },
    async getPeers(accountId, refs) {
      assertAccountId(accountId)
      for (const { type, id } of refs) {
        assertPeerType(type)
        assertPeerId(id)
      }
      return read(() => refs.map(({ type, id }) => get('peer', peers, peerKey(accountId, type, id))))
    },
    async putPeers(accountId, batch: readonly PeerRecord[]) {
      assertAccountId(accountId)
      // Encode everything first: a malformed record rejects before anything is written.
      const encoded = batch.map((p) => [peerKey(accountId, p.type, p.id), encodeRecord('peer', p)] as const)
      if (encoded.length === 0) {
        live()
        return
      }
      await write(false, () =>
        env.transaction(() => {
          for (const [key, bytes] of encoded) peers.put(key, bytes)
        }),
      )
    },

    async getUpdateState(accountId) {
      assertAccountId(accountId)
      return read(() => get('updateState', updateState, accountId))
    },
    async putUpdateState(record) {
      assertAccountId(record.accountId)
      const bytes = encodeRecord('updateState', record)
      await write(false, () => updateState.put(record.accountId, bytes))
    },

    close() {
      closing ??= (async () => {
        closed = true
        await Promise.allSettled([...inFlight])
        try {
          await env.flushed
          await env.close()
        } finally {
          lock.release()
        }
      })()
      return closing
    },
  }
}
