// Key rotation through the real CLI in a child process on a real LMDB file: the new key opens the
// store with every record, the old one is refused, nothing sealed under the old key stays in the
// file, and a rotation SIGKILLed at any point leaves a store that opens with exactly one key.
import assert from 'node:assert/strict'
import { spawnTsx } from './child.fixtures.js'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { open } from 'lmdb'
import { openLmdbStore } from './lmdb-store.js'
import { expectSeeded, seedAccounts } from './session-store.fixtures.js'
import { StoreError } from './store-error.js'
import { rotateStoreKey } from './store-rotate.js'

const ACCOUNTS = 3000
/**
 * Kill points, as fractions of how long a whole rotation took here (from "re-sealing" to exit):
 * spread over the transaction, its commit and the compaction. Picking them from a measurement is
 * no timing assertion: the outcome must hold wherever the kill lands.
 */
const KILL_AT = [0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1, 1.1, 1.2, 1.35, 1.5]
/** Measured by the first test; this default serves when the kill test runs alone. */
let rotationMs = 400
const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))
const OLD = new Uint8Array(32).fill(0x11)
const NEW = new Uint8Array(32).fill(0x22)

let dir = ''
let base = ''
let oldFile = ''
let newFile = ''
let n = 0

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtswarm-rotate-'))
  oldFile = join(dir, 'old.key')
  newFile = join(dir, 'new.key')
  writeFileSync(oldFile, Buffer.from(OLD).toString('hex'), { mode: 0o600 })
  writeFileSync(newFile, Buffer.from(NEW).toString('base64'), { mode: 0o600 })
  base = join(dir, 'base.mtswarm')
  const store = await openLmdbStore({ path: base, encryptionKey: OLD })
  await seedAccounts(store, ACCOUNTS)
  await store.close()
})
after(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A copy of the base store (sealed under OLD). */
function copyOfBase(): string {
  const path = join(dir, `copy-${++n}.mtswarm`)
  copyFileSync(base, path)
  return path
}

function rotateCli(path: string) {
  return spawnTsx(CLI, ['rotate-key', '--path', path, '--old-key-file', oldFile, '--new-key-file', newFile, '--verify', 'none'])
}

/** Which of OLD and NEW open the store; every record is checked through the one that does. */
async function keysThatOpen(path: string): Promise<string[]> {
  const opened: string[] = []
  for (const [name, key] of [['old', OLD], ['new', NEW]] as const) {
    let store
    try {
      store = await openLmdbStore({ path, encryptionKey: key })
    } catch (e) {
      assert.ok(e instanceof StoreError && e.kind === 'encryption', `${name} key: ${String(e)}`)
      continue
    }
    try {
      await expectSeeded(store, ACCOUNTS, 97)
    } finally {
      await store.close()
    }
    opened.push(name)
  }
  return opened
}

/** Sealed auth-key values as stored (IV ‖ ciphertext ‖ tag), straight from LMDB. */
async function rawSealedKeys(path: string): Promise<Buffer[]> {
  const env = open({ path, noSubdir: true, maxDbs: 16, readOnly: true })
  const values = [...env.openDB({ name: 'mtswarm/auth-keys', encoding: 'binary' }).getRange()].map(({ value }) =>
    Buffer.from(value as Uint8Array),
  )
  await env.close()
  return values
}

describe('store key rotation', () => {
  test('rotate-key: the new key opens every record, the old key is refused, no old sealed value stays in the file', async () => {
    const path = copyOfBase()
    const before = await rawSealedKeys(path)
    const r = rotateCli(path)
    let t0 = 0
    r.child.stdout.on('data', () => (t0 ||= performance.now()))
    const { code } = await r.exited
    rotationMs = performance.now() - t0
    assert.equal(code, 0, r.err())
    assert.match(r.out(), new RegExp(`^re-sealing ${ACCOUNTS * 2} values`, 'm'))
    assert.match(r.out(), new RegExp(`^rotated: ${ACCOUNTS * 2} values`, 'm'))
    assert.equal(r.out().includes(Buffer.from(NEW).toString('base64')), false, 'no key text printed')
    assert.deepEqual(await keysThatOpen(path), ['new'])
    const file = readFileSync(path)
    const lingering = before.filter((v) => file.includes(v.subarray(1, 33))).length
    assert.equal(lingering, 0, `${lingering} values sealed under the old key are still in the file`)
  })

  test('the library refuses a wrong old key, an unsealed store, and a second rotation, with typed errors', async () => {
    const path = copyOfBase()
    const refused = async (options: Parameters<typeof rotateStoreKey>[0], kind: string, text: RegExp) =>
      assert.rejects(rotateStoreKey(options), (e: unknown) => e instanceof StoreError && e.kind === kind && text.test(e.message))
    await refused({ path, oldKey: new Uint8Array(32).fill(3), newKey: NEW }, 'encryption', /wrong old store key/)
    assert.deepEqual(await keysThatOpen(path), ['old'], 'a refused rotation changed nothing')
    assert.equal((await rotateStoreKey({ path, oldKey: OLD, newKey: NEW })).resealed, ACCOUNTS * 2)
    await refused({ path, oldKey: OLD, newKey: NEW }, 'encryption', /already sealed under the new key/)
    const plain = join(dir, `plain-${++n}.mtswarm`)
    await (await openLmdbStore({ path: plain, insecurePlaintext: true })).close()
    await refused({ path: plain, oldKey: OLD, newKey: NEW }, 'encryption', /not sealed/)
    await refused({ path: join(dir, 'nothing-here'), oldKey: OLD, newKey: NEW }, 'io', /no store/)
    await assert.rejects(rotateStoreKey({ path, oldKey: NEW, newKey: NEW }), TypeError)
  })

  test(`a rotation SIGKILLed at ${KILL_AT.length} points leaves a store that opens with exactly one key, losing nothing`, async () => {
    const outcomes: string[] = []
    for (const fraction of KILL_AT) {
      const delayMs = Math.round(fraction * rotationMs)
      const path = copyOfBase()
      const r = rotateCli(path)
      await new Promise<void>((resolve, reject) => {
        const onData = () => {
          if (!r.out().includes('re-sealing')) return
          r.child.stdout.off('data', onData)
          resolve()
        }
        r.child.stdout.on('data', onData)
        void r.exited.then(({ code }) => reject(new Error(`rotation ended (${code}) before re-sealing: ${r.err()}`)))
      })
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      r.child.kill('SIGKILL') // a no-op when it already finished
      const { signal } = await r.exited
      const opened = await keysThatOpen(path)
      assert.equal(opened.length, 1, `killed ${delayMs} ms in: opened with ${opened.join(' and ') || 'neither key'}`)
      outcomes.push(`${delayMs}ms:${signal === 'SIGKILL' ? 'killed' : 'finished'}:${opened[0]}`)
    }
    // The test's own figures (which side of the commit each kill landed on), for the log.
    process.stdout.write(`# rotation of ${ACCOUNTS * 2} values took ${Math.round(rotationMs)} ms; kills: ${outcomes.join(' ')}\n`)
  })
})
