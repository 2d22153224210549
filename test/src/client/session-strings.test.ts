// Sessions moved between libraries and processes against the real test DC: a GramJS
// StringSession that GramJS itself saved, mtcute's string session from its exportSession(), a
// Telethon StringSession (built from Telethon's
// documented layout — Telethon is Python and not installed here — around a key the test DC knows),
// and an mtswarm session exported sealed and imported by another process. Each imported account
// calls at once with no new handshake (the engine's counter and the DC's own) and no login. Bad
// strings, keys the DC refuses and taken ids write nothing.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inspect } from 'node:util'
import { UsageError, createEngine, type Engine } from '@mtswarm/engine'
import { createMemoryStore, type SessionStore } from '@mtswarm/storage'
import { createApiHandler, startTestDc, type TestDc } from '@mtswarm/testdc'
import { sharedRsaKeyPem } from '@mtswarm/testdc/testing'
import { GramjsDriver } from '../interop/gramjs-driver.js'
import { MtcuteDriver } from '../interop/mtcute-driver.js'
import type { InteropDriverConfig } from '../interop/driver.js'

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'session-import.child.ts')
const API = { apiId: 4242, apiHash: '0123456789abcdef0123456789abcdef' } as const

let dc: TestDc

/** GramJS's StringSession stores the port as an int16: the DCs listen below 32768. */
async function startDcOnLowPorts(): Promise<TestDc> {
  for (let attempt = 0; ; attempt++) {
    const basePort = 20_000 + Math.floor(Math.random() * 12_000)
    try {
      return await startTestDc({ dcCount: 2, basePort, rsaPrivateKeyPem: sharedRsaKeyPem(), api: createApiHandler() })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw e
    }
  }
}

before(async () => {
  dc = await startDcOnLowPorts()
})
after(() => dc.close())

function engineWith(store: SessionStore = createMemoryStore()): Engine {
  return createEngine({ ...API, store, dcs: dc.dcs, publicKeys: [dc.publicKeyPem] })
}

/** Logs a fresh account in with mtswarm; its store holds the key the DC now knows as logged in. */
async function loggedIn(phone: string, firstName: string): Promise<{ engine: Engine; store: SessionStore; userId: bigint }> {
  const user = dc.world.presetUser({ phone, firstName })
  const store = createMemoryStore()
  const engine = createEngine({ ...API, store, closeStoreOnStop: false, dcs: dc.dcs, publicKeys: [dc.publicKeyPem] })
  const acc = engine.account('source')
  await acc.sendCode(phone)
  const r = await acc.signIn(phone.charAt(5).repeat(5))
  assert.equal(r.status, 'authorized')
  return { engine, store, userId: user.id }
}

/** Telethon's layout (struct '>B4sH256s': dc, IPv4, port, key), '1' + URL-safe base64 with padding. */
function telethonString(dcId: number, ipv4: string, port: number, key: Uint8Array): string {
  const head = Buffer.alloc(7)
  head.writeUInt8(dcId, 0)
  head.set(ipv4.split('.').map(Number), 1)
  head.writeUInt16BE(port, 5)
  return `1${Buffer.concat([head, key]).toString('base64').replace(/\+/g, '-').replace(/\//g, '_')}`
}

/** Imports `session` into a fresh engine and checks the account calls with no handshake and no login. */
async function importAndCall(session: string, userId: bigint): Promise<void> {
  const store = createMemoryStore()
  const engine = engineWith(store)
  const handshakesAtDc = dc.stats.handshakesCompleted
  try {
    const acc = await engine.importSession('imported', session)
    assert.equal(acc, engine.account('imported'))
    const [self] = await acc.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })
    assert.equal(self?.id, userId)
    assert.deepEqual(acc.state, { state: 'authorized', homeDcId: 1, userId, lastError: null })
    assert.equal(engine.counters.handshakes, 0)
    assert.equal(engine.counters.logins, 0)
    assert.equal(dc.stats.handshakesCompleted, handshakesAtDc, 'the DC ran a handshake')
    assert.deepEqual((await store.listAccounts()).map((a) => [a.id, a.loginState, a.userId]), [['imported', 'authorized', userId]])
    // Nothing in what the engine prints holds the key or the string.
    for (const shown of [inspect(engine, { depth: Infinity }), inspect(acc, { depth: Infinity }), inspect(acc.state)]) {
      assert.ok(!shown.includes(session.slice(1, 40)), shown)
    }
  } finally {
    await engine.stop()
  }
}

describe('session strings against the test DC', () => {
  test('a GramJS StringSession saved by GramJS is imported: the account calls with no handshake and no login', { timeout: 60_000 }, async () => {
    const user = dc.world.presetUser({ phone: '9996610601', firstName: 'Gram' })
    const gramjs = new GramjsDriver(peerConfig())
    let session: string
    try {
      await gramjs.connect()
      await gramjs.login({ phone: '9996610601', code: '11111' })
      session = gramjs.stringSession()
    } finally {
      await gramjs.disconnect()
    }
    assert.match(session, /^1[A-Za-z0-9+/]+=*$/)
    await importAndCall(session, user.id)
  })

  test("an mtcute string session from mtcute's exportSession() is imported: its user id comes with it, no handshake, no login", { timeout: 60_000 }, async () => {
    const user = dc.world.presetUser({ phone: '9996610605', firstName: 'Cute' })
    const mtcute = new MtcuteDriver(peerConfig())
    let session: string
    try {
      await mtcute.connect()
      await mtcute.login({ phone: '9996610605', code: '11111' })
      session = await mtcute.exportSession()
    } finally {
      await mtcute.disconnect()
    }
    const callsAtDc = dc.stats.rpcCalls['users.getUsers'] ?? 0
    await importAndCall(session, user.id)
    // The string carried the user id: the import asked the server nothing (the one call is the test's).
    assert.equal(dc.stats.rpcCalls['users.getUsers'], callsAtDc + 1)
  })

  test('a Telethon StringSession (documented layout) is imported: the account calls with no handshake and no login', { timeout: 60_000 }, async () => {
    const source = await loggedIn('9996610602', 'Thon')
    try {
      const key = (await source.store.getAuthKey('source', 1))!.key
      const home = dc.dcs[0]!
      await importAndCall(telethonString(1, home.host, home.port, key), source.userId)
    } finally {
      await source.engine.stop()
    }
  })

  test('an exported, sealed mtswarm session is imported by another process: no handshake, no login, the update state comes along', { timeout: 60_000 }, async () => {
    const source = await loggedIn('9996610603', 'Mover')
    let session: string
    try {
      await source.store.putUpdateState({ accountId: 'source', pts: 57, qts: 0, date: 1_700_000_000, seq: 3, updatedAtMs: 1 })
      session = await source.engine.account('source').exportSession({ passphrase: 'correct horse' })
    } finally {
      await source.engine.stop()
    }
    assert.match(session, /^mtswarm:1:/)
    const handshakesAtDc = dc.stats.handshakesCompleted
    const out = await runChild({ dcs: dc.dcs, publicKeyPem: dc.publicKeyPem, session, passphrase: 'correct horse' })
    assert.deepEqual(out, { state: 'authorized', userId: String(source.userId), selfId: String(source.userId), handshakes: 0, logins: 0, pts: 57 })
    assert.equal(dc.stats.handshakesCompleted, handshakesAtDc)
  })

  test('a key the DC does not know, a wrong passphrase, a foreign DC address and a taken id write nothing', { timeout: 60_000 }, async () => {
    const source = await loggedIn('9996610604', 'Refused')
    const store = createMemoryStore()
    const engine = engineWith(store)
    try {
      const home = dc.dcs[0]!
      const stranger = telethonString(1, home.host, home.port, Uint8Array.from({ length: 256 }, (_, i) => (i * 31 + 7) & 0xff))
      await assert.rejects(engine.importSession('x', stranger), (e: unknown) => e instanceof UsageError && e.field === 'session' && /does not know/.test(e.message))
      // A key the DC knows, but of an account that never logged in.
      const anonymous = source.engine.account('anonymous')
      await anonymous.ready()
      const anonymousKey = (await source.store.getAuthKey('anonymous', 1))!.key
      await assert.rejects(
        engine.importSession('x', telethonString(1, home.host, home.port, anonymousKey)),
        (e: unknown) => e instanceof UsageError && e.field === 'session' && /not logged in on DC 1 \(AUTH_KEY_UNREGISTERED\)/.test(e.message),
      )
      const sealed = await source.engine.account('source').exportSession({ passphrase: 'right' })
      await assert.rejects(engine.importSession('x', sealed, { passphrase: 'wrong' }), (e: unknown) => e instanceof UsageError && e.field === 'passphrase')
      const key = (await source.store.getAuthKey('source', 1))!.key
      const elsewhere = telethonString(1, '10.1.2.3', home.port, key)
      await assert.rejects(engine.importSession('x', elsewhere), (e: unknown) => e instanceof UsageError && e.field === 'session' && /address: 'engine'/.test(e.message))
      assert.deepEqual(await store.listAccounts(), [])
      assert.equal(await store.getAuthKey('x', 1), undefined)

      // The engine's endpoint for the DC id, on request; then the id is taken.
      const acc = await engine.importSession('x', elsewhere, { address: 'engine' })
      assert.equal(acc.userId, source.userId)
      const plain = await source.engine.account('source').exportSession()
      await assert.rejects(engine.importSession('x', plain), (e: unknown) => e instanceof UsageError && e.reason === 'wrong-state')
      // replace: the loaded account is stopped and a new one takes the id.
      const replaced = await engine.importSession('x', plain, { replace: true })
      assert.notEqual(replaced, acc)
      assert.equal(acc.state.state, 'stopped')
      await replaced.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })
      assert.deepEqual((await store.listAccounts()).map((a) => a.id), ['x'])
      assert.equal(engine.counters.handshakes, 0)
    } finally {
      await engine.stop()
      await source.engine.stop()
    }
  })
})

/** A peer client's view of this file's test DC (its DC 1 is home). */
function peerConfig(): InteropDriverConfig {
  const home = dc.dcs[0]!
  return {
    host: home.host,
    port: home.port,
    dcId: home.id,
    publicKeyPem: dc.publicKeyPem,
    fingerprint: BigInt.asUintN(64, dc.fingerprint),
    dcs: dc.dcs,
    apiId: 2040,
    apiHash: 'b18441a1ff607e10a989891a5462e627',
  }
}

function runChild(input: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`child exited ${code}: ${stderr}`))
      else resolve(JSON.parse(stdout) as Record<string, unknown>)
    })
    child.stdin.end(JSON.stringify(input))
  })
}
