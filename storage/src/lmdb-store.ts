// SessionStore over one LMDB environment (lmdb-js): a named database per record kind, values
// encoded by record-codec.ts, key material sealed with AES-256-GCM unless the caller opts out
// (store-sealing.ts). Owns the open sequence (lock, file checks, key, re-sealing) and the
// durability promises of the interface.
import { existsSync, rmSync } from 'node:fs'
import { createKeyCipher } from './key-cipher.js'
import type { KeyCipher } from './key-cipher.js'
import { DB, META_KEY, compactFileOf, compactInPlace, makeFilesPrivate, makeStoreDir, openDb, openEnv } from './lmdb-layout.js'
import type { BinDb, DbName, Env, Key } from './lmdb-layout.js'
import { acquireOwnerLock } from './owner-lock.js'
import type { OwnerLock } from './owner-lock.js'
import { STORE_MAGIC, assertRecord, decodeRecord, encodeRecord } from './record-codec.js'
import type { RecordKind, RecordTypes, StoreMeta } from './record-codec.js'
import type {
  AccountId,
  AccountRecord,
  AccountState,
  AuthKeyKind,
  AuthKeyRecord,
  PeerRecord,
  PeerType,
  SessionStore,
  UpdatesCommit,
} from './session-store.js'
import { StoreError } from './store-error.js'
import { checkStoreFile, classifyLmdbError, probeStoreFile } from './store-file-check.js'
import type { ProbeDepth } from './store-file-check.js'
import {
  assertAccountId,
  assertAuthKey,
  assertAuthKeyKind,
  assertDcId,
  assertDeadLetterId,
  assertPeerId,
  assertPeerNames,
  assertPeerType,
  assertPhone,
  assertUpdatesCommit,
  assertUsername,
} from './store-input.js'
import { advanceChannelPts, advanceUpdateState, byChannelId, byParking, mergePeer, usernameKey } from './store-rules.js'
import { NO_KEY_HINT, createStoreKeyFile, resolveStoreKey } from './store-key.js'
import { CURRENT_SEALING, aadOf, checkSealingLevel, isSealed, keyCheckOf, keyMatches, resealAll } from './store-sealing.js'

/**
 * Options of {@link openLmdbStore}. The store key is taken from the first of: `encryptionKey`,
 * `keyFile`, the environment variable MTSWARM_STORE_KEY, the file named by MTSWARM_STORE_KEY_FILE.
 * With none of them, opening fails with StoreError 'encryption' unless `insecurePlaintext` is set.
 */
export interface LmdbStoreOptions {
  /** The store file (LMDB runs in no-subdir mode; it adds `<path>-lock`, we add `<path>-owner`). */
  readonly path: string
  /** The store key, 32 bytes. Key material is sealed with AES-256-GCM under it. */
  readonly encryptionKey?: Uint8Array
  /** A file holding the store key: 32 raw bytes, or 64 hex chars / base64 text. Must be 0600. */
  readonly keyFile?: string
  /**
   * With `keyFile`: when that file does not exist and the store holds nothing sealed yet (new, or
   * plaintext), create it with a random key (0600). NB: a key file next to the store protects only
   * against the store file leaking alone (a backup, a copied file), not against someone who can
   * read the directory.
   */
  readonly createKeyFile?: boolean
  /**
   * Store everything in plaintext: anyone who can read the file can use its auth keys. Only for
   * throwaway stores (tests, benches). A sealed store is never opened this way.
   */
  readonly insecurePlaintext?: boolean
  /** Where MTSWARM_STORE_KEY and MTSWARM_STORE_KEY_FILE are read; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /**
   * How an existing file is checked in a child process before this process maps it:
   * 'keys' (default) reads every key, 'full' every value too, 'none' skips the child (faster
   * start; a damaged file may then crash the process).
   */
  readonly verify?: ProbeDepth | 'none'
  /** Time source for the meta record's creation time; defaults to Date.now. */
  readonly nowMs?: () => number
}

/** Sorts after every number and string element of an ordered-binary array key. */
const KEY_END = Buffer.from([0xff])

/**
 * Open (or create) an LMDB-backed store.
 *
 * Sealing: a new store is sealed (auth keys, accounts, DC options; see store-sealing.ts) unless
 * `insecurePlaintext`. A plaintext or partly sealed store opened with a key is re-sealed during
 * the open, in one transaction, then rewritten without its free pages (which still held the
 * plaintext): a crash at any point leaves a store that opens, with nothing lost.
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
 * Files: the data file, LMDB's lock file, the owner file and a created key file are 0600, a
 * created directory 0700.
 *
 * @throws StoreError 'foreign' | 'corrupt' | 'version' | 'locked' | 'encryption' | 'io'; the file
 *   is never modified unless it is new, empty, or an mtswarm store.
 * @throws TypeError for contradictory options, RangeError for a key that is not 32 bytes.
 */
export async function openLmdbStore(options: LmdbStoreOptions): Promise<SessionStore> {
  const { path } = options
  if (options.insecurePlaintext === true && (options.encryptionKey !== undefined || options.keyFile !== undefined)) {
    throw new TypeError('insecurePlaintext contradicts encryptionKey/keyFile: pass one or the other')
  }
  if (options.encryptionKey !== undefined && options.keyFile !== undefined) {
    throw new TypeError('pass encryptionKey or keyFile, not both')
  }
  if (options.createKeyFile === true && options.keyFile === undefined) throw new TypeError('createKeyFile needs keyFile')
  if (options.encryptionKey !== undefined) createKeyCipher(options.encryptionKey) // RangeError before any file is touched
  const verify = options.verify ?? 'keys'
  const nowMs = options.nowMs ?? Date.now
  const plaintext = options.insecurePlaintext === true
  /** The store's cipher; `mayCreate` when nothing sealed exists yet that a new key would orphan. */
  const needKey = (mayCreate: boolean): KeyCipher => {
    const { keyFile } = options
    const key =
      mayCreate && options.createKeyFile === true && keyFile !== undefined && !existsSync(keyFile)
        ? createStoreKeyFile(path, keyFile)
        : resolveStoreKey(path, { encryptionKey: options.encryptionKey, keyFile, env: options.env ?? process.env })
    if (key === undefined) throw new StoreError('encryption', path, NO_KEY_HINT)
    return createKeyCipher(key)
  }

  makeStoreDir(path)
  const lock = acquireOwnerLock(path)
  let env: Env | undefined
  try {
    rmSync(compactFileOf(path), { force: true }) // what a crashed compaction left; the store itself is whole
    const file = checkStoreFile(path) // after the lock: nobody else creates it between check and open
    const probe = file.state === 'lmdb' && verify !== 'none' ? await probeStoreFile(path, verify) : undefined
    // A new store's key is settled before any file is made: no key, no store file left behind.
    let cipher: KeyCipher | undefined = file.state === 'new' && !plaintext ? needKey(true) : undefined
    makeFilesPrivate(path, false)
    env = openEnv(path)
    const names = file.state === 'new' ? [] : (probe?.names ?? [...env.getKeys()].map(String))
    if (names.length > 0 && !names.includes(DB.meta)) {
      throw new StoreError('foreign', path, `LMDB environment of another application (databases: ${names.slice(0, 5).join(', ')})`)
    }
    // NB: creation makes the meta database, then writes the meta record, then the other
    // databases. An environment holding nothing but an empty meta database (or nothing at all)
    // is therefore an interrupted creation of ours, and is safe to initialise.
    const initialise = names.every((name) => name === DB.meta)
    const metaBytes = openDb(env, DB.meta).getBinary(META_KEY)
    if (metaBytes === undefined) {
      if (!initialise) throw new StoreError('corrupt', path, 'store meta record is missing')
      if (!plaintext) cipher ??= needKey(true)
      const record: StoreMeta = {
        magic: STORE_MAGIC,
        sealing: cipher === undefined ? 0 : CURRENT_SEALING,
        ...(cipher === undefined ? {} : { keyCheck: keyCheckOf(cipher) }),
        createdAtMs: nowMs(),
      }
      await openDb(env, DB.meta).put(META_KEY, encodeRecord('meta', record))
      await env.flushed
    } else {
      const meta = decodeRecord('meta', new Uint8Array(metaBytes), { path, key: META_KEY })
      if (meta.magic !== STORE_MAGIC) throw new StoreError('foreign', path, 'meta record is not an mtswarm store')
      checkSealingLevel(path, meta.sealing)
      makeFilesPrivate(path, true)
      if (meta.sealing > 0) {
        if (plaintext) {
          throw new StoreError('encryption', path, 'store is sealed: open it with its key (insecurePlaintext never unseals a store)')
        }
        cipher = needKey(false)
        if (!keyMatches(meta, cipher)) throw new StoreError('encryption', path, 'wrong store key')
      } else if (!plaintext) {
        cipher = needKey(true)
      }
      if (cipher !== undefined && meta.sealing < CURRENT_SEALING) {
        resealAll(path, env, meta, cipher, cipher)
        env = await compactInPlace(path, env)
      }
    }
    return createLmdbStore(path, env, cipher, lock)
  } catch (e) {
    if (env !== undefined) await env.close().catch(() => undefined)
    lock.release()
    if (e instanceof StoreError || e instanceof TypeError || e instanceof RangeError) throw e
    throw classifyLmdbError(path, (e as Error).message, (e as { code?: unknown }).code, e)
  }
}

/** A named database and its name (the name is part of every sealed value's AAD). */
interface Table {
  readonly name: DbName
  readonly db: BinDb
}

function createLmdbStore(path: string, env: Env, cipher: KeyCipher | undefined, lock: OwnerLock): SessionStore {
  const table = (name: DbName): Table => ({ name, db: openDb(env, name) })
  const accounts = table(DB.accounts)
  const authKeys = table(DB.authKeys)
  const serverSalts = table(DB.serverSalts)
  const sessions = table(DB.sessions)
  const dcOptions = table(DB.dcOptions)
  const peers = table(DB.peers)
  const updateState = table(DB.updateState)
  const peerNames = table(DB.peerNames)
  const channelPts = table(DB.channelPts)
  const deadLetters = table(DB.deadLetters)
  const perAccount = [authKeys, serverSalts, sessions, peers, peerNames, channelPts, deadLetters]
  /** NB: a store with a cipher is always at CURRENT_SEALING (openLmdbStore re-seals older ones). */
  const sealed = (t: Table): KeyCipher | undefined => (cipher !== undefined && isSealed(CURRENT_SEALING, t.name) ? cipher : undefined)

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
  /** Open (if sealed) and decode one stored value. */
  const decode = <K extends RecordKind>(kind: K, t: Table, key: Key, bytes: Uint8Array): RecordTypes[K] => {
    const c = sealed(t)
    const plain = c === undefined ? bytes : c.open(bytes, aadOf(t.name, key))
    if (plain === undefined) {
      throw new StoreError('corrupt', path, `${kind} record ${JSON.stringify(key)} fails authentication (tampered or moved)`)
    }
    return decodeRecord(kind, plain, { path, key: JSON.stringify(key) })
  }
  /** Encode (and seal, where the table is sealed) one value. */
  const encode = <K extends RecordKind>(kind: K, t: Table, key: Key, record: RecordTypes[K]): Uint8Array => {
    const plain = encodeRecord(kind, record)
    return sealed(t)?.seal(plain, aadOf(t.name, key)) ?? plain
  }
  const get = <K extends RecordKind>(kind: K, t: Table, key: Key): RecordTypes[K] | undefined => {
    const bytes = t.db.getBinary(key)
    return bytes === undefined ? undefined : decode(kind, t, key, bytes)
  }
  const accountRange = (accountId: AccountId) => ({ start: [accountId], end: [accountId, KEY_END] })
  const peerKey = (accountId: AccountId, type: PeerType, id: bigint): Key => [accountId, type, id.toString()]
  const usernameIndexKey = (accountId: AccountId, username: string): Key => [accountId, 'u', usernameKey(username)]
  const phoneIndexKey = (accountId: AccountId, phone: string): Key => [accountId, 'p', phone]
  /** The peer an index entry points at (read inside or outside a transaction). */
  const byIndex = (accountId: AccountId, key: Key): PeerRecord | undefined => {
    const ref = get('peerRef', peerNames, key)
    return ref === undefined ? undefined : get('peer', peers, peerKey(accountId, ref.type, ref.id))
  }
  /**
   * Inside a write transaction: point index entry `after` at `peer`, and drop `before` if it still
   * points at `peer` (a name that moved to another peer meanwhile stays with that peer).
   */
  const reindex = (peer: PeerRecord, before: Key | undefined, after: Key | undefined): void => {
    const holds = (key: Key): boolean => {
      const ref = get('peerRef', peerNames, key)
      return ref !== undefined && ref.type === peer.type && ref.id === peer.id
    }
    const same = before !== undefined && after !== undefined && JSON.stringify(before) === JSON.stringify(after)
    if (before !== undefined && !same && holds(before)) peerNames.db.remove(before)
    // NB: a read is far cheaper than a write: a peer seen again under its name rewrites nothing.
    if (after !== undefined && !(same && holds(after))) {
      peerNames.db.put(after, encode('peerRef', peerNames, after, { type: peer.type, id: peer.id }))
    }
  }

  return {
    async getAccount(accountId) {
      assertAccountId(accountId)
      return read(() => get('account', accounts, accountId))
    },
    async putAccount(account: AccountRecord) {
      assertAccountId(account.id)
      assertDcId(account.homeDcId)
      const bytes = encode('account', accounts, account.id, account)
      await write(true, () => accounts.db.put(account.id, bytes))
    },
    async listAccounts() {
      return read(() => {
        const out: AccountRecord[] = []
        for (const { key, value } of accounts.db.getRange()) out.push(decode('account', accounts, key, value))
        return out
      })
    },
    async deleteAccount(accountId) {
      assertAccountId(accountId)
      await write(true, () =>
        env.transaction(() => {
          accounts.db.remove(accountId)
          updateState.db.remove(accountId)
          for (const { db: from } of perAccount) {
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
        const range = accountRange(accountId)
        const keys = [...authKeys.db.getRange(range)].map(({ key, value }) => decode('authKey', authKeys, key, value))
        const salts = [...serverSalts.db.getRange(range)].map(({ key, value }) => decode('serverSalts', serverSalts, key, value))
        const sess = [...sessions.db.getRange(range)].map(({ key, value }) => decode('session', sessions, key, value))
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
      return read(() => get('authKey', authKeys, [accountId, dcId, kind]))
    },
    async putAuthKey(record: AuthKeyRecord) {
      assertAuthKey(record)
      const key: Key = [record.accountId, record.dcId, record.kind]
      const bytes = encode('authKey', authKeys, key, record)
      await write(true, () => authKeys.db.put(key, bytes))
    },
    async deleteAuthKey(accountId, dcId, kind) {
      assertAccountId(accountId)
      assertDcId(dcId)
      assertAuthKeyKind(kind)
      await write(true, () => authKeys.db.remove([accountId, dcId, kind]))
    },

    async getServerSalts(accountId, dcId) {
      assertAccountId(accountId)
      assertDcId(dcId)
      return read(() => get('serverSalts', serverSalts, [accountId, dcId]))
    },
    async putServerSalts(record) {
      assertAccountId(record.accountId)
      assertDcId(record.dcId)
      const key: Key = [record.accountId, record.dcId]
      const bytes = encode('serverSalts', serverSalts, key, record)
      await write(false, () => serverSalts.db.put(key, bytes))
    },

    async getSession(accountId, dcId) {
      assertAccountId(accountId)
      assertDcId(dcId)
      return read(() => get('session', sessions, [accountId, dcId]))
    },
    async putSession(record) {
      assertAccountId(record.accountId)
      assertDcId(record.dcId)
      const key: Key = [record.accountId, record.dcId]
      const bytes = encode('session', sessions, key, record)
      await write(false, () => sessions.db.put(key, bytes))
    },

    async getDcOptions(dcId) {
      assertDcId(dcId)
      return read(() => get('dcOptions', dcOptions, dcId))
    },
    async listDcOptions() {
      return read(() => [...dcOptions.db.getRange()].map(({ key, value }) => decode('dcOptions', dcOptions, key, value)))
    },
    async putDcOptions(record) {
      assertDcId(record.dcId)
      const bytes = encode('dcOptions', dcOptions, record.dcId, record)
      await write(false, () => dcOptions.db.put(record.dcId, bytes))
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
      // Check and encode everything first: a malformed record rejects before anything is written.
      for (const p of batch) {
        assertPeerNames(p)
        assertRecord('peer', p)
      }
      if (batch.length === 0) {
        live()
        return
      }
      await write(false, () =>
        env.transaction(() => {
          // Read-modify-write in the transaction (it reads its own writes: a batch may name a peer twice).
          for (const p of batch) {
            const key = peerKey(accountId, p.type, p.id)
            const old = get('peer', peers, key)
            const merged = mergePeer(old, p)
            peers.db.put(key, encode('peer', peers, key, merged))
            const name = (r: PeerRecord | undefined) => (r?.username === undefined ? undefined : usernameIndexKey(accountId, r.username))
            const phone = (r: PeerRecord | undefined) => (r?.phone === undefined ? undefined : phoneIndexKey(accountId, r.phone))
            reindex(merged, name(old), name(merged))
            reindex(merged, phone(old), phone(merged))
          }
        }),
      )
    },
    async findPeerByUsername(accountId, username) {
      assertAccountId(accountId)
      assertUsername(username)
      return read(() => byIndex(accountId, usernameIndexKey(accountId, username)))
    },
    async findPeerByPhone(accountId, phone) {
      assertAccountId(accountId)
      assertPhone(phone)
      return read(() => byIndex(accountId, phoneIndexKey(accountId, phone)))
    },

    async getUpdateState(accountId) {
      assertAccountId(accountId)
      return read(() => get('updateState', updateState, accountId))
    },
    async putUpdateState(record) {
      assertAccountId(record.accountId)
      const bytes = encode('updateState', updateState, record.accountId, record)
      await write(false, () => updateState.db.put(record.accountId, bytes))
    },
    async listChannelPts(accountId) {
      assertAccountId(accountId)
      return read(() =>
        [...channelPts.db.getRange(accountRange(accountId))].map(({ key, value }) => decode('channelPts', channelPts, key, value)).sort(byChannelId),
      )
    },
    async commitUpdates(accountId, commit: UpdatesCommit) {
      assertAccountId(accountId)
      assertUpdatesCommit(accountId, commit)
      // Check every record before the transaction: a malformed one rejects with nothing written.
      if (commit.common !== undefined) encodeRecord('updateState', commit.common)
      for (const c of commit.channels ?? []) encodeRecord('channelPts', c)
      const letters = (commit.deadLetters ?? []).map((d) => {
        const key: Key = [accountId, d.id]
        return [key, encode('deadLetter', deadLetters, key, d)] as const
      })
      await write(false, () =>
        env.transaction(() => {
          if (commit.common !== undefined) {
            const next = advanceUpdateState(get('updateState', updateState, accountId), commit.common)
            if (next !== undefined) updateState.db.put(accountId, encode('updateState', updateState, accountId, next))
          }
          for (const c of commit.channels ?? []) {
            const key: Key = [accountId, c.channelId.toString()]
            const next = advanceChannelPts(get('channelPts', channelPts, key), c)
            if (next !== undefined) channelPts.db.put(key, encode('channelPts', channelPts, key, next))
          }
          for (const [key, bytes] of letters) deadLetters.db.put(key, bytes)
        }),
      )
    },
    async listDeadLetters(accountId) {
      assertAccountId(accountId)
      return read(() =>
        [...deadLetters.db.getRange(accountRange(accountId))].map(({ key, value }) => decode('deadLetter', deadLetters, key, value)).sort(byParking),
      )
    },
    async deleteDeadLetter(accountId, id) {
      assertAccountId(accountId)
      assertDeadLetterId(id)
      let existed = false
      await write(true, () =>
        env.transaction(() => {
          existed = deadLetters.db.getBinary([accountId, id]) !== undefined
          if (existed) deadLetters.db.remove([accountId, id])
        }),
      )
      return existed
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
