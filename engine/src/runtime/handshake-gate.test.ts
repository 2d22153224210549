// HandshakeGate: never more than `limit` holders, FIFO hand-over, idempotent release.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { HandshakeGate } from './handshake-gate.js'

describe('HandshakeGate', () => {
  test('admits up to the limit, then hands slots over in arrival order', async () => {
    const gate = new HandshakeGate(2)
    const order: number[] = []
    const releases = await Promise.all([gate.acquire(), gate.acquire()])
    assert.equal(gate.active, 2)
    const waiting = [3, 4, 5].map((n) => gate.acquire().then((release) => (order.push(n), release)))
    await Promise.resolve()
    assert.equal(gate.queued, 3)
    releases[0]!()
    releases[0]!()
    const r3 = await waiting[0]!
    assert.deepEqual(order, [3])
    assert.equal(gate.active, 2)
    releases[1]!()
    r3()
    await Promise.all(waiting.slice(1))
    assert.deepEqual(order, [3, 4, 5])
    assert.equal(gate.active, 2)
    assert.equal(gate.queued, 0)
  })

  test('refuses a limit below 1', () => {
    assert.throws(() => new HandshakeGate(0), RangeError)
  })
})
