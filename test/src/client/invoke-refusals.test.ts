// Misuse refused on the client, against the test DC on loopback: a request too big for one
// MTProto message, upload parts against Telegram's part rules, values TL cannot carry and bad
// account ids all reject at once with UsageError 'bad-argument' — and nothing reaches the server.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UsageError, createEngine, type Account, type Engine } from '@mtswarm/engine'
import { createMemoryStore, openLmdbStore, type SessionStore } from '@mtswarm/storage'
import { apiUpdatesHook, createApiHandler, startTestDc, type TestDc } from '@mtswarm/testdc'
import { sharedRsaKeyPem } from '@mtswarm/testdc/testing'

let dc: TestDc
let engine: Engine
let acc: Account

const API_HASH = '0123456789abcdef0123456789abcdef'
const engineOn = (store: SessionStore = createMemoryStore()): Engine =>
  createEngine({ apiId: 4242, apiHash: API_HASH, store, dcs: dc.dcs, publicKeys: [dc.publicKeyPem] })

before(async () => {
  dc = await startTestDc({ dcCount: 2, rsaPrivateKeyPem: sharedRsaKeyPem(), api: createApiHandler(), updates: apiUpdatesHook })
  dc.world.presetUser({ phone: '9996610190', firstName: 'Careful' })
  engine = engineOn()
  acc = engine.account('careful')
  await acc.sendCode('9996610190')
  assert.equal((await acc.signIn('11111')).status, 'authorized')
  // One ordinary call, so the connection's first (initConnection-wrapped) request is behind us.
  await acc.invoke({ _: 'help.getConfig' })
})
after(async () => {
  await engine.stop()
  await dc.close()
})

/** What the server saw: frames, messages, and calls of `method`. */
const seen = (method: string): [number, number, number] => [dc.stats.framesIn, dc.stats.messagesIn, dc.stats.rpcCalls[method] ?? 0]

/**
 * `call()`'s outcome if it settles before the event loop turns once more (nothing sent can have
 * been answered by then), else 'pending'.
 */
async function settledAtOnce(call: () => Promise<unknown>): Promise<unknown> {
  const p = call().then(
    () => 'resolved',
    (e: unknown) => e,
  )
  return Promise.race([p, new Promise((resolve) => setImmediate(() => resolve('pending')))])
}

/** Asserts that `call` rejects at once with UsageError 'bad-argument' naming `field`, and the server saw nothing. */
async function refusedLocally(method: string, call: () => Promise<unknown>, field: string): Promise<UsageError> {
  const before = seen(method)
  const outcome = await settledAtOnce(call)
  assert.ok(outcome instanceof UsageError, `expected a UsageError at once, got ${String(outcome)}`)
  assert.equal(outcome.reason, 'bad-argument', outcome.message)
  assert.equal(outcome.field, field, outcome.message)
  // A ping or ack of the live session may still go out: wait for one real round trip, then
  // compare what the server received from this call.
  await acc.invoke({ _: 'help.getConfig' })
  const now = seen(method)
  assert.equal(now[2], before[2], `${method} reached the server`)
  assert.ok(now[1] - before[1] <= 3, `${now[1] - before[1]} messages in for one getConfig`)
  return outcome
}

describe('one MTProto message per request', () => {
  test('a request over the message limit rejects at once and is never sent (no resend loop until a timeout)', async () => {
    const message = 'x'.repeat(1_100_000)
    const e = await refusedLocally(
      'messages.sendMessage',
      () => acc.invoke({ _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message, randomId: 1n }, { timeout: 5000 }),
      'messages.sendMessage',
    )
    assert.match(e.message, /one MTProto message carries at most \d+/)
    assert.ok(Object.keys(dc.stats.errors).every((k) => !/frame/i.test(k)), JSON.stringify(dc.stats.errors))
  })
})

describe('upload parts (https://core.telegram.org/api/files)', () => {
  const part = (filePart: number, fileTotalParts: number, size: number) => () =>
    acc.invoke({ _: 'upload.saveBigFilePart', fileId: 7n, filePart, fileTotalParts, bytes: new Uint8Array(size) })

  test('a part over 512 KiB, an empty part, a part past the total, and a bad middle size are refused', async () => {
    await refusedLocally('upload.saveBigFilePart', part(0, 4, 512 * 1024 + 1024), 'upload.saveBigFilePart.bytes')
    await refusedLocally('upload.saveBigFilePart', part(0, 4, 0), 'upload.saveBigFilePart.bytes')
    await refusedLocally('upload.saveBigFilePart', part(4, 4, 1024), 'upload.saveBigFilePart.filePart')
    await refusedLocally('upload.saveBigFilePart', part(0, 0, 1024), 'upload.saveBigFilePart.fileTotalParts')
    await refusedLocally('upload.saveBigFilePart', part(1, 4, 3 * 1024), 'upload.saveBigFilePart.bytes') // 3 KiB does not divide 512 KiB
    await refusedLocally('upload.saveBigFilePart', part(1, 4, 1000), 'upload.saveBigFilePart.bytes') // not a multiple of 1 KiB
    await refusedLocally(
      'upload.saveFilePart',
      () => acc.invoke({ _: 'upload.saveFilePart', fileId: 7n, filePart: -1, bytes: new Uint8Array(1024) }),
      'upload.saveFilePart.filePart',
    )
  })

  test('a valid part and a short last part do reach the server', async () => {
    const before = seen('upload.saveBigFilePart')[2]
    for (const call of [part(0, 3, 512 * 1024), part(2, 3, 1000)]) {
      // The test DC has no file store: whatever it answers, the call was sent.
      await call().catch((e: unknown) => assert.ok(!(e instanceof UsageError), String(e)))
    }
    assert.equal(seen('upload.saveBigFilePart')[2], before + 2)
  })
})

describe('values TL cannot carry', () => {
  test('a long outside int64 names its field and is not sent wrapped', async () => {
    const e = await refusedLocally(
      'messages.sendMessage',
      () => acc.invoke({ _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: 'hi', randomId: 2n ** 64n }),
      'messages.sendMessage.randomId',
    )
    assert.match(e.message, /long out of range: 18446744073709551616n/)
  })

  test('an int outside int32, and a non-integer, name their field', async () => {
    const history = (limit: number) => () =>
      acc.invoke({ _: 'messages.getHistory', peer: { _: 'inputPeerSelf' }, offsetId: 0, offsetDate: 0, addOffset: 0, limit, maxId: 0, minId: 0, hash: 0n })
    await refusedLocally('messages.getHistory', history(2 ** 31), 'messages.getHistory.limit')
    await refusedLocally('messages.getHistory', history(1.5), 'messages.getHistory.limit')
  })

  test('a bad timeout option is refused the same way', async () => {
    const self = (timeout: number) => () => acc.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }, { timeout })
    await refusedLocally('users.getUsers', self(-5), 'timeout')
    await refusedLocally('users.getUsers', self(2 ** 31), 'timeout')
  })
})

describe('account ids', () => {
  test('ids the store cannot key faithfully are UsageError bad-argument, not a TypeError from the store', () => {
    for (const id of ['a\u007fb', 'a\u0000', '\u0085', '\ud800', 'x\udc00y', '', 'x'.repeat(201), 42, null]) {
      assert.throws(
        () => engine.account(id as string),
        (e: unknown) => e instanceof UsageError && e.reason === 'bad-argument' && e.field === 'id',
        JSON.stringify(id),
      )
    }
  })

  test('edge ids that are valid round-trip through LMDB', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtswarm-ids-'))
    const path = join(dir, 'store.mdb')
    const ids = ['x'.repeat(200), 'кот 😀', 'a b~', '\u00a0nbsp']
    try {
      const first = engineOn(await openLmdbStore({ path, verify: 'none', encryptionKey: new Uint8Array(32).fill(3) }))
      await Promise.all(ids.map((id) => first.account(id).ready()))
      await first.stop()
      const second = engineOn(await openLmdbStore({ path, verify: 'none', encryptionKey: new Uint8Array(32).fill(3) }))
      assert.deepEqual((await second.storedAccountIds()).sort(), [...ids].sort())
      await second.stop()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
