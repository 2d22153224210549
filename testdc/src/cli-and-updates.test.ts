// The testdc CLI as a process, and world updates pushed to online sessions.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, test } from 'node:test'
import type { tl } from '@mtswarm/engine/tl'
import { startTestDc } from './test-dc.js'
import { bindClientToUser } from './testing/login.js'
import { keyedClient, sharedRsaKeyPem } from './testing/fixtures.js'
import { TestClient } from './testing/test-client.js'

describe('testdc CLI', () => {
  test('prints one JSON line, serves the world (a random code is learnt from stderr), forgets every session on SIGUSR2, and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url))
    const dir = mkdtempSync(join(tmpdir(), 'testdc-'))
    const keyPath = join(dir, 'key.pem')
    writeFileSync(keyPath, sharedRsaKeyPem())
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--dcs', '2', '--seed', '5', '--key', keyPath, '--faults', '{"delayMs":1}'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const stderrLines: string[] = []
    createInterface({ input: child.stderr }).on('line', (l) => stderrLines.push(l))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: child.stdout })
        const timer = setTimeout(() => reject(new Error('no JSON line within 45 s')), 45_000)
        rl.once('line', (l) => {
          clearTimeout(timer)
          resolve(l)
        })
        child.once('exit', () => {
          clearTimeout(timer)
          reject(new Error('cli exited before printing'))
        })
      })
      const info = JSON.parse(line) as { dcs: { id: number; host: string; port: number }[]; publicKeyPem: string; fingerprint: string }
      assert.deepEqual(info.dcs.map((d) => [d.id, d.host]), [[1, '127.0.0.1'], [2, '127.0.0.1']])
      assert.match(info.fingerprint, /^\d+$/)
      const dc2 = info.dcs[1] as { id: number; host: string; port: number }
      const c = await TestClient.connectWithKey({ host: dc2.host, port: dc2.port, dcId: 2, publicKeyPem: info.publicKeyPem })
      assert.equal((await c.ping(3n)).pingId, 3n)
      // SIGUSR2: the server forgets every session; the client's next message starts a new one.
      child.kill('SIGUSR2')
      for (let waited = 0; !stderrLines.some((l) => /^testdc: forgot \d+ sessions$/.test(l)) && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20))
      assert.ok(stderrLines.includes('testdc: forgot 1 sessions'), stderrLines.join(' | '))
      const { msgId } = c.send({ _: 'mt_ping', pingId: 4n })
      const created = await c.next((m) => m.obj._ === 'mt_new_session_created' && m.obj.firstMsgId === msgId)
      assert.ok(created)
      await c.close()

      // A phone that is not a test number lives on DC 1 with a random code, which the operator
      // reads on stderr; with it the new phone signs up.
      const dc1 = info.dcs[0] as { id: number; host: string; port: number }
      const u = await TestClient.connectWithKey({ host: dc1.host, port: dc1.port, dcId: 1, publicKeyPem: info.publicKeyPem })
      try {
        const phoneNumber = '15550001'
        const sent = (await u.invoke({ _: 'auth.sendCode', phoneNumber, apiId: 1, apiHash: 'h', settings: { _: 'codeSettings' } })) as tl.auth.RawSentCode
        // NB: stderr is another pipe than the answer's socket; its line may be read a little later.
        let logged: string | undefined
        for (let waited = 0; logged === undefined && waited < 5_000; waited += 20) {
          logged = stderrLines.map((l) => /^testdc: login code for 15550001 is (\d{5})$/.exec(l)?.[1]).find((x) => x !== undefined)
          if (logged === undefined) await new Promise((r) => setTimeout(r, 20))
        }
        assert.ok(logged !== undefined, `no code on stderr: ${stderrLines.join(' | ')}`)
        const signIn = (await u.invoke({ _: 'auth.signIn', phoneNumber, phoneCodeHash: sent.phoneCodeHash, phoneCode: logged })) as tl.auth.TypeAuthorization
        assert.equal(signIn._, 'auth.authorizationSignUpRequired')
        const auth = (await u.invoke({ _: 'auth.signUp', phoneNumber, phoneCodeHash: sent.phoneCodeHash, firstName: 'Op', lastName: '' })) as tl.auth.RawAuthorization
        assert.equal((auth.user as tl.RawUser).phone, phoneNumber)
      } finally {
        await u.close()
      }
    } finally {
      child.kill('SIGTERM')
    }
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    assert.equal(await exited, 0)
    clearTimeout(killer)
    rmSync(dir, { recursive: true, force: true })
  })
  test('--help prints the usage on stdout and exits 0 without serving', { timeout: 60_000 }, async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    assert.equal(code, 0)
    assert.ok(out.startsWith('usage: npm run -s testdc'), out)
    assert.match(out, /--user SPEC/)
  })
})

describe('test DC updates push', () => {
  test('a message sent in the world reaches the recipient\'s online session as updates', async () => {
    const dc = await startTestDc({ rsaPrivateKeyPem: sharedRsaKeyPem(), dcCount: 2 })
    const alice = await keyedClient(dc, { dcId: 1 })
    const bob = await keyedClient(dc, { dcId: 2 })
    try {
      dc.world.presetUser({ phone: '9996610001', firstName: 'Alice' })
      const b = dc.world.presetUser({ phone: '9996620002', firstName: 'Bob' })
      bindClientToUser(dc, alice, 1, '9996610001')
      bindClientToUser(dc, bob, 2, '9996620002')
      await bob.ping(1n) // puts bob's session online on this connection
      const aliceKey = alice.key
      assert.ok(aliceKey)
      dc.world.sendMessage({ dcId: 1, authKeyId: aliceKey.authKeyId }, { type: 'user', id: b.id, accessHash: b.accessHash }, 'hello bob', 1n)
      const m = await bob.next((x) => x.obj._ === 'updates')
      const u = m.obj as tl.RawUpdates
      const first = u.updates[0] as tl.RawUpdateNewMessage
      assert.equal(first._, 'updateNewMessage')
      assert.equal((first.message as tl.RawMessage).message, 'hello bob')
      assert.ok(u.users.some((x) => (x as tl.RawUser).firstName === 'Alice'))
      assert.ok(dc.stats.updatesPushed >= 1)
      // the sender's own key got nothing pushed (its answer carries the change)
      await alice.ping(2n)
      assert.equal(alice.received('updates').length, 0)
    } finally {
      await alice.close()
      await bob.close()
      await dc.close()
    }
  })
})
