// Secret must print as [redacted] through every road a value takes to a log or an inspector:
// JSON, strings, util.inspect/console.log, structuredClone, a reflective walk.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { inspect } from 'node:util'
import { phoneSecret, revealOr, secret } from './secret.js'

const PASSWORD = 'correct horse battery'

describe('Secret', () => {
  test('reveal() gives the value back, unchanged', () => {
    const key = new Uint8Array([1, 2, 3])
    assert.equal(secret(key).reveal(), key)
    assert.equal(secret(7n).reveal(), 7n)
    assert.equal(revealOr(null, 'none'), 'none')
    assert.equal(revealOr(secret('x'), 'none'), 'x')
  })

  test('JSON, String, template strings and concatenation print [redacted]', () => {
    const s = secret(PASSWORD)
    assert.equal(JSON.stringify({ password: s }), '{"password":"[redacted]"}')
    assert.equal(String(s), '[redacted]')
    assert.equal(`${s}`, '[redacted]')
    assert.equal('' + s, '[redacted]')
  })

  test('util.inspect at any depth, with hidden fields, shows no value', () => {
    const s = secret(PASSWORD)
    for (const text of [inspect(s), inspect({ a: { b: { c: s } } }, { depth: Infinity, showHidden: true }), inspect([s], { showHidden: true })]) {
      assert.ok(!text.includes(PASSWORD), text)
      assert.ok(text.includes('[redacted]'), text)
    }
  })

  test('structuredClone and a walk over own properties find nothing', () => {
    const s = secret(new Uint8Array([9, 9, 9]))
    const clone = structuredClone({ s }) as { s: object }
    assert.deepEqual(Object.keys(clone.s), [])
    assert.deepEqual(Reflect.ownKeys(s), [])
    assert.deepEqual(Object.getOwnPropertyNames(s), [])
  })

  test('a phone prints its last four digits only', () => {
    const p = phoneSecret('+999 66 1 0042')
    assert.equal(String(p), '[redacted …0042]')
    assert.equal(JSON.stringify(p), '"[redacted …0042]"')
    assert.equal(inspect(p), '[redacted …0042]')
    assert.equal(p.reveal(), '+999 66 1 0042')
  })
})
