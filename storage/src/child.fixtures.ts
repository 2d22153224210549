// Test helper (not a test): runs a TypeScript file of this workspace in a child node process from
// the repo root, collecting its output, for the tests that need a real second process (locks,
// crashes, the CLI).
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** A running child: its process, how it exited, and what it printed so far. */
export interface TsxChild {
  readonly child: ChildProcessByStdio<null, Readable, Readable>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  out(): string
  err(): string
}

/**
 * `node --import tsx <script> ...args` (or `-e <code>` with script '-e'), stdout and stderr
 * collected as text; `env` is added to this process's environment.
 */
export function spawnTsx(script: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): TsxChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return { child, exited, out: () => out, err: () => err }
}
