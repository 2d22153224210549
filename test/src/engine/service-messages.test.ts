// The runtime against a scripted server that sends each MTProto service message about messages:
// every case fails when the connection machine's transition for it (or the runtime effect behind
// it) is missing. The server is the hostile one (test/src/hostile): it holds the victim's key,
// sees every message the client sends (salt, session, container) and answers only as scripted.
// https://core.telegram.org/mtproto/service_messages_about_messages
import assert from 'node:assert/strict'
import { createPublicKey, randomBytes } from 'node:crypto'
import { after, describe, test } from 'node:test'
import { SimulatedClock } from 'xstate'
import { ACK_FLUSH_DELAY_MS, STATE_PROBE_INTERVAL_MS, STALE_ACKED_CALL_MS } from '@mtswarm/machines'
import { createRuntime, ProtocolError, type Runtime } from '@mtswarm/engine'
import { parseRsaPublicKey } from '@mtswarm/engine/crypto'
import { encryptionKeyOf, MSG_STATE } from '@mtswarm/engine/protocol'
import { serializeObject, type TlObject } from '@mtswarm/engine/tl'
import { createMemoryStore, type SessionStore } from '@mtswarm/storage'
import { sharedRsaKeyPem } from '@mtswarm/testdc/testing'
import { startHostileServer, type AnyTl, type ClientMessage, type HostileLink, type HostileServer } from '../hostile/hostile-server.js'
import { CLIENT } from './harness.js'

const DC = 9
/** What a case waits for any one message before it fails (a bound, not a measurement). */
const WAIT_MS = 8_000
const PUBLIC_KEY = parseRsaPublicKey(createPublicKey(sharedRsaKeyPem()).export({ type: 'spki', format: 'pem' }).toString())
const body = (obj: AnyTl): Uint8Array => serializeObject(obj as unknown as TlObject)
const nearest = (country: string): AnyTl => ({ _: 'nearestDc', country, thisDc: DC, nearestDc: DC })

type Handler = (m: ClientMessage, link: HostileLink) => void

interface World {
  readonly rt: Runtime
  readonly store: SessionStore
  readonly hostile: HostileServer
  readonly id: string
  /** Every message the client sent, in order. */
  readonly seen: ClientMessage[]
  /** What the server does with each message besides pings and future salts (set per case). */
  handle: Handler
  /** The first message (already seen or still to come) that matches. */
  next(what: string, match: (m: ClientMessage) => boolean): Promise<ClientMessage>
  call(country?: string): Promise<{ country: string }>
  close(): Promise<void>
}

const worlds: World[] = []
after(async () => {
  for (const w of worlds) await w.close()
})

/** A victim account with a key the scripted server knows; `prepare` writes more into its store first. */
async function world(opts: { prepare?: (store: SessionStore, id: string) => Promise<void>; rpcTimeoutMs?: number; clock?: SimulatedClock; nowMs?: () => number } = {}): Promise<World> {
  const hostile = await startHostileServer()
  const store = createMemoryStore()
  const id = `victim-${worlds.length + 1}`
  const key = encryptionKeyOf(new Uint8Array(randomBytes(256)))
  hostile.addKey(key)
  await store.putAuthKey({ accountId: id, dcId: DC, kind: 'perm', key: key.authKey, keyId: key.authKeyId, createdAtMs: Date.now() })
  await opts.prepare?.(store, id)
  const rt = createRuntime({
    store,
    dcs: [{ id: DC, host: '127.0.0.1', port: hostile.port }],
    publicKeys: [PUBLIC_KEY],
    client: CLIENT,
    rpcTimeoutMs: opts.rpcTimeoutMs ?? 60_000,
    ...(opts.clock === undefined ? {} : { clock: opts.clock }),
    ...(opts.nowMs === undefined ? {} : { nowMs: opts.nowMs }),
  })
  const seen: ClientMessage[] = []
  const waiters: { match: (m: ClientMessage) => boolean; resolve: (m: ClientMessage) => void }[] = []
  const w: World = {
    rt,
    store,
    hostile,
    id,
    seen,
    handle: () => {},
    next(what, match) {
      const found = seen.find(match)
      if (found !== undefined) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the client never sent ${what}`)), WAIT_MS)
        waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) })
      })
    },
    async call(country) {
      const r = (await rt.invoke(id, DC, { _: 'help.getNearestDc' })) as { country: string }
      if (country !== undefined) assert.equal(r.country, country)
      return r
    },
    async close() {
      await rt.stop()
      await hostile.close()
    },
  }
  hostile.setScript({
    onMessage: (m, link) => {
      seen.push(m)
      for (const x of [...waiters]) {
        if (!x.match(m)) continue
        waiters.splice(waiters.indexOf(x), 1)
        x.resolve(m)
      }
      const obj = m.obj as { _: string; pingId?: bigint } | undefined
      if (obj?._ === 'mt_ping_delay_disconnect') return void link.answer(m.msgId, { _: 'mt_pong', msgId: m.msgId, pingId: obj.pingId ?? 0n })
      if (obj?._ === 'mt_get_future_salts') {
        const now = Math.floor(Date.now() / 1000)
        return void link.answer(m.msgId, { _: 'mt_future_salts', reqMsgId: m.msgId, now, salts: [{ _: 'mt_future_salt', validSince: now - 60, validUntil: now + 3600, salt: 0n }] })
      }
      w.handle(m, link)
    },
  })
  worlds.push(w)
  return w
}

/** `p`, or a failure after WAIT_MS (a simulated clock runs no call deadline to end a hang). */
function bounded<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what}`)), WAIT_MS)
  })
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}

const isCall = (m: ClientMessage) => m.method === 'help.getNearestDc'
const is = (name: string) => (m: ClientMessage) => m.obj?._ === name

/** A handler that meets the first call with `refuse` and answers every later one with `country`. */
function refuseFirstCall(refuse: Handler, country: string): Handler {
  let refused = false
  return (m, link) => {
    if (!isCall(m)) return
    if (refused) return link.answer(m.msgId, nearest(country))
    refused = true
    refuse(m, link)
  }
}

describe('service messages about messages, against a scripted server', () => {
  test('msgs_state_req from the server is answered with msgs_state_info: received, not received, too high', async () => {
    const w = await world()
    let answerId = 0n
    let skipped = 0n
    w.handle = (m, link) => {
      if (!isCall(m)) return
      answerId = link.nextMsgId()
      skipped = link.nextMsgId() // a server id between the answer and the ones to come, never sent
      link.sendEncrypted(body({ _: 'mt_rpc_result', reqMsgId: m.msgId, result: body(nearest('NL')) }), { msgId: answerId })
    }
    await w.call('NL')
    const link = await new Promise<HostileLink>((resolve) => {
      w.handle = (_m, l) => resolve(l)
      // left unanswered: it only gives the script a link; it ends RUNTIME_STOPPED with the world
      w.call().catch(() => {})
    })
    const tooHigh = link.nextMsgId() + (1000n << 32n)
    const reqId = link.nextMsgId('other')
    link.sendEncrypted(body({ _: 'mt_msgs_state_req', msgIds: [answerId, skipped, tooHigh] }), { msgId: reqId })
    const info = await w.next('msgs_state_info', is('mt_msgs_state_info'))
    const { reqMsgId, info: states } = info.obj as unknown as { reqMsgId: bigint; info: Uint8Array }
    assert.equal(reqMsgId, reqId)
    assert.equal(states[0]! & 7, MSG_STATE.received)
    assert.equal(states[1], MSG_STATE.notReceived)
    assert.equal(states[2], MSG_STATE.notReceivedTooHigh)
    assert.equal(info.seqNo % 2, 0, 'msgs_state_info needs no ack: not content-related')
  })

  test('msg_resend_req from the server: the call goes out again and its answer settles it', async () => {
    const w = await world()
    const copies: bigint[] = []
    w.handle = (m, link) => {
      if (!isCall(m)) return
      copies.push(m.msgId)
      if (copies.length === 1) link.sendEncrypted(body({ _: 'mt_msg_resend_req', msgIds: [m.msgId] }), { seqNo: 0 })
      else link.answer(m.msgId, nearest('RESENT'))
    }
    await w.call('RESENT')
    assert.equal(copies.length, 2)
    assert.notEqual(copies[0], copies[1], 'sent again under a new msg_id')
  })

  test('msg_detailed_info for an answer that never came: the client asks for it (msg_resend_req) and the call settles', async () => {
    const w = await world()
    let lost: { id: bigint; packet: Uint8Array } | undefined
    w.handle = (m, link) => {
      if (isCall(m) && lost === undefined) {
        const id = link.nextMsgId()
        // the answer is made, then "lost": only its detailed info reaches the client
        lost = { id, packet: link.seal(body({ _: 'mt_rpc_result', reqMsgId: m.msgId, result: body(nearest('LOST')) }), { msgId: id }) }
        link.sendEncrypted(body({ _: 'mt_msg_detailed_info', msgId: m.msgId, answerMsgId: id, bytes: 64, status: 0 }), { seqNo: 0 })
        return
      }
      const asked = (m.obj as { _: string; msgIds?: bigint[] } | undefined)
      if (asked?._ === 'mt_msg_resend_req' && lost !== undefined && asked.msgIds?.includes(lost.id)) link.sendPayload(lost.packet)
    }
    await w.call('LOST')
    const req = await w.next('msg_resend_req', is('mt_msg_resend_req'))
    assert.deepEqual((req.obj as unknown as { msgIds: bigint[] }).msgIds, [lost!.id])
  })

  test('msg_detailed_info for an answer the client already has: it is acknowledged again, not asked for', async () => {
    const w = await world()
    let answerId = 0n
    const acksOf = () => w.seen.filter((m) => is('mt_msgs_ack')(m) && (m.obj as unknown as { msgIds: bigint[] }).msgIds.includes(answerId))
    w.handle = (m, link) => {
      if (isCall(m)) {
        answerId = link.nextMsgId()
        link.sendEncrypted(body({ _: 'mt_rpc_result', reqMsgId: m.msgId, result: body(nearest('NL')) }), { msgId: answerId })
        return
      }
      // once the answer's own ack came (and the client's ack batch is idle again), the server
      // "forgets" it and announces the answer again
      if (acksOf().length === 1 && acksOf()[0] === m) {
        setTimeout(() => link.sendEncrypted(body({ _: 'mt_msg_detailed_info', msgId: 4n, answerMsgId: answerId, bytes: 64, status: 0 }), { seqNo: 0 }), 2 * ACK_FLUSH_DELAY_MS)
      }
    }
    await w.call('NL')
    await w.next('the answer’s ack', (m) => acksOf().includes(m))
    await w.next('a second ack of the answer', (m) => acksOf().length >= 2 && acksOf().includes(m))
    assert.equal(w.seen.filter(is('mt_msg_resend_req')).length, 0)
  })

  test('the session stored by an earlier run is destroyed once ready; destroy_session_ok for it leaves the current session alone', async () => {
    const OLD = 0x0123_4567_89abn
    const w = await world({
      prepare: (store, id) => store.putSession({ accountId: id, dcId: DC, sessionId: OLD, serverTimeOffsetMs: 0, updatedAtMs: Date.now() }),
    })
    w.handle = (m, link) => {
      if (is('mt_destroy_session')(m)) {
        const sessionId = (m.obj as unknown as { sessionId: bigint }).sessionId
        link.sendEncrypted(body({ _: 'mt_destroy_session_ok', sessionId }))
        return
      }
      if (isCall(m)) link.answer(m.msgId, nearest('NL'))
    }
    await w.call('NL')
    const destroy = await w.next('destroy_session', is('mt_destroy_session'))
    assert.equal((destroy.obj as unknown as { sessionId: bigint }).sessionId, OLD)
    assert.notEqual(destroy.sessionId, OLD)
    await w.call('NL')
    const calls = w.seen.filter(isCall)
    assert.equal(new Set(calls.map((m) => m.sessionId)).size, 1, 'the answer about the old session did not reset the current one')
    assert.equal(calls.at(-1)!.sessionId, destroy.sessionId)
    assert.equal(w.seen.filter(is('mt_destroy_session')).length, 1)
  })

  test('after bad_msg 32 the new session destroys the previous one by its id', async () => {
    const w = await world()
    w.handle = refuseFirstCall((m, link) => {
      link.sendEncrypted(body({ _: 'mt_bad_msg_notification', badMsgId: m.msgId, badMsgSeqno: m.seqNo, errorCode: 32 }), { seqNo: 0 })
    }, 'NEW')
    await w.call('NEW')
    const calls = w.seen.filter(isCall)
    const [first, second] = [calls[0]!, calls.at(-1)!]
    assert.notEqual(first.sessionId, second.sessionId, 'a new session after 32')
    const destroy = await w.next('destroy_session', is('mt_destroy_session'))
    assert.equal((destroy.obj as unknown as { sessionId: bigint }).sessionId, first.sessionId)
    assert.equal(destroy.sessionId, second.sessionId)
  })

  test('a stored future salt valid now is used from the first message, without get_future_salts', async () => {
    const FUTURE = 0x5a17_5a17n
    const now = Math.floor(Date.now() / 1000)
    const w = await world({
      prepare: (store, id) =>
        store.putServerSalts({ accountId: id, dcId: DC, current: 1n, future: [{ salt: FUTURE, validSinceSec: now - 60, validUntilSec: now + 3600 }], updatedAtMs: Date.now() }),
    })
    w.handle = (m, link) => {
      if (isCall(m)) link.answer(m.msgId, nearest('NL'))
    }
    await w.call('NL')
    assert.equal(w.seen[0]!.salt, FUTURE)
    assert.equal(w.seen.filter(is('mt_get_future_salts')).length, 0)
  })

  test('bad_server_salt keeps the stored future salts', async () => {
    const w = await world()
    w.handle = refuseFirstCall((m, link) => {
      // after get_future_salts was answered (the first thing a fresh connection sends)
      void w.next('get_future_salts', is('mt_get_future_salts')).then(() =>
        setTimeout(() => link.sendEncrypted(body({ _: 'mt_bad_server_salt', badMsgId: m.msgId, badMsgSeqno: m.seqNo, errorCode: 48, newServerSalt: 0x77n }), { seqNo: 0 }), 50),
      )
    }, 'NL')
    await w.call('NL')
    assert.equal(w.rt.stats.badServerSalts, 1)
    const salts = await w.store.getServerSalts(w.id, DC)
    assert.equal(salts?.current, 0x77n)
    assert.equal(salts?.future.length, 1, 'the future salts survived the salt change')
  })

  test('bad_msg 64 naming a container fails every call inside it with that code', async () => {
    const w = await world({ rpcTimeoutMs: 15_000 })
    await (async () => {
      w.handle = (m, link) => {
        if (isCall(m)) link.answer(m.msgId, nearest('NL'))
      }
      await w.call('NL') // the connection is up: the next calls go out together
    })()
    let notified = false
    w.handle = (m, link) => {
      if (!isCall(m) || m.containerMsgId === undefined || notified) return
      notified = true
      link.sendEncrypted(body({ _: 'mt_bad_msg_notification', badMsgId: m.containerMsgId, badMsgSeqno: 0, errorCode: 64 }), { seqNo: 0 })
    }
    const outcomes = await Promise.allSettled([w.call(), w.call(), w.call()])
    const calls = w.seen.filter(isCall).slice(1)
    assert.ok(calls.length >= 2 && calls.every((m) => m.containerMsgId === calls[0]!.containerMsgId), 'the three calls went out in one container')
    for (const o of outcomes) {
      assert.equal(o.status, 'rejected')
      const e = (o as PromiseRejectedResult).reason
      assert.ok(e instanceof ProtocolError, String(e))
      assert.deepEqual(e.detail, { kind: 'bad-msg-notification', code: 64 })
    }
  })

  test('a call acked and left unanswered is asked about (msgs_state_req); what the server lacks is sent again', async () => {
    const clock = new SimulatedClock()
    let skewMs = 0
    const w = await world({ clock, nowMs: () => Date.now() + skewMs })
    const copies: ClientMessage[] = []
    w.handle = (m, link) => {
      if (isCall(m)) {
        copies.push(m)
        // the first copy is acknowledged and then "lost" on the server; a later one is answered
        if (copies.length === 1) link.sendEncrypted(body({ _: 'mt_msgs_ack', msgIds: [m.msgId] }), { seqNo: 0 })
        else link.answer(m.msgId, nearest('PROBED'))
        return
      }
      if (is('mt_msgs_state_req')(m)) {
        const ids = (m.obj as unknown as { msgIds: bigint[] }).msgIds
        link.sendEncrypted(body({ _: 'mt_msgs_state_info', reqMsgId: m.msgId, info: Uint8Array.from(ids, () => MSG_STATE.notReceived) }), { seqNo: 0 })
      }
    }
    const pending = w.call('PROBED')
    await w.next('the call', isCall)
    // let the ack arrive, then let time pass past the threshold
    await new Promise((r) => setTimeout(r, 100))
    skewMs = STALE_ACKED_CALL_MS
    for (let t = 0; t < STALE_ACKED_CALL_MS; t += STATE_PROBE_INTERVAL_MS) clock.increment(STATE_PROBE_INTERVAL_MS)
    const probe = await w.next('msgs_state_req', is('mt_msgs_state_req'))
    assert.deepEqual((probe.obj as unknown as { msgIds: bigint[] }).msgIds, [copies[0]!.msgId])
    await bounded(pending, 'the resent call’s answer')
    assert.equal(copies.length, 2)
    assert.notEqual(copies[1]!.msgId, copies[0]!.msgId)
  })
})
