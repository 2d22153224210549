// The owner lock with real processes: racing openers never hold it together, a SIGKILLed holder's
// lock is free for the next opener, and one process cannot take it twice.
import assert from 'node:assert/strict'
import { spawnTsx } from './child.fixtures.js'
import { existsSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { acquireOwnerLock, ownerFileOf } from './owner-lock.js'
import { StoreError } from './store-error.js'

const RACERS = 8
const HOLDS_PER_RACER = 30
const RACER = fileURLToPath(new URL('./lock-racer.ts', import.meta.url))

const racer = (args: string[]) => spawnTsx(RACER, args)

const isLocked = (e: unknown): boolean => e instanceof StoreError && e.kind === 'locked'

test(`${RACERS} processes racing ${HOLDS_PER_RACER} times each never hold the lock together`, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mtswarm-lock-'))
  try {
    const path = join(dir, 'sessions.mtswarm')
    const shared = join(dir, 'inside')
    writeFileSync(shared, '')
    const racers = Array.from({ length: RACERS }, () => racer([path, shared, String(HOLDS_PER_RACER)]))
    const results = []
    for (const r of racers) {
      const { code } = await r.exited
      assert.equal(code, 0, r.err())
      results.push(JSON.parse(r.out()) as { held: number; overlaps: number; attempts: number })
    }
    const held = results.reduce((n, r) => n + r.held, 0)
    const overlaps = results.reduce((n, r) => n + r.overlaps, 0)
    const attempts = results.reduce((n, r) => n + r.attempts, 0)
    assert.equal(held, RACERS * HOLDS_PER_RACER, 'every racer got its turns')
    assert.ok(attempts > held, `the racers did contend (${attempts} attempts for ${held} holds)`)
    assert.equal(overlaps, 0, `${overlaps} times someone else was inside the lock`)
    assert.equal(existsSync(ownerFileOf(path)), false, 'the last release removed the owner file')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('a SIGKILLed holder leaves its owner file, and its lock is free for the next opener', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mtswarm-lock-'))
  try {
    const path = join(dir, 'sessions.mtswarm')
    const holder = racer([path, join(dir, 'unused'), 'hold'])
    await new Promise<void>((resolve, reject) => {
      holder.child.stdout.on('data', () => holder.out().includes('held\n') && resolve())
      void holder.exited.then(() => reject(new Error(`holder exited: ${holder.err()}`)))
    })
    assert.throws(() => acquireOwnerLock(path), (e: unknown) => isLocked(e) && (e as Error).message.includes(`pid ${holder.child.pid}`))
    holder.child.kill('SIGKILL')
    assert.equal((await holder.exited).signal, 'SIGKILL')
    assert.ok(existsSync(ownerFileOf(path)), 'the killed holder could not clean up')
    const lock = acquireOwnerLock(path)
    lock.release()
    lock.release() // idempotent
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('one process cannot hold the same lock twice; a release frees it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mtswarm-lock-'))
  try {
    const path = join(dir, 'sessions.mtswarm')
    const lock = acquireOwnerLock(path)
    assert.throws(() => acquireOwnerLock(join(dir, '.', 'sessions.mtswarm')), isLocked)
    lock.release()
    acquireOwnerLock(path).release()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
