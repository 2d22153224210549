import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { seededRandom } from '../crypto/test-random.js'
import { deserializeObject, serializeObject, type TlObject } from '../tl/index.js'
import { ClientSession } from './client-session.js'
import { isContainer, packContainer, unpackContainer, type ContainerItem } from './container.js'
import { MessageReceiver, encryptMessage, encryptionKeyOf, type MessageFields } from './encrypted-message.js'
import { MessageIdGenerator, msgIdFromMs } from './message-id.js'

const T0 = 1_700_000_000_000
const random = seededRandom('client-session')
const key = encryptionKeyOf(random(256))
const SESSION = 0x5e55n
const SALT = 0x5a17n
const bytes = (obj: object): Uint8Array => serializeObject(obj as TlObject)
const ping = (id: bigint) => bytes({ _: 'mt_ping', pingId: id })
const nearestDc = bytes({ _: 'help.getNearestDc' })

/** The far end: decrypts what the client sent and answers as a server would. */
function fakeServer(sessionId = SESSION) {
  const receiver = new MessageReceiver({ key, sessionId, receiver: 'server' })
  const ids = new MessageIdGenerator({ role: 'server' })
  return {
    /** Decrypts a client packet into its messages (container expanded). */
    read(packet: Uint8Array, nowMs = T0): { outer: MessageFields; inner: ContainerItem[] } {
      const r = receiver.receive(packet, nowMs)
      assert.ok(r.ok, `server refused: ${!r.ok && r.error.kind}`)
      const outer = r.value
      if (!isContainer(outer.body)) return { outer, inner: [outer] }
      const inner = unpackContainer(outer.body, outer.msgId)
      assert.ok(inner.ok)
      return { outer, inner: inner.value }
    },
    nextId: (nowMs = T0, kind: 'response' | 'other' = 'response') => ids.next(nowMs, kind),
    packet(body: Uint8Array, msgId: bigint, seqNo = 1, over: Partial<MessageFields> = {}): Uint8Array {
      return encryptMessage(key, { salt: SALT, sessionId, msgId, seqNo, body, ...over }, 'server-to-client', random)
    },
  }
}

function newSession() {
  return new ClientSession({ key, sessionId: SESSION, salt: SALT })
}

describe('ClientSession', () => {
  test('one queued message goes out alone; several go in one container with increasing ids', () => {
    const s = newSession()
    const server = fakeServer()
    const a = s.send(ping(1n), { contentRelated: false })
    let f = s.flush(T0, random)
    assert.equal(f.packets.length, 1)
    let got = server.read(f.packets[0] as Uint8Array)
    assert.equal(isContainer(got.outer.body), false)
    assert.equal(got.outer.seqNo, 0)
    assert.deepEqual(f.sent, [{ ref: a, msgId: got.outer.msgId }])

    const b = s.send(nearestDc, { method: 'help.getNearestDc' })
    const c = s.send(ping(2n), { method: 'mt_ping' })
    f = s.flush(T0, random)
    assert.equal(f.packets.length, 1)
    got = server.read(f.packets[0] as Uint8Array)
    assert.ok(isContainer(got.outer.body))
    assert.deepEqual(
      got.inner.map((m) => m.seqNo),
      [1, 3],
    )
    assert.equal(got.outer.seqNo % 2, 0)
    assert.ok(got.inner.every((m) => m.msgId < got.outer.msgId))
    assert.deepEqual(
      f.sent.map((x) => x.ref),
      [b, c],
    )
    assert.equal(s.inFlight, 2)
  })

  test('results settle their queries; content-related answers are acked in the next flush', () => {
    const s = newSession()
    const server = fakeServer()
    s.send(nearestDc, { method: 'help.getNearestDc' })
    const sent = s.flush(T0, random).sent[0]!
    const result = bytes({ _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 2 })
    const rid = server.nextId()
    const got = s.receive(server.packet(bytes({ _: 'mt_rpc_result', reqMsgId: sent.msgId, result }), rid, 1), T0)
    assert.equal(got.error, undefined)
    assert.deepEqual(got.messages[0]?.event, {
      type: 'rpc.result',
      reqMsgId: sent.msgId,
      method: 'help.getNearestDc',
      result: { _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 2 },
    })
    assert.equal(s.inFlight, 0)
    assert.equal(s.pendingAcks, 1)
    const f = s.flush(T0 + 10, random)
    const ack = server.read(f.packets[0] as Uint8Array)
    assert.deepEqual(deserializeObject(ack.outer.body), { _: 'mt_msgs_ack', msgIds: [rid] })
    assert.equal(ack.outer.seqNo % 2, 0)
    assert.equal(s.pendingAcks, 0)
  })

  test('bad_server_salt: the caller sets the salt and re-sends; the same ref goes out under a new msg_id', () => {
    const s = newSession()
    const server = fakeServer()
    const ref = s.send(nearestDc, { method: 'help.getNearestDc' })
    const first = s.flush(T0, random).sent[0]!
    const notice = bytes({ _: 'mt_bad_server_salt', badMsgId: first.msgId, badMsgSeqno: 1, errorCode: 48, newServerSalt: 77n })
    const got = s.receive(server.packet(notice, server.nextId(), 0), T0)
    const event = got.messages[0]?.event
    assert.ok(event?.type === 'salt.bad')
    s.setSalt(event.newSalt)
    assert.deepEqual(s.resend([event.badMsgId]), [ref])
    const again = s.flush(T0 + 5, random)
    assert.equal(again.sent[0]?.ref, ref)
    assert.ok((again.sent[0]?.msgId as bigint) > first.msgId)
    assert.equal(server.read(again.packets[0] as Uint8Array).outer.salt, 77n)
    assert.equal(s.inFlight, 1)
  })

  test('resend of a container re-queues each of its messages', () => {
    const s = newSession()
    const server = fakeServer()
    const refs = [s.send(nearestDc, { method: 'help.getNearestDc' }), s.send(ping(3n), { method: 'mt_ping' })]
    const f = s.flush(T0, random)
    const containerId = server.read(f.packets[0] as Uint8Array).outer.msgId
    assert.deepEqual(s.resend([containerId]).sort(), [...refs].sort())
    assert.equal(s.queued, 2)
  })

  test('bad_msg_notification 16 from a clock far behind: the notice about our message is still usable', () => {
    const s = newSession()
    s.send(nearestDc, { method: 'help.getNearestDc' })
    const sent = s.flush(T0, random).sent[0]!
    const server = fakeServer()
    const serverNow = T0 + 3_600_000 // server clock an hour ahead: its msg_id is "from the future"
    const noticeId = msgIdFromMs(serverNow) | 1n
    const notice = bytes({ _: 'mt_bad_msg_notification', badMsgId: sent.msgId, badMsgSeqno: 1, errorCode: 16 })
    const got = s.receive(server.packet(notice, noticeId, 0), T0)
    assert.equal(got.error?.kind, 'msg-id-too-new')
    assert.deepEqual(got.messages[0]?.event, { type: 'msg.bad', badMsgId: sent.msgId, badMsgSeqNo: 1, code: 16 })
    assert.ok(Math.abs(s.syncTime(noticeId, T0) - 3_600_000) < 1)
    // a notice about a message we never sent is not trusted
    const forged = bytes({ _: 'mt_bad_msg_notification', badMsgId: 12345n, badMsgSeqno: 1, errorCode: 16 })
    const got2 = s.receive(server.packet(forged, msgIdFromMs(T0 + 7_200_000) | 1n, 0), T0 - 3_600_000)
    assert.equal(got2.error?.kind, 'msg-id-too-new')
    assert.deepEqual(got2.messages, [])
  })

  test('renewSession: new id, seqno from the start, everything in flight queued again', () => {
    const s = newSession()
    const refs = [s.send(nearestDc, { method: 'help.getNearestDc' }), s.send(ping(4n), { method: 'mt_ping' })]
    s.flush(T0, random)
    assert.deepEqual(s.renewSession(0x77n).sort(), [...refs].sort())
    assert.equal(s.sessionId, 0x77n)
    const server = fakeServer(0x77n)
    const got = server.read(s.flush(T0 + 1, random).packets[0] as Uint8Array)
    assert.equal(got.outer.sessionId, 0x77n)
    assert.deepEqual(
      got.inner.map((m) => m.seqNo),
      [1, 3],
    )
  })

  test('new_session_created: what went out before first_msg_id can be re-sent', () => {
    const s = newSession()
    const server = fakeServer()
    const ref = s.send(nearestDc, { method: 'help.getNearestDc' })
    const early = s.flush(T0, random).sent[0]!
    s.send(ping(9n), { method: 'mt_ping' })
    const late = s.flush(T0 + 100, random).sent[0]!
    const notice = bytes({ _: 'mt_new_session_created', firstMsgId: late.msgId, uniqueId: 1n, serverSalt: 99n })
    const event = s.receive(server.packet(notice, server.nextId(T0 + 100, 'other'), 1), T0 + 100).messages[0]?.event
    assert.ok(event?.type === 'session.created')
    s.setSalt(event.serverSalt)
    assert.deepEqual(s.inFlightBefore(event.firstMsgId), [early.msgId])
    assert.deepEqual(s.resend(s.inFlightBefore(event.firstMsgId)), [ref])
    assert.equal(s.salt, 99n)
  })

  test('an inner message re-sent in a new container is acked again but processed once', () => {
    const s = newSession()
    const server = fakeServer()
    const update = { msgId: server.nextId(T0, 'other'), seqNo: 1, body: bytes({ _: 'updatesTooLong' }) }
    const first = s.receive(server.packet(packContainer([update]), server.nextId(T0, 'other'), 2), T0)
    assert.deepEqual(
      first.messages.map((m) => m.event.type),
      ['updates'],
    )
    s.flush(T0, random) // acks it
    const second = s.receive(server.packet(packContainer([update]), server.nextId(T0, 'other'), 2), T0)
    assert.deepEqual(second.messages, [])
    assert.equal(s.pendingAcks, 1)
  })

  test('a refused packet yields the error and no events; the session goes on', () => {
    const s = newSession()
    const server = fakeServer()
    const p = server.packet(bytes({ _: 'updatesTooLong' }), server.nextId(), 1)
    p[p.length - 1] = (p[p.length - 1] as number) ^ 1
    const bad = s.receive(p, T0)
    assert.equal(bad.error?.kind, 'msg-key-mismatch')
    assert.deepEqual(bad.messages, [])
    const good = s.receive(server.packet(bytes({ _: 'updatesTooLong' }), server.nextId(), 1), T0)
    assert.equal(good.error, undefined)
    assert.equal(good.messages.length, 1)
  })

  test('forget: a cancelled request is neither sent nor re-sent', () => {
    const s = newSession()
    const ref = s.send(nearestDc, { method: 'help.getNearestDc' })
    s.forget({ ref })
    assert.equal(s.flush(T0, random).packets.length, 0)
    s.send(nearestDc, { method: 'help.getNearestDc' })
    const sent = s.flush(T0, random).sent[0]!
    s.forget({ msgId: sent.msgId })
    assert.deepEqual(s.resend([sent.msgId]), [])
  })
})

describe('ClientSession: what it knows for the service messages', () => {
  test('stateInfo for the server’s msg_ids: received (ack owed / acked / needing none), unseen, above, below the window', () => {
    const s = new ClientSession({ key, sessionId: SESSION, salt: SALT, replayWindowSize: 2 })
    const server = fakeServer()
    const old = server.nextId()
    const skipped = server.nextId()
    const acked = server.nextId()
    const noAck = server.nextId()
    const owed = server.nextId()
    const above = server.nextId()
    // replay window of 2: `old` is evicted below the floor by the later ones
    s.receive(server.packet(bytes({ _: 'updatesTooLong' }), old, 1), T0)
    s.receive(server.packet(bytes({ _: 'updatesTooLong' }), acked, 3), T0)
    s.flush(T0, random) // the ack for `acked` (and `old`) goes out
    s.receive(server.packet(bytes({ _: 'mt_msgs_ack', msgIds: [1n] }), noAck, 4), T0)
    s.receive(server.packet(bytes({ _: 'updatesTooLong' }), owed, 5), T0)
    assert.deepEqual([...s.stateInfo([old, skipped, noAck, owed, above])], [1, 1, 4 + 16, 4, 3])
    const wide = new ClientSession({ key, sessionId: SESSION, salt: SALT })
    wide.receive(server.packet(bytes({ _: 'updatesTooLong' }), acked, 7), T0)
    wide.flush(T0, random)
    wide.receive(server.packet(bytes({ _: 'updatesTooLong' }), owed, 9), T0)
    // nothing was ever forgotten here: an id below the lowest seen is still certainly not received
    assert.deepEqual([...wide.stateInfo([skipped, acked, noAck, owed, above])], [2, 4 + 8, 2, 4, 3])
    assert.equal(wide.hasReceived(acked), true)
    assert.equal(wide.hasReceived(noAck), false)
  })

  test('messagesOf names what a container of ours carried; ack() owes acks for the next flush', () => {
    const s = newSession()
    const server = fakeServer()
    s.send(nearestDc, { method: 'help.getNearestDc' })
    s.send(nearestDc, { method: 'help.getNearestDc' })
    const f = s.flush(T0, random)
    const got = server.read(f.packets[0] as Uint8Array)
    assert.ok(isContainer(got.outer.body))
    assert.deepEqual(s.messagesOf(got.outer.msgId), f.sent.map((x) => x.msgId))
    assert.deepEqual(s.messagesOf(f.sent[0]!.msgId), [f.sent[0]!.msgId])
    s.ack([123n])
    assert.equal(s.pendingAcks, 1)
    const acks = server.read(s.flush(T0, random).packets[0] as Uint8Array)
    assert.deepEqual((deserializeObject(acks.outer.body) as { msgIds: bigint[] }).msgIds, [123n])
  })
})
