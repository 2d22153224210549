// Crash safety with real processes: a writer is SIGKILLed mid-run; every auth key it reported as
// committed is in the store afterwards, and the store opens cleanly (the dead writer's lock is gone with it).
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { CRASH_STORE_KEY, crashRecord } from './crash-writer.js'
import { openLmdbStore } from './lmdb-store.js'

const WRITE_FOR_MS = 2000
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url))

test('auth keys reported committed survive SIGKILL of the writer', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mtswarm-crash-'))
  const path = join(dir, 'sessions.mtswarm')
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)))
    await new Promise<void>((resolve, reject) => {
      const onData = () => {
        if (out.startsWith('ready\n')) {
          child.stdout.off('data', onData)
          resolve()
        }
      }
      child.stdout.on('data', onData)
      void exited.then(() => reject(new Error(`writer exited before ready: ${err}`)))
    })
    await new Promise((resolve) => setTimeout(resolve, WRITE_FOR_MS))
    child.kill('SIGKILL')
    assert.equal(await exited, 'SIGKILL', `writer died on its own: ${err}`)

    const lines = out.split('\n').slice(1)
    lines.pop() // the last line may be cut mid-write
    const reported = lines.map((line) => {
      const [accountId, keyId] = line.split(' ')
      return { accountId: accountId ?? '', keyId: BigInt(keyId ?? 'x') }
    })
    assert.ok(reported.length >= 8, `writer reported only ${reported.length} keys`)
    assert.ok(existsSync(`${path}-owner`), 'the killed writer left its owner file behind')

    const store = await openLmdbStore({ path, encryptionKey: CRASH_STORE_KEY, verify: 'full' })
    try {
      for (const { accountId, keyId } of reported) {
        const i = Number(accountId.slice('acc'.length))
        const expected = crashRecord(i)
        assert.equal(keyId, expected.keyId)
        assert.deepEqual(await store.getAuthKey(accountId, expected.dcId), expected, `${accountId} lost`)
        assert.equal((await store.getAccount(accountId))?.homeDcId, expected.dcId)
      }
      const listed = await store.listAccounts()
      assert.ok(listed.length >= reported.length)
      await store.putAuthKey(crashRecord(1_000_000)) // and it takes writes again
    } finally {
      await store.close()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
