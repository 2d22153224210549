// Helper process for lmdb-crash.test.ts (not a test): writes auth keys to the store at argv[2]
// in a loop, eight in flight, and prints "<accountId> <keyId>" only after a write resolved.
// Runs until killed. Usage: node --import tsx storage/src/crash-writer.ts <path>
import { openLmdbStore } from './lmdb-store.js'
import { account, authKey, keyBytes } from './session-store.fixtures.js'

const IN_FLIGHT = 8
/** The store key the writer seals with; the test opens the store with it. */
export const CRASH_STORE_KEY = new Uint8Array(32).fill(0x3c)

/** The record the writer stores for index i; the test rebuilds it to compare. */
export function crashRecord(i: number) {
  return authKey(`acc${i}`, 1 + (i % 5), { key: keyBytes(i), keyId: BigInt(i) * 0x1_0000_0001n - 2n ** 62n })
}

async function main(path: string): Promise<void> {
  const store = await openLmdbStore({ path, encryptionKey: CRASH_STORE_KEY })
  process.stdout.write('ready\n')
  let next = 0
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++
      const rec = crashRecord(i)
      await store.putAccount(account(rec.accountId, { homeDcId: rec.dcId }))
      await store.putAuthKey(rec)
      process.stdout.write(`${rec.accountId} ${rec.keyId}\n`)
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
}

const path = process.argv[2]
if (path !== undefined && import.meta.url === `file://${process.argv[1]}`) {
  main(path).catch((e: unknown) => {
    process.stderr.write(`${String(e)}\n`)
    process.exit(1)
  })
}
