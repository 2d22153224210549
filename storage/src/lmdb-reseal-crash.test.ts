// Re-sealing a plaintext store on open, SIGKILLed at many points (before, inside and after its
// transaction, during the compaction): the store always opens afterwards, either still plaintext
// or sealed under the key, never half of each, and holds every record.
import assert from 'node:assert/strict'
import { copyFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { openLmdbStore } from './lmdb-store.js'
import type { LmdbStoreOptions } from './lmdb-store.js'
import { expectSeeded, seedAccounts } from './session-store.fixtures.js'
import { StoreError } from './store-error.js'
import { spawnTsx } from './child.fixtures.js'

const ACCOUNTS = 2000
/**
 * Kill points as fractions of one whole open (from the child saying "opening" to its exit),
 * measured first: spread over the probe-less open, the re-seal transaction and the compaction.
 * The outcome must hold wherever a kill lands.
 */
const KILL_AT = [0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.05]
const KEY_HEX = '5e'.repeat(32)
const STORE_MODULE = new URL('./lmdb-store.ts', import.meta.url).href

let dir = ''
let base = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtswarm-reseal-'))
  base = join(dir, 'base.mtswarm')
  const store = await openLmdbStore({ path: base, insecurePlaintext: true })
  await seedAccounts(store, ACCOUNTS)
  await store.close()
})
after(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A child process that opens `path` with the key (re-sealing it) and closes it. */
function openInChild(path: string) {
  const script =
    `import(${JSON.stringify(STORE_MODULE)}).then((m) => { process.stdout.write('opening\\n');` +
    ` return m.openLmdbStore({ path: ${JSON.stringify(path)}, verify: 'none' }) }).then((s) => s.close())`
  const { child, exited, err } = spawnTsx('-e', [script], { MTSWARM_STORE_KEY: KEY_HEX })
  /** Resolves when the store module is loaded and the open begins (the slow tsx start is over). */
  const opening = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: string) => d.includes('opening') && resolve())
    void exited.then(() => reject(new Error(`child exited before opening: ${err()}`)))
  })
  return { child, exited, opening, err }
}

async function expectEveryRecord(options: LmdbStoreOptions): Promise<void> {
  const store = await openLmdbStore(options)
  try {
    await expectSeeded(store, ACCOUNTS, 101)
  } finally {
    await store.close()
  }
}

/** 'plaintext' or 'sealed', after checking every record is there through that door. */
async function stateOf(path: string): Promise<string> {
  try {
    await expectEveryRecord({ path, insecurePlaintext: true })
    return 'plaintext'
  } catch (e) {
    assert.ok(e instanceof StoreError && e.kind === 'encryption', `neither plaintext nor sealed: ${String(e)}`)
  }
  await expectEveryRecord({ path, env: { MTSWARM_STORE_KEY: KEY_HEX } })
  return 'sealed'
}

test(`re-sealing a plaintext store on open, SIGKILLed at ${KILL_AT.length} points, leaves it plaintext or sealed with every record`, async () => {
  const whole = join(dir, 'whole.mtswarm')
  copyFileSync(base, whole)
  const first = openInChild(whole)
  await first.opening
  const t0 = performance.now()
  assert.equal((await first.exited).code, 0, first.err())
  const openMs = performance.now() - t0
  assert.equal(await stateOf(whole), 'sealed')

  const outcomes: string[] = []
  for (const [i, fraction] of KILL_AT.entries()) {
    const path = join(dir, `kill-${i}.mtswarm`)
    copyFileSync(base, path)
    const r = openInChild(path)
    await r.opening
    await new Promise((resolve) => setTimeout(resolve, fraction * openMs))
    r.child.kill('SIGKILL') // a no-op when it already finished
    const { code, signal } = await r.exited
    assert.ok(signal === 'SIGKILL' || code === 0, r.err())
    const state = await stateOf(path)
    // And either way the key opens it from here on (re-sealing now if it had not happened).
    await expectEveryRecord({ path, env: { MTSWARM_STORE_KEY: KEY_HEX } })
    outcomes.push(`${fraction}:${signal === 'SIGKILL' ? 'killed' : 'finished'}:${state}`)
  }
  process.stdout.write(`# open with re-seal took ${Math.round(openMs)} ms; kills: ${outcomes.join(' ')}\n`)
})
