// Opening anything that is not a healthy mtswarm store gives a typed StoreError, never a crash,
// and never changes the file. Also: owner locking and schema versions of the store itself.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { open } from 'lmdb'
import { openLmdbStore } from './lmdb-store.js'
import { packRaw } from './record-codec.js'
import { account, authKey } from './session-store.fixtures.js'
import { StoreError } from './store-error.js'
import { CURRENT_SEALING } from './store-sealing.js'
import type { StoreErrorKind } from './store-error.js'

let dir = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtswarm-safety-'))
})
after(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The key every store here is sealed with, unless a test says otherwise. */
const STORE_KEY = new Uint8Array(32).map((_, i) => 0xa0 ^ i)
type OpenOptions = { encryptionKey?: Uint8Array; insecurePlaintext?: boolean; verify?: 'none'; env?: Record<string, string> }
/** openLmdbStore with STORE_KEY unless the options name their own key or opt out; no key from the environment. */
const openStore = (path: string, options: OpenOptions = {}) =>
  openLmdbStore({
    path,
    env: {},
    ...(options.insecurePlaintext === true || options.env !== undefined ? {} : { encryptionKey: STORE_KEY }),
    ...options,
  })

let n = 0
const freshPath = (): string => join(dir, `store-${++n}.mtswarm`)
const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

/** Deterministic filler (xorshift32), so a failing case reproduces byte for byte. */
function pseudoRandom(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

async function expectStoreError(
  path: string,
  kind: StoreErrorKind,
  options: OpenOptions = {},
) {
  await assert.rejects(openStore(path, options), (e: unknown) => {
    assert.ok(e instanceof StoreError, `expected StoreError, got ${String(e)}`)
    assert.equal(e.kind, kind, e.message)
    assert.equal(e.path, path)
    assert.ok(e.message.includes(path), 'message names the path')
    return true
  })
  assert.equal(existsSync(`${path}-owner`), false, 'owner file released')
}

/** A real store with a few records, closed, returned with its path. */
async function makeStore(options: OpenOptions = {}): Promise<string> {
  const path = freshPath()
  const store = await openStore(path, options)
  const writes: Promise<void>[] = []
  for (let i = 0; i < 50; i++) writes.push(store.putAccount(account(`acc${i}`)), store.putAuthKey(authKey(`acc${i}`, 2)))
  await Promise.all(writes)
  await store.close()
  return path
}

describe('LMDB store: foreign and corrupt files', () => {
  test('a text file is foreign, untouched, and LMDB never sees it (no lock file)', async () => {
    const path = freshPath()
    writeFileSync(path, 'these are my notes\n'.repeat(500))
    const before = digest(path)
    await expectStoreError(path, 'foreign')
    assert.equal(digest(path), before)
    assert.equal(existsSync(`${path}-lock`), false)
  })

  test('random bytes are foreign and untouched', async () => {
    const path = freshPath()
    writeFileSync(path, pseudoRandom(64 * 1024, 1))
    const before = digest(path)
    await expectStoreError(path, 'foreign')
    assert.equal(digest(path), before)
  })

  test('an upstream-LMDB file (another tool) is foreign', async () => {
    const path = freshPath()
    const bytes = Buffer.alloc(8192)
    bytes.writeUInt32LE(0xbeefc0de, 16) // mm_magic right after a 16-byte page header
    bytes.writeUInt32LE(1, 20)
    writeFileSync(path, bytes)
    await expectStoreError(path, 'foreign')
  })

  test('a directory at the path is foreign', async () => {
    const path = freshPath()
    mkdirSync(path)
    await expectStoreError(path, 'foreign')
  })

  test('a valid LMDB environment of another application is foreign and untouched', async () => {
    const path = freshPath()
    const other = open({ path, noSubdir: true, maxDbs: 4 })
    const db = other.openDB({ name: 'their-data' })
    await db.put('hello', { world: true })
    await other.close()
    const before = digest(path)
    await expectStoreError(path, 'foreign')
    await expectStoreError(path, 'foreign') // and again: nothing was created the first time
    assert.equal(digest(path), before)
  })

  test('a truncated store is corrupt and untouched', async () => {
    const full = readFileSync(await makeStore())
    const path = freshPath()
    writeFileSync(path, full.subarray(0, 100))
    await expectStoreError(path, 'corrupt')
    assert.equal(readFileSync(path).length, 100)
  })

  test('a store with damaged data pages is corrupt (the probe process takes the crash) and untouched', async () => {
    const original = readFileSync(await makeStore())
    const damaged = Buffer.from(original)
    const pageSize = damaged.readUInt32LE(48)
    pseudoRandom(damaged.length - 2 * pageSize, 7).copy(damaged, 2 * pageSize)
    const path = freshPath()
    writeFileSync(path, damaged)
    const before = digest(path)
    await expectStoreError(path, 'corrupt')
    assert.equal(digest(path), before)
  })

  test('an empty file (interrupted creation) becomes a new store', async () => {
    const path = freshPath()
    writeFileSync(path, '')
    const store = await openStore(path)
    await store.putAccount(account('a'))
    assert.deepEqual(await store.getAccount('a'), account('a'))
    await store.close()
  })
})

describe('LMDB store: interrupted creation', () => {
  test('an environment holding only an empty meta database is initialised, not rejected', async () => {
    const path = freshPath()
    const env = open({ path, noSubdir: true, maxDbs: 16 })
    env.openDB({ name: 'mtswarm/meta', encoding: 'binary' })
    await env.close()
    const store = await openStore(path)
    await store.putAccount(account('a'))
    await store.close()
    const again = await openStore(path)
    assert.deepEqual(await again.getAccount('a'), account('a'))
    await again.close()
  })

  test('a store whose meta record vanished but whose data is there is corrupt, not re-created', async () => {
    const path = await makeStore()
    const env = open({ path, noSubdir: true, maxDbs: 16 })
    await env.openDB({ name: 'mtswarm/meta', encoding: 'binary' }).remove('meta')
    await env.close()
    const before = digest(path)
    await expectStoreError(path, 'corrupt')
    assert.equal(digest(path), before)
  })

  test('a store in a directory that does not exist yet is created with its directories', async () => {
    const path = join(dir, 'nested', 'deeper', 'sessions.mtswarm')
    const store = await openStore(path)
    await store.close()
    assert.ok(existsSync(path))
  })
})

describe('LMDB store: versions, records, locking', () => {
  test('a store whose meta record has a newer schema version is a version error', async () => {
    const path = await makeStore()
    const env = open({ path, noSubdir: true, maxDbs: 16 })
    const meta = env.openDB({ name: 'mtswarm/meta', encoding: 'binary' })
    await meta.put('meta', Buffer.from(packRaw({ v: 99, magic: 'mtswarm-session-store', encrypted: false, createdAtMs: 0 })))
    await env.close()
    await expectStoreError(path, 'version')
  })

  test('a store sealed at a level newer than this code knows is a version error, untouched', async () => {
    const path = await makeStore()
    const env = open({ path, noSubdir: true, maxDbs: 16 })
    const meta = env.openDB({ name: 'mtswarm/meta', encoding: 'binary' })
    await meta.put('meta', Buffer.from(packRaw({ v: 2, magic: 'mtswarm-session-store', sealing: CURRENT_SEALING + 1, createdAtMs: 0 })))
    await env.close()
    const before = digest(path)
    await expectStoreError(path, 'version')
    assert.equal(digest(path), before)
  })

  test('a garbage record is a typed corrupt error on read, and the store stays usable', async () => {
    const path = await makeStore()
    const env = open({ path, noSubdir: true, maxDbs: 16 })
    const accounts = env.openDB({ name: 'mtswarm/accounts', encoding: 'binary' })
    await accounts.put('acc3', Buffer.from([0xc1, 0xc1, 0xc1]))
    await env.close()
    const store = await openStore(path)
    try {
      await assert.rejects(store.getAccount('acc3'), (e: unknown) => e instanceof StoreError && e.kind === 'corrupt')
      await assert.rejects(store.listAccounts(), (e: unknown) => e instanceof StoreError && e.kind === 'corrupt')
      assert.deepEqual(await store.getAccount('acc4'), account('acc4'))
    } finally {
      await store.close()
    }
  })

  test('the same store opened twice in one process is locked', async () => {
    const path = freshPath()
    const store = await openStore(path)
    try {
      await assert.rejects(openStore(path), (e: unknown) => e instanceof StoreError && e.kind === 'locked')
    } finally {
      await store.close()
    }
    const again = await openStore(path)
    await again.close()
  })

  test('an owner file nobody holds a lock on does not block, even naming a live pid; an opener in another process does', async () => {
    const path = await makeStore()
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' })
    try {
      // What a SIGKILLed owner leaves behind, with its pid reused by an unrelated process.
      writeFileSync(`${path}-owner`, JSON.stringify({ pid: sleeper.pid, host: hostname() }))
      const store = await openStore(path)
      assert.deepEqual(await store.getAccount('acc1'), account('acc1'))
      const other = spawn(
        process.execPath,
        ['--import', 'tsx', '-e', `import('${new URL('./lmdb-store.ts', import.meta.url).href}').then((m) => m.openLmdbStore({ path: ${JSON.stringify(path)} })).then(() => process.exit(0), (e) => { console.log(e.kind); process.exit(3) })`],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      )
      let out = ''
      other.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
      const code = await new Promise((resolve) => other.once('exit', resolve))
      assert.equal(code, 3, 'the second process was refused')
      assert.equal(out.trim(), 'locked')
      await store.close()
    } finally {
      sleeper.kill('SIGKILL')
      await new Promise((resolve) => sleeper.once('exit', resolve))
    }
    assert.equal(existsSync(`${path}-owner`), false)
  })
})

describe('LMDB store: encryption at rest', () => {
  const key = new Uint8Array(32).map((_, i) => i * 3 + 1)

  /** Every raw value of the auth-key database, read straight from LMDB. */
  async function rawAuthKeyValues(path: string): Promise<Buffer[]> {
    const env = open({ path, noSubdir: true, maxDbs: 16, readOnly: true })
    const db = env.openDB({ name: 'mtswarm/auth-keys', encoding: 'binary' })
    const values = [...db.getRange()].map(({ value }) => Buffer.from(value as Uint8Array))
    await env.close()
    return values
  }

  test('sealed auth-key values do not contain the key bytes; insecurePlaintext ones do', async () => {
    const keyBytes = Buffer.from(authKey('acc0', 2).key)
    const plain = await rawAuthKeyValues(await makeStore({ insecurePlaintext: true }))
    assert.equal(plain.length, 50)
    assert.ok(plain.every((v) => v.includes(keyBytes)), 'control: a plaintext store holds the key verbatim')
    const sealedPath = await makeStore({ encryptionKey: key })
    const sealed = await rawAuthKeyValues(sealedPath)
    assert.equal(sealed.length, 50)
    for (const v of sealed) {
      assert.equal(v.includes(keyBytes), false)
      assert.equal(v.includes(keyBytes.subarray(0, 16)), false)
    }
    assert.equal(readFileSync(sealedPath).includes(keyBytes.subarray(0, 32)), false, 'nowhere in the file')
  })

  test('a wrong key, no key, and the plaintext opt-out on a sealed store are typed encryption errors', async () => {
    const path = await makeStore({ encryptionKey: key })
    const before = digest(path)
    await expectStoreError(path, 'encryption', { encryptionKey: new Uint8Array(32).fill(9), verify: 'none' })
    await expectStoreError(path, 'encryption', { env: {}, verify: 'none' })
    await expectStoreError(path, 'encryption', { insecurePlaintext: true, verify: 'none' })
    assert.equal(digest(path), before)
    await assert.rejects(openLmdbStore({ path: freshPath(), encryptionKey: new Uint8Array(16) }), RangeError)
    await assert.rejects(openLmdbStore({ path: freshPath(), encryptionKey: key, insecurePlaintext: true }), TypeError)
    const store = await openStore(path, { encryptionKey: key, verify: 'none' })
    assert.deepEqual(await store.getAuthKey('acc7', 2), authKey('acc7', 2))
    await store.close()
  })

  test('a sealed value moved to another account fails authentication (corrupt), not a silent swap', async () => {
    const path = await makeStore({ encryptionKey: key })
    const env = open({ path, noSubdir: true, maxDbs: 16 })
    const db = env.openDB({ name: 'mtswarm/auth-keys', encoding: 'binary' })
    const stolen = db.getBinary(['acc1', 2, 'perm'])
    assert.ok(stolen)
    await db.put(['acc2', 2, 'perm'], Buffer.from(stolen))
    await env.close()
    const store = await openStore(path, { encryptionKey: key, verify: 'none' })
    try {
      await assert.rejects(store.getAuthKey('acc2', 2), (e: unknown) => e instanceof StoreError && e.kind === 'corrupt')
      assert.deepEqual(await store.getAuthKey('acc1', 2), authKey('acc1', 2))
    } finally {
      await store.close()
    }
  })
})
