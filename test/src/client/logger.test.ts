// The logger hook against the real test DC: a capturing pino-compatible logger sees a 2FA login
// (a wrong code, a wrong password, PHONE_MIGRATE) and a lost connection through children bound to
// { account, dc, machine } at their levels, and nothing it was given holds the password, the
// codes, phone_code_hash, an auth key, a salt or the api_hash. pino itself works as the hook.
// Without a logger nothing is written.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { createEngine, type Engine, type EngineOptions, type LogBindings, type Logger } from '@mtswarm/engine'
import { createMemoryStore, type SessionStore } from '@mtswarm/storage'
import { createApiHandler, startTestDc, type TestDc } from '@mtswarm/testdc'
import { sharedRsaKeyPem } from '@mtswarm/testdc/testing'
import { CaptureScanner, type KnownSecrets } from './secret-scan.js'

const API_HASH = '5ec7e7a9b1c2d3e4f5a6b7c8d9e0f1a2'
const PASSWORD = 'pw-4e1b logger staple'
const WRONG_PASSWORD = 'pw-0c3d not the one'
const CODE = '22222' // 99966 2 xxxx lives on DC 2: code 2×5
const WRONG_CODE = '61843'

let dc: TestDc
before(async () => {
  dc = await startTestDc({ dcCount: 2, rsaPrivateKeyPem: sharedRsaKeyPem(), api: createApiHandler() })
})
after(() => dc.close())

function engineWith(store: SessionStore, extra: Partial<EngineOptions>): Engine {
  return createEngine({ apiId: 4242, apiHash: API_HASH, store, dcs: dc.dcs, publicKeys: [dc.publicKeyPem], ...extra })
}

interface Record_ {
  readonly level: string
  readonly bindings: LogBindings
  readonly obj: object
  readonly msg: string | undefined
}

/** A pino-compatible logger that keeps every call, with the bindings of the child that made it. */
function capturingLogger(records: Record_[], bindings: LogBindings = { machine: 'root' }): Logger {
  const at = (level: string) => (obj: object, msg?: string) => void records.push({ level, bindings, obj, msg })
  return {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    child: (b) => capturingLogger(records, { ...bindings, ...b }),
    isLevelEnabled: () => true,
  }
}

/** A login with a wrong code and a wrong password on the way; returns the phone_code_hash seen. */
async function login2fa(engine: Engine, id: string, phone: string): Promise<string> {
  const acc = engine.account(id)
  const sent = await acc.sendCode(phone)
  await assert.rejects(acc.signIn(WRONG_CODE))
  assert.equal((await acc.signIn(CODE)).status, 'passwordNeeded')
  await assert.rejects(acc.checkPassword(WRONG_PASSWORD))
  await acc.checkPassword(PASSWORD)
  assert.equal(acc.authorized, true)
  return sent.phoneCodeHash
}

/** Every (account, DC) auth key and salt a store holds. */
async function keysAndSalts(store: SessionStore, ids: string[]): Promise<{ keys: Uint8Array[]; salts: bigint[] }> {
  const keys: Uint8Array[] = []
  const salts: bigint[] = []
  for (const id of ids) {
    const state = await store.loadAccountState(id)
    for (const k of state?.authKeys ?? []) keys.push(k.key)
    for (const s of state?.serverSalts ?? []) salts.push(s.current, ...s.future.map((f) => f.salt))
  }
  return { keys, salts }
}

function secretsOf(hashes: string[], stored: { keys: Uint8Array[]; salts: bigint[] }): KnownSecrets {
  return {
    texts: new Map([
      ['password', PASSWORD],
      ['wrong password', WRONG_PASSWORD],
      ['api_hash', API_HASH],
      ...hashes.map((h, i) => [`phone_code_hash ${i}`, h] as [string, string]),
    ]),
    codes: new Map([
      ['login code', CODE],
      ['wrong login code', WRONG_CODE],
    ]),
    bytes: new Map(stored.keys.map((k, i) => [`auth key ${i}`, k] as [string, Uint8Array])),
    int64s: new Map(stored.salts.map((s, i) => [`salt ${i}`, s] as [string, bigint])),
  }
}

describe('the logger hook', () => {
  test('a 2FA login and a lost connection reach the logger through bound children, at their levels, with no secret', { timeout: 60_000 }, async () => {
    dc.world.presetUser({ phone: '9996620701', firstName: 'Logged', password: PASSWORD })
    const records: Record_[] = []
    const store = createMemoryStore()
    const engine = engineWith(store, { logger: capturingLogger(records), closeStoreOnStop: false })
    let hash: string
    try {
      hash = await login2fa(engine, 'alice', '+999 662 0701')
      await engine.account('alice').invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })
      // The DC closes the connection on the next frame it receives: the call is resent after the
      // reconnect, and the connection's warning goes to the logger.
      dc.faults.set({ dropNextFrames: 1 })
      await engine.account('alice').invoke({ _: 'help.getConfig' })
    } finally {
      await engine.stop()
    }
    const find = (pred: (r: Record_) => boolean, what: string): Record_ => {
      const r = records.find(pred)
      assert.ok(r !== undefined, `no ${what} among ${records.map((x) => `${x.level} ${x.msg}`).join('; ')}`)
      return r
    }
    const login = find((r) => r.msg === 'logged in (password)', 'login record')
    assert.equal(login.level, 'info')
    assert.deepEqual(login.bindings, { machine: 'account', account: 'alice', dc: 2 })
    const handshake = find((r) => r.msg === 'auth key created', 'handshake record')
    assert.equal(handshake.level, 'info')
    assert.equal(handshake.bindings.machine, 'handshake')
    assert.equal(handshake.bindings.account, 'alice')
    const moved = find((r) => (r.obj as { event?: string }).event === 'account.migrated', 'home DC move')
    assert.deepEqual([moved.level, moved.msg], ['info', 'home DC moved 1 → 2'])
    const failedCall = find((r) => (r.obj as { event?: string; method?: string; ok?: boolean }).method === 'auth.signIn' && (r.obj as { ok?: boolean }).ok === false, 'failed auth.signIn')
    assert.equal(failedCall.level, 'debug', 'a failed call is logged above trace')
    assert.deepEqual(failedCall.bindings, { machine: 'rpc', account: 'alice', dc: 2 })
    assert.ok(records.some((r) => r.level === 'trace' && r.bindings.machine === 'rpc' && (r.obj as { ok?: boolean }).ok === true))
    const down = find((r) => r.level === 'warn' && r.bindings.machine === 'dc-connection', 'connection-down warning')
    assert.equal(down.bindings.account, 'alice')
    assert.match(down.msg ?? '', /^connection down: /)

    const scanner = new CaptureScanner()
    for (const r of records) scanner.capture(r)
    assert.ok(scanner.visited > records.length * 3)
    const stored = await keysAndSalts(store, ['alice'])
    assert.ok(stored.keys.length >= 2 && stored.salts.length >= 1)
    assert.deepEqual(scanner.findings(secretsOf([hash], stored)), [])
    await store.close()
  })

  test('pino itself is a logger the engine writes JSON lines to, with the bindings as fields', { timeout: 60_000 }, async () => {
    dc.world.presetUser({ phone: '9996620702', firstName: 'Pino', password: PASSWORD })
    let text = ''
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString('utf8')
        done()
      },
    })
    const store = createMemoryStore()
    const engine = engineWith(store, { logger: pino({ level: 'trace' }, sink), closeStoreOnStop: false })
    let hash: string
    try {
      hash = await login2fa(engine, 'bob', '+999 662 0702')
    } finally {
      await engine.stop()
    }
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    const login = lines.find((l) => l.msg === 'logged in (password)')
    assert.ok(login !== undefined, text)
    assert.equal(login.level, 30)
    assert.equal(login.account, 'bob')
    assert.equal(login.dc, 2)
    assert.equal(login.machine, 'account')
    assert.equal(login.event, 'login')
    assert.ok(lines.some((l) => l.level === 10 && l.machine === 'rpc'), 'trace lines for settled calls')
    const scanner = new CaptureScanner()
    scanner.capture(text)
    assert.deepEqual(scanner.findings(secretsOf([hash], await keysAndSalts(store, ['bob']))), [])
    await store.close()
  })

  test('without a logger the engine writes nothing to stdout, stderr or the console', { timeout: 60_000 }, async () => {
    dc.world.presetUser({ phone: '9996620703', firstName: 'Quiet', password: PASSWORD })
    const written: string[] = []
    const originals = { out: process.stdout.write, err: process.stderr.write, console: { ...console } }
    // NB: under `node --test` this process's stdout also carries the runner's reports, as
    // serialized Buffers: text is what a logger would write.
    const keep = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      if (typeof chunk === 'string') {
        written.push(chunk)
        return true
      }
      return (this === process.stdout ? originals.out : originals.err).call(this, chunk as Uint8Array, ...(rest as []))
    }
    process.stdout.write = keep as typeof process.stdout.write
    process.stderr.write = keep as typeof process.stderr.write
    for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[m] = (...a: unknown[]) => void written.push(a.map(String).join(' '))
    const engine = engineWith(createMemoryStore(), {})
    try {
      await login2fa(engine, 'carol', '+999 662 0703')
      dc.faults.set({ dropNextFrames: 1 })
      await engine.account('carol').invoke({ _: 'help.getConfig' })
    } finally {
      await engine.stop()
      process.stdout.write = originals.out
      process.stderr.write = originals.err
      Object.assign(console, originals.console)
    }
    assert.deepEqual(written, [])
  })

  test('a logger that throws breaks nothing', { timeout: 60_000 }, async () => {
    dc.world.presetUser({ phone: '9996620704', firstName: 'Throws', password: PASSWORD })
    const throwing: Logger = {
      trace: () => {
        throw new Error('sink full')
      },
      debug: () => {
        throw new Error('sink full')
      },
      info: () => {
        throw new Error('sink full')
      },
      warn: () => {
        throw new Error('sink full')
      },
      error: () => {
        throw new Error('sink full')
      },
      fatal: () => {
        throw new Error('sink full')
      },
      child: () => throwing,
    }
    const engine = engineWith(createMemoryStore(), { logger: throwing })
    try {
      await login2fa(engine, 'dave', '+999 662 0704')
      await engine.account('dave').invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })
    } finally {
      await engine.stop()
    }
  })
})
