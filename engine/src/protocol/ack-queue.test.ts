import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ACK_STANDALONE_THRESHOLD, AckQueue } from './ack-queue.js'

describe('AckQueue', () => {
  test('take returns the oldest ids once, without duplicates', () => {
    const q = new AckQueue()
    assert.equal(q.add(1n), true)
    assert.equal(q.add(5n), true)
    assert.equal(q.add(1n), false)
    q.add(9n)
    assert.deepEqual(q.take(2), [1n, 5n])
    assert.deepEqual(q.take(), [9n])
    assert.deepEqual(q.take(), [])
    assert.equal(q.size, 0)
  })

  test('restore puts back the ids of an ack that was never sent', () => {
    const q = new AckQueue()
    q.add(1n)
    q.add(5n)
    const taken = q.take()
    q.restore(taken)
    assert.deepEqual(q.take(), [1n, 5n])
  })

  test('asks for a stand-alone flush beyond the threshold', () => {
    const q = new AckQueue()
    for (let i = 1; i <= ACK_STANDALONE_THRESHOLD; i++) q.add(BigInt(i * 4 + 1))
    assert.equal(q.shouldFlush, false)
    q.add(1_000_001n)
    assert.equal(q.shouldFlush, true)
  })
})
