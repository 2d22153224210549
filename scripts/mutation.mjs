#!/usr/bin/env node
// Mutation testing of one source file against its own tests (StrykerJS, command runner).
// Usage: npm run mutation -- <source file>[:lines,lines…] [test file ...]
// (`pq.ts:240-375,36-54` mutates only those line ranges: for a big file whose tests are slow.)
// Without test files, runs the file's colocated tests: <name>.test.ts and <name>-*.test.ts beside it,
// plus the ones TESTS_FOR names below (files whose tests are named after a concept, not the file).
// Prints Stryker's table and one summary line; the JSON report goes to reports/mutation/<name>.json.
import { existsSync, readdirSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { Stryker } from '@stryker-mutator/core'
import shared from '../stryker.conf.mjs'

const root = resolve(new URL('..', import.meta.url).pathname)

/** Sources whose tests do not share their name (paths from the repo root). */
const TESTS_FOR = {
  'engine/src/protocol/handshake-client.ts': ['engine/src/protocol/handshake.test.ts', 'engine/src/protocol/handshake-client.test.ts'],
  'engine/src/protocol/handshake-shared.ts': ['engine/src/protocol/handshake.test.ts', 'engine/src/protocol/handshake-client.test.ts'],
  'engine/src/transport/abridged-codec.ts': ['engine/src/transport/codecs.test.ts', 'engine/src/transport/codec-bounds.test.ts'],
  'engine/src/transport/intermediate-codec.ts': ['engine/src/transport/codecs.test.ts', 'engine/src/transport/codec-bounds.test.ts'],
  'engine/src/transport/full-codec.ts': ['engine/src/transport/codecs.test.ts', 'engine/src/transport/codec-bounds.test.ts'],
  'engine/src/transport/framed-codec.ts': ['engine/src/transport/codecs.test.ts', 'engine/src/transport/codec-bounds.test.ts'],
  'engine/src/transport/frame.ts': ['engine/src/transport/codecs.test.ts', 'engine/src/transport/codec-bounds.test.ts'],
  'engine/src/transport/client-codec.ts': ['engine/src/transport/codecs.test.ts', 'engine/src/transport/codec-bounds.test.ts'],
  'engine/src/transport/byte-queue.ts': ['engine/src/transport/codecs.test.ts', 'engine/src/transport/codec-bounds.test.ts'],
}

function colocatedTests(file) {
  const dir = dirname(file)
  const name = basename(file).replace(/\.ts$/, '')
  const found = readdirSync(join(root, dir)).filter((f) => f === `${name}.test.ts` || (f.startsWith(`${name}-`) && f.endsWith('.test.ts')))
  return found.map((f) => join(dir, f))
}

const [arg, ...explicitTests] = process.argv.slice(2)
if (arg === undefined) {
  console.error('usage: npm run mutation -- <source file>[:lines,lines…] [test file ...]')
  process.exit(2)
}
const [target, ranges] = arg.split(':')
const file = relative(root, resolve(process.env.INIT_CWD ?? process.cwd(), target))
if (!existsSync(join(root, file))) {
  console.error(`no such file: ${file}`)
  process.exit(2)
}
const tests = explicitTests.length > 0
  ? explicitTests.map((t) => relative(root, resolve(process.env.INIT_CWD ?? process.cwd(), t)))
  : [...new Set([...(TESTS_FOR[file] ?? []), ...colocatedTests(file)])].filter((t) => existsSync(join(root, t)))
if (tests.length === 0) {
  console.error(`no tests found for ${file}; name them after it`)
  process.exit(2)
}
console.log(`mutating ${file}${ranges === undefined ? '' : ` lines ${ranges}`} against ${tests.join(', ')}`)

const name = file.replace(/^engine\/src\//, '').replace(/\.ts$/, '').replaceAll('/', '-')
process.chdir(root)
const results = await new Stryker({
  ...shared,
  mutate: ranges === undefined ? [file] : ranges.split(',').map((r) => `${file}:${r}`),
  commandRunner: { command: `node --import tsx --test --test-reporter=dot ${tests.join(' ')}` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
}).runMutationTest()

const count = (status) => results.filter((r) => r.status === status).length
const detected = count('Killed') + count('Timeout')
const undetected = count('Survived') + count('NoCoverage')
const score = detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected)
console.log(
  `mutation ${file}: score ${score.toFixed(1)}% (killed ${count('Killed')}, timeout ${count('Timeout')}, survived ${count('Survived')}, ` +
    `no coverage ${count('NoCoverage')}, compile/runtime errors ${count('CompileError') + count('RuntimeError')}, ignored ${count('Ignored')})`,
)
