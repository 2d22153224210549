// Secrets never leave the engine in clear: a full login against the test DC (code with
// PHONE_MIGRATE, a wrong code, 2FA with a wrong password, bad server salts, dh_gen_retry, an
// authorization carried to another DC, logOut, bot login with a wrong and a right token) run with
// an `inspect` hook, an events$ subscriber and console/stdout/stderr captured. Everything captured
// is walked and printed, then searched for the password, the codes, phone_code_hash, the auth key
// bytes (raw, hex, base64, decimals), the server salts, the bot token and the api_hash. Errors
// thrown are searched too.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import type { InspectionEvent } from 'xstate'
import { ActorTable, MtSwarmError, RpcError, UsageError, createEngine, type Engine, type EngineOptions } from '@mtswarm/engine'
import { createMemoryStore, type SessionStore } from '@mtswarm/storage'
import { apiUpdatesHook, createApiHandler, startTestDc, type TestDc } from '@mtswarm/testdc'
import { sharedRsaKeyPem } from '@mtswarm/testdc/testing'
import { CaptureScanner, type KnownSecrets } from './secret-scan.js'

let dc: TestDc

before(async () => {
  dc = await startTestDc({ dcCount: 3, rsaPrivateKeyPem: sharedRsaKeyPem(), api: createApiHandler(), updates: apiUpdatesHook })
})
after(() => dc.close())

/** Auth keys and salts the engine stored (the store is real; this only watches its writes). */
interface Stored {
  readonly keys: Uint8Array[]
  readonly salts: bigint[]
}

function recordingStore(inner: SessionStore, stored: Stored): SessionStore {
  return new Proxy(inner, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown
      if (typeof v !== 'function') return v
      if (prop === 'putAuthKey') {
        return (rec: Parameters<SessionStore['putAuthKey']>[0]) => {
          stored.keys.push(Uint8Array.from(rec.key))
          return target.putAuthKey(rec)
        }
      }
      if (prop === 'putServerSalts') {
        return (rec: Parameters<SessionStore['putServerSalts']>[0]) => {
          stored.salts.push(rec.current, ...rec.future.map((f) => f.salt))
          return target.putServerSalts(rec)
        }
      }
      return (v as (...a: unknown[]) => unknown).bind(target)
    },
  })
}

/**
 * What a Stately inspector would print of an event: the event, the action, the snapshot's data,
 * the actor's input, with actor refs shown by id (the deep walk covers what they reach).
 */
function printableOf(ev: InspectionEvent): unknown {
  const e = ev as unknown as Record<string, unknown> & { actorRef: { id?: unknown; options?: { input?: unknown } } }
  const snap = e['snapshot'] as Record<string, unknown> | undefined
  return withRefsAsIds({
    type: ev.type,
    actor: e.actorRef.id,
    input: e.actorRef.options?.input,
    event: e['event'],
    action: e['action'],
    snapshot: snap === undefined ? undefined : { value: snap['value'], status: snap['status'], context: snap['context'], output: snap['output'], error: snap['error'] },
  })
}

/** A copy of plain objects and arrays with every actor ref replaced by `[actor id]`. */
function withRefsAsIds(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || depth > 16) return v
  if ('sessionId' in v && 'send' in v) return `[actor ${String((v as { id?: unknown }).id)}]`
  if (Array.isArray(v)) return v.map((x) => withRefsAsIds(x, depth + 1))
  if (Object.getPrototypeOf(v) !== Object.prototype) return v
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) out[k] = withRefsAsIds(x, depth + 1)
  return out
}

/** Captures console.* and process.stdout/stderr writes (still passed through) until restored. */
function captureOutput(into: string[]): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
  const saved = methods.map((m) => console[m])
  for (const m of methods) {
    const orig = console[m]
    console[m] = (...args: unknown[]) => {
      into.push(inspect(args, { depth: Infinity }))
      orig.apply(console, args)
    }
  }
  const out = process.stdout.write.bind(process.stdout)
  const err = process.stderr.write.bind(process.stderr)
  const wrap = (orig: typeof out) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'))
      return (orig as (...a: unknown[]) => boolean)(chunk, ...rest)
    }) as typeof out
  process.stdout.write = wrap(out)
  process.stderr.write = wrap(err)
  return () => {
    methods.forEach((m, i) => (console[m] = saved[i]!))
    process.stdout.write = out
    process.stderr.write = err
  }
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (e) {
    return e
  }
  assert.fail('expected a rejection')
}

/** The application's api_hash: a credential of its own (https://my.telegram.org), searched for too. */
const API_HASH = '5ec7e7a9b1c2d3e4f5a6b7c8d9e0f1a2'

function engineWith(store: SessionStore, extra: Partial<EngineOptions>): Engine {
  return createEngine({ apiId: 4242, apiHash: API_HASH, store, dcs: dc.dcs, publicKeys: [dc.publicKeyPem], ...extra })
}

const PASSWORD = 'pw-9f3a correct horse'
const WRONG_PASSWORD = 'pw-77c1 wrong staple'
const CODE = '22222' // test phone 99966 2 xxxx: homed on DC 2, code 2×5
const WRONG_CODE = '90817'

describe('secrets never leave the engine in clear', () => {
  test('a full login leaves no password, code, phone_code_hash, auth key, server salt or bot token in inspect, events$, console or thrown errors', async () => {
    dc.world.presetUser({ phone: '9996620301', firstName: 'Secretive', password: PASSWORD })
    const bot = dc.world.presetBot({ username: 'secret_scan_bot', firstName: 'Scan', homeDcId: 3 })
    const wrongToken = `${bot.user.id}:AAnot-the-real-secret-4711`
    const stored: Stored = { keys: [], salts: [] }
    const scanner = new CaptureScanner()
    const seen = new Set<string>()
    const hashes: string[] = []
    const errors: unknown[] = []
    const output: string[] = []
    // The built-in inspector's memory, fed the same events: it keeps no secret list of its own.
    const table = new ActorTable({ maxFinishedActors: 10_000, maxEventsPerActor: 1_000 })
    const onInspect = (ev: InspectionEvent): void => {
      table.record(ev)
      seen.add(ev.type === '@xstate.event' ? `event ${ev.event.type}` : ev.type === '@xstate.actor' ? `actor ${String((ev.actorRef as { id?: unknown }).id).replace(/[:\d].*$/, '')}` : ev.type)
      const ctx = (ev as { snapshot?: { context?: { method?: unknown } } }).snapshot?.context
      if (typeof ctx?.method === 'string') seen.add(`rpc ${ctx.method}`)
      scanner.capture(ev, printableOf(ev))
    }
    const engine = engineWith(recordingStore(createMemoryStore(), stored), { inspect: onInspect })
    engine.events$.subscribe((e) => scanner.capture(e))
    const restore = captureOutput(output)
    dc.faults.set({ dhGenRetryNext: 1 })
    try {
      const acc = engine.account('secret-user')
      const sent = await acc.sendCode('+999 662 0301')
      hashes.push(sent.phoneCodeHash)
      assert.equal(acc.homeDcId, 2, 'PHONE_MIGRATE_2 followed')
      errors.push(await rejection(acc.signIn(WRONG_CODE)))
      assert.deepEqual(await acc.signIn(CODE), { status: 'passwordNeeded', hint: undefined })
      errors.push(await rejection(acc.checkPassword(WRONG_PASSWORD)))
      dc.faults.set({ badServerSaltNext: 2 })
      await acc.checkPassword(PASSWORD)
      assert.equal(acc.authorized, true)
      // Carried to DC 3: auth.exportAuthorization's bytes go through an rpc actor.
      await acc.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }, { dcId: 3 })
      await acc.logOut()
      assert.equal(acc.state.state, 'anonymous')

      const botAcc = engine.account('secret-bot')
      errors.push(await rejection(botAcc.signInBot(wrongToken)))
      const me = await botAcc.signInBot(bot.token)
      assert.equal(me.id, bot.user.id)
      errors.push(await rejection(botAcc.sendCode(`+${PASSWORD}`)))
      // Whoever logs the engine or an account gets no options (api_hash, store) either.
      for (const x of [engine, acc, botAcc]) scanner.capture(inspect(x, { depth: Infinity }))
    } finally {
      await engine.stop()
      restore()
    }
    for (const e of errors) scanner.capture(e, { message: (e as Error).message, inspected: inspect(e, { depth: Infinity, showHidden: true }) })
    for (const chunk of output) scanner.capture(chunk)
    for (const rec of table.all()) scanner.capture({ rec, events: table.events(rec.sessionId), context: table.context(rec.sessionId) })
    assert.ok(table.all().some((r) => table.events(r.sessionId).some((e) => e.detail.includes('code=[redacted]'))), 'the page shows login.code as redacted')

    // The capture is not empty: it saw every step that carries one of the secrets.
    for (const step of [
      'event login.start',
      'event login.code',
      'event login.password',
      'event xstate.done.actor.sendCode',
      'event xstate.done.actor.reqDhParams',
      'event xstate.done.actor.setClientDhParams',
      'event xstate.done.actor.handshake',
      'event salts.received',
      'event salt.bad',
      'event session.created',
      'event rpc.resultReceived',
      'rpc auth.sendCode',
      'rpc auth.signIn',
      'rpc account.getPassword',
      'rpc auth.checkPassword',
      'rpc auth.exportAuthorization',
      'rpc auth.importAuthorization',
      'rpc auth.importBotAuthorization',
      '@xstate.action',
    ]) {
      assert.ok(seen.has(step), `the inspect hook saw ${step}; it saw ${[...seen].sort().join(", ")}`)
    }
    assert.ok(stored.keys.length >= 3, `auth keys made: ${stored.keys.length}`)
    assert.ok(stored.salts.length >= 3, `salts stored: ${stored.salts.length}`)
    assert.equal(errors.length, 4)

    const secrets: KnownSecrets = {
      texts: new Map([
        ['password', PASSWORD],
        ['wrong password', WRONG_PASSWORD],
        ['api_hash', API_HASH],
        ['bot token', bot.token],
        ['bot token secret', bot.token.split(':')[1]!],
        ['wrong bot token', wrongToken],
        ...hashes.map((h, i) => [`phone_code_hash ${i}`, h] as [string, string]),
      ]),
      codes: new Map([
        ['login code', CODE],
        ['wrong login code', WRONG_CODE],
      ]),
      bytes: new Map(stored.keys.map((k, i) => [`auth key ${i}`, k])),
      int64s: new Map(stored.salts.filter((s) => s !== 0n).map((s, i) => [`server salt ${i}`, s])),
    }
    assert.deepEqual(scanner.findings(secrets), [])
    // And the boxes were there, printed as such.
    assert.ok([...scanner.strings].some((s) => s.includes('"[redacted]"')))
    assert.ok([...scanner.strings].some((s) => s.includes('[redacted …0301]')))

    // The scanner finds each secret when it is there: it would have seen a leak.
    const control = new CaptureScanner()
    control.capture({ k: stored.keys[0]!.slice(32, 64) })
    control.capture({ salt: stored.salts.find((s) => s !== 0n), text: `x${PASSWORD}y`, code: `code=${CODE}`, hex: Buffer.from(stored.keys[1]!).toString('hex') })
    control.capture(Buffer.from(`..${bot.token}..`))
    const found = control.findings(secrets).join('\n')
    for (const name of ['auth key 0', 'server salt', 'password', 'login code', 'auth key 1', 'bot token']) assert.ok(found.includes(name), `control finds ${name}:\n${found}`)
  })

  test("a thrown error's message, stack, JSON and util.inspect carry no password, code, phone_code_hash or bot token", async () => {
    const password = 'pw-err-51d0 tr0ub4dor'
    const wrongPassword = 'pw-err-0bad guess'
    dc.world.presetUser({ phone: '9996620302', firstName: 'Erring', password })
    const bot = dc.world.presetBot({ username: 'secret_err_bot', firstName: 'Err', homeDcId: 1 })
    const wrongToken = `${bot.user.id}:AAwrong-secret-0815`
    const garbageToken = 'not a token: secret-garbage-7'
    // Without inspect: calls take the common path with no rpc actor.
    const engine = engineWith(createMemoryStore(), {})
    const errors: unknown[] = []
    let hash = ''
    try {
      const acc = engine.account('erring-user')
      hash = (await acc.sendCode('9996620302')).phoneCodeHash
      errors.push(await rejection(acc.signIn(WRONG_CODE)))
      assert.equal((await acc.signIn(CODE)).status, 'passwordNeeded')
      errors.push(await rejection(acc.checkPassword(wrongPassword)))
      errors.push(await rejection(acc.invoke({ _: 'auth.signIn', phoneNumber: '9996620302', phoneCodeHash: hash, phoneCode: Number(CODE) as never })))
      errors.push(await rejection(acc.sendCode(`+${password}`)))
      const botAcc = engine.account('erring-bot')
      errors.push(await rejection(botAcc.signInBot(wrongToken)))
      errors.push(await rejection(botAcc.signInBot(garbageToken)))
      errors.push(await rejection(botAcc.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 'x' as never, apiHash: 'h', botAuthToken: bot.token })))
    } finally {
      await engine.stop()
    }
    assert.ok(errors.every((e) => e instanceof MtSwarmError), 'every failure is a typed error')
    assert.deepEqual(
      errors.map((e) => (e instanceof RpcError ? e.errorName : e instanceof UsageError ? e.reason : String(e))),
      ['PHONE_CODE_INVALID', 'PASSWORD_HASH_INVALID', 'bad-argument', 'bad-argument', 'ACCESS_TOKEN_INVALID', 'bad-argument', 'bad-argument'],
    )
    const scanner = new CaptureScanner()
    for (const e of errors) {
      const err = e as Error
      scanner.capture(err, { message: err.message, stack: err.stack, inspected: inspect(err, { depth: Infinity, showHidden: true }), string: String(err) })
    }
    const findings = scanner.findings({
      texts: new Map([
        ['password', password],
        ['wrong password', wrongPassword],
        ['api_hash', API_HASH],
        ['bot token', bot.token],
        ['bot token secret', bot.token.split(':')[1]!],
        ['wrong bot token', wrongToken],
        ['malformed bot token', garbageToken],
        ['phone_code_hash', hash],
      ]),
      codes: new Map([
        ['login code', CODE],
        ['wrong login code', WRONG_CODE],
      ]),
      bytes: new Map(),
      int64s: new Map(),
    })
    assert.deepEqual(findings, [])
  })
})
