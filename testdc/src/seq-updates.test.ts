// seq-bearing pushes over a real socket: membership changes carry the user's next seq, and what
// happens together (World.together) is pushed once, as updatesCombined seq_start..seq.
// https://core.telegram.org/api/updates#updates-sequence
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { tl } from '@mtswarm/engine/tl'
import { startTestDc } from './test-dc.js'
import { keyedClient, sharedRsaKeyPem } from './testing/fixtures.js'
import { bindClientToUser } from './testing/login.js'

describe('seq-bearing pushes', () => {
  test('one basic group: updates with seq + 1; two created together: one updatesCombined over both seqs', async () => {
    const dc = await startTestDc({ rsaPrivateKeyPem: sharedRsaKeyPem(), dcCount: 1, seed: 8 })
    const alice = dc.world.presetUser({ phone: '9996610001', firstName: 'Alice' })
    dc.world.presetUser({ phone: '9996610002', firstName: 'Bob' })
    const bob = await keyedClient(dc)
    try {
      const bobUser = bindClientToUser(dc, bob, 1, '9996610002')
      await bob.ping(1n)
      const s0 = ((await bob.invoke({ _: 'updates.getState' })) as tl.updates.RawState).seq

      dc.world.createChatAs(alice.id, 'one', [{ id: bobUser.id }])
      const single = (await bob.next((m) => m.obj._ === 'updates' || m.obj._ === 'updatesCombined')).obj as tl.RawUpdates
      assert.deepEqual([single._, single.seq, single.updates.map((u) => u._)], ['updates', s0 + 1, ['updateChatParticipants', 'updateNewMessage']])

      dc.world.together(() => {
        dc.world.createChatAs(alice.id, 'two', [{ id: bobUser.id }])
        dc.world.createChatAs(alice.id, 'three', [{ id: bobUser.id }])
      })
      const combined = (await bob.next((m) => m.obj._ === 'updates' || m.obj._ === 'updatesCombined')).obj as tl.RawUpdatesCombined
      assert.deepEqual(
        [combined._, combined.seqStart, combined.seq, combined.updates.map((u) => u._)],
        ['updatesCombined', s0 + 2, s0 + 3, ['updateChatParticipants', 'updateNewMessage', 'updateChatParticipants', 'updateNewMessage']],
      )
      assert.deepEqual(combined.chats.map((c) => (c as tl.RawChat).title).sort(), ['three', 'two'])
      assert.equal(((await bob.invoke({ _: 'updates.getState' })) as tl.updates.RawState).seq, s0 + 3)
      await bob.ping(2n)
      assert.equal(bob.inbox.filter((m) => m.obj._ === 'updates' || m.obj._ === 'updatesCombined').length, 0, 'one push for the two changes')
    } finally {
      await bob.close()
      await dc.close()
    }
  })
})
