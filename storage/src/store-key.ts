// Where the store key comes from: an option, a key file, or the environment; and making a new key
// file. Knows nothing about LMDB or what the key seals. NB: no message here ever includes key bytes
// or key text, only the names of the variables and files to fix.
import { randomBytes } from 'node:crypto'
import { closeSync, constants, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { ENCRYPTION_KEY_BYTES } from './key-cipher.js'
import { StoreError } from './store-error.js'

/** Environment variable holding the store key: 32 bytes as 64 hex chars or as base64. */
export const STORE_KEY_ENV = 'MTSWARM_STORE_KEY'
/** Environment variable naming a file that holds the store key (same text formats, or 32 raw bytes). */
export const STORE_KEY_FILE_ENV = 'MTSWARM_STORE_KEY_FILE'
const PRIVATE_FILE_MODE = 0o600
/** Group and other permission bits: a key file with any of them set is refused. */
const NOT_PRIVATE_BITS = 0o077

/** Where a store's key is looked for, in this order. */
export interface StoreKeySources {
  /** The key itself (32 bytes). */
  readonly encryptionKey?: Uint8Array | undefined
  /** A file holding the key. */
  readonly keyFile?: string | undefined
  /** Consulted for {@link STORE_KEY_ENV} and {@link STORE_KEY_FILE_ENV} when no option names a key. */
  readonly env: Readonly<Record<string, string | undefined>>
}

/** What to set when no key was found (the text of the StoreError). */
export const NO_KEY_HINT =
  `no store key: pass encryptionKey or keyFile, or set ${STORE_KEY_ENV} (32 bytes as 64 hex chars or base64) ` +
  `or ${STORE_KEY_FILE_ENV}; or opt out of sealing with insecurePlaintext: true`

/**
 * Parse key text: 64 hex chars or base64 of 32 bytes, surrounding whitespace ignored.
 * @returns undefined when the text is neither
 */
export function parseStoreKey(text: string): Uint8Array | undefined {
  const t = text.trim()
  if (/^[0-9a-fA-F]{64}$/.test(t)) return new Uint8Array(Buffer.from(t, 'hex'))
  if (/^[A-Za-z0-9+/]{43}=?$/.test(t) || /^[A-Za-z0-9_-]{43}=?$/.test(t)) {
    const bytes = Buffer.from(t, t.includes('-') || t.includes('_') ? 'base64url' : 'base64')
    if (bytes.length === ENCRYPTION_KEY_BYTES) return new Uint8Array(bytes)
  }
  return undefined
}

/**
 * Read a key file: 32 raw bytes, or the key as hex/base64 text. Refused when group or others may
 * read it (on POSIX), like ssh does with private keys.
 * @throws StoreError 'encryption' (missing, too open, not a key), 'io' (unreadable)
 */
export function readStoreKeyFile(storePath: string, keyFile: string): Uint8Array {
  let bytes: Buffer
  try {
    const st = statSync(keyFile)
    if (process.platform !== 'win32' && (st.mode & NOT_PRIVATE_BITS) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0')
      throw new StoreError('encryption', storePath, `key file ${keyFile} may be read by others (mode ${mode}): chmod 600 it`)
    }
    bytes = readFileSync(keyFile)
  } catch (e) {
    if (e instanceof StoreError) throw e
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StoreError('encryption', storePath, `key file ${keyFile} does not exist`, { cause: e })
    }
    throw new StoreError('io', storePath, `cannot read key file ${keyFile}: ${(e as Error).message}`, { cause: e })
  }
  const key = bytes.length === ENCRYPTION_KEY_BYTES ? new Uint8Array(bytes) : parseStoreKey(bytes.toString('latin1'))
  bytes.fill(0)
  if (key === undefined) {
    throw new StoreError('encryption', storePath, `key file ${keyFile} holds no key (want 32 raw bytes, 64 hex chars or base64)`)
  }
  return key
}

/**
 * The store key from the first source that names one, or undefined when none does.
 * @throws StoreError 'encryption' when a source names a key that is missing or malformed
 */
export function resolveStoreKey(storePath: string, sources: StoreKeySources): Uint8Array | undefined {
  if (sources.encryptionKey !== undefined) return sources.encryptionKey
  if (sources.keyFile !== undefined) return readStoreKeyFile(storePath, sources.keyFile)
  const text = sources.env[STORE_KEY_ENV]
  if (text !== undefined && text !== '') {
    const key = parseStoreKey(text)
    if (key === undefined) throw new StoreError('encryption', storePath, `${STORE_KEY_ENV} is not 32 bytes as 64 hex chars or base64`)
    return key
  }
  const file = sources.env[STORE_KEY_FILE_ENV]
  if (file !== undefined && file !== '') return readStoreKeyFile(storePath, file)
  return undefined
}

/**
 * Create `keyFile` holding a fresh random key as hex, mode 0600, never replacing an existing file.
 * Written to a temporary name, synced, then hard-linked into place: a crash leaves either no key
 * file or a whole one.
 * @throws StoreError 'io' (including when the file already exists)
 */
export function createStoreKeyFile(storePath: string, keyFile: string): Uint8Array {
  const key = new Uint8Array(randomBytes(ENCRYPTION_KEY_BYTES))
  const tmp = `${keyFile}.${process.pid}.tmp`
  try {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, PRIVATE_FILE_MODE)
    try {
      writeSync(fd, `${Buffer.from(key).toString('hex')}\n`)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    linkSync(tmp, keyFile) // fails with EEXIST rather than replacing a key someone has
    syncDir(dirname(keyFile))
  } catch (e) {
    throw new StoreError('io', storePath, `cannot create key file ${keyFile}: ${(e as Error).message}`, { cause: e })
  } finally {
    try {
      unlinkSync(tmp)
    } catch {
      // never created
    }
  }
  return key
}

/** fsync a directory so a rename or link in it survives power loss (a no-op where unsupported). */
export function syncDir(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Windows cannot open directories; its renames are journaled by NTFS
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
