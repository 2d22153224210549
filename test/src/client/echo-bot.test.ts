// The echo bot example as a newcomer runs it (`npm run echo-bot`): a child process that starts a
// test DC, a bot and a user, restarts the bot half-way, and ends with every message echoed exactly
// once — the ones written while the bot was down included. Its CLI answers --help and refuses
// unknown flags.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { npmRun } from './npm-run.js'

function echoBot(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return npmRun(['run', '--silent', 'echo-bot', '--', ...args], {}, ['BOT_TOKEN', 'API_ID'])
}

describe('npm run echo-bot', () => {
  test('on the embedded test DC every message is echoed once, across a restart of the bot', async () => {
    const r = await echoBot(['--messages', '10'])
    assert.equal(r.code, 0, r.stderr)
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}')
    assert.deepEqual(last, { sent: 10, echoed: 10, missed: 0, repeated: 0 })
    for (let i = 1; i <= 10; i++) assert.match(r.stdout, new RegExp(`ann got the echo: message ${i}\\n`))
    assert.match(r.stdout, /the bot starts again from its store/)
  })

  test('--help prints usage and exits 0; an unknown flag prints usage and exits 2', async () => {
    const help = await echoBot(['--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /^Usage: npm run echo-bot/)
    const bad = await echoBot(['--bogus'])
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /Usage: npm run echo-bot/)
  })
})
