// Every command a user runs from the repository root behaves like a conventional CLI: `--help` and
// `-h` print the usage on stdout and exit 0 without doing the work; an unknown flag puts the usage
// on stderr and exits 2. Each is run as a real child process through npm, as the README shows it.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { REPO_ROOT, npmRun } from './npm-run.js'

/** `npm run -s <script> -- ...args` in the repository root. */
function runScript(script: string, args: readonly string[]): ReturnType<typeof npmRun> {
  return npmRun(['run', '-s', script, '--', ...args])
}

/** The root scripts, and a line each one's usage must hold. */
const COMMANDS = [
  { script: 'testdc', usage: /^usage: npm run -s testdc -- \[options\]/m },
  { script: 'start', usage: /^usage: npm start -- /m },
  { script: 'bench', usage: /^usage: npm run bench -- <bench> \[flags\]/m },
  { script: 'machines:diagram', usage: /^usage: npm run machines:diagram /m },
] as const

describe('the command-line entry points', () => {
  for (const { script, usage } of COMMANDS) {
    test(`${script} --help and -h print the usage on stdout and exit 0`, { timeout: 60_000 }, async () => {
      for (const flag of ['--help', '-h']) {
        const r = await runScript(script, [flag])
        assert.equal(r.code, 0, `${script} ${flag}: ${r.stderr}`)
        assert.match(r.stdout, usage, `${script} ${flag}`)
        assert.equal(r.stderr, '', `${script} ${flag} wrote on stderr`)
      }
    })

    test(`${script} with an unknown flag prints the usage on stderr and exits 2`, { timeout: 60_000 }, async () => {
      // bench takes the bench's name first; a bogus flag after a real name must fail too.
      const r = await runScript(script, script === 'bench' ? ['tl', '--bogus-flag'] : ['--bogus-flag'])
      assert.equal(r.code, 2, `${script}: ${r.stdout}\n${r.stderr}`)
      assert.match(r.stderr, /--bogus-flag/)
      assert.match(r.stderr, usage)
      assert.equal(r.stdout, '', `${script} with a bad flag wrote on stdout`)
    })
  }

  test('npm run testdc --silent prints exactly one JSON line on stdout, nothing before it', { timeout: 60_000 }, async () => {
    const child = spawn('npm', ['run', 'testdc', '--silent', '--', '--dcs', '1'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let stdout = ''
    const firstLine = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d
        const nl = stdout.indexOf('\n')
        if (nl >= 0) resolve(stdout.slice(0, nl))
      })
      child.on('error', reject)
      child.on('close', (code) => reject(new Error(`testdc exited ${code} before its JSON line`)))
    })
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()))
    // NB: npm's children are a process group of their own: SIGTERM reaches the server too.
    process.kill(-child.pid!, 'SIGTERM')
    await closed
    const line = JSON.parse(firstLine) as { dcs: { id: number; host: string; port: number }[]; publicKeyPem: string; fingerprint: string }
    assert.deepEqual(line.dcs.map((d) => d.id), [1])
    assert.match(line.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/)
    assert.match(line.fingerprint, /^\d+$/)
    assert.equal(stdout.trimEnd(), firstLine, 'stdout held more than the JSON line')
  })
})
