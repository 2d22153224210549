// `npm start` as a user runs it: a child process that plays the seed story on the embedded test DC,
// prints the summary and the world check, and exits 0. With --store and --rerun the second pass
// (a new engine on the same LMDB file, reopened from disk) reuses every key and every login; the
// store is sealed, with its key in PATH.key or the environment.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { StoreError, openLmdbStore } from '@mtswarm/storage'
import { npmRun } from './npm-run.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
/** The story itself, run without npm (its state file test needs two plain processes). */
const START_MAIN = join(ROOT, 'examples', 'karma-story', 'main.ts')

function npmStart(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return npmRun(['start', '--silent', '--', ...args], env, ['MTSWARM_STORE_KEY', 'MTSWARM_STORE_KEY_FILE'])
}

describe('npm start', () => {
  test('--users 20 --store --rerun: exits 0, summary and check printed; the rerun logs nobody in again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtswarm-start-'))
    try {
      const store = join(dir, 'site.mdb')
      const r = await npmStart(['--users', '20', '--store', store, '--rerun'])
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`)
      assert.match(r.stdout, /^run: 21 accounts ready in/m)
      assert.match(r.stdout, /^ {2}\d+ handshakes, 21 logins \(\d+ with 2FA, \d+ moved by PHONE_MIGRATE\)/m)
      assert.match(r.stdout, /latency p50 [\d.]+ ms p99 [\d.]+ ms/)
      assert.match(r.stdout, /heap [\d.]+ KiB per account/)
      const rerun = r.stdout.slice(r.stdout.indexOf('rerun:'))
      assert.match(rerun, /^ {2}0 handshakes, 0 logins .* 21 sessions reused from the store/m)
      assert.match(r.stdout, /^check: OK — \d+ qualifying users each in their group's chat exactly once/m)
      // Progress went to stderr (plain lines: not a TTY).
      assert.match(r.stderr, /\[run:login\] \d+\/21/)

      // The store is sealed under a key made beside it (0600); plaintext access is refused.
      const keyFile = `${store}.key`
      assert.equal(statSync(keyFile).mode & 0o777, 0o600)
      assert.equal(statSync(store).mode & 0o777, 0o600)
      await assert.rejects(openLmdbStore({ path: store, insecurePlaintext: true }), (e: unknown) => e instanceof StoreError && e.kind === 'encryption')

      // A second process on the same store, its key now in the environment (no key file is made):
      // the fresh embedded DC does not know the stored keys; the engine recovers (new keys, logins
      // again) and the story still checks out.
      const keyText = readFileSync(keyFile, 'utf8').trim()
      renameSync(keyFile, `${keyFile}.moved`)
      const again = await npmStart(['--users', '20', '--store', store], { MTSWARM_STORE_KEY: keyText })
      assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`)
      assert.match(again.stdout, /^check: OK/m)
      assert.equal(existsSync(keyFile), false)
      const wrong = await npmStart(['--users', '20', '--store', store], { MTSWARM_STORE_KEY: 'ab'.repeat(32) })
      assert.equal(wrong.code, 2)
      assert.match(wrong.stderr, /the store refused: encryption: .*wrong store key/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('--store in two processes: the second restores the test DC beside the store and handshakes and logs in nobody', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtswarm-start-'))
    const store = join(dir, 'start.mdb')
    const run = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', START_MAIN, '--users', '10', '--store', store], {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        let out = ''
        child.stdout.on('data', (c: Buffer) => (out += c.toString()))
        child.stderr.on('data', (c: Buffer) => (out += c.toString()))
        child.on('error', reject)
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}:\n${out}`))))
      })
    try {
      const first = await run()
      assert.match(first, /test DC state: none at/)
      assert.match(first, /check: OK/)
      const second = await run()
      assert.match(second, /test DC state: restored from .* \(\d+ auth keys, 11 users/)
      assert.match(second, / 0 handshakes, 0 logins .* 11 sessions reused from the store/)
      assert.match(second, /check: OK/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('--help tells where the store key comes from', async () => {
    const r = await npmStart(['--help'])
    assert.equal(r.code, 0)
    assert.match(r.stdout, /usage: npm start/)
    assert.match(r.stdout, /\$MTSWARM_STORE_KEY .*\$MTSWARM_STORE_KEY_FILE.*PATH\.key/s)
  })

  test('a bad argument exits 2 with usage', async () => {
    const r = await npmStart(['--users', 'many'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /usage: npm start/)
  })
})
