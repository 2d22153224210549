// The LMDB environment of a store: its named databases, how it is opened, its files and their
// modes, and rewriting the file without its free pages. Knows nothing about records or sealing.
import { chmodSync, closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { open } from 'lmdb'
import type { Database, RootDatabase } from 'lmdb'
import { StoreError } from './store-error.js'
import { syncDir } from './store-key.js'

/** Named databases; NB: renaming one orphans existing stores' data. */
export const DB = {
  meta: 'mtswarm/meta',
  accounts: 'mtswarm/accounts',
  authKeys: 'mtswarm/auth-keys',
  serverSalts: 'mtswarm/server-salts',
  sessions: 'mtswarm/sessions',
  dcOptions: 'mtswarm/dc-options',
  peers: 'mtswarm/peers',
  updateState: 'mtswarm/update-state',
  /** [account, 'u', lower-cased username] or [account, 'p', phone] → the peer's (type, id). */
  peerNames: 'mtswarm/peer-names',
  /** [account, channel id] → that channel's pts. */
  channelPts: 'mtswarm/channel-pts',
  /** [account, update id] → a parked update. */
  deadLetters: 'mtswarm/dead-letters',
} as const
export type DbName = (typeof DB)[keyof typeof DB]
// 11 in use: room to add a few more without changing how existing stores are opened.
const MAX_DBS = 16
export const META_KEY = 'meta'

export type Key = string | number | (string | number | Buffer)[]
export type BinDb = Database<Uint8Array, Key>
export type Env = RootDatabase<Uint8Array, Key>

/** Files and directories a store creates are its user's alone. */
export const PRIVATE_FILE_MODE = 0o600
const PRIVATE_DIR_MODE = 0o700

/** The file a compaction writes before it replaces the store (a leftover one is a crashed compaction). */
export const compactFileOf = (path: string): string => `${path}.compact`

/** Create the store's directory and any missing parents, 0700. */
export function makeStoreDir(path: string): void {
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true, mode: PRIVATE_DIR_MODE })
  } catch (e) {
    throw new StoreError('io', path, `cannot create its directory: ${(e as Error).message}`, { cause: e })
  }
}

/**
 * Create the data file (empty, which checkStoreFile reads as 'new') and LMDB's lock file, 0600,
 * before LMDB would create them with the process umask (usually 0644). With `narrow`, existing
 * ones are set to 0600 too: only once the file is known to be an mtswarm store.
 */
export function makeFilesPrivate(path: string, narrow: boolean): void {
  for (const file of [path, `${path}-lock`]) {
    try {
      closeSync(openSync(file, constants.O_RDWR | constants.O_CREAT, PRIVATE_FILE_MODE))
      if (narrow) chmodSync(file, PRIVATE_FILE_MODE)
    } catch (e) {
      throw new StoreError('io', path, `cannot create ${file}: ${(e as Error).message}`, { cause: e })
    }
  }
}

/** Open the environment with the store's durability settings (see openLmdbStore). */
export function openEnv(path: string): Env {
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

/** A named database of binary values. */
export function openDb(env: Env, name: DbName): BinDb {
  return env.openDB<Uint8Array, Key>({ name, encoding: 'binary', cache: false })
}

/**
 * Rewrite the store without its free pages and put it in place of the old file; returns the
 * environment reopened on it. NB: LMDB never overwrites a page in place, so after re-sealing, the
 * pages that held the old values (plaintext, or sealed under a retired key) are free but still in
 * the file until reused. A compacting copy holds live pages only. Crash-safe: the copy is synced
 * before an atomic rename; a crash before it leaves the old (already re-sealed) file and a
 * leftover copy that the next open removes.
 */
export async function compactInPlace(path: string, env: Env): Promise<Env> {
  const copy = compactFileOf(path)
  rmSync(copy, { force: true })
  await env.flushed
  await env.backup(copy, true)
  await env.close()
  chmodSync(copy, PRIVATE_FILE_MODE)
  const fd = openSync(copy, 'r+')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(copy, path)
  syncDir(dirname(resolve(path)))
  return openEnv(path)
}
