// Helper process for owner-lock.test.ts (not a test): races for the owner lock of the store at
// argv[2] until it has held it argv[4] times. While holding, it checks that the shared file argv[3]
// is empty (nobody else inside), writes its token there, yields, checks the token is still its
// own, and empties it again. Prints `{"held":n,"overlaps":n,"attempts":n}` when done.
// With argv[4] = 'hold', it takes the lock once, prints "held" and waits to be killed.
// Usage: node --import tsx storage/src/lock-racer.ts <store path> <shared file> <holds|hold>
import { readFileSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { acquireOwnerLock } from './owner-lock.js'
import { isStoreError } from './store-error.js'

/** Stops by itself even if something keeps the lock forever. */
const MAX_ATTEMPTS = 200_000

async function race(path: string, shared: string, holds: number): Promise<void> {
  const token = `${process.pid}`
  let held = 0
  let overlaps = 0
  let attempts = 0
  while (held < holds && attempts < MAX_ATTEMPTS) {
    attempts++
    let lock
    try {
      lock = acquireOwnerLock(path)
    } catch (e) {
      if (!isStoreError(e, 'locked')) throw e
      await sleep(Math.random() * 2)
      continue
    }
    held++
    if (readFileSync(shared, 'utf8') !== '') overlaps++
    writeFileSync(shared, token)
    await sleep(1)
    if (readFileSync(shared, 'utf8') !== token) overlaps++
    writeFileSync(shared, '')
    lock.release()
    await sleep(Math.random() * 2)
  }
  process.stdout.write(`${JSON.stringify({ held, overlaps, attempts })}\n`)
}

const [path, shared, mode] = process.argv.slice(2)
if (path !== undefined && shared !== undefined && mode !== undefined && import.meta.url === `file://${process.argv[1]}`) {
  const run = mode === 'hold'
    ? (async () => {
        acquireOwnerLock(path)
        process.stdout.write('held\n')
        setInterval(() => undefined, 60_000)
      })()
    : race(path, shared, Number(mode))
  run.catch((e: unknown) => {
    process.stderr.write(`${String(e)}\n`)
    process.exit(1)
  })
}
