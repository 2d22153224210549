// createEngine's option checks and defaults (no network): every option refuses its bad values with
// UsageError 'bad-config' naming it, the default DCs are Telegram's production ones, and nothing
// points at a test server by default.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { createMemoryStore } from '@mtswarm/storage'
import { parseRsaPublicKey } from '../crypto/index.js'
import { UsageError } from '../errors/index.js'
import { DEFAULT_FLOOD_SLEEP_THRESHOLD_SEC, TELEGRAM_PRODUCTION_DCS, resolveEngineOptions, type EngineOptions } from './options.js'
import { stateString } from './account.js'

const pemOf = (bits: number): string =>
  generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'pkcs1', format: 'pem' }).toString()
const pem = pemOf(2048)
const pem1024 = pemOf(1024)
const base: EngineOptions = { apiId: 1, apiHash: '0123456789abcdef0123456789ABCDEF', store: createMemoryStore(), publicKeys: [pem] }
const dc = (patch: object): object => ({ id: 1, host: '149.154.175.53', port: 443, ...patch })

/** The UsageError createEngine's options raise for `patch`, or undefined when they pass. */
function refusal(patch: object): UsageError | undefined {
  try {
    resolveEngineOptions({ ...base, ...patch } as EngineOptions)
    return undefined
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`)
    return e
  }
}

// Typed by EngineOptions' keys: an option added without bad values here does not compile.
const BAD: { readonly [K in keyof EngineOptions]-?: readonly unknown[] } = {
  apiId: [0, -1, 1.5, 2 ** 31, '1', Number.NaN, undefined],
  apiHash: ['', 'h', 'test-hash', 'g'.repeat(32), 'a'.repeat(31), 'a'.repeat(33), 123, undefined],
  store: [{}, null, 'store', { getAccount: () => undefined }, undefined],
  closeStoreOnStop: ['yes', 1],
  dcs: [
    [],
    'dcs',
    [null],
    [dc({ port: 0 })],
    [dc({ port: 65536 })],
    [dc({ port: 1.5 })],
    [dc({ port: '443' })],
    [dc({ host: '' })],
    [dc({ host: 'not a host' })],
    [dc({ host: `${'a'.repeat(64)}.example` })],
    [dc({ host: 42 })],
    [dc({ id: 0 })],
    [dc({ id: -2 })],
    [dc({ id: 2.5 })],
    [dc({}), dc({ host: '1.2.3.4' })],
  ],
  defaultDcId: [9, '1', 0],
  publicKeys: [[], [{}], ['not a pem'], pem, [pem1024], [parseRsaPublicKey(pem1024)], [{ n: 5n, e: 3n }], [null], undefined],
  dcIdOffset: [-1, 1.5, 2 ** 31, '10000'],
  floodSleepThreshold: [-1, Number.NaN, Number.POSITIVE_INFINITY, '10', 2 ** 31],
  rpcTimeoutMs: [-1, 0, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '5000'],
  transport: ['obfuscated2/full', 'tcp', 3, null],
  inspect: ['inspect', {}],
  logger: [null, 'console', {}, { info: () => {}, warn: () => {} }, { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} }],
  deviceModel: ['', 5, 'x'.repeat(257), 'a\nb'],
  systemVersion: ['', 'é'.repeat(129), '\u0000'],
  appVersion: ['', 7, 'v\u007f'],
  langCode: ['', 'e', 'english language', 5, 'en\n'],
  nowMs: ['now', 5],
  updates: [
    'fast',
    [],
    { gapTimeout: 500 },
    { gapTimeoutMs: -1 },
    { gapTimeoutMs: Number.NaN },
    { resyncAfterDownMs: '1s' },
    { concurrency: 0 },
    { perAccountConcurrency: 1.5 },
    { retryDelaysMs: 100 },
    { retryDelaysMs: [-5] },
    { retryDelaysMs: new Array(21).fill(1) },
  ],
}

describe('resolveEngineOptions', () => {
  test('defaults: production DCs, first DC as default home, flood threshold, keys parsed', () => {
    const o = resolveEngineOptions(base)
    assert.deepEqual(o.dcs, TELEGRAM_PRODUCTION_DCS)
    assert.deepEqual(o.dcs.map((d) => d.id), [1, 2, 3, 4, 5])
    assert.equal(o.defaultDcId, 1)
    assert.equal(o.dcIdOffset, 0)
    assert.equal(o.floodSleepThreshold, DEFAULT_FLOOD_SLEEP_THRESHOLD_SEC)
    assert.equal(o.publicKeys[0]?.fingerprint, parseRsaPublicKey(pem).fingerprint)
    assert.equal(o.closeStoreOnStop, true)
  })

  for (const [option, values] of Object.entries(BAD)) {
    test(`${option}: each bad value is a UsageError 'bad-config' naming it`, () => {
      for (const value of values) {
        const e = refusal({ [option]: value })
        const shown = JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 60) ?? String(value)
        assert.ok(e !== undefined, `${option} = ${shown} was accepted`)
        assert.equal(e.reason, 'bad-config', e.message)
        assert.ok(e.field === option || e.field?.startsWith(`${option}[`) || e.field?.startsWith(`${option}.`), `field ${e.field} for ${option} = ${shown}`)
        assert.ok(e.message.startsWith(`${e.field}: `), e.message)
      }
    })
  }

  test('a misspelt option is refused by name, not ignored', () => {
    const e = refusal({ rpcTimeout: 5000 })
    assert.equal(e?.reason, 'bad-config')
    assert.equal(e?.field, 'rpcTimeout')
    assert.throws(() => resolveEngineOptions(null as never), (x: unknown) => x instanceof UsageError && x.reason === 'bad-config')
  })

  test('messages name the element at fault and never echo the api_hash', () => {
    assert.equal(refusal({ dcs: [dc({}), dc({ id: 2, port: 0 })] })?.field, 'dcs[1].port')
    assert.equal(refusal({ dcs: [dc({}), dc({ host: '1.2.3.4' })] })?.field, 'dcs[1].id')
    assert.equal(refusal({ publicKeys: [pem, 'garbage'] })?.field, 'publicKeys[1]')
    const secretish = '0123456789abcdef0123456789abcde'
    assert.ok(!refusal({ apiHash: secretish })!.message.includes(secretish))
  })

  test('good values pass: bounds, host names, IPv6, parsed keys, a test-server offset', () => {
    const ok = (patch: object): void => assert.equal(refusal(patch)?.message, undefined)
    ok({ apiId: 2 ** 31 - 1 })
    ok({ dcs: [dc({ host: 'localhost', port: 1 }), dc({ id: 2, host: '::1', port: 65535 }), dc({ id: 3, host: 'dc3.example.org.' })], defaultDcId: 3 })
    ok({ dcs: [dc({ id: 2 })], dcIdOffset: 10000 })
    ok({ publicKeys: [parseRsaPublicKey(pem), { n: parseRsaPublicKey(pem).n, e: 65537n }] })
    ok({ floodSleepThreshold: 0, rpcTimeoutMs: 1 })
    ok({ deviceModel: 'x'.repeat(256), systemVersion: 'Linux 6.1', appVersion: '1.0', langCode: 'pt-br' })
    ok({ inspect: () => undefined, nowMs: () => 0, closeStoreOnStop: false })
  })

  test('the resolved dcs are a copy: changing the caller array later changes nothing', () => {
    const dcs = [dc({})] as { id: number; host: string; port: number }[]
    const o = resolveEngineOptions({ ...base, dcs })
    dcs[0]!.port = 0
    assert.equal(o.dcs[0]!.port, 443)
  })
})

describe('stateString', () => {
  test('nested machine state values become dotted strings', () => {
    assert.equal(stateString('authorized'), 'authorized')
    assert.equal(stateString({ loggingIn: 'codeSent' }), 'loggingIn.codeSent')
    assert.equal(stateString({ migrating: { connecting: 'x' } }), 'migrating.connecting.x')
  })
})
