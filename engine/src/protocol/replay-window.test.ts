import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ReplayWindow } from './replay-window.js'

describe('ReplayWindow', () => {
  test('accepts new ids, rejects an id seen before', () => {
    const w = new ReplayWindow(4)
    assert.deepEqual(w.check(5n), { kind: 'ok' })
    w.add(5n)
    assert.deepEqual(w.check(5n), { kind: 'duplicate', msgId: 5n })
    assert.deepEqual(w.check(9n), { kind: 'ok' })
  })

  test('out-of-order ids inside the window are fine', () => {
    const w = new ReplayWindow(4)
    w.add(9n)
    assert.deepEqual(w.check(5n), { kind: 'ok' })
    w.add(5n)
    assert.equal(w.check(5n).kind, 'duplicate')
  })

  test('keeps the N highest ids; anything at or below the evicted floor is rejected', () => {
    const w = new ReplayWindow(3)
    for (const id of [1n, 5n, 9n, 13n]) w.add(id) // evicts 1
    assert.equal(w.count, 3)
    assert.deepEqual(w.check(1n), { kind: 'below-window', msgId: 1n, floor: 1n })
    assert.deepEqual(w.check(0n), { kind: 'below-window', msgId: 0n, floor: 1n })
    assert.deepEqual(w.check(3n), { kind: 'ok' }) // above the floor, never seen
    w.add(3n) // now 3 is the lowest and gets evicted right away
    assert.equal(w.check(3n).kind, 'below-window')
    assert.equal(w.check(5n).kind, 'duplicate')
  })

  test('size must be positive', () => {
    assert.throws(() => new ReplayWindow(0), RangeError)
  })
})
