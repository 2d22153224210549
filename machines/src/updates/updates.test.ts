// updatesMachine behaviour on xstate's SimulatedClock: ordering, duplicates, gaps that fill or
// time out into getDifference, seq, channel boxes, slices, tooLong, resync triggers, restart.
// https://core.telegram.org/api/updates
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SimulatedClock, createActor } from 'xstate'
import { recordActions } from '../testing/recorder.js'
import type { UpdatesEvent } from './updates.events.js'
import { MAX_HELD_ITEMS, type CommonState, type UpdateItem, type UpdatesEnvelope } from './updates.logic.js'
import { updatesMachine } from './updates.machine.js'

const EFFECTS = ['fetchState', 'fetchChannels', 'fetchDifference', 'fetchChannelDifference', 'deliver', 'commitPosition', 'reportLost'] as const
const S0: CommonState = { pts: 10, qts: 0, seq: 5, date: 1000 }

function start(stored: { common: CommonState | null; channels?: { channelId: bigint; pts: number }[] } = { common: null }) {
  const rec = recordActions(EFFECTS)
  const clock = new SimulatedClock()
  const actor = createActor(updatesMachine.provide({ actions: rec.actions }), { input: { accountId: 'acc' }, clock })
  actor.start()
  actor.send({ type: 'updates.start', stored: { common: stored.common, channels: stored.channels ?? [] } })
  const send = (e: UpdatesEvent) => actor.send(e)
  /** Payloads delivered so far, in order. */
  const delivered = () => rec.of('deliver').flatMap((p) => p.items.map((i: { payload: unknown }) => i.payload))
  const value = () => JSON.stringify(actor.getSnapshot().value)
  return { actor, rec, clock, send, delivered, value }
}

const pts = (n: number, count = 1): UpdateItem => ({ kind: 'pts', channelId: null, pts: n, ptsCount: count, payload: `p${n}` })
const cpts = (channelId: bigint, n: number): UpdateItem => ({ kind: 'pts', channelId, pts: n, ptsCount: 1, payload: `c${channelId}:${n}` })
const env = (items: UpdateItem[], seq = 0, seqStart = 0): UpdatesEnvelope => ({ items, seq, seqStart, date: 1001 })
const got = (items: UpdateItem[], seq = 0, seqStart = 0): UpdatesEvent => ({ type: 'updates.received', envelopes: [env(items, seq, seqStart)] })

function synced(stored?: Parameters<typeof start>[0]) {
  const t = start(stored)
  if (stored === undefined) {
    t.send({ type: 'state.received', state: S0 })
    t.send({ type: 'channels.seeded', channels: [] })
  }
  return t
}

describe('updatesMachine', () => {
  test('no stored state: getState first; pushes that arrive meanwhile apply after it, duplicates dropped', () => {
    const t = start()
    assert.equal(t.rec.of('fetchState').length, 1)
    t.send(got([pts(10)]))
    t.send(got([pts(11)]))
    assert.deepEqual(t.delivered(), [])
    t.send({ type: 'state.received', state: S0 })
    assert.deepEqual(t.rec.of('fetchChannels').length, 1, 'then the dialogs, for the channels')
    t.send({ type: 'channels.seeded', channels: [] })
    assert.deepEqual(t.delivered(), ['p11'], 'pts 10 is what the state already covers')
    assert.deepEqual(t.rec.of('commitPosition'), [{ accountId: 'acc', position: { box: 'common', state: S0 } }], 'the state from getState is committed even with nothing to deliver')
    assert.match(t.value(), /synced/)
  })

  test('in-order updates apply at once, each with the position that covers it', () => {
    const t = synced()
    t.send(got([pts(11), pts(13, 2)]))
    assert.deepEqual(t.delivered(), ['p11', 'p13'])
    const positions = t.rec.of('deliver').flatMap((p) => p.items.map((i: any) => i.position.state.pts))
    assert.deepEqual(positions, [11, 13])
  })

  test('one event may carry several envelopes (a tick\'s worth): applied in order, a gap they fill never opens', () => {
    const t = synced()
    t.send({ type: 'updates.received', envelopes: [env([pts(13)]), env([pts(12)]), env([pts(11)]), env([{ kind: 'plain', payload: 's6' }], 6)] })
    assert.deepEqual(t.delivered(), ['p11', 'p12', 'p13', 's6'])
    assert.match(t.value(), /synced/)
    assert.equal(t.rec.of('deliver').length, 1, 'one delivery for the whole batch')
  })

  test('a duplicate (pts already applied) is dropped', () => {
    const t = synced()
    t.send(got([pts(11)]))
    t.send(got([pts(11)]))
    t.send(got([pts(9)]))
    assert.deepEqual(t.delivered(), ['p11'])
  })

  test('a gap that fills before the timeout: held updates apply in pts order, no getDifference', () => {
    const t = synced()
    t.send(got([pts(13)]))
    t.send(got([pts(12)]))
    assert.match(t.value(), /gap/)
    assert.deepEqual(t.delivered(), [])
    t.send(got([pts(11)]))
    assert.deepEqual(t.delivered(), ['p11', 'p12', 'p13'])
    assert.match(t.value(), /synced/)
    t.clock.increment(5_000)
    assert.equal(t.rec.of('fetchDifference').length, 0)
  })

  test('a gap that does not fill: getDifference after gapTimeoutMs, its items delivered, held ones it covers dropped', () => {
    const t = synced()
    t.send(got([pts(12)]))
    t.clock.increment(499)
    assert.equal(t.rec.of('fetchDifference').length, 0)
    t.clock.increment(2)
    assert.deepEqual(t.rec.of('fetchDifference'), [{ accountId: 'acc', state: S0 }])
    t.send({ type: 'difference.received', answer: { kind: 'difference', items: [{ kind: 'plain', payload: 'm11' }, { kind: 'plain', payload: 'm12' }], state: { ...S0, pts: 12 } } })
    assert.deepEqual(t.delivered(), ['m11', 'm12'])
    assert.match(t.value(), /synced/)
    // Each item carries the position before the difference; its state is a mark after them, so a
    // commit cannot pass a difference that is only partly handled.
    const positions = t.rec.of('deliver').flatMap((p) => p.items.map((i: any) => i.position.state.pts))
    assert.deepEqual(positions, [10, 10])
    assert.deepEqual(t.rec.of('commitPosition').at(-1), { accountId: 'acc', position: { box: 'common', state: { ...S0, pts: 12 } } })
  })

  test('differenceSlice: applied, then the next part is fetched from its intermediate state', () => {
    const t = synced()
    t.send({ type: 'updates.tooLong' })
    t.send({ type: 'difference.received', answer: { kind: 'slice', items: [{ kind: 'plain', payload: 'a' }], state: { ...S0, pts: 110 } } })
    assert.deepEqual(t.rec.of('fetchDifference').map((p) => p.state.pts), [10, 110])
    t.send({ type: 'difference.received', answer: { kind: 'difference', items: [{ kind: 'plain', payload: 'b' }], state: { ...S0, pts: 150 } } })
    assert.deepEqual(t.delivered(), ['a', 'b'])
    t.send(got([pts(151)]))
    assert.deepEqual(t.delivered(), ['a', 'b', 'p151'])
  })

  test('differenceTooLong: the loss is reported and updates continue from the new pts', () => {
    const t = synced()
    t.send({ type: 'updates.tooLong' })
    t.send({ type: 'difference.received', answer: { kind: 'tooLong', pts: 500 } })
    assert.deepEqual(t.rec.of('reportLost'), [{ accountId: 'acc', box: 'common' }])
    t.send(got([pts(501)]))
    assert.deepEqual(t.delivered(), ['p501'])
  })

  test('common updates arriving during getDifference wait for it; the ones it covers are dropped', () => {
    const t = synced()
    t.send({ type: 'updates.tooLong' })
    t.send(got([pts(12)]))
    t.send(got([pts(13)]))
    t.send({ type: 'difference.received', answer: { kind: 'difference', items: [{ kind: 'plain', payload: 'm11' }, { kind: 'plain', payload: 'm12' }], state: { ...S0, pts: 12 } } })
    assert.deepEqual(t.delivered(), ['m11', 'm12', 'p13'])
  })

  test('seq: an envelope ahead of seq waits; one behind is dropped whole', () => {
    const t = synced()
    t.send(got([{ kind: 'plain', payload: 's7' }], 7))
    assert.deepEqual(t.delivered(), [])
    t.send(got([{ kind: 'plain', payload: 's6' }], 6))
    assert.deepEqual(t.delivered(), ['s6', 's7'])
    t.send(got([{ kind: 'plain', payload: 'old' }], 6))
    assert.deepEqual(t.delivered(), ['s6', 's7'])
    t.send(got([{ kind: 'plain', payload: 'c' }], 9, 8))
    assert.deepEqual(t.delivered(), ['s6', 's7', 'c'], 'updatesCombined seq_start 8..9')
  })

  test('failed getDifference is retried after a delay, updates keep waiting', () => {
    const t = synced()
    t.send({ type: 'updates.tooLong' })
    t.send({ type: 'difference.failed', errorMessage: 'INTERNAL' })
    t.send(got([pts(11)]))
    assert.deepEqual(t.delivered(), [])
    t.clock.increment(1_001)
    assert.equal(t.rec.of('fetchDifference').length, 2)
  })

  test('a fresh state seeds the channel boxes from the dialogs: a push lost before the first one is still fetched', () => {
    const t = start()
    t.send({ type: 'state.received', state: S0 })
    t.send(got([cpts(7n, 6)]))
    t.send({ type: 'channels.seeded', channels: [{ channelId: 7n, pts: 4 }] })
    assert.deepEqual(t.delivered(), [], 'pts 5 is missing: 6 waits')
    t.clock.increment(501)
    assert.deepEqual(t.rec.of('fetchChannelDifference'), [{ accountId: 'acc', channelId: 7n, pts: 4 }])
  })

  test('a channel seen first starts its box; its gap fetches getChannelDifference with the box pts', () => {
    const t = synced()
    t.send(got([cpts(7n, 100)]))
    t.send(got([cpts(7n, 101)]))
    t.send(got([cpts(7n, 103)]))
    assert.deepEqual(t.delivered(), ['c7:100', 'c7:101'])
    t.clock.increment(501)
    assert.deepEqual(t.rec.of('fetchChannelDifference'), [{ accountId: 'acc', channelId: 7n, pts: 101 }])
    t.send({ type: 'channelDifference.received', channelId: 7n, answer: { kind: 'difference', items: [{ kind: 'plain', payload: 'd102' }], pts: 102, final: true } })
    assert.deepEqual(t.delivered(), ['c7:100', 'c7:101', 'd102', 'c7:103'])
  })

  test('a channel difference that is not final fetches its next part at once', () => {
    const t = synced({ common: S0, channels: [{ channelId: 7n, pts: 1 }] })
    t.send({ type: 'difference.received', answer: { kind: 'empty', date: 1001, seq: 5 } })
    t.clock.increment(501)
    t.send({ type: 'channelDifference.received', channelId: 7n, answer: { kind: 'difference', items: [{ kind: 'plain', payload: 'x' }], pts: 50, final: false } })
    assert.deepEqual(t.rec.of('fetchChannelDifference').map((p) => p.pts), [1, 50])
  })

  test('channelDifferenceTooLong: the loss is reported and the box restarts at the given pts', () => {
    const t = synced({ common: S0, channels: [{ channelId: 7n, pts: 1 }] })
    t.clock.increment(501)
    t.send({ type: 'channelDifference.received', channelId: 7n, answer: { kind: 'tooLong', items: [{ kind: 'plain', payload: 'last' }], pts: 900 } })
    assert.deepEqual(t.rec.of('reportLost'), [{ accountId: 'acc', box: 7n }])
    t.send(got([cpts(7n, 901)]))
    assert.deepEqual(t.delivered(), ['last', 'c7:901'])
  })

  test('a lost channel (CHANNEL_PRIVATE) is no longer followed; another failure refetches', () => {
    const t = synced({ common: S0, channels: [{ channelId: 7n, pts: 1 }, { channelId: 8n, pts: 1 }] })
    t.clock.increment(501)
    t.send({ type: 'channelDifference.failed', channelId: 7n, errorMessage: 'CHANNEL_PRIVATE' })
    t.send({ type: 'channelDifference.failed', channelId: 8n, errorMessage: 'INTERNAL' })
    t.clock.increment(501)
    assert.deepEqual(t.rec.of('fetchChannelDifference').map((p) => p.channelId), [7n, 8n, 8n])
  })

  test('restart from the store: getDifference from the stored state first, stored channels fetched too', () => {
    const t = start({ common: S0, channels: [{ channelId: 7n, pts: 42 }] })
    assert.equal(t.rec.of('fetchState').length, 0)
    assert.deepEqual(t.rec.of('fetchDifference'), [{ accountId: 'acc', state: S0 }])
    t.clock.increment(501)
    assert.deepEqual(t.rec.of('fetchChannelDifference'), [{ accountId: 'acc', channelId: 7n, pts: 42 }])
  })

  test('new_session_created and a long outage resynchronise; with resyncAfterDownMs set, a shorter outage does not', () => {
    const rec = recordActions(EFFECTS)
    const clock = new SimulatedClock()
    const actor = createActor(updatesMachine.provide({ actions: rec.actions }), { input: { accountId: 'acc', timing: { resyncAfterDownMs: 15_000 } }, clock })
    actor.start()
    actor.send({ type: 'updates.start', stored: { common: S0, channels: [] } })
    actor.send({ type: 'difference.received', answer: { kind: 'empty', date: 1001, seq: 5 } })
    rec.clear()
    const t = { rec, send: (e: UpdatesEvent) => actor.send(e) }
    t.send({ type: 'connection.down', atMs: 0 })
    t.send({ type: 'connection.up', atMs: 1_000 })
    assert.equal(t.rec.of('fetchDifference').length, 0)
    t.send({ type: 'connection.down', atMs: 10_000 })
    t.send({ type: 'connection.up', atMs: 40_000 })
    assert.equal(t.rec.of('fetchDifference').length, 1)
    t.send({ type: 'difference.received', answer: { kind: 'empty', date: 1001, seq: 5 } })
    t.send({ type: 'session.created' })
    assert.equal(t.rec.of('fetchDifference').length, 2)
  })

  test('a lost last push is found by the periodic difference while synced (common box and channels)', () => {
    const t = synced({ common: S0, channels: [{ channelId: 7n, pts: 3 }] })
    t.send({ type: 'difference.received', answer: { kind: 'empty', date: 1001, seq: 5 } })
    t.clock.increment(501)
    t.send({ type: 'channelDifference.received', channelId: 7n, answer: { kind: 'empty', pts: 3 } })
    const before = [t.rec.of('fetchDifference').length, t.rec.of('fetchChannelDifference').length]
    t.clock.increment(15 * 60_000 - 400)
    t.clock.increment(501)
    t.send({ type: 'difference.received', answer: { kind: 'empty', date: 1001, seq: 5 } })
    t.clock.increment(501)
    assert.deepEqual([t.rec.of('fetchDifference').length, t.rec.of('fetchChannelDifference').length], [before[0]! + 1, before[1]! + 1])
  })

  test('by default every reconnect of the home DC catches up, however short the outage', () => {
    const t = synced()
    t.send({ type: 'connection.down', atMs: 1_000 })
    t.send({ type: 'connection.up', atMs: 1_001 })
    assert.equal(t.rec.of('fetchDifference').length, 1)
  })

  test('more held than MAX_HELD_ITEMS: no waiting, getDifference at once', () => {
    const t = synced()
    for (let i = 0; i <= MAX_HELD_ITEMS; i++) t.send(got([pts(12 + i)]))
    assert.equal(t.rec.of('fetchDifference').length, 1)
  })

  test('stop: nothing more is fetched or delivered', () => {
    const t = synced()
    t.send(got([pts(12)]))
    t.send({ type: 'updates.stop' })
    t.clock.increment(10_000)
    t.send(got([pts(11)]))
    assert.equal(t.rec.of('fetchDifference').length, 0)
    assert.deepEqual(t.delivered(), [])
  })
})
