// Helper process for lmdb-sync.test.ts (not a test): opens the store at argv[2], makes argv[3]
// durable auth-key writes one after another (each awaited), closes it and exits.
// Usage: node --import tsx storage/src/sync-writer.ts <path> <writes>
import { openLmdbStore } from './lmdb-store.js'
import { authKey, keyBytes } from './session-store.fixtures.js'

/** The store key the writer seals with. */
export const SYNC_STORE_KEY = new Uint8Array(32).fill(0x5a)

async function main(path: string, writes: number): Promise<void> {
  const store = await openLmdbStore({ path, encryptionKey: SYNC_STORE_KEY, verify: 'none' })
  for (let i = 0; i < writes; i++) await store.putAuthKey(authKey(`acc${i}`, 1, { key: keyBytes(i), keyId: BigInt(i) + 1n }))
  await store.close()
}

const [path, writes] = process.argv.slice(2)
if (path !== undefined && import.meta.url === `file://${process.argv[1]}`) {
  main(path, Number(writes ?? 0)).catch((e: unknown) => {
    process.stderr.write(`${String(e)}\n`)
    process.exit(1)
  })
}
