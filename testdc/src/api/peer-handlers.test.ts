// contacts.resolvePhone: a phone (with or without '+') resolves to its user with the viewer's
// access hash; an unknown or deactivated one is PHONE_NOT_OCCUPIED; an unlogged key is refused.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiKit, as } from './api-test-kit.js'

describe('contacts.resolvePhone', () => {
  test('a phone resolves to its user and access hash; an unknown or deactivated phone is PHONE_NOT_OCCUPIED', async () => {
    const kit = apiKit('resolve-phone')
    const alice = kit.world.presetUser({ phone: '9996630001', firstName: 'Alice' })
    const bob = kit.world.presetUser({ phone: '9996630002', firstName: 'Bob' })
    const gone = kit.world.presetUser({ phone: '9996630003', firstName: 'Gone' })
    kit.world.deactivateUser(gone.id)
    const ctx = kit.world.loginAs(alice.id)
    const r = await kit.call(ctx, { _: 'contacts.resolvePhone', phone: '+999 663 0002' })
    assert.deepEqual(r.peer, { _: 'peerUser', userId: bob.id })
    assert.equal(as(r.users[0]!, 'user').accessHash, bob.accessHash)
    await kit.fails(ctx, { _: 'contacts.resolvePhone', phone: '9996639999' }, 400, 'PHONE_NOT_OCCUPIED')
    await kit.fails(ctx, { _: 'contacts.resolvePhone', phone: '9996630003' }, 400, 'PHONE_NOT_OCCUPIED')
  })
})
