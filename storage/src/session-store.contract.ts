// The SessionStore contract as one node:test suite, run against every implementation
// (memory-store.test.ts, lmdb-store.test.ts). Knows only the interface, never an implementation.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { AccountRecord, PeerRecord, SessionStore } from './session-store.js'
import { DC_OPTION_FLAGS } from './session-store.js'
import { updatesAndPeersContract } from './session-store.contract-updates.js'
import { T0, account, authKey, channelPts, deadLetter, keyBytes, peer, salts, session, updateState } from './session-store.fixtures.js'
import { StoreError } from './store-error.js'

/** A fresh, empty store per test; `reopen` (when the store persists) closes it and opens it again. */
export interface StoreFixture {
  readonly store: SessionStore
  readonly reopen?: () => Promise<SessionStore>
  /** Close whatever is still open and remove files. */
  readonly cleanup: () => Promise<void>
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** Register the contract suite for one implementation. */
export function sessionStoreContract(name: string, makeFixture: () => Promise<StoreFixture>): void {
  const withStore = (fn: (store: SessionStore, fx: StoreFixture) => Promise<void>) => async () => {
    const fx = await makeFixture()
    try {
      await fn(fx.store, fx)
    } finally {
      await fx.cleanup()
    }
  }

  describe(`SessionStore contract: ${name}`, () => {
    test(
      'an empty store has nothing',
      withStore(async (store) => {
        assert.equal(await store.getAccount('a'), undefined)
        assert.deepEqual(await store.listAccounts(), [])
        assert.equal(await store.loadAccountState('a'), undefined)
        assert.equal(await store.getAuthKey('a', 2), undefined)
        assert.equal(await store.getServerSalts('a', 2), undefined)
        assert.equal(await store.getSession('a', 2), undefined)
        assert.equal(await store.getDcOptions(2), undefined)
        assert.deepEqual(await store.listDcOptions(), [])
        assert.equal(await store.getPeer('a', 'user', 1n), undefined)
        assert.equal(await store.getUpdateState('a'), undefined)
      }),
    )

    test(
      'accounts round-trip, replace, and list in id order',
      withStore(async (store) => {
        const b = account('b', { userId: 7_000_000_001n, phone: '15550001111', loginState: 'authorized' })
        await store.putAccount(b)
        await store.putAccount(account('a', { loginState: 'codeSent', phoneCodeHash: 'h4sh' }))
        await store.putAccount(account('c'))
        assert.deepEqual(await store.getAccount('b'), b)
        assert.deepEqual(
          (await store.listAccounts()).map((x) => x.id),
          ['a', 'b', 'c'],
        )
        const moved = { ...b, homeDcId: 4, updatedAtMs: T0 + 1 }
        await store.putAccount(moved)
        assert.deepEqual(await store.getAccount('b'), moved)
        assert.equal((await store.listAccounts()).length, 3)
      }),
    )

    test(
      'perm and temp auth keys coexist per (account, DC); kind defaults to perm',
      withStore(async (store) => {
        const perm = authKey('a', 2)
        const temp = authKey('a', 2, { kind: 'temp', key: keyBytes(99), keyId: INT64_MAX, expiresAtMs: T0 + 86_400_000 })
        const other = authKey('a', 4, { keyId: INT64_MIN })
        await store.putAuthKey(perm)
        await store.putAuthKey(temp)
        await store.putAuthKey(other)
        assert.deepEqual(await store.getAuthKey('a', 2), perm)
        assert.deepEqual(await store.getAuthKey('a', 2, 'temp'), temp)
        assert.deepEqual(await store.getAuthKey('a', 4, 'perm'), other)
        assert.equal(await store.getAuthKey('b', 2), undefined)
        const got = await store.getAuthKey('a', 2)
        assert.equal(Object.getPrototypeOf(got?.key), Uint8Array.prototype, 'plain Uint8Array, not Buffer')
        await store.deleteAuthKey('a', 2, 'temp')
        assert.equal(await store.getAuthKey('a', 2, 'temp'), undefined)
        assert.deepEqual(await store.getAuthKey('a', 2, 'perm'), perm)
      }),
    )

    test(
      'records are copies in both directions',
      withStore(async (store) => {
        const rec = authKey('a', 2)
        const original = new Uint8Array(rec.key)
        await store.putAuthKey(rec)
        rec.key.fill(0)
        const got = await store.getAuthKey('a', 2)
        assert.deepEqual(got?.key, original)
        got?.key.fill(1)
        assert.deepEqual((await store.getAuthKey('a', 2))?.key, original)
      }),
    )

    test(
      'malformed input rejects as a programmer error and stores nothing',
      withStore(async (store) => {
        await assert.rejects(store.putAuthKey(authKey('a', 2, { key: new Uint8Array(255) })), RangeError)
        await assert.rejects(store.putAuthKey(authKey('', 2)), TypeError)
        await assert.rejects(store.putAuthKey(authKey('a', 0)), RangeError)
        await assert.rejects(store.putAuthKey(authKey('a\u0000b', 2)), TypeError)
        await assert.rejects(store.putAuthKey(authKey('a', 2, { keyId: 2n ** 64n })), TypeError)
        await assert.rejects(
          store.putAccount({ ...account('a'), loginState: 'dancing' as AccountRecord['loginState'] }),
          TypeError,
        )
        await assert.rejects(store.putPeers('a', [peer('user', 1n), peer('robot' as 'user', 2n)]), TypeError)
        assert.equal(await store.getAuthKey('a', 2), undefined)
        assert.equal(await store.getAccount('a'), undefined)
        assert.equal(await store.getPeer('a', 'user', 1n), undefined, 'a rejected batch writes nothing')
      }),
    )

    test(
      'server salts keep current and future salts with their windows',
      withStore(async (store) => {
        const s = salts('a', 2)
        await store.putServerSalts(s)
        assert.deepEqual(await store.getServerSalts('a', 2), s)
        const next = { ...s, current: 42n, future: s.future.slice(1), updatedAtMs: T0 + 5 }
        await store.putServerSalts(next)
        assert.deepEqual(await store.getServerSalts('a', 2), next)
        assert.equal(await store.getServerSalts('a', 3), undefined)
      }),
    )

    test(
      'session hints round-trip per (account, DC)',
      withStore(async (store) => {
        await store.putSession(session('a', 2))
        await store.putSession({ ...session('a', 4), sessionId: -1n })
        assert.deepEqual(await store.getSession('a', 2), session('a', 2))
        assert.equal((await store.getSession('a', 4))?.sessionId, -1n)
      }),
    )

    test(
      'DC options are global, replaced per DC, listed in DC order',
      withStore(async (store) => {
        const dc2 = {
          dcId: 2,
          options: [
            { host: '149.154.167.51', port: 443, flags: 0 },
            { host: '2001:67c:4e8:f002::a', port: 443, flags: DC_OPTION_FLAGS.ipv6 },
            { host: '149.154.167.151', port: 443, flags: DC_OPTION_FLAGS.mediaOnly, secret: new Uint8Array([1, 2, 3]) },
          ],
          updatedAtMs: T0,
        }
        const dc10 = { dcId: 10, options: [{ host: '127.0.0.1', port: 10443, flags: 0 }], updatedAtMs: T0 }
        const dc1 = { dcId: 1, options: [], updatedAtMs: T0 }
        await store.putDcOptions(dc10)
        await store.putDcOptions(dc2)
        await store.putDcOptions(dc1)
        assert.deepEqual(await store.getDcOptions(2), dc2)
        assert.deepEqual(
          (await store.listDcOptions()).map((r) => r.dcId),
          [1, 2, 10],
        )
        const dc2b = { ...dc2, options: dc2.options.slice(0, 1), updatedAtMs: T0 + 1 }
        await store.putDcOptions(dc2b)
        assert.deepEqual(await store.getDcOptions(2), dc2b)
      }),
    )

    test(
      'peers: batch write, single and batch read, keyed by (account, type, id)',
      withStore(async (store) => {
        const batch: PeerRecord[] = []
        for (let i = 1n; i <= 500n; i++) batch.push(peer('user', i, { username: `u${i}` }))
        batch.push(peer('channel', 1n, { username: 'chan' }))
        batch.push(peer('chat', 1n, { accessHash: 0n }))
        batch.push(peer('user', INT64_MAX, { phone: '15550002222' }))
        await store.putPeers('a', batch)
        await store.putPeers('a', [])
        assert.deepEqual(await store.getPeer('a', 'user', 250n), batch[249])
        assert.deepEqual(await store.getPeer('a', 'channel', 1n), peer('channel', 1n, { username: 'chan' }))
        assert.equal((await store.getPeer('a', 'chat', 1n))?.accessHash, 0n)
        assert.equal((await store.getPeer('a', 'user', INT64_MAX))?.phone, '15550002222')
        assert.equal(await store.getPeer('b', 'user', 1n), undefined, 'peers are per account')
        const many = await store.getPeers('a', [
          { type: 'user', id: 1n },
          { type: 'user', id: 501n },
          { type: 'channel', id: 1n },
        ])
        assert.deepEqual(many, [batch[0], undefined, peer('channel', 1n, { username: 'chan' })])
        const renamed = peer('user', 1n, { username: 'renamed', updatedAtMs: T0 + 1 })
        await store.putPeers('a', [renamed])
        assert.deepEqual(await store.getPeer('a', 'user', 1n), renamed)
      }),
    )

    test(
      'update state round-trips',
      withStore(async (store) => {
        await store.putUpdateState(updateState('a'))
        assert.deepEqual(await store.getUpdateState('a'), updateState('a'))
        await store.putUpdateState({ ...updateState('a'), pts: 101 })
        assert.equal((await store.getUpdateState('a'))?.pts, 101)
      }),
    )

    test(
      'loadAccountState gathers one account, ordered by DC then kind',
      withStore(async (store) => {
        await store.putAccount(account('a'))
        await store.putAuthKey(authKey('a', 4))
        await store.putAuthKey(authKey('a', 2, { kind: 'temp' }))
        await store.putAuthKey(authKey('a', 2))
        await store.putServerSalts(salts('a', 4))
        await store.putServerSalts(salts('a', 2))
        await store.putSession(session('a', 2))
        await store.putUpdateState(updateState('a'))
        // a neighbour whose id extends ours must not leak in
        await store.putAccount(account('ab'))
        await store.putAuthKey(authKey('ab', 1))
        await store.putServerSalts(salts('ab', 1))
        const state = await store.loadAccountState('a')
        assert.deepEqual(state, {
          account: account('a'),
          authKeys: [authKey('a', 2), authKey('a', 2, { kind: 'temp' }), authKey('a', 4)],
          serverSalts: [salts('a', 2), salts('a', 4)],
          sessions: [session('a', 2)],
          updateState: updateState('a'),
        })
        const bare = await store.loadAccountState('ab')
        assert.deepEqual(bare?.sessions, [])
        assert.equal(bare?.updateState, undefined)
      }),
    )

    test(
      'deleteAccount removes everything of that account and nothing else',
      withStore(async (store) => {
        for (const id of ['a', 'ab']) {
          await store.putAccount(account(id))
          await store.putAuthKey(authKey(id, 2))
          await store.putServerSalts(salts(id, 2))
          await store.putSession(session(id, 2))
          await store.putPeers(id, [peer('user', 1n)])
          await store.putUpdateState(updateState(id))
        }
        await store.putDcOptions({ dcId: 2, options: [], updatedAtMs: T0 })
        await store.deleteAccount('a')
        await store.deleteAccount('nobody')
        assert.equal(await store.getAccount('a'), undefined)
        assert.equal(await store.loadAccountState('a'), undefined)
        assert.equal(await store.getAuthKey('a', 2), undefined)
        assert.equal(await store.getServerSalts('a', 2), undefined)
        assert.equal(await store.getSession('a', 2), undefined)
        assert.equal(await store.getPeer('a', 'user', 1n), undefined)
        assert.equal(await store.getUpdateState('a'), undefined)
        assert.deepEqual(
          (await store.listAccounts()).map((x) => x.id),
          ['ab'],
        )
        const ab = await store.loadAccountState('ab')
        assert.equal(ab?.authKeys.length, 1)
        assert.deepEqual(await store.getPeer('ab', 'user', 1n), peer('user', 1n))
        assert.notEqual(await store.getDcOptions(2), undefined)
      }),
    )

    test(
      'many concurrent writes all land',
      withStore(async (store) => {
        const writes: Promise<void>[] = []
        for (let i = 0; i < 200; i++) {
          const id = `acc${String(i).padStart(3, '0')}`
          writes.push(store.putAccount(account(id)), store.putAuthKey(authKey(id, 1 + (i % 5))))
        }
        await Promise.all(writes)
        const listed = await store.listAccounts()
        assert.equal(listed.length, 200)
        for (let i = 0; i < 200; i += 37) {
          const id = `acc${String(i).padStart(3, '0')}`
          assert.deepEqual(await store.getAuthKey(id, 1 + (i % 5)), authKey(id, 1 + (i % 5)))
        }
      }),
    )

    test(
      'after close every call rejects with StoreError closed; close is idempotent',
      withStore(async (store) => {
        await store.putAccount(account('a'))
        await store.close()
        await store.close()
        const calls: (() => Promise<unknown>)[] = [
          () => store.getAccount('a'),
          () => store.putAccount(account('a')),
          () => store.listAccounts(),
          () => store.deleteAccount('a'),
          () => store.loadAccountState('a'),
          () => store.getAuthKey('a', 2),
          () => store.putAuthKey(authKey('a', 2)),
          () => store.deleteAuthKey('a', 2, 'perm'),
          () => store.getServerSalts('a', 2),
          () => store.putServerSalts(salts('a', 2)),
          () => store.getSession('a', 2),
          () => store.putSession(session('a', 2)),
          () => store.getDcOptions(2),
          () => store.listDcOptions(),
          () => store.putDcOptions({ dcId: 2, options: [], updatedAtMs: T0 }),
          () => store.getPeer('a', 'user', 1n),
          () => store.getPeers('a', []),
          () => store.putPeers('a', []),
          () => store.getUpdateState('a'),
          () => store.putUpdateState(updateState('a')),
          () => store.findPeerByUsername('a', 'x'),
          () => store.findPeerByPhone('a', '1'),
          () => store.listChannelPts('a'),
          () => store.commitUpdates('a', { common: updateState('a') }),
          () => store.commitUpdates('a', {}),
          () => store.listDeadLetters('a'),
          () => store.deleteDeadLetter('a', 'x'),
        ]
        for (const call of calls) {
          await assert.rejects(call(), (e: unknown) => e instanceof StoreError && e.kind === 'closed')
        }
      }),
    )

    updatesAndPeersContract(withStore)

    test(
      'writes in flight when close() is called finish before it resolves',
      withStore(async (store, fx) => {
        const inFlight = store.putAuthKey(authKey('a', 2))
        await store.close()
        await inFlight
        if (fx.reopen === undefined) return
        const again = await fx.reopen()
        assert.deepEqual(await again.getAuthKey('a', 2), authKey('a', 2))
      }),
    )
  })
}

/** Persistence checks, for implementations whose fixture has `reopen`. */
export function persistentStoreContract(name: string, makeFixture: () => Promise<StoreFixture>): void {
  describe(`SessionStore persistence: ${name}`, () => {
    test('every record kind survives close and reopen', async () => {
      const fx = await makeFixture()
      try {
        const store = fx.store
        assert.ok(fx.reopen, 'fixture must support reopen')
        await store.putAccount(account('a', { loginState: 'authorized', userId: 5n }))
        await store.putAuthKey(authKey('a', 2))
        await store.putServerSalts(salts('a', 2))
        await store.putSession(session('a', 2))
        await store.putDcOptions({ dcId: 2, options: [{ host: 'h', port: 1, flags: 0 }], updatedAtMs: T0 })
        await store.putPeers('a', [peer('user', 9n, { username: 'Nine', phone: '19', min: true })])
        await store.putUpdateState(updateState('a'))
        await store.commitUpdates('a', { channels: [channelPts('a', 3n, 4)], deadLetters: [deadLetter('a', 'u1')] })
        const before = await store.loadAccountState('a')
        const again = await fx.reopen()
        assert.deepEqual(await again.loadAccountState('a'), before)
        const nine = peer('user', 9n, { username: 'Nine', phone: '19', min: true })
        assert.deepEqual(await again.getPeer('a', 'user', 9n), nine)
        assert.deepEqual(await again.findPeerByUsername('a', 'nine'), nine)
        assert.deepEqual(await again.findPeerByPhone('a', '19'), nine)
        assert.deepEqual(await again.listChannelPts('a'), [channelPts('a', 3n, 4)])
        assert.deepEqual(await again.listDeadLetters('a'), [deadLetter('a', 'u1')])
        assert.deepEqual(await again.listDcOptions(), [
          { dcId: 2, options: [{ host: 'h', port: 1, flags: 0 }], updatedAtMs: T0 },
        ])
      } finally {
        await fx.cleanup()
      }
    })
  })
}
