// The test DC's state file: a restarted DC keeps its fingerprint, auth keys, logins and messages;
// a corrupt file is refused and left untouched.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { tl } from '@mtswarm/engine/tl'
import { createApiHandler } from './api/api-handler.js'
import { apiUpdatesHook } from './api/updates.js'
import { TestDcStateError, decodeState, encodeState } from './state-file.js'
import { startTestDc } from './test-dc.js'
import { clientOptions, keyedClient, sharedRsaKeyPem } from './testing/fixtures.js'
import { TestClient } from './testing/test-client.js'
import { World, seededRandom } from './world/index.js'

const codeSettings: tl.RawCodeSettings = { _: 'codeSettings' }
const options = (statePath: string) => ({ statePath, dcCount: 2, api: createApiHandler(), updates: apiUpdatesHook })

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'mtswarm-state-'))
}

describe('test DC state file', () => {
  test('a restarted DC knows the key, the login and the message', async () => {
    const dir = await tempDir()
    const path = join(dir, 'dc.testdc')
    try {
      const dc1 = await startTestDc({ ...options(path), rsaPrivateKeyPem: sharedRsaKeyPem() })
      assert.equal(dc1.restored, undefined)
      dc1.world.presetUser({ phone: '9996610001', firstName: 'Alice' })
      const alice = await keyedClient(dc1, { dcId: 1 })
      const sent = (await alice.invoke({ _: 'auth.sendCode', phoneNumber: '9996610001', apiId: 1, apiHash: 'h', settings: codeSettings })) as tl.auth.RawSentCode
      const auth = (await alice.invoke({ _: 'auth.signIn', phoneNumber: '9996610001', phoneCodeHash: sent.phoneCodeHash, phoneCode: '11111' })) as tl.auth.RawAuthorization
      const me = auth.user as tl.RawUser
      await alice.invoke({ _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: 'kept across restarts', randomId: 7n })
      const authKey = alice.key!.authKey
      const fingerprint = dc1.fingerprint
      await alice.close()
      await dc1.close()

      const dc2 = await startTestDc(options(path))
      try {
        assert.equal(dc2.fingerprint, fingerprint)
        assert.equal(dc2.restored?.authKeys, 1)
        assert.equal(dc2.restored?.generation, 1)
        const again = await TestClient.connect(clientOptions(dc2, { dcId: 1 }))
        again.useKey(authKey, 0n)
        const users = (await again.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })) as tl.TypeUser[]
        assert.deepEqual(again.transportErrors, []) // no -404: the key is known
        assert.equal((users[0] as tl.RawUser).id, me.id)
        const history = (await again.invoke({ _: 'messages.getHistory', peer: { _: 'inputPeerSelf' }, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: 0n })) as tl.messages.RawMessages
        assert.deepEqual(
          history.messages.map((m) => (m as tl.RawMessage).message),
          ['kept across restarts'],
        )
        // A new account after the restore gets a new id, not the first run's again.
        const bob = dc2.world.presetUser({ phone: '9996610002', firstName: 'Bob' })
        assert.notEqual(bob.id, me.id)
        await again.close()
      } finally {
        await dc2.close()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('a corrupt or foreign file is refused by name and left as it was', async () => {
    const dir = await tempDir()
    try {
      const corrupt = join(dir, 'corrupt.testdc')
      const dc = await startTestDc({ statePath: corrupt, dcCount: 1, rsaPrivateKeyPem: sharedRsaKeyPem() })
      await dc.close()
      const bytes = await readFile(corrupt)
      bytes[bytes.length - 5]! ^= 0xff
      await writeFile(corrupt, bytes)
      const foreign = join(dir, 'foreign.testdc')
      await writeFile(foreign, 'not a state file at all, just text')
      for (const path of [corrupt, foreign]) {
        const before = await readFile(path)
        await assert.rejects(startTestDc({ statePath: path, dcCount: 1 }), (e: unknown) => {
          assert.ok(e instanceof TestDcStateError)
          assert.equal(e.path, path)
          assert.match(e.message, /delete it/)
          return true
        })
        assert.deepEqual(await readFile(path), before)
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('a world round-trips: shared objects stay shared, Maps, Sets, bigints and bytes survive', () => {
    const world = new World({ clock: () => 1_700_000_000_000, random: seededRandom('rt'), dcIds: [1] })
    const a = world.presetUser({ phone: '9996610001', firstName: 'A', password: 'pw' })
    const b = world.presetUser({ phone: '9996610002', firstName: 'B' })
    const ctx = world.loginAs(a.id)
    world.sendMessage(ctx, { type: 'user', id: b.id }, 'hi', 1n)
    const shared = { id: 2n ** 63n - 1n, bytes: new Uint8Array([1, 2, 3]) }
    const app = { byId: new Map([[-5n, shared]]), all: new Set([shared]), list: [shared] }
    const state = { version: 1, savedAtMs: 0, rsaPrivateKeyPem: 'k', seed: '1', generation: 0, dcIds: [1], keys: [], world: world.snapshot(), app } as const
    const back = decodeState(encodeState(state), 'mem')
    const appBack = back.app as typeof app
    assert.ok(appBack.byId instanceof Map && appBack.all instanceof Set)
    const one = appBack.byId.get(-5n)
    assert.deepEqual(one, shared)
    assert.equal(appBack.list[0], one)
    assert.ok(appBack.all.has(one!))
    const restored = new World({ clock: () => 1_700_000_000_000, random: seededRandom('rt2'), dcIds: [1] })
    restored.restore(back.world)
    assert.equal(restored.userIdOfKey(ctx), a.id)
    assert.deepEqual(restored.stats(), world.stats())
    assert.deepEqual(restored.boxOf(b.id), world.boxOf(b.id))
    assert.ok(restored.user(a.id)?.password?.verifier instanceof Uint8Array)
    assert.deepEqual(restored.checkInvariants(), [])
    assert.throws(() => restored.restore(back.world), RangeError) // not fresh any more
  })
})
