// Rotating a sealed store's key: every sealed value re-sealed under the new key in one LMDB
// transaction, then the file compacted so no page sealed under the old key stays behind.
// The library function behind `npm run store -- rotate-key` (cli.ts).
import { rmSync } from 'node:fs'
import { createKeyCipher } from './key-cipher.js'
import { DB, META_KEY, compactFileOf, compactInPlace, openDb, openEnv } from './lmdb-layout.js'
import type { Env } from './lmdb-layout.js'
import { acquireOwnerLock } from './owner-lock.js'
import { STORE_MAGIC, decodeRecord } from './record-codec.js'
import { StoreError } from './store-error.js'
import { checkStoreFile, classifyLmdbError, probeStoreFile } from './store-file-check.js'
import type { ProbeDepth } from './store-file-check.js'
import { checkSealingLevel, keyMatches, resealAll } from './store-sealing.js'

/** Options of {@link rotateStoreKey}. */
export interface RotateStoreKeyOptions {
  /** The store file; it must not be open anywhere (the owner lock is taken). */
  readonly path: string
  /** The key the store is sealed with now (32 bytes). */
  readonly oldKey: Uint8Array
  /** The key to seal it with (32 bytes). */
  readonly newKey: Uint8Array
  /** Child-process check of the file before it is mapped, as in openLmdbStore; default 'keys'. */
  readonly verify?: ProbeDepth | 'none'
  /** Called with the number of values about to be re-sealed, just before the transaction. */
  readonly onResealing?: (values: number) => void
}

/**
 * Re-seal every sealed value of a closed store under a new key. Atomic: one LMDB transaction
 * re-seals every value and the meta record's key check, so after a crash the store opens with
 * exactly one of the two keys and holds every record. The file is then rewritten without free
 * pages (where values sealed under the old key would linger).
 * @returns the number of values re-sealed
 * @throws StoreError 'encryption' (old key wrong, store not sealed, already under the new key),
 *   'locked', 'foreign', 'corrupt', 'version', 'io'
 * @throws RangeError unless both keys are 32 bytes; TypeError if they are equal
 */
export async function rotateStoreKey(options: RotateStoreKeyOptions): Promise<{ resealed: number }> {
  const { path } = options
  const from = createKeyCipher(options.oldKey)
  const to = createKeyCipher(options.newKey)
  if (Buffer.compare(Buffer.from(options.oldKey), Buffer.from(options.newKey)) === 0) {
    throw new TypeError('the new store key equals the old one')
  }
  const lock = acquireOwnerLock(path)
  let env: Env | undefined
  try {
    rmSync(compactFileOf(path), { force: true })
    if (checkStoreFile(path).state === 'new') throw new StoreError('io', path, 'no store at this path')
    if ((options.verify ?? 'keys') !== 'none') await probeStoreFile(path, options.verify === 'full' ? 'full' : 'keys')
    env = openEnv(path)
    const metaBytes = openDb(env, DB.meta).getBinary(META_KEY)
    if (metaBytes === undefined) throw new StoreError('foreign', path, 'no mtswarm meta record')
    const meta = decodeRecord('meta', new Uint8Array(metaBytes), { path, key: META_KEY })
    if (meta.magic !== STORE_MAGIC) throw new StoreError('foreign', path, 'meta record is not an mtswarm store')
    checkSealingLevel(path, meta.sealing)
    if (meta.sealing === 0) {
      throw new StoreError('encryption', path, 'store is not sealed: open it once with the new key to seal it')
    }
    if (!keyMatches(meta, from)) {
      const already = keyMatches(meta, to)
      throw new StoreError('encryption', path, already ? 'store is already sealed under the new key' : 'wrong old store key')
    }
    const resealed = resealAll(path, env, meta, from, to, options.onResealing)
    env = await compactInPlace(path, env)
    return { resealed }
  } catch (e) {
    if (e instanceof StoreError || e instanceof TypeError || e instanceof RangeError) throw e
    throw classifyLmdbError(path, (e as Error).message, (e as { code?: unknown }).code, e)
  } finally {
    if (env !== undefined) await env.close().catch(() => undefined)
    lock.release()
  }
}
