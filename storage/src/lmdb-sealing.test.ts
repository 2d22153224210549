// Sealing at rest on real LMDB files: where the store key comes from, the typed errors when it is
// missing or bad, file modes, and older stores (plaintext, auth-keys-only) re-sealed when opened.
import assert from 'node:assert/strict'
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { open } from 'lmdb'
import { createKeyCipher } from './key-cipher.js'
import { openLmdbStore } from './lmdb-store.js'
import type { LmdbStoreOptions } from './lmdb-store.js'
import { decodeRecord, encodeRecord, packRaw } from './record-codec.js'
import { T0, account, authKey, deadLetter } from './session-store.fixtures.js'
import type { DcOptionsRecord } from './session-store.js'
import { StoreError } from './store-error.js'
import { aadOf } from './store-sealing.js'

let dir = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtswarm-sealing-'))
})
after(async () => {
  await rm(dir, { recursive: true, force: true })
})
let n = 0
const freshPath = (): string => join(dir, `s${++n}`, 'sessions.mtswarm')

const KEY = new Uint8Array(32).map((_, i) => 0x40 + i)
const KEY_HEX = Buffer.from(KEY).toString('hex')
const PHONE = '999661234567'
const isKind = (kind: string) => (e: unknown) => e instanceof StoreError && e.kind === kind
const dcOptions = (dcId: number): DcOptionsRecord => ({
  dcId,
  options: [{ host: '10.0.0.2', port: 443, flags: 0, secret: new Uint8Array(16).fill(0xee) }],
  updatedAtMs: T0,
})
const mode = (file: string): number => statSync(file).mode & 0o777

async function fill(options: LmdbStoreOptions, count = 20): Promise<void> {
  const store = await openLmdbStore(options)
  const writes: Promise<void>[] = []
  for (let i = 0; i < count; i++) {
    writes.push(store.putAccount(account(`acc${i}`, { phone: PHONE })), store.putAuthKey(authKey(`acc${i}`, 2)))
  }
  writes.push(store.putDcOptions(dcOptions(2)))
  await Promise.all(writes)
  await store.close()
}

async function expectAll(options: LmdbStoreOptions, count = 20): Promise<void> {
  const store = await openLmdbStore(options)
  try {
    assert.equal((await store.listAccounts()).length, count)
    for (let i = 0; i < count; i++) {
      assert.deepEqual(await store.getAccount(`acc${i}`), account(`acc${i}`, { phone: PHONE }))
      assert.deepEqual(await store.getAuthKey(`acc${i}`, 2), authKey(`acc${i}`, 2))
    }
    assert.deepEqual(await store.getDcOptions(2), dcOptions(2))
  } finally {
    await store.close()
  }
}

/** Raw values of one database, straight from LMDB. */
async function rawValues(path: string, name: string): Promise<Buffer[]> {
  const env = open({ path, noSubdir: true, maxDbs: 16, readOnly: true })
  const values = [...env.openDB({ name, encoding: 'binary' }).getRange()].map(({ value }) => Buffer.from(value as Uint8Array))
  await env.close()
  return values
}

describe('LMDB store: where the store key comes from', () => {
  test('with no key and no opt-out, opening fails naming what to set, and leaves no store file', async () => {
    const path = freshPath()
    await assert.rejects(openLmdbStore({ path, env: {} }), (e: unknown) => {
      assert.ok(isKind('encryption')(e))
      for (const hint of ['encryptionKey', 'keyFile', 'MTSWARM_STORE_KEY', 'MTSWARM_STORE_KEY_FILE', 'insecurePlaintext']) {
        assert.ok((e as Error).message.includes(hint), `names ${hint}`)
      }
      return true
    })
    assert.equal(existsSync(path), false)
  })

  test('MTSWARM_STORE_KEY (hex or base64) and MTSWARM_STORE_KEY_FILE name the same key', async () => {
    const path = freshPath()
    await fill({ path, env: { MTSWARM_STORE_KEY: KEY_HEX } })
    await expectAll({ path, env: { MTSWARM_STORE_KEY: Buffer.from(KEY).toString('base64') } })
    const keyFile = join(dir, `key-${n}`)
    writeFileSync(keyFile, `${KEY_HEX}\n`, { mode: 0o600 })
    await expectAll({ path, env: { MTSWARM_STORE_KEY_FILE: keyFile } })
    await expectAll({ path, keyFile, env: { MTSWARM_STORE_KEY: 'ff'.repeat(32) } }) // an option beats the environment
    await assert.rejects(openLmdbStore({ path, env: { MTSWARM_STORE_KEY: 'ff'.repeat(32) } }), isKind('encryption'))
  })

  test('a malformed key is an encryption error that does not echo the key text', async () => {
    const path = freshPath()
    const secretish = 'not-a-key-0123456789abcdef'
    await assert.rejects(openLmdbStore({ path, env: { MTSWARM_STORE_KEY: secretish } }), (e: unknown) => {
      assert.ok(isKind('encryption')(e))
      assert.ok((e as Error).message.includes('MTSWARM_STORE_KEY'))
      assert.equal((e as Error).message.includes(secretish), false)
      return true
    })
    const keyFile = join(dir, `short-key-${n}`)
    writeFileSync(keyFile, 'abcd', { mode: 0o600 })
    await assert.rejects(openLmdbStore({ path, keyFile, env: {} }), isKind('encryption'))
  })

  test('a key file others may read is refused, naming the chmod to run', async () => {
    const keyFile = join(dir, `open-key-${n}`)
    writeFileSync(keyFile, KEY_HEX)
    chmodSync(keyFile, 0o644)
    await assert.rejects(openLmdbStore({ path: freshPath(), keyFile, env: {} }), (e: unknown) => {
      assert.ok(isKind('encryption')(e))
      assert.match((e as Error).message, /mode 0644.*chmod 600/)
      return true
    })
  })

  test('createKeyFile makes a 0600 key file for a new store; a sealed store whose key file is gone gets no new one', async () => {
    const path = freshPath()
    const keyFile = `${path}.key`
    await fill({ path, keyFile, createKeyFile: true, env: {} })
    assert.equal(mode(keyFile), 0o600)
    assert.match(readFileSync(keyFile, 'utf8'), /^[0-9a-f]{64}\n$/)
    await expectAll({ path, keyFile, createKeyFile: true, env: {} })
    await rm(keyFile)
    await assert.rejects(openLmdbStore({ path, keyFile, createKeyFile: true, env: {} }), (e: unknown) => {
      assert.ok(isKind('encryption')(e))
      assert.match((e as Error).message, /does not exist/)
      return true
    })
    assert.equal(existsSync(keyFile), false)
  })
})

describe('LMDB store: files and sealed databases', () => {
  test('data, lock and owner files are 0600 and a created directory 0700', async () => {
    const path = freshPath()
    const store = await openLmdbStore({ path, encryptionKey: KEY })
    try {
      for (const file of [path, `${path}-lock`, `${path}-owner`]) assert.equal(mode(file), 0o600, file)
      assert.equal(mode(join(path, '..')), 0o700)
    } finally {
      await store.close()
    }
  })

  test('auth keys, accounts and DC options are sealed; neither the phone nor the key bytes are in the file', async () => {
    const path = freshPath()
    await fill({ path, encryptionKey: KEY })
    const file = readFileSync(path)
    assert.equal(file.includes(Buffer.from(PHONE)), false, 'phone number')
    assert.equal(file.includes(Buffer.from(authKey('acc0', 2).key).subarray(0, 32)), false, 'auth key bytes')
    const cipher = createKeyCipher(KEY)
    const [first] = await rawValues(path, 'mtswarm/accounts')
    assert.ok(first !== undefined && cipher.open(first, aadOf('mtswarm/accounts', 'acc0')) !== undefined, 'sealed, bound to its key')
    const [dc] = await rawValues(path, 'mtswarm/dc-options')
    assert.ok(dc !== undefined && cipher.open(dc, aadOf('mtswarm/dc-options', 2)) !== undefined)
  })
})

describe('LMDB store: older stores are re-sealed when opened with a key', () => {
  test('a plaintext store (0644) is re-sealed on open, compacted so no plaintext remains, and narrowed to 0600', async () => {
    const path = freshPath()
    await fill({ path, insecurePlaintext: true }, 200)
    chmodSync(path, 0o644)
    const keyBytes = Buffer.from(authKey('acc0', 2).key).subarray(0, 32)
    assert.ok(readFileSync(path).includes(keyBytes), 'control: plaintext before')
    await expectAll({ path, encryptionKey: KEY }, 200)
    const file = readFileSync(path)
    assert.equal(file.includes(keyBytes), false, 'no auth key bytes left, not even in free pages')
    assert.equal(file.includes(Buffer.from(PHONE)), false, 'no phone left')
    assert.equal(mode(path), 0o600)
    assert.equal(existsSync(`${path}.compact`), false)
    await assert.rejects(openLmdbStore({ path, insecurePlaintext: true }), isKind('encryption'))
    await expectAll({ path, encryptionKey: KEY }, 200)
  })

  test('a v1 store that sealed only auth keys is brought to the current sealing', async () => {
    const path = freshPath()
    await fill({ path, insecurePlaintext: true })
    // Forge what a v1 store made with encryptionKey looked like: sealed auth keys, meta v1.
    const cipher = createKeyCipher(KEY)
    const env = open({ path, noSubdir: true, maxDbs: 16 })
    const keys = env.openDB({ name: 'mtswarm/auth-keys', encoding: 'binary' })
    const entries = [...keys.getRange()].map(({ key, value }) => ({ key, value: Uint8Array.from(value as Uint8Array) }))
    for (const { key, value } of entries) await keys.put(key, Buffer.from(cipher.seal(value, aadOf('mtswarm/auth-keys', key as never))))
    const keyCheck = cipher.seal(new TextEncoder().encode('mtswarm key check v1'), new TextEncoder().encode('mtswarm/meta'))
    await env.openDB({ name: 'mtswarm/meta', encoding: 'binary' }).put(
      'meta',
      Buffer.from(packRaw({ v: 1, magic: 'mtswarm-session-store', encrypted: true, keyCheck, createdAtMs: 1 })),
    )
    await env.close()
    assert.ok(readFileSync(path).includes(Buffer.from(PHONE)), 'control: accounts plain before')
    await assert.rejects(openLmdbStore({ path, encryptionKey: new Uint8Array(32).fill(1) }), isKind('encryption'))
    await expectAll({ path, encryptionKey: KEY })
    assert.equal(readFileSync(path).includes(Buffer.from(PHONE)), false)
  })

  test('dead letters (message texts) are sealed; a store sealed before they were seals them when opened', async () => {
    const text = new TextEncoder().encode('a private message 4242 parked by a failing handler')
    const path = freshPath()
    const store = await openLmdbStore({ path, encryptionKey: KEY })
    await store.commitUpdates('acc0', { deadLetters: [deadLetter('acc0', 'u1', { payload: text })] })
    await store.close()
    assert.equal(readFileSync(path).includes(Buffer.from(text)), false, 'sealed when written')

    // Forge a level-2 store (before dead letters were sealed) holding a plaintext dead letter.
    const old = freshPath()
    await (await openLmdbStore({ path: old, encryptionKey: KEY })).close()
    const env = open({ path: old, noSubdir: true, maxDbs: 16 })
    const metaDb = env.openDB({ name: 'mtswarm/meta', encoding: 'binary' })
    const meta = decodeRecord('meta', new Uint8Array(metaDb.getBinary('meta') as Buffer), { path: old, key: 'meta' })
    await metaDb.put('meta', Buffer.from(encodeRecord('meta', { ...meta, sealing: 2 })))
    const letter = deadLetter('acc0', 'u2', { payload: text })
    await env.openDB({ name: 'mtswarm/dead-letters', encoding: 'binary' }).put(['acc0', 'u2'], Buffer.from(encodeRecord('deadLetter', letter)))
    await env.close()
    assert.ok(readFileSync(old).includes(Buffer.from(text)), 'control: plaintext before')
    const again = await openLmdbStore({ path: old, encryptionKey: KEY })
    assert.deepEqual(await again.listDeadLetters('acc0'), [letter])
    await again.close()
    assert.equal(readFileSync(old).includes(Buffer.from(text)), false, 'sealed, and no plaintext left in free pages')
  })
})
