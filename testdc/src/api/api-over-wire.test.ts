// The API handlers behind a real test DC on loopback: code login with PHONE_MIGRATE, a message
// from one account to another pushed as updates (apiUpdatesHook) and read back with getHistory.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { tl } from '@mtswarm/engine/tl'
import { startTestDc } from '../test-dc.js'
import { keyedClient, sharedRsaKeyPem } from '../testing/fixtures.js'
import { TestRpcError, type TestClient } from '../testing/test-client.js'
import { createApiHandler } from './api-handler.js'
import { apiUpdatesHook } from './updates.js'

const codeSettings: tl.RawCodeSettings = { _: 'codeSettings' }

async function login(client: TestClient, phoneNumber: string, code: string): Promise<tl.RawUser> {
  const sent = (await client.invoke({ _: 'auth.sendCode', phoneNumber, apiId: 1, apiHash: 'h', settings: codeSettings })) as tl.auth.RawSentCode
  const auth = (await client.invoke({
    _: 'auth.signIn',
    phoneNumber,
    phoneCodeHash: sent.phoneCodeHash,
    phoneCode: code,
  })) as tl.auth.RawAuthorization
  return auth.user as tl.RawUser
}

describe('API handlers over the wire', () => {
  test('login with PHONE_MIGRATE, resolve, send, pushed update, history', async () => {
    const dc = await startTestDc({ rsaPrivateKeyPem: sharedRsaKeyPem(), dcCount: 2, api: createApiHandler(), updates: apiUpdatesHook })
    const clients: TestClient[] = []
    try {
      dc.world.presetUser({ phone: '9996610001', firstName: 'Alice', username: 'alice_wire' })
      dc.world.presetUser({ phone: '9996620002', firstName: 'Bob', username: 'bob_wire' })
      const alice = await keyedClient(dc, { dcId: 1 })
      clients.push(alice)
      await assert.rejects(alice.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }), (e: unknown) => {
        assert.ok(e instanceof TestRpcError)
        assert.deepEqual([e.code, e.errorMessage], [401, 'AUTH_KEY_UNREGISTERED'])
        return true
      })
      await assert.rejects(
        alice.invoke({ _: 'auth.sendCode', phoneNumber: '9996620002', apiId: 1, apiHash: 'h', settings: codeSettings }),
        (e: unknown) => e instanceof TestRpcError && e.code === 303 && e.errorMessage === 'PHONE_MIGRATE_2',
      )
      const aliceUser = await login(alice, '9996610001', '11111')
      assert.equal(aliceUser.self, true)

      const bob = await keyedClient(dc, { dcId: 2 })
      clients.push(bob)
      const bobUser = await login(bob, '9996620002', '22222')
      await bob.ping(1n) // bob's session is online on this connection

      const resolved = (await alice.invoke({ _: 'contacts.resolveUsername', username: 'bob_wire' })) as tl.contacts.RawResolvedPeer
      const bobTl = resolved.users[0] as tl.RawUser
      assert.equal(bobTl.id, bobUser.id)
      const sent = (await alice.invoke({
        _: 'messages.sendMessage',
        peer: { _: 'inputPeerUser', userId: bobTl.id, accessHash: bobTl.accessHash! },
        message: 'hello over the wire',
        randomId: 1n,
      })) as tl.RawUpdateShortSentMessage
      assert.deepEqual([sent._, sent.id, sent.out], ['updateShortSentMessage', 1, true])

      const pushed = (await bob.next((m) => m.obj._ === 'updates')).obj as tl.RawUpdates
      const update = pushed.updates[0] as tl.RawUpdateNewMessage
      assert.equal(update._, 'updateNewMessage')
      assert.equal((update.message as tl.RawMessage).message, 'hello over the wire')
      assert.ok(pushed.users.some((u) => u.id === aliceUser.id && (u as tl.RawUser).accessHash !== undefined))

      const history = (await bob.invoke({
        _: 'messages.getHistory',
        peer: { _: 'inputPeerUser', userId: aliceUser.id, accessHash: 0n },
        offsetId: 0,
        offsetDate: 0,
        addOffset: 0,
        limit: 10,
        maxId: 0,
        minId: 0,
        hash: 0n,
      })) as tl.messages.RawMessages
      assert.deepEqual(
        history.messages.map((m) => [(m as tl.RawMessage).message, (m as tl.RawMessage).out]),
        [['hello over the wire', false]],
      )
      const state = (await bob.invoke({ _: 'updates.getState' })) as tl.updates.RawState
      assert.equal(state.pts, 2) // a new user starts at pts 1
    } finally {
      for (const c of clients) await c.close()
      await dc.close()
    }
  })
})
