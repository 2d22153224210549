// Part of the one SessionStore contract suite (registered by sessionStoreContract): update
// positions that never go back, dead letters, the username/phone index and min peers.
// Knows only the interface, never an implementation.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SessionStore } from './session-store.js'
import { MAX_DEAD_LETTER_PAYLOAD_BYTES } from './session-store.js'
import { T0, account, channelPts, deadLetter, peer, updateState } from './session-store.fixtures.js'

type WithStore = (fn: (store: SessionStore) => Promise<void>) => () => Promise<void>

/** Register the update-state, dead-letter and peer-index tests inside the contract's describe. */
export function updatesAndPeersContract(withStore: WithStore): void {
  test(
    'commitUpdates moves each of pts, qts and seq only forward; date follows a record that moved one',
    withStore(async (store) => {
      const base = updateState('a') // pts 100, qts 5, seq 12
      await store.commitUpdates('a', { common: base })
      assert.deepEqual(await store.getUpdateState('a'), base)
      // All behind or equal: the stored record stays, date included.
      await store.commitUpdates('a', { common: { ...base, pts: 90, qts: 5, seq: 1, date: base.date + 50, updatedAtMs: T0 + 9 } })
      assert.deepEqual(await store.getUpdateState('a'), base)
      // pts forward, qts behind: pts moves, qts keeps the stored value, date follows the commit.
      await store.commitUpdates('a', { common: { ...base, pts: 120, qts: 1, seq: 12, date: base.date + 60, updatedAtMs: T0 + 10 } })
      assert.deepEqual(await store.getUpdateState('a'), { ...base, pts: 120, qts: 5, seq: 12, date: base.date + 60, updatedAtMs: T0 + 10 })
      // putUpdateState is the reset path: it may go back.
      await store.putUpdateState({ ...base, pts: 3 })
      assert.equal((await store.getUpdateState('a'))?.pts, 3)
    }),
  )

  test(
    'channel pts only move forward and list in channel-id order',
    withStore(async (store) => {
      await store.commitUpdates('a', { channels: [channelPts('a', 10n, 50), channelPts('a', 9n, 7), channelPts('a', 1_000_000_000_001n, 1)] })
      await store.commitUpdates('a', { channels: [channelPts('a', 10n, 40), channelPts('a', 9n, 8), channelPts('a', 9n, 6)] })
      await store.commitUpdates('ab', { channels: [channelPts('ab', 10n, 99)] })
      assert.deepEqual(await store.listChannelPts('a'), [channelPts('a', 9n, 8), channelPts('a', 10n, 50), channelPts('a', 1_000_000_000_001n, 1)])
      assert.deepEqual(await store.listChannelPts('b'), [])
    }),
  )

  test(
    'a commit is all or nothing: a bad dead letter leaves positions as they were',
    withStore(async (store) => {
      await store.commitUpdates('a', { common: updateState('a'), channels: [channelPts('a', 5n, 10)] })
      const moved = { common: { ...updateState('a'), pts: 200 }, channels: [channelPts('a', 5n, 20)] }
      const big = deadLetter('a', 'x', { payload: new Uint8Array(MAX_DEAD_LETTER_PAYLOAD_BYTES + 1) })
      await assert.rejects(store.commitUpdates('a', { ...moved, deadLetters: [deadLetter('a', 'ok'), big] }), RangeError)
      await assert.rejects(store.commitUpdates('a', { ...moved, deadLetters: [deadLetter('b', 'ok')] }), TypeError)
      await assert.rejects(store.commitUpdates('a', { ...moved, deadLetters: [deadLetter('a', '')] }), TypeError)
      await assert.rejects(store.commitUpdates('a', { ...moved, deadLetters: [deadLetter('a', 'e', { error: 'x'.repeat(2001) })] }), RangeError)
      await assert.rejects(store.commitUpdates('a', { ...moved, channels: [{ ...channelPts('a', 6n, 1), pts: 1.5 }] }), TypeError)
      assert.equal((await store.getUpdateState('a'))?.pts, 100)
      assert.deepEqual(await store.listChannelPts('a'), [channelPts('a', 5n, 10)])
      assert.deepEqual(await store.listDeadLetters('a'), [])
    }),
  )

  test(
    'dead letters park with their positions, list by parking time then id, and delete once',
    withStore(async (store) => {
      const late = deadLetter('a', 'a/common/pts/7', { parkedAtMs: T0 + 5 })
      const early = deadLetter('a', 'z/common/pts/3', { parkedAtMs: T0 })
      const tie = deadLetter('a', 'b/common/pts/4', { parkedAtMs: T0 })
      await store.commitUpdates('a', { common: { ...updateState('a'), pts: 107 }, deadLetters: [late, early] })
      await store.commitUpdates('a', { deadLetters: [tie] })
      assert.equal((await store.getUpdateState('a'))?.pts, 107)
      assert.deepEqual(await store.listDeadLetters('a'), [tie, early, late])
      // Parked again (replayed and failed again): replaced by id.
      const again = { ...late, attempts: 9, error: 'still failing' }
      await store.commitUpdates('a', { deadLetters: [again] })
      assert.deepEqual(await store.listDeadLetters('a'), [tie, early, again])
      // Copies both ways.
      const listed = await store.listDeadLetters('a')
      listed[0]?.payload.fill(0)
      assert.deepEqual((await store.listDeadLetters('a'))[0]?.payload, tie.payload)
      assert.equal(Object.getPrototypeOf(listed[0]?.payload), Uint8Array.prototype)
      assert.equal(await store.deleteDeadLetter('a', early.id), true)
      assert.equal(await store.deleteDeadLetter('a', early.id), false)
      assert.equal(await store.deleteDeadLetter('nobody', early.id), false)
      assert.deepEqual(await store.listDeadLetters('a'), [tie, again])
      await assert.rejects(store.deleteDeadLetter('a', 'x\u0000'), TypeError)
    }),
  )

  test(
    'username lookup is case-insensitive, and a changed or moved username leaves no stale entry',
    withStore(async (store) => {
      await store.putPeers('a', [peer('user', 1n, { username: 'Alice_Bot', phone: '15550001111' }), peer('channel', 2n, { username: 'news' })])
      assert.deepEqual(await store.findPeerByUsername('a', 'alice_bot'), peer('user', 1n, { username: 'Alice_Bot', phone: '15550001111' }))
      assert.deepEqual(await store.findPeerByUsername('a', 'ALICE_BOT'), await store.findPeerByUsername('a', 'Alice_Bot'))
      assert.equal((await store.findPeerByUsername('a', 'NEWS'))?.type, 'channel')
      assert.equal((await store.findPeerByPhone('a', '15550001111'))?.id, 1n)
      assert.equal(await store.findPeerByUsername('b', 'news'), undefined, 'per account')
      // Rename and change phone: the old entries go.
      await store.putPeers('a', [peer('user', 1n, { username: 'alice2', phone: '15550002222', updatedAtMs: T0 + 1 })])
      assert.equal(await store.findPeerByUsername('a', 'alice_bot'), undefined)
      assert.equal(await store.findPeerByPhone('a', '15550001111'), undefined)
      assert.equal((await store.findPeerByUsername('a', 'Alice2'))?.id, 1n)
      assert.equal((await store.findPeerByPhone('a', '15550002222'))?.id, 1n)
      // The username moves to another peer, then its former holder is seen without it:
      // the entry stays with the new holder.
      await store.putPeers('a', [peer('user', 3n, { username: 'alice2' })])
      assert.equal((await store.findPeerByUsername('a', 'alice2'))?.id, 3n)
      await store.putPeers('a', [peer('user', 1n, { phone: '15550002222' })])
      assert.equal((await store.findPeerByUsername('a', 'alice2'))?.id, 3n)
      // A full record without username clears it.
      await store.putPeers('a', [peer('user', 3n)])
      assert.equal(await store.findPeerByUsername('a', 'alice2'), undefined)
      // Two records claim one name (one is stale): the latest sighting holds the index.
      await store.putPeers('a', [peer('user', 5n, { username: 'shared' }), peer('user', 6n, { username: 'shared' })])
      assert.equal((await store.findPeerByUsername('a', 'shared'))?.id, 6n)
      await store.putPeers('a', [peer('user', 5n, { username: 'Shared' })])
      assert.equal((await store.findPeerByUsername('a', 'shared'))?.id, 5n)
    }),
  )

  test(
    'a min peer never replaces a full access hash; it may fill a missing username, never change it',
    withStore(async (store) => {
      const full = peer('user', 1n, { accessHash: 111n })
      await store.putPeers('a', [full])
      await store.putPeers('a', [peer('user', 1n, { accessHash: 999n, min: true, username: 'seen_min', updatedAtMs: T0 + 1 })])
      assert.deepEqual(await store.getPeer('a', 'user', 1n), { ...full, username: 'seen_min', updatedAtMs: T0 + 1 })
      assert.equal((await store.findPeerByUsername('a', 'seen_min'))?.accessHash, 111n)
      await store.putPeers('a', [peer('user', 1n, { accessHash: 998n, min: true, username: 'other' })])
      assert.equal((await store.getPeer('a', 'user', 1n))?.username, 'seen_min')
      assert.equal(await store.findPeerByUsername('a', 'other'), undefined)
      // Within one batch too: a full record followed by a min one.
      await store.putPeers('a', [peer('user', 2n, { accessHash: 222n }), peer('user', 2n, { accessHash: 5n, min: true })])
      assert.equal((await store.getPeer('a', 'user', 2n))?.accessHash, 222n)
      // A min peer over nothing (or a min one) is stored as min; a full one then replaces it.
      await store.putPeers('a', [peer('user', 4n, { accessHash: 7n, min: true, username: 'm' })])
      await store.putPeers('a', [peer('user', 4n, { accessHash: 8n, min: true })])
      assert.deepEqual(await store.getPeer('a', 'user', 4n), peer('user', 4n, { accessHash: 8n, min: true, username: 'm' }))
      await store.putPeers('a', [peer('user', 4n, { accessHash: 9n })])
      assert.deepEqual(await store.getPeer('a', 'user', 4n), peer('user', 4n, { accessHash: 9n }))
    }),
  )

  test(
    'malformed names reject as programmer errors and write nothing',
    withStore(async (store) => {
      await assert.rejects(store.findPeerByUsername('a', '@alice'), TypeError)
      await assert.rejects(store.findPeerByUsername('a', ''), TypeError)
      await assert.rejects(store.findPeerByPhone('a', '+15550001111'), TypeError)
      await assert.rejects(store.findPeerByPhone('a', '1555 000'), TypeError)
      await assert.rejects(store.putPeers('a', [peer('user', 1n, { username: 'ok' }), peer('user', 2n, { phone: '+1' })]), TypeError)
      await assert.rejects(store.putPeers('a', [peer('user', 1n, { username: 'ok' }), peer('user', 2n, { username: 'a\u0001' })]), TypeError)
      assert.equal(await store.findPeerByUsername('a', 'ok'), undefined)
      assert.equal(await store.getPeer('a', 'user', 1n), undefined)
      await assert.rejects(store.listChannelPts(''), TypeError)
      await assert.rejects(store.listDeadLetters('a\u0000'), TypeError)
    }),
  )

  test(
    'deleteAccount removes channel pts, dead letters and the name index too',
    withStore(async (store) => {
      for (const id of ['a', 'ab']) {
        await store.putAccount(account(id))
        await store.putPeers(id, [peer('user', 1n, { username: 'same', phone: '1555' })])
        await store.commitUpdates(id, { common: updateState(id), channels: [channelPts(id, 3n, 4)], deadLetters: [deadLetter(id, 'u1')] })
      }
      await store.deleteAccount('a')
      assert.equal(await store.findPeerByUsername('a', 'same'), undefined)
      assert.equal(await store.findPeerByPhone('a', '1555'), undefined)
      assert.deepEqual(await store.listChannelPts('a'), [])
      assert.deepEqual(await store.listDeadLetters('a'), [])
      assert.equal(await store.getUpdateState('a'), undefined)
      assert.equal((await store.findPeerByUsername('ab', 'same'))?.id, 1n)
      assert.equal((await store.listChannelPts('ab')).length, 1)
      assert.equal((await store.listDeadLetters('ab')).length, 1)
    }),
  )
}
