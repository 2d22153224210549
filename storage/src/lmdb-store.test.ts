// Runs the SessionStore contract (and persistence) against the LMDB store on real files.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openLmdbStore } from './lmdb-store.js'
import type { LmdbStoreOptions } from './lmdb-store.js'
import { persistentStoreContract, sessionStoreContract } from './session-store.contract.js'
import type { StoreFixture } from './session-store.contract.js'
import type { SessionStore } from './session-store.js'

function lmdbFixture(extra: Omit<LmdbStoreOptions, 'path'> = {}): () => Promise<StoreFixture> {
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtswarm-store-'))
    const path = join(dir, 'sessions.mtswarm')
    let current: SessionStore = await openLmdbStore({ path, ...extra })
    return {
      store: current,
      reopen: async () => {
        await current.close()
        current = await openLmdbStore({ path, ...extra })
        return current
      },
      cleanup: async () => {
        await current.close()
        await rm(dir, { recursive: true, force: true })
      },
    }
  }
}

const sealed = { encryptionKey: new Uint8Array(32).fill(7) }
const plaintext = { insecurePlaintext: true }
sessionStoreContract('lmdb, sealed', lmdbFixture(sealed))
sessionStoreContract('lmdb, insecurePlaintext', lmdbFixture(plaintext))
persistentStoreContract('lmdb, sealed', lmdbFixture(sealed))
persistentStoreContract('lmdb, insecurePlaintext', lmdbFixture(plaintext))
