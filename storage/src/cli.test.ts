// The store CLI's own contract: help, usage errors (exit 2), refusals (exit 1) that name files
// but never print key text, and generate-key writing a 0600 key that never replaces a file.
import assert from 'node:assert/strict'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runStoreCli } from './cli.js'
import { openLmdbStore } from './lmdb-store.js'

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runStoreCli(argv, (l) => (out += `${l}\n`), (l) => (err += `${l}\n`))
  return { code, out, err }
}

test('--help prints the commands; no command, an unknown one or a missing option exit 2 with usage', async () => {
  const help = await run('--help')
  assert.equal(help.code, 0)
  assert.match(help.out, /generate-key --key-file FILE/)
  assert.match(help.out, /rotate-key --path STORE --old-key-file OLD --new-key-file NEW/)
  for (const argv of [[], ['spin'], ['rotate-key', '--path', 'x'], ['generate-key'], ['rotate-key', '--bogus']]) {
    const r = await run(...argv)
    assert.equal(r.code, 2, argv.join(' '))
    assert.match(r.err, /usage: npm run store/)
  }
})

test('generate-key writes a 0600 hex key and never replaces a file; rotate-key with a wrong old key exits 1 without key text', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mtswarm-cli-'))
  try {
    const a = join(dir, 'a.key')
    const b = join(dir, 'b.key')
    assert.equal((await run('generate-key', '--key-file', a)).code, 0)
    assert.equal((await run('generate-key', '--key-file', b)).code, 0)
    assert.equal(statSync(a).mode & 0o777, 0o600)
    const keyA = readFileSync(a, 'utf8')
    assert.match(keyA, /^[0-9a-f]{64}\n$/)
    assert.notEqual(keyA, readFileSync(b, 'utf8'))
    const again = await run('generate-key', '--key-file', a)
    assert.equal(again.code, 1)
    assert.equal(readFileSync(a, 'utf8'), keyA, 'an existing key file is kept')

    const path = join(dir, 'store.mtswarm')
    await (await openLmdbStore({ path, keyFile: a })).close()
    const wrong = await run('rotate-key', '--path', path, '--old-key-file', b, '--new-key-file', a)
    assert.equal(wrong.code, 1)
    assert.match(wrong.err, /encryption: .*already sealed under the new key/)
    const same = await run('rotate-key', '--path', path, '--old-key-file', a, '--new-key-file', a)
    assert.equal(same.code, 2)
    writeFileSync(join(dir, 'loose.key'), keyA, { mode: 0o644 })
    const loose = await run('rotate-key', '--path', path, '--old-key-file', join(dir, 'loose.key'), '--new-key-file', b)
    assert.equal(loose.code, 1)
    for (const r of [wrong, same, loose]) {
      assert.equal(`${r.out}${r.err}`.includes(keyA.trim()), false, 'no key text printed')
    }
    assert.equal((await run('rotate-key', '--path', path, '--old-key-file', a, '--new-key-file', b)).code, 0)
    await (await openLmdbStore({ path, keyFile: b })).close()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
