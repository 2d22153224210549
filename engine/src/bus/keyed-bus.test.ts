// KeyedBus: O(1) keyed delivery, lifecycle (close completes and forgets), the key cap, and the
// runtime's subscription shape against a real XState actor.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Subject } from 'rxjs'
import { createActor, createMachine } from 'xstate'
import { BusFullError, KeyedBus } from './keyed-bus.js'
import { pipeUntilStopped, stoppedOf } from './actor-stream.js'

describe('KeyedBus', () => {
  test('delivers only to the subscribers of the key, and reports a missing channel', () => {
    const bus = new KeyedBus<string, number>('test')
    const a: number[] = []
    const b: number[] = []
    bus.open('a').subscribe((v) => a.push(v))
    bus.open('b').subscribe((v) => b.push(v))
    assert.equal(bus.send('a', 1), 'delivered')
    assert.equal(bus.send('b', 2), 'delivered')
    assert.equal(bus.send('c', 3), 'no-channel')
    assert.deepEqual(a, [1])
    assert.deepEqual(b, [2])
  })

  test('open is idempotent; close completes subscribers and forgets the key', () => {
    const bus = new KeyedBus<number, string>('test')
    const seen: string[] = []
    let completed = 0
    bus.open(1).subscribe({ next: (v) => seen.push(v), complete: () => completed++ })
    bus.open(1).subscribe({ complete: () => completed++ })
    assert.equal(bus.size, 1)
    bus.send(1, 'x')
    bus.close(1)
    assert.equal(completed, 2)
    assert.equal(bus.has(1), false)
    assert.equal(bus.send(1, 'y'), 'no-channel')
    assert.deepEqual(seen, ['x'])
    bus.close(1)
  })

  test('hands out observables only (no next/complete from outside)', () => {
    const bus = new KeyedBus<number, number>('test')
    const o = bus.open(1) as unknown as Record<string, unknown>
    assert.equal(typeof o.next, 'undefined')
    assert.equal(o instanceof Subject, false)
  })

  test('refuses keys past its cap with a typed error', () => {
    const bus = new KeyedBus<number, number>('small', { maxKeys: 2 })
    bus.open(1)
    bus.open(2)
    assert.throws(() => bus.open(3), (e: unknown) => e instanceof BusFullError && e.limit === 2 && e.bus === 'small')
    bus.close(1)
    bus.open(3)
    assert.equal(bus.size, 2)
  })

  test('closeAll completes every channel', () => {
    const bus = new KeyedBus<number, number>('test')
    let completed = 0
    for (let i = 0; i < 5; i++) bus.open(i).subscribe({ complete: () => completed++ })
    bus.closeAll()
    assert.equal(completed, 5)
    assert.equal(bus.size, 0)
  })
})

describe('actor streams', () => {
  const counter = createMachine({
    types: {} as { context: { n: number }; events: { type: 'inc' } | { type: 'end' } },
    context: { n: 0 },
    initial: 'on',
    states: {
      on: { on: { inc: { actions: ({ context }) => context.n++ }, end: 'done' } },
      done: { type: 'final' },
    },
  })

  test('pipeUntilStopped feeds an actor until it stops, then finalizes once', () => {
    const bus = new KeyedBus<string, { type: 'inc' } | { type: 'end' }>('test')
    const actor = createActor(counter).start()
    let ended = 0
    const sub = pipeUntilStopped(bus.open('k'), actor, stoppedOf(actor), () => ended++)
    bus.send('k', { type: 'inc' })
    bus.send('k', { type: 'inc' })
    actor.stop()
    assert.equal(sub.closed, true)
    assert.equal(ended, 1)
    bus.send('k', { type: 'inc' })
    assert.equal(actor.getSnapshot().context.n, 2)
  })

  test('a final state stops the feed; closing the key also ends it', () => {
    const bus = new KeyedBus<string, { type: 'inc' } | { type: 'end' }>('test')
    const a = createActor(counter).start()
    let ended = 0
    pipeUntilStopped(bus.open('a'), a, stoppedOf(a), () => ended++)
    bus.send('a', { type: 'end' })
    assert.equal(ended, 1)
    const b = createActor(counter).start()
    pipeUntilStopped(bus.open('b'), b, stoppedOf(b), () => ended++)
    bus.close('b')
    assert.equal(ended, 2)
    b.stop()
    assert.equal(ended, 2)
  })
})
