// The test DC as a user starts it: `testdc/src/cli.ts` in a child process of its own, its one JSON
// line read from stdout and its stderr (the login codes it sends) kept. Knows nothing of clients.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** The CLI's entry point, run exactly as the testdc README says (node --import tsx). */
export const TESTDC_CLI = fileURLToPath(new URL('../../../testdc/src/cli.ts', import.meta.url))

/** What the CLI prints on its first stdout line. */
export interface TestDcCliInfo {
  readonly dcs: readonly { readonly id: number; readonly host: string; readonly port: number }[]
  readonly publicKeyPem: string
  /** Unsigned 64-bit, decimal. */
  readonly fingerprint: string
}

/** A running CLI process. */
export interface TestDcProcess {
  readonly info: TestDcCliInfo
  readonly pid: number
  /** Every stderr line so far (login codes: `testdc: login code for PHONE is CODE`). */
  readonly stderrLines: readonly string[]
  /** SIGTERM, then the exit code (SIGKILL after `killAfterMs`). */
  stop(killAfterMs?: number): Promise<number | null>
}

/** The CLI exited before printing its JSON line (e.g. its port was taken: exit 1). */
export class TestDcCliExitError extends Error {
  override readonly name = 'TestDcCliExitError'
  constructor(
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`testdc CLI exited with ${code} before printing its JSON line:\n${stderr}`)
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

/** Starts the CLI with `args`; resolves once its JSON line is read (within `timeoutMs`). */
export async function startTestDcProcess(args: readonly string[], timeoutMs = 45_000): Promise<TestDcProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', TESTDC_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const stderrLines: string[] = []
  createInterface({ input: child.stderr }).on('line', (l) => stderrLines.push(l))
  const exited = exitOf(child)
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`testdc CLI printed nothing within ${timeoutMs} ms`))
    }, timeoutMs)
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer)
      resolve(line)
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new TestDcCliExitError(code, stderrLines.join('\n')))
    })
  })
  let info: TestDcCliInfo
  try {
    info = JSON.parse(first) as TestDcCliInfo
  } catch (e) {
    child.kill('SIGKILL')
    throw new Error(`testdc CLI's first stdout line is not JSON: ${first.slice(0, 200)}`, { cause: e })
  }
  return {
    info,
    pid: child.pid ?? -1,
    stderrLines,
    async stop(killAfterMs = 20_000) {
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
      try {
        return await exited
      } finally {
        clearTimeout(killer)
      }
    },
  }
}

/**
 * Starts the CLI on `dcCount` consecutive ports from a random base below 32768 (GramJS's string
 * session stores the port as an int16), trying another base when a port is taken.
 */
export async function startTestDcProcessOnFreePorts(dcCount: number, extraArgs: readonly string[], attempts = 5): Promise<TestDcProcess> {
  for (let i = 1; ; i++) {
    const base = 20_000 + Math.floor(Math.random() * (32_767 - 20_000 - dcCount))
    try {
      return await startTestDcProcess(['--dcs', String(dcCount), '--port', String(base), ...extraArgs])
    } catch (e) {
      if (!(e instanceof TestDcCliExitError) || e.code !== 1 || i >= attempts) throw e
    }
  }
}
