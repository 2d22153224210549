// The packages as a user gets them: packed to tarballs (built by their prepack), checked by publint
// and attw, installed into a fresh project outside the workspace, then used there by plain `node`
// (a test DC, two accounts over LMDB, one message) and by `tsc` under strict and
// exactOptionalPropertyTypes against the shipped .d.ts.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, lstatSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { type ConsumerProject, PUBLISHED, ROOT, expectOk, packAndInstall, run } from './consumer-project.js'

/** Files a tarball may hold: what runs, and the engine's pinned schemas (the test DC reads api.tl). */
const ALLOWED_ENTRY = /^package\/(package\.json|LICENSE|README\.md|dist\/.+\.(js|d\.ts|js\.map)|src\/tl\/schema\/(api|mtproto)\.tl|docs\/[a-z-]+\.(svg|mmd))$/

/** Entry points that are data files, not modules: attw can only resolve modules. */
const DATA_ENTRY_POINTS: Readonly<Record<string, readonly string[]>> = {
  '@mtswarm/engine': ['./schema/api.tl', './schema/mtproto.tl'],
}

/** Resolutions the `esm-only` profile ignores: we ship ESM only, so CJS and node10 lookups fail by design. */
const IGNORED_RESOLUTIONS = new Set(['node10', 'node16-cjs'])

let consumer: ConsumerProject

before(async () => {
  consumer = await packAndInstall()
}, { timeout: 1_200_000 })

after(() => {
  if (consumer !== undefined) rmSync(consumer.dir, { recursive: true, force: true })
})

describe('packed packages', () => {
  test('every published package is packed, holding only what runs (built JS, .d.ts, maps) and its LICENSE', () => {
    assert.deepEqual([...consumer.tarballs.keys()].sort(), [...PUBLISHED].sort())
    for (const [name, tarball] of consumer.tarballs) {
      const entries = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n')
      assert.deepEqual(entries.filter((e) => !ALLOWED_ENTRY.test(e)), [], `${name}: unexpected files`)
      assert.ok(entries.includes('package/LICENSE'), `${name}: no LICENSE`)
      assert.ok(entries.includes('package/dist/index.js') && entries.includes('package/dist/index.d.ts'), `${name}: no dist/index`)
    }
    // The generated TL and wasm code is made at pack time and shipped, though never committed.
    const engine = execFileSync('tar', ['tzf', consumer.tarballs.get('@mtswarm/engine')!], { encoding: 'utf8' })
    for (const f of ['dist/tl/generated/readers.js', 'dist/tl/generated/types.d.ts', 'dist/crypto/generated/aes-ige-wasm.js', 'src/tl/schema/api.tl']) {
      assert.ok(engine.includes(`package/${f}\n`), `engine tarball lacks ${f}`)
    }
  })

  test('publint (strict) finds nothing to say about any tarball', async () => {
    for (const [name, tarball] of consumer.tarballs) {
      const bytes = readFileSync(tarball)
      const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) }, strict: true, level: 'suggestion' })
      assert.deepEqual(messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`), [], name)
    }
  })

  test('attw (esm-only profile): every module entry point resolves to ESM with its types', async () => {
    const attw = join(ROOT, 'node_modules/.bin/attw')
    // One attw per tarball, all at once: each spends most of its time loading TypeScript.
    const reports = await Promise.all(
      [...consumer.tarballs].map(async ([name, tarball]) => {
        const exclude = DATA_ENTRY_POINTS[name] ?? []
        const args = [tarball, '--profile', 'esm-only', '--format', 'json', ...(exclude.length > 0 ? ['--exclude-entrypoints', ...exclude] : [])]
        return { name, r: await run(attw, args, ROOT, 600_000) }
      }),
    )
    for (const { name, r } of reports) {
      const report = JSON.parse(r.stdout) as { problems?: Record<string, { kind: string; entrypoint: string; resolutionKind?: string }[]> }
      const problems = Object.values(report.problems ?? {})
        .flat()
        .filter((p) => p.resolutionKind === undefined || !IGNORED_RESOLUTIONS.has(p.resolutionKind))
      assert.deepEqual(problems, [], name)
      assert.equal(r.code, 0, `${name}: attw exited ${r.code}\n${r.stderr}`)
    }
  })
})

describe('a fresh project that installed the tarballs', () => {
  test('is a plain install: real package folders, no tsx, no workspace link', () => {
    for (const name of PUBLISHED) {
      const dir = join(consumer.project, 'node_modules', name)
      assert.ok(!lstatSync(dir).isSymbolicLink(), `${name} is a link`)
      assert.ok(!existsSync(join(dir, 'src/index.ts')), `${name} ships its sources`)
    }
    assert.ok(!existsSync(join(consumer.project, 'node_modules/tsx')))
    assert.ok(!consumer.project.startsWith(ROOT))
  })

  test('plain node runs a test DC, logs two accounts in over LMDB and delivers a message between them', async () => {
    const r = expectOk('node main.mjs', await run(process.execPath, ['main.mjs'], consumer.project, 300_000))
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>
    assert.equal(out.received, out.sent)
    assert.match(String(out.sent), /^hello from a packed install [0-9a-f]{8}$/)
    assert.deepEqual(out.homeDcs, [1, 2])
    assert.equal(out.logins, 2)
    assert.equal(out.typedError, 'USERNAME_NOT_OCCUPIED')
  })

  test('tsc --noEmit (strict, exactOptionalPropertyTypes, no skipLibCheck) accepts a typed consumer of every package', async () => {
    const r = await run(join(consumer.project, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], consumer.project, 600_000)
    const errors = r.stdout.split('\n').filter((l) => /error TS\d+/.test(l))
    // NB: xstate 5's own setup.d.ts does not compile under exactOptionalPropertyTypes (its
    // StateSchema constraint); that file is xstate's, not ours, so only its lines are let through.
    const ours = errors.filter((l) => !l.startsWith('node_modules/xstate/'))
    assert.deepEqual(ours, [])
    assert.ok(r.code === 0 || errors.length > 0, `tsc exited ${r.code} without an error line:\n${r.stdout}${r.stderr}`)
  })
})
