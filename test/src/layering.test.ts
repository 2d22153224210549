// Enforces DESIGN.md's layering mechanically: which package may import what, and that the pure
// cores (tl, crypto, protocol, transport codecs, machines) reach for no clock, randomness, timer,
// socket or file system. It reads source text only; it knows nothing about what the code does.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

const root = new URL('../../', import.meta.url).pathname

function sources(dir: string, opts: { tests: boolean; testing?: boolean }): string[] {
  const out: string[] = []
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of names) {
    const p = join(dir, name)
    if (name === 'node_modules') continue
    // `testing/` folders hold test support (schema fixtures read from disk, seeded fakes).
    if (name === 'testing' && opts.testing === false) continue
    if (statSync(p).isDirectory()) out.push(...sources(p, opts))
    else if (name.endsWith('.ts') && (opts.tests || !/\.(test|paths\.test)\.ts$/.test(name))) out.push(p)
  }
  return out
}

/** Module specifiers a file imports (static `import`/`export … from`, and dynamic `import('…')`). */
function importsOf(text: string): string[] {
  const specs: string[] = []
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g
  for (const m of text.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3]) as string)
  return specs
}

function packageOf(spec: string): string | null {
  if (spec.startsWith('.') || spec.startsWith('node:')) return null
  const parts = spec.split('/')
  return spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string)
}

// DESIGN.md, "Workspaces": the arrows only go one way.
const allowedPackages: Record<string, (pkg: string) => boolean> = {
  // elkjs: the statechart diagrams' layout (machines/src/diagram), not loaded by the machines.
  machines: (p) => p === 'xstate' || p === 'elkjs',
  // fs-native-extensions: the OS file lock behind the store's owner lock (storage/README.md).
  storage: (p) => p === 'lmdb' || p === 'msgpackr' || p === 'fs-native-extensions',
  engine: (p) => !['@mtswarm/test', '@mtswarm/testdc', '@mtswarm/bench', '@mtswarm/examples'].includes(p),
  // The test DC is a product of its own: the engine's pure layers, msgpackr for its state file and
  // GramJS's TL text (`telegram`) to speak layer 198 — never the engine's runtime, storage or tests.
  testdc: (p) => p === '@mtswarm/engine' || p === 'msgpackr' || p === 'telegram',
  test: (p) => p !== '@mtswarm/bench' && p !== '@mtswarm/examples',
  bench: (p) => p !== '@mtswarm/test' && p !== '@mtswarm/examples',
  examples: (p) => p !== '@mtswarm/test' && p !== '@mtswarm/bench',
}

/** The engine entry points the test DC may use: its sans-IO layers, not the client runtime. */
const TESTDC_ENGINE_ENTRIES = new Set(['@mtswarm/engine/tl', '@mtswarm/engine/crypto', '@mtswarm/engine/protocol', '@mtswarm/engine/transport'])

/**
 * Relative imports that leave their workspace, each with why. NB: the schema text codegen used is
 * not a package export of the engine; the layer codec must read exactly that text.
 */
const CROSSING_RELATIVE_IMPORTS = new Set(['testdc/src/layers/schemas.ts → ../../../engine/src/tl/testing/schemas.js'])

/** What is wrong with one source file's imports, as `file imports spec` lines ([] when nothing). */
function layeringViolations(ws: string, file: string, text: string): string[] {
  const bad: string[] = []
  const allowed = allowedPackages[ws]
  const rel = relative(root, file)
  for (const spec of importsOf(text)) {
    const pkg = packageOf(spec)
    if (pkg !== null && allowed !== undefined && !allowed(pkg)) bad.push(`${rel} imports ${spec}`)
    if (ws === 'machines' && spec.startsWith('node:')) bad.push(`${rel} imports ${spec}`)
    if (ws === 'testdc' && pkg === '@mtswarm/engine' && !TESTDC_ENGINE_ENTRIES.has(spec)) bad.push(`${rel} imports ${spec}`)
    if (spec.startsWith('.') && relative(join(root, ws), join(dirname(file), spec)).startsWith('..')) {
      if (!CROSSING_RELATIVE_IMPORTS.has(`${rel} → ${spec}`)) bad.push(`${rel} imports ${spec} (outside ${ws}/)`)
    }
  }
  return bad
}

/** Where a workspace's sources live: `src/`, except examples, whose files sit at its top. */
const sourceDirOf = (ws: string): string => (ws === 'examples' ? join(root, ws) : join(root, ws, 'src'))

for (const ws of Object.keys(allowedPackages)) {
  test(`layering: ${ws} imports only what DESIGN.md allows`, () => {
    // test/ is made of tests, so its tests are held to the arrows too.
    const files = sources(sourceDirOf(ws), { tests: ws === 'test' })
    assert.ok(files.length > 0, `no sources found for ${ws}`)
    const bad: string[] = []
    for (const file of files) bad.push(...layeringViolations(ws, file, readFileSync(file, 'utf8')))
    assert.deepEqual(bad, [])
  })
}

test('layering: the checker catches a broken arrow between the engine, the test DC and the tests', () => {
  // Guards the rules above against silently allowing everything.
  const at = (ws: string): string => join(root, ws, 'src', 'x', 'sample.ts')
  assert.deepEqual(layeringViolations('engine', at('engine'), "import { startTestDc } from '@mtswarm/testdc'\n"), [
    'engine/src/x/sample.ts imports @mtswarm/testdc',
  ])
  assert.deepEqual(layeringViolations('testdc', at('testdc'), "import { x } from '@mtswarm/test'\nimport { y } from '@mtswarm/engine'\n"), [
    'testdc/src/x/sample.ts imports @mtswarm/test',
    'testdc/src/x/sample.ts imports @mtswarm/engine',
  ])
  assert.deepEqual(layeringViolations('testdc', at('testdc'), "import { openLmdbStore } from '@mtswarm/storage'\n"), [
    'testdc/src/x/sample.ts imports @mtswarm/storage',
  ])
  assert.deepEqual(layeringViolations('bench', at('bench'), "const m = await import('@mtswarm/test')\n"), ['bench/src/x/sample.ts imports @mtswarm/test'])
  assert.deepEqual(layeringViolations('testdc', at('testdc'), "import { f } from '../../../test/src/interop/driver.js'\n"), [
    'testdc/src/x/sample.ts imports ../../../test/src/interop/driver.js (outside testdc/)',
  ])
  // What the test DC may use passes.
  assert.deepEqual(layeringViolations('testdc', at('testdc'), "import { LAYER } from '@mtswarm/engine/tl'\nimport { pack } from 'msgpackr'\nimport { a } from '../y/a.js'\n"), [])
})

// STYLE.md, "The pure core": time and randomness are arguments; no timers, sockets or files.
const pureDirs = [
  'engine/src/tl',
  'engine/src/crypto',
  'engine/src/protocol',
  'engine/src/transport',
  'machines/src',
]
const forbidden: Array<[RegExp, string]> = [
  [/\bDate\.now\s*\(/, 'Date.now'],
  [/\bnew Date\s*\(\s*\)/, 'new Date()'],
  [/\bMath\.random\s*\(/, 'Math.random'],
  [/\bperformance\.now\s*\(/, 'performance.now'],
  [/\b(setTimeout|setInterval|setImmediate)\s*\(/, 'timer'],
  [/\brandomBytes\s*\(|\bgetRandomValues\s*\(|\brandomFillSync\s*\(/, 'ambient randomness'],
]
const forbiddenModules = ['node:net', 'node:tls', 'node:dgram', 'node:fs', 'node:fs/promises', 'node:http', 'node:child_process', 'node:timers']

test('purity: the sans-IO cores use no clock, randomness, timers, sockets or files', () => {
  const bad: string[] = []
  for (const dir of pureDirs) {
    for (const file of sources(join(root, dir), { tests: false, testing: false })) {
      // Generated TL code is held to the same rule.
      const text = readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')
      for (const [re, what] of forbidden) if (re.test(text)) bad.push(`${relative(root, file)}: ${what}`)
      for (const spec of importsOf(text)) {
        if (forbiddenModules.includes(spec) || forbiddenModules.includes(`node:${spec}`)) {
          bad.push(`${relative(root, file)} imports ${spec}`)
        }
      }
    }
  }
  assert.deepEqual(bad, [])
})

test('purity: the checker itself catches a violation', () => {
  // Guards the regexes above against silently matching nothing.
  const sample = "import { connect } from 'node:net'\nconst t = Date.now()\nsetTimeout(() => 1, 5)\n"
  assert.deepEqual(importsOf(sample), ['node:net'])
  assert.ok(forbidden.some(([re]) => re.test(sample)))
  assert.equal(forbidden.filter(([re]) => re.test(sample)).length, 2)
})
