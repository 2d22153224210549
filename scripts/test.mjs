#!/usr/bin/env node
// Runs every workspace's tests in one node:test run (so CI reads one summary), after codegen.
// Usage: node scripts/test.mjs [--no-codegen] [workspace ...]   (no workspace: all of them)
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const all = ['storage', 'machines', 'engine', 'testdc', 'test', 'bench']
const args = process.argv.slice(2)
const skipCodegen = args.includes('--no-codegen')
const named = args.filter((a) => !a.startsWith('--'))
const chosen = named.length > 0 ? named : all

if (!skipCodegen) {
  const codegen = spawnSync('npx', ['turbo', 'run', 'codegen', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (codegen.status !== 0) process.exit(codegen.status ?? 1)
}

function collect(dir, out) {
  let entries
  try {
    entries = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'generated') continue
    const p = join(dir, name)
    if (statSync(p).isDirectory()) collect(p, out)
    else if (/\.test\.ts$/.test(name)) out.push(relative(root, p))
  }
  return out
}

const files = chosen.flatMap((ws) => collect(join(root, ws, 'src'), []).sort())
if (files.length === 0) {
  console.error('no test files found')
  process.exit(1)
}
const run = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/summary-reporter.mjs',
    '--test-reporter-destination=stdout',
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
)
process.exit(run.status ?? 1)
