// The consumer test's file and process work: pack the published workspaces into tarballs, lay out
// a fresh project outside the workspace, install the tarballs there, run commands in it. Knows
// nothing of what the test checks.
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** The packages a user installs, in dependency order. */
export const PUBLISHED = ['@mtswarm/machines', '@mtswarm/storage', '@mtswarm/engine', '@mtswarm/testdc'] as const

/** The TypeScript and Node types the consumer compiles with (the workspace's own versions). */
export const CONSUMER_DEV_DEPENDENCIES = ['typescript@~5.9.3', '@types/node@^20.19.43'] as const

const FIXTURE = fileURLToPath(new URL('./fixture/', import.meta.url))

/** What a finished command printed. */
export interface RunResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * The environment of a user's shell: no npm lifecycle variables (`npm test` sets npm_config_* and
 * INIT_CWD, which would steer the nested npm) and no NODE_OPTIONS (a `--import tsx` there would
 * make "plain node" a lie).
 */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE_OPTIONS' || k === 'NODE_PATH') continue
    env[k] = v
  }
  return env
}

/** Runs `command args` in `cwd` and collects its output; never rejects on a non-zero exit. */
export function run(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Throws with the command's output when it failed. */
export function expectOk(what: string, r: RunResult): RunResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`)
  return r
}

/** A packed and installed consumer project. */
export interface ConsumerProject {
  /** The temp folder holding `packs/` and `project/`; the caller removes it. */
  readonly dir: string
  /** Tarball paths by package name. */
  readonly tarballs: ReadonlyMap<string, string>
  /** The consumer project (a copy of fixture/ with the tarballs installed). */
  readonly project: string
}

/**
 * `npm pack` every published workspace (its prepack builds it through turbo: codegen, then tsc),
 * copy fixture/ to a temp folder outside the workspace and `npm install` the tarballs there, with
 * TypeScript, from npm's cache where it can.
 */
export async function packAndInstall(): Promise<ConsumerProject> {
  const dir = mkdtempSync(join(tmpdir(), 'mtswarm-consumer-'))
  const packs = join(dir, 'packs')
  const project = join(dir, 'project')
  mkdirSync(packs)
  cpSync(FIXTURE, project, { recursive: true })
  const workspaces = PUBLISHED.flatMap((p) => ['-w', p])
  expectOk('npm pack', await run('npm', ['pack', ...workspaces, '--pack-destination', packs], ROOT, 600_000))
  const tarballs = new Map<string, string>()
  for (const name of readdirSync(packs)) {
    // npm names a tarball of @scope/name `scope-name-<version>.tgz`.
    const pkg = PUBLISHED.find((p) => name.startsWith(`${p.slice(1).replace('/', '-')}-`))
    if (pkg !== undefined) tarballs.set(pkg, join(packs, name))
  }
  const install = ['install', '--prefer-offline', '--no-audit', '--no-fund']
  expectOk('npm install', await run('npm', [...install, ...tarballs.values(), ...CONSUMER_DEV_DEPENDENCIES], project, 600_000))
  return { dir, tarballs, project }
}
