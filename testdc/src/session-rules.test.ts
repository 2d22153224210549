// Each session rule of the test DC as a client sees it, over a real socket.
// https://core.telegram.org/mtproto/service_messages_about_messages
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import { msgIdFromMs } from '@mtswarm/engine/protocol'
import { GZIP_PACKED_ID, TlReader, serializeObject, type mtp, type tl } from '@mtswarm/engine/tl'
import { startTestDc } from './test-dc.js'
import { keyedClient, sharedRsaKeyPem } from './testing/fixtures.js'
import type { ReceivedMessage, TestClient } from './testing/test-client.js'
import type { ApiHook, LayerCodec, TestDc } from './types.js'

const isBad = (msgId: bigint) => (m: ReceivedMessage) =>
  (m.obj._ === 'mt_bad_msg_notification' || m.obj._ === 'mt_bad_server_salt') && m.obj.badMsgId === msgId

async function badCode(c: TestClient, msgId: bigint): Promise<number> {
  const m = await c.next(isBad(msgId))
  return (m.obj as mtp.RawMt_bad_msg_notification).errorCode
}

/** ping that follows bad_server_salt (the salt may rotate when the test skews the clock). */
async function pingFollowingSalt(c: TestClient, pingId: bigint): Promise<ReceivedMessage> {
  for (let i = 0; i < 3; i++) {
    const { msgId } = c.send({ _: 'mt_ping', pingId })
    const m = await c.next((x) => (x.obj._ === 'mt_pong' && x.obj.msgId === msgId) || isBad(msgId)(x))
    if (m.obj._ === 'mt_bad_server_salt') {
      c.salt = m.obj.newServerSalt
      continue
    }
    return m
  }
  throw new Error('salt kept changing')
}

describe('test DC session rules', () => {
  let dc: TestDc
  let calls = 0
  let releaseSlow: (() => void) | undefined
  const api: ApiHook = async (call, fallback) => {
    if (call.method === 'help.getNearestDc') calls++
    if (call.method === 'help.getCountriesList') {
      // slow call for rpc_drop_answer
      await new Promise<void>((r) => (releaseSlow = r))
      return { _: 'help.countriesListNotModified' }
    }
    if (call.method === 'users.getUsers') {
      // a large answer: goes out gzip_packed
      return Array.from({ length: 40 }, (_, i) => ({ _: 'user', id: BigInt(i + 1), firstName: 'x'.repeat(100) }))
    }
    return fallback(call)
  }
  let c: TestClient
  before(async () => {
    dc = await startTestDc({ rsaPrivateKeyPem: sharedRsaKeyPem(), api, dcCount: 1 })
  })
  after(() => dc.close())
  beforeEach(async () => {
    dc.faults.clear()
    c = await keyedClient(dc)
  })
  const done = () => c.close()

  test('bad_server_salt carries the correct current salt; the resend with it is answered', async () => {
    try {
      const { msgId } = c.send({ _: 'mt_ping', pingId: 1n }, { salt: c.salt ^ 0x5555n })
      const bad = (await c.next(isBad(msgId))).obj as mtp.RawMt_bad_server_salt
      assert.equal(bad._, 'mt_bad_server_salt')
      assert.equal(bad.errorCode, 48)
      c.salt = bad.newServerSalt
      const pong = await c.ping(2n)
      assert.equal(pong.pingId, 2n)
      const created = (await c.next((m) => m.obj._ === 'mt_new_session_created')).obj as mtp.RawMt_new_session_created
      assert.equal(created.serverSalt, bad.newServerSalt)
      const salts = (await c.next((m) => m.obj._ === 'mt_future_salts', 10).catch(() => undefined))
      assert.equal(salts, undefined)
      const { msgId: req } = c.send({ _: 'mt_get_future_salts', num: 3 })
      const future = (await c.next((m) => m.obj._ === 'mt_future_salts')).obj as mtp.RawMt_future_salts
      assert.equal(future.reqMsgId, req)
      assert.equal(future.salts.length, 3)
      assert.equal(future.salts[0]?.salt, bad.newServerSalt)
    } finally {
      await done()
    }
  })

  test('msg_id: 16 beyond 300 s in the past, 17 beyond 30 s in the future, 18 for wrong low bits', async () => {
    try {
      dc.faults.set({ clockSkewMs: 301_000 })
      assert.equal(await badCode(c, c.send({ _: 'mt_ping', pingId: 1n }).msgId), 16)
      dc.faults.set({ clockSkewMs: 299_000 })
      assert.equal((await pingFollowingSalt(c, 2n)).obj._, 'mt_pong')
      dc.faults.set({ clockSkewMs: -31_000 })
      assert.equal(await badCode(c, c.send({ _: 'mt_ping', pingId: 3n }).msgId), 17)
      dc.faults.set({ clockSkewMs: -29_000 })
      assert.equal((await pingFollowingSalt(c, 4n)).obj._, 'mt_pong')
      dc.faults.set({ clockSkewMs: 0 })
      const odd = c.ids.next(Date.now()) + 2n
      assert.equal(await badCode(c, c.send({ _: 'mt_ping', pingId: 5n }, { msgId: odd }).msgId), 18)
    } finally {
      await done()
    }
  })

  test('seqno: 32 too low, 33 too high, 34 odd for non-content (acks excepted), 35 even for content', async () => {
    try {
      const early = c.ids.next(Date.now())
      c.send({ _: 'mt_ping', pingId: 1n }, { seqNo: 5 })
      await c.next((m) => m.obj._ === 'mt_pong')
      assert.equal(await badCode(c, c.send({ _: 'mt_ping', pingId: 2n }, { seqNo: 1 }).msgId), 32)
      assert.equal(await badCode(c, c.send({ _: 'mt_ping', pingId: 3n }, { msgId: early, seqNo: 9 }).msgId), 33)
      assert.equal(await badCode(c, c.send({ _: 'mt_http_wait', maxDelay: 0, waitAfter: 0, maxWait: 0 }, { seqNo: 7 }).msgId), 34)
      assert.equal(await badCode(c, c.send({ _: 'mt_ping', pingId: 4n }, { seqNo: 8 }).msgId), 35)
      // the rejected messages left no trace: seqno 7 follows 5
      const { msgId: last } = c.send({ _: 'mt_ping', pingId: 5n }, { seqNo: 7 })
      assert.equal(((await c.next((m) => m.obj._ === 'mt_pong' && m.obj.msgId === last)).obj as mtp.RawMt_pong).pingId, 5n)
      // msgs_ack numbered as content-related (mtcute does) is accepted: the ping after it is
      // answered and the ack draws no bad_msg_notification
      const { msgId: ack } = c.send({ _: 'mt_msgs_ack', msgIds: [last] }, { seqNo: 9 })
      const { msgId: pingAfterAck } = c.send({ _: 'mt_ping', pingId: 6n }, { seqNo: 11 })
      await c.next((m) => m.obj._ === 'mt_pong' && m.obj.msgId === pingAfterAck)
      assert.equal(c.received('mt_bad_msg_notification').filter((m) => (m.obj as mtp.RawMt_bad_msg_notification).badMsgId === ack).length, 0)
    } finally {
      await done()
    }
  })

  test('new_session_created once per session, with first_msg_id and the salt', async () => {
    try {
      const first = c.send({ _: 'mt_ping', pingId: 1n }).msgId
      const a = (await c.next((m) => m.obj._ === 'mt_new_session_created')).obj as mtp.RawMt_new_session_created
      assert.equal(a.firstMsgId, first)
      c.salt = a.serverSalt
      await c.ping(2n) // the announced salt is accepted
      assert.equal(c.received('mt_new_session_created').length, 0)
      c.newSession()
      const second = c.send({ _: 'mt_ping', pingId: 3n }).msgId
      const b = (await c.next((m) => m.obj._ === 'mt_new_session_created')).obj as mtp.RawMt_new_session_created
      assert.equal(b.firstMsgId, second)
      assert.notEqual(b.uniqueId, a.uniqueId)
    } finally {
      await done()
    }
  })

  test('a repeated msg_id is executed once and its cached answer is sent again', async () => {
    try {
      const before = calls
      const resent = dc.stats.cachedAnswersResent
      const { msgId, seqNo } = c.send({ _: 'help.getNearestDc' })
      await c.next((m) => m.obj._ === 'mt_rpc_result' && m.obj.reqMsgId === msgId)
      c.send({ _: 'help.getNearestDc' }, { msgId, seqNo })
      const again = (await c.next((m) => m.obj._ === 'mt_rpc_result' && m.obj.reqMsgId === msgId)).obj as mtp.RawMt_rpc_result
      assert.equal(new TlReader(again.result).object()._, 'nearestDc')
      assert.equal(calls, before + 1)
      assert.equal(dc.stats.cachedAnswersResent, resent + 1)
    } finally {
      await done()
    }
  })

  test('containers: items unpacked and answered; acks and answers come back packed', async () => {
    try {
      const { msgIds } = c.sendContainer([{ _: 'mt_ping', pingId: 10n }, { _: 'mt_ping', pingId: 11n }, { _: 'help.getNearestDc' }])
      const pongs = [await c.next((m) => m.obj._ === 'mt_pong' && m.obj.msgId === msgIds[0]), await c.next((m) => m.obj._ === 'mt_pong' && m.obj.msgId === msgIds[1])]
      const result = await c.next((m) => m.obj._ === 'mt_rpc_result' && m.obj.reqMsgId === msgIds[2])
      assert.ok(result)
      assert.ok(pongs[0]?.containerMsgId !== undefined, 'the pong came in a container')
      assert.equal(pongs[0]?.containerMsgId, pongs[1]?.containerMsgId)
      const acks = c.inbox.filter((m) => m.obj._ === 'mt_msgs_ack').flatMap((m) => (m.obj as mtp.RawMt_msgs_ack).msgIds)
      for (const id of msgIds) assert.ok(acks.includes(id), `msg ${id} acknowledged`)
      // 19: a container whose msg_id was already used; 64: an invalid container
      const reused = c.sendContainer([{ _: 'mt_ping', pingId: 12n }]).containerMsgId
      await c.next((m) => m.obj._ === 'mt_pong')
      const body = serializeObject({ _: 'mt_msg_container', messages: [] } as never)
      assert.equal(await badCode(c, c.sendMessage(body, { msgId: reused, seqNo: c.seq.next(false) }).msgId), 19)
      // the inner msg_id is not below the container's (in a fresh session, so no seqno neighbours)
      c.newSession()
      const inner = c.ids.next(Date.now())
      const bad = new Uint8Array(8 + 16 + 12)
      const v = new DataView(bad.buffer)
      v.setUint32(0, 0x73f1f8dc, true)
      v.setInt32(4, 1, true)
      v.setBigInt64(8, inner, true)
      v.setInt32(16, c.seq.next(true), true)
      v.setInt32(20, 12, true)
      bad.set(serializeObject({ _: 'mt_ping', pingId: 13n }), 24)
      assert.equal(await badCode(c, c.sendMessage(bad, { msgId: inner - 4000n, seqNo: c.seq.next(false) }).msgId), 64)
    } finally {
      await done()
    }
  })

  test('20: a msg_id below the remembered window', async () => {
    try {
      const old = c.ids.next(Date.now())
      for (let i = 0; i < 2; i++) c.sendContainer(Array.from({ length: 600 }, () => ({ _: 'mt_msgs_ack' as const, msgIds: [1n] })))
      await c.ping(1n)
      assert.equal(await badCode(c, c.send({ _: 'mt_ping', pingId: 2n }, { msgId: old, seqNo: 1 }).msgId), 20)
    } finally {
      await done()
    }
  })

  test('ping_delay_disconnect closes the connection after the delay', async () => {
    c.send({ _: 'mt_ping_delay_disconnect', pingId: 1n, disconnectDelay: 1 })
    assert.equal(((await c.next((m) => m.obj._ === 'mt_pong')).obj as mtp.RawMt_pong).pingId, 1n)
    await c.closed
    assert.ok((dc.stats.errors['ping-delay-disconnect'] ?? 0) >= 1)
  })

  test('msgs_state_req, destroy_session, rpc_drop_answer', async () => {
    try {
      const { msgId: pinged } = c.send({ _: 'mt_ping', pingId: 1n })
      await c.next((m) => m.obj._ === 'mt_pong')
      const future = msgIdFromMs(Date.now() + 120_000)
      const { msgId: req } = c.send({ _: 'mt_msgs_state_req', msgIds: [pinged, c.ids.lastId - 400n, future] })
      const info = (await c.next((m) => m.obj._ === 'mt_msgs_state_info')).obj as mtp.RawMt_msgs_state_info
      assert.equal(info.reqMsgId, req)
      assert.deepEqual([...info.info], [4, 2, 3])

      const other = c.sessionId
      c.newSession()
      c.send({ _: 'mt_destroy_session', sessionId: other })
      assert.equal((await c.next((m) => m.obj._.startsWith('mt_destroy_session'))).obj._, 'mt_destroy_session_ok')
      c.send({ _: 'mt_destroy_session', sessionId: 12345n })
      assert.equal((await c.next((m) => m.obj._.startsWith('mt_destroy_session'))).obj._, 'mt_destroy_session_none')

      const { msgId: slow } = c.send({ _: 'help.getCountriesList', langCode: 'en', hash: 0 })
      while (releaseSlow === undefined) await new Promise((r) => setTimeout(r, 5))
      const { msgId: drop } = c.send({ _: 'mt_rpc_drop_answer', reqMsgId: slow })
      const dropped = (await c.next((m) => m.obj._ === 'mt_rpc_result' && m.obj.reqMsgId === drop)).obj as mtp.RawMt_rpc_result
      assert.equal(new TlReader(dropped.result).object()._, 'mt_rpc_answer_dropped_running')
      releaseSlow()
      releaseSlow = undefined
      await c.ping(2n)
      assert.equal(c.inbox.some((m) => m.obj._ === 'mt_rpc_result' && m.obj.reqMsgId === slow), false)
      const { msgId: drop2 } = c.send({ _: 'mt_rpc_drop_answer', reqMsgId: 999n })
      const unknown = (await c.next((m) => m.obj._ === 'mt_rpc_result' && m.obj.reqMsgId === drop2)).obj as mtp.RawMt_rpc_result
      assert.equal(new TlReader(unknown.result).object()._, 'mt_rpc_answer_unknown')
    } finally {
      await done()
    }
  })

  test('large results go out gzip_packed and decode transparently', async () => {
    try {
      const request: tl.RpcMethod = { _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }
      const users = (await c.invoke(request)) as tl.RawUser[]
      assert.equal(users.length, 40)
      assert.equal(users[39]?.firstName, 'x'.repeat(100))
      const { msgId } = c.send(request)
      const raw = (await c.next((m) => m.obj._ === 'mt_rpc_result' && m.obj.reqMsgId === msgId)).obj as mtp.RawMt_rpc_result
      assert.equal(new DataView(raw.result.buffer, raw.result.byteOffset, 4).getUint32(0, true), GZIP_PACKED_ID)
    } finally {
      await done()
    }
  })
})

describe('test DC layers hook', () => {
  test('a declared layer routes decoding and encoding through its codec', async () => {
    const seen: string[] = []
    const codec: LayerCodec = {
      readRequest(bytes) {
        seen.push(`read:${bytes.length}`)
        return new TlReader(bytes).object()
      },
      writeResult(method, result) {
        seen.push(`write:${method}`)
        return serializeObject(result as never)
      },
    }
    const dc = await startTestDc({ rsaPrivateKeyPem: sharedRsaKeyPem(), dcCount: 1, layers: (layer) => (layer === 198 ? codec : undefined) })
    const c = await keyedClient(dc)
    try {
      const nearest = (await c.invoke({ _: 'invokeWithLayer', layer: 198, query: { _: 'help.getNearestDc' } } as tl.RpcMethod)) as tl.RawNearestDc
      assert.equal(nearest._, 'nearestDc')
      // the layer sticks to the session: the next plain call is decoded at 198 too
      await c.invoke({ _: 'help.getNearestDc' })
      assert.deepEqual(seen, ['read:4', 'write:help.getNearestDc', 'read:4', 'write:help.getNearestDc'])
    } finally {
      await c.close()
      await dc.close()
    }
  })
})
