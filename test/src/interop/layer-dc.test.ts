// GramJS (layer 198) against a real test DC whose `layers` hook is dcLayersHook: login with
// PHONE_MIGRATE, a message to another GramJS account pushed as updates, history — every request
// read at 198 and up-converted, every result and push down-converted, on the wire.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiUpdatesHook, createApiHandler, dcLayersHook, startTestDc, type LayersHook } from '@mtswarm/testdc'
import { sharedRsaKeyPem } from '@mtswarm/testdc/testing'
import { GramjsDriver } from './gramjs-driver.js'

test('two GramJS clients talk through the test DC at layer 198', async () => {
  const calls: string[] = []
  const layers: LayersHook = (layer) => {
    const codec = dcLayersHook(layer)
    if (codec === undefined) return undefined
    return {
      readRequest: (bytes) => {
        const req = codec.readRequest(bytes)
        calls.push(`${layer} read ${req._}`)
        return req
      },
      writeResult: (method, result) => {
        calls.push(`${layer} write ${method}`)
        return codec.writeResult(method, result)
      },
      writeObject: (obj) => {
        calls.push(`${layer} push ${obj._}`)
        return codec.writeObject(obj)
      },
    }
  }
  const dc = await startTestDc({ rsaPrivateKeyPem: sharedRsaKeyPem(), dcCount: 2, api: createApiHandler(), updates: apiUpdatesHook, layers })
  const drivers: GramjsDriver[] = []
  try {
    dc.world.presetUser({ phone: '9996610001', firstName: 'Alice', username: 'alice_l198' })
    dc.world.presetUser({ phone: '9996620002', firstName: 'Bob', username: 'bob_l198' })
    const config = {
      host: dc.dcs[0]!.host,
      port: dc.dcs[0]!.port,
      dcId: 1,
      publicKeyPem: dc.publicKeyPem,
      fingerprint: BigInt.asUintN(64, dc.fingerprint),
      dcs: dc.dcs,
      apiId: 1,
      apiHash: 'h',
    }
    const alice = new GramjsDriver(config)
    const bob = new GramjsDriver(config)
    drivers.push(alice, bob)
    await alice.connect()
    await bob.connect()
    const me = await alice.login({ phone: '9996610001', code: '11111' })
    assert.deepEqual([me.firstName, me.username], ['Alice', 'alice_l198'])
    const bobUser = await bob.login({ phone: '9996620002', code: '22222' })
    assert.equal(await bob.currentDc(), 2, 'PHONE_MIGRATE_2 followed')

    const sent = await alice.sendMessage('bob_l198', 'hi bob, from layer 198')
    assert.deepEqual([sent.text, sent.out], ['hi bob, from layer 198', true])
    const got = await bob.waitForMessage((m) => m.text === 'hi bob, from layer 198', 10_000)
    assert.deepEqual([got.out, got.senderId], [false, me.id])
    const history = await alice.getHistory('bob_l198', 10)
    assert.deepEqual(
      [...history].map((m) => [m.text, m.out, m.chat.id]),
      [['hi bob, from layer 198', true, bobUser.id]],
    )
    for (const step of ['198 read auth.signIn', '198 write auth.signIn', '198 read messages.sendMessage', '198 push updates', '198 write messages.getHistory']) {
      assert.ok(calls.includes(step), `${step} went through the layer codec`)
    }
  } finally {
    for (const d of drivers) await d.disconnect()
    await dc.close()
  }
})
