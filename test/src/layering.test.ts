// Enforces DESIGN.md's layering mechanically: which package may import what, and that the pure
// cores (tl, crypto, protocol, transport codecs, machines) reach for no clock, randomness, timer,
// socket or file system. It reads source text only; it knows nothing about what the code does.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

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
  machines: (p) => p === 'xstate',
  // fs-native-extensions: the OS file lock behind the store's owner lock (storage/README.md).
  storage: (p) => p === 'lmdb' || p === 'msgpackr' || p === 'fs-native-extensions',
  engine: (p) => !['@mtswarm/test', '@mtswarm/bench'].includes(p),
}

for (const [ws, allowed] of Object.entries(allowedPackages)) {
  test(`layering: ${ws}/src imports only what DESIGN.md allows`, () => {
    const bad: string[] = []
    for (const file of sources(join(root, ws, 'src'), { tests: false })) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const pkg = packageOf(spec)
        if (pkg !== null && !allowed(pkg)) bad.push(`${relative(root, file)} imports ${spec}`)
        if (ws === 'machines' && spec.startsWith('node:')) bad.push(`${relative(root, file)} imports ${spec}`)
      }
    }
    assert.deepEqual(bad, [])
  })
}

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
