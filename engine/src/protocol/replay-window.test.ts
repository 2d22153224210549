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

  test('size must be a positive integer; 1 is the smallest window', () => {
    assert.throws(() => new ReplayWindow(0), { name: 'RangeError', message: 'replay window size must be >= 1, got 0' })
    assert.throws(() => new ReplayWindow(1.5), RangeError)
    const w = new ReplayWindow(1)
    w.add(7n)
    assert.equal(w.check(7n).kind, 'duplicate')
    w.add(8n)
    assert.equal(w.check(7n).kind, 'below-window')
  })

  test('before anything is evicted there is no floor: even the smallest ids are only checked for duplicates', () => {
    const w = new ReplayWindow(4)
    assert.deepEqual(w.check(0n), { kind: 'ok' })
    assert.deepEqual(w.check(-5n), { kind: 'ok' })
  })

  test('adding an id twice stores it once (it takes one slot, and does not push out another id)', () => {
    const w = new ReplayWindow(2)
    w.add(5n)
    w.add(5n)
    assert.equal(w.count, 1)
    w.add(9n)
    assert.equal(w.count, 2)
    assert.equal(w.check(5n).kind, 'duplicate') // still stored: the second add did not take a slot
  })

  test('every stored id of a full window is found again (the binary search visits every slot)', () => {
    // ids added in a scrambled order, so the search meets every position and every parity of mid
    const size = 1000
    const w = new ReplayWindow(size)
    const ids: bigint[] = []
    for (let i = 0; i < size; i++) ids.push(BigInt(((i * 617) % size) * 4 + 1000))
    for (const id of ids) {
      assert.deepEqual(w.check(id), { kind: 'ok' }, `${id} before it was added`)
      w.add(id)
    }
    assert.equal(w.count, size)
    for (const id of ids) assert.deepEqual(w.check(id), { kind: 'duplicate', msgId: id }, `replay of ${id}`)
    for (const id of ids) assert.deepEqual(w.check(id + 1n), { kind: 'ok' }, `${id + 1n} was never seen`)
  })
})
