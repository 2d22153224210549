// An assertion for the world's tests: a call fails with exactly this WorldError (code and message).
import assert from 'node:assert/strict'
import { WorldError } from '../world/errors.js'

/** Asserts that `fn` throws a WorldError with `code` and `message` (e.g. 400, 'PHONE_CODE_INVALID'). */
export function throwsWorldError(fn: () => unknown, code: number, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof WorldError, `expected WorldError, got ${String(e)}`)
    assert.equal(e.message, message)
    assert.equal(e.code, code)
    return true
  })
}
