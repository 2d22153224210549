// Test helper (not a test): runs an npm script of the repo as a user would, in a child process,
// collecting its output.
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/**
 * `npm <args>` at the repo root; `env` is added to this process's environment after the names in
 * `drop` are removed from it (credentials or keys a test must not inherit).
 */
export function npmRun(args: readonly string[], env: Record<string, string> = {}, drop: readonly string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const inherited: Record<string, string | undefined> = { ...process.env }
    for (const name of drop) delete inherited[name]
    const child = spawn('npm', [...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...inherited, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
