import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { LAYER, type tl } from '@mtswarm/engine/tl'
import { startTestDc, TestDcOptionsError } from './test-dc.js'
import { TestClient, TestRpcError, type TestTransport } from './testing/test-client.js'
import { clientOptions, keyedClient, sharedRsaKeyPem } from './testing/fixtures.js'
import type { TestDc } from './types.js'

describe('test DC: handshake and encrypted round trips', () => {
  let dc: TestDc
  before(async () => {
    dc = await startTestDc({ rsaPrivateKeyPem: sharedRsaKeyPem() })
  })
  after(() => dc.close())

  test('refuses a non-loopback host', async () => {
    await assert.rejects(startTestDc({ host: '0.0.0.0', rsaPrivateKeyPem: sharedRsaKeyPem() }), TestDcOptionsError)
  })

  test('three DCs listen on distinct loopback ports', () => {
    assert.deepEqual(dc.dcs.map((d) => d.id), [1, 2, 3])
    assert.equal(new Set(dc.dcs.map((d) => d.port)).size, 3)
    for (const d of dc.dcs) assert.equal(d.host, '127.0.0.1')
  })

  for (const transport of ['intermediate', 'abridged', 'padded-intermediate', 'full', 'obfuscated2/intermediate', 'obfuscated2/abridged'] as TestTransport[]) {
    test(`engine client handshake, ping and help.getConfig over ${transport}`, async () => {
      const before = dc.stats.handshakesCompleted
      const c = await keyedClient(dc, { transport, dcId: 2 })
      try {
        assert.equal(dc.stats.handshakesCompleted, before + 1)
        const pong = await c.ping(77n)
        assert.equal(pong.pingId, 77n)
        const config = (await c.invoke({
          _: 'invokeWithLayer',
          layer: LAYER,
          query: {
            _: 'initConnection',
            apiId: 1,
            deviceModel: 'test',
            systemVersion: 'node',
            appVersion: '0',
            systemLangCode: 'en',
            langPack: '',
            langCode: 'en',
            query: { _: 'help.getConfig' },
          },
        } as tl.RpcMethod)) as tl.RawConfig
        assert.equal(config._, 'config')
        assert.equal(config.thisDc, 2)
        assert.equal(config.testMode, true)
        assert.deepEqual(
          config.dcOptions.map((o) => [(o as tl.RawDcOption).id, (o as tl.RawDcOption).ipAddress, (o as tl.RawDcOption).port]),
          dc.dcs.map((d) => [d.id, '127.0.0.1', d.port]),
        )
        const name = transport.startsWith('obfuscated2/') ? transport : transport
        assert.ok((dc.stats.transports[name] ?? 0) >= 1, `transport ${name} counted`)
      } finally {
        await c.close()
      }
    })
  }

  test('a method the world does not serve gets INPUT_METHOD_INVALID_<id>_0; help.getNearestDc answers', async () => {
    const c = await keyedClient(dc)
    try {
      const nearest = (await c.invoke({ _: 'help.getNearestDc' })) as tl.RawNearestDc
      assert.equal(nearest.thisDc, 1)
      await assert.rejects(c.invoke({ _: 'account.getWallPapers', hash: 0n } as tl.RpcMethod), (e: unknown) => {
        assert.ok(e instanceof TestRpcError)
        assert.equal(e.code, 400)
        assert.match(e.errorMessage, /^INPUT_METHOD_INVALID_\d+_0$/)
        return true
      })
    } finally {
      await c.close()
    }
  })

  test('started without an api, it serves the world: a new test phone signs up by its code on its home DC', async () => {
    const c = await keyedClient(dc, { dcId: 2 })
    try {
      const codeSettings: tl.RawCodeSettings = { _: 'codeSettings' }
      const phoneNumber = '9996620777'
      const sent = (await c.invoke({ _: 'auth.sendCode', phoneNumber, apiId: 1, apiHash: 'h', settings: codeSettings })) as tl.auth.RawSentCode
      const signIn = await c.invoke({ _: 'auth.signIn', phoneNumber, phoneCodeHash: sent.phoneCodeHash, phoneCode: '22222' })
      assert.equal((signIn as tl.auth.TypeAuthorization)._, 'auth.authorizationSignUpRequired')
      const auth = (await c.invoke({ _: 'auth.signUp', phoneNumber, phoneCodeHash: sent.phoneCodeHash, firstName: 'New', lastName: '' })) as tl.auth.RawAuthorization
      assert.equal((auth.user as tl.RawUser).firstName, 'New')
      assert.equal(dc.world.userIdOfKey({ dcId: 2, authKeyId: c.key!.authKeyId }), (auth.user as tl.RawUser).id)
    } finally {
      await c.close()
    }
  })

  test('temporary keys (p_q_inner_data_temp_dc) work like permanent ones until they expire', async () => {
    const c = await TestClient.connect(clientOptions(dc))
    try {
      const key = await c.handshake({ expiresIn: 3600 })
      assert.equal(key.expiresIn, 3600)
      assert.ok(dc.stats.tempKeys >= 1)
      assert.equal((await c.ping(5n)).pingId, 5n)
    } finally {
      await c.close()
    }
  })

  test('an unknown auth_key_id gets transport error -404 and the connection stays usable', async () => {
    const c = await keyedClient(dc)
    const other = await TestClient.connect(clientOptions(dc))
    try {
      other.useKey(new Uint8Array(256).fill(7), 1n)
      other.send({ _: 'mt_ping', pingId: 1n })
      await waitFor(() => other.transportErrors.length > 0)
      assert.deepEqual(other.transportErrors, [-404])
      assert.ok((dc.stats.transportErrors[-404] ?? 0) >= 1)
      assert.equal((await c.ping(9n)).pingId, 9n)
    } finally {
      await c.close()
      await other.close()
    }
  })
})

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}
