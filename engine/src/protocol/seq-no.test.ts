import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { SeqNoCounter, isContentRelated } from './seq-no.js'
import { sessionIdFromRandom } from './session-id.js'

describe('seqno', () => {
  test('content-related: 2n+1 then n increments; service: 2n without incrementing', () => {
    const c = new SeqNoCounter()
    assert.deepEqual(
      [c.next(false), c.next(true), c.next(true), c.next(false), c.next(true), c.next(false)],
      [0, 1, 3, 4, 5, 6],
    )
    assert.equal(c.count, 3)
  })

  test('resumes from a persisted count', () => {
    const c = new SeqNoCounter(10)
    assert.equal(c.next(true), 21)
    assert.equal(c.next(false), 22)
  })

  test('isContentRelated reads the low bit', () => {
    assert.equal(isContentRelated(7), true)
    assert.equal(isContentRelated(8), false)
  })
})

describe('session id', () => {
  test('reads 8 little-endian bytes as a signed 64-bit value', () => {
    assert.equal(sessionIdFromRandom(Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)), 1n)
    assert.equal(sessionIdFromRandom(new Uint8Array(8).fill(0xff)), -1n)
    assert.equal(sessionIdFromRandom(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0x80, 9)), -(2n ** 63n))
  })

  test('refuses fewer than 8 bytes', () => {
    assert.throws(() => sessionIdFromRandom(new Uint8Array(7)), RangeError)
  })
})
