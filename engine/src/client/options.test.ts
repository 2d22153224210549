// createEngine's option checks and defaults (no network): bad options are UsageErrors, the
// default DCs are Telegram's production ones, and nothing points at a test server by default.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { createMemoryStore } from '@mtswarm/storage'
import { UsageError } from '../errors/index.js'
import { DEFAULT_FLOOD_SLEEP_THRESHOLD_SEC, TELEGRAM_PRODUCTION_DCS, resolveEngineOptions } from './options.js'
import { stateString } from './account.js'

const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'pkcs1', format: 'pem' }).toString()
const base = { apiId: 1, apiHash: 'h', store: createMemoryStore(), publicKeys: [pem] }

describe('resolveEngineOptions', () => {
  test('defaults: production DCs, first DC as default home, flood threshold, keys parsed', () => {
    const o = resolveEngineOptions(base)
    assert.equal(o.dcs, TELEGRAM_PRODUCTION_DCS)
    assert.deepEqual(o.dcs.map((d) => d.id), [1, 2, 3, 4, 5])
    assert.equal(o.defaultDcId, 1)
    assert.equal(o.dcIdOffset, 0)
    assert.equal(o.floodSleepThreshold, DEFAULT_FLOOD_SLEEP_THRESHOLD_SEC)
    assert.equal(typeof o.publicKeys[0]?.fingerprint, 'bigint')
    assert.equal(o.closeStoreOnStop, true)
  })

  test('bad options are UsageErrors with a reason', () => {
    const reason = (patch: object): string | undefined => {
      try {
        resolveEngineOptions({ ...base, ...patch } as never)
        return undefined
      } catch (e) {
        assert.ok(e instanceof UsageError)
        return e.reason
      }
    }
    assert.equal(reason({ apiId: 0 }), 'bad-argument')
    assert.equal(reason({ apiHash: '' }), 'bad-argument')
    assert.equal(reason({ store: {} }), 'bad-argument')
    assert.equal(reason({ publicKeys: [] }), 'bad-config')
    assert.equal(reason({ publicKeys: ['not a pem'] }), 'bad-config')
    assert.equal(reason({ dcs: [] }), 'bad-config')
    assert.equal(reason({ defaultDcId: 9 }), 'bad-config')
    assert.equal(reason({ floodSleepThreshold: -1 }), 'bad-argument')
    assert.equal(reason({}), undefined)
  })
})

describe('stateString', () => {
  test('nested machine state values become dotted strings', () => {
    assert.equal(stateString('authorized'), 'authorized')
    assert.equal(stateString({ loggingIn: 'codeSent' }), 'loggingIn.codeSent')
    assert.equal(stateString({ migrating: { connecting: 'x' } }), 'migrating.connecting.x')
  })
})
