// The client against a malicious server mid-session: each case gives a victim account a key the
// hostile server knows, lets the victim call, and answers with an attack (bombs, nesting, forged
// ids, duplicates, replays, mutations, transport errors, silence, 10,000 random frames). Every case:
// the process stays up, no event-loop stall over MAX_STALL_MS, memory bounded, the victim gets the
// honest answer or a typed error, healthy accounts on the real test DC keep answering, and the
// victim's stored key is still there.
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { after, before, describe, test } from 'node:test'
import { MAX_GZIP_INFLATED_BYTES, serializeObject, type TlObject } from '@mtswarm/engine/tl'
import { msgIdFromMs, packContainer } from '@mtswarm/engine/protocol'
import { ProtocolError, type MtSwarmError } from '@mtswarm/engine'
import { seededRng } from '@mtswarm/testdc/testing'
import { HOSTILE_DC, HostileKit, answerService, honestNearest } from './hostile-kit.js'
import type { ClientMessage, HostileLink } from './hostile-server.js'

const kit = new HostileKit()
before(() => kit.start())
after(() => kit.stop('hostile session suite'))

const body = (obj: object): Uint8Array => serializeObject(obj as TlObject)

// NB: the attacks' heavy bytes are made before the suite measures anything: the hostile server
// shares this process, and its own work must not count as the client's stall.
const BOMB = body({ _: 'mt_gzip_packed', packedData: gzipSync(new Uint8Array(64 * 2 ** 20)) })
const NESTED_BOMB = (() => {
  let b = body({ _: 'mt_gzip_packed', packedData: gzipSync(new Uint8Array(32 * 2 ** 20)) })
  for (let i = 0; i < 2; i++) b = body({ _: 'mt_gzip_packed', packedData: gzipSync(b) })
  return b
})()
const PACKED_MIB_UPDATE = body({
  _: 'mt_gzip_packed',
  packedData: gzipSync(body({ _: 'updateShortMessage', out: false, mentioned: false, mediaUnread: false, silent: false, id: 1, userId: 5n, message: 'x'.repeat(2 ** 20), pts: 1, ptsCount: 1, date: 0 })),
})

/** `depth` msg_copy wrappers around `inner`, written in one pass (serializing level by level is quadratic). */
function nestedCopies(inner: Uint8Array, depth: number, msgId: bigint): Uint8Array {
  const LEVEL = 4 + 4 + 8 + 4 + 4 // msg_copy id, then a boxed message: id, msg_id, seqno, bytes
  const out = new Uint8Array(depth * LEVEL + inner.length)
  const view = new DataView(out.buffer)
  out.set(inner, depth * LEVEL)
  for (let level = depth - 1; level >= 0; level--) {
    const at = level * LEVEL
    view.setUint32(at, 0xe06046b2, true)
    view.setUint32(at + 4, 0x5bb8e511, true)
    view.setBigInt64(at + 8, msgId + 4n * BigInt(level), true) // distinct ids: a repeated one stops at the replay check
    view.setInt32(at + 16, 1, true)
    view.setInt32(at + 20, out.length - at - LEVEL, true)
  }
  return out
}

/** A msg_container holding one message whose body is itself a container (packContainer refuses to). */
function containerInContainer(inner: Uint8Array, msgId: bigint): Uint8Array {
  const out = new Uint8Array(8 + 16 + inner.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, 0x73f1f8dc, true)
  view.setInt32(4, 1, true)
  view.setBigInt64(8, msgId, true)
  view.setInt32(16, 0, true)
  view.setInt32(20, inner.length, true)
  out.set(inner, 24)
  return out
}

/**
 * One case: `attack` runs on the victim's first call (each later call is answered honestly, so a
 * victim whose call was resent can recover); `expect` is what the victim's call must end with.
 */
async function sessionCase(
  name: string,
  attack: (m: ClientMessage, link: HostileLink) => Promise<'answered' | 'silent' | void> | 'answered' | 'silent' | void,
  expect: 'honest' | 'typed-error' | 'either',
  /** For 'typed-error': what the error must be. */
  check?: (error: MtSwarmError) => void,
): Promise<void> {
  await kit.run(name, async () => {
    const victim = await kit.victim(true)
    let attacked = false
    let silent = false
    kit.hostile.setScript({
      onMessage: (m, link) => {
        if (answerService(m, link)) return
        if (silent) return
        if (!attacked) {
          attacked = true
          void Promise.resolve(attack(m, link)).then((how) => {
            if (how === 'silent') silent = true
            else if (how !== 'answered') link.answer(m.msgId, honestNearest())
          })
          return
        }
        link.answer(m.msgId, honestNearest())
      },
    })
    const outcome = await kit.victimCall(victim.id, 'NL')
    if (expect === 'honest') assert.ok(outcome.ok, `${name}: expected the honest answer, got ${outcome.ok ? '' : outcome.error.message}`)
    if (expect === 'typed-error') assert.ok(!outcome.ok, `${name}: expected a typed error`)
    if (check !== undefined && !outcome.ok) check(outcome.error)
    const kept = await kit.store.getAuthKey(victim.id, HOSTILE_DC, 'perm')
    assert.ok(kept !== undefined && kept.keyId === victim.key!.authKeyId, `${name}: the victim's key is gone`)
    assert.equal(kit.rt.stats.doubleSettles, 0, `${name}: a call settled twice`)
  })
}

describe('a malicious server mid-session', () => {
  test('a bad_msg_notification (35) naming the call: it fails with ProtocolError bad-msg-notification, the code a field', () =>
    sessionCase(
      'bad_msg 35',
      (m, link) => {
        link.sendEncrypted(body({ _: 'mt_bad_msg_notification', badMsgId: m.msgId, badMsgSeqno: m.seqNo, errorCode: 35 }), { seqNo: 0 })
        return 'answered'
      },
      'typed-error',
      (e) => {
        assert.ok(e instanceof ProtocolError, `bad_msg 35: ${e.name} ${e.message}`)
        assert.deepEqual([e.detail, e.method], [{ kind: 'bad-msg-notification', code: 35 }, 'help.getNearestDc'])
      },
    ))

  test('an rpc_result whose body is an unknown constructor: ProtocolError undecodable-result with the TL error kind', () =>
    sessionCase(
      'unknown constructor',
      (m, link) => {
        link.answer(m.msgId, Uint8Array.of(0xef, 0xbe, 0xad, 0xde))
        return 'answered'
      },
      'typed-error',
      (e) => {
        assert.ok(e instanceof ProtocolError, `unknown constructor: ${e.name} ${e.message}`)
        assert.deepEqual([e.detail, e.method], [{ kind: 'undecodable-result', tlKind: 'unknown-constructor' }, 'help.getNearestDc'])
      },
    ))

  test('a gzip bomb (64 MiB of zeros) as an rpc_result: the call fails typed, nothing inflates past the allowance', () =>
    sessionCase(
      'gzip bomb',
      (m, link) => {
        link.answer(m.msgId, BOMB)
        return 'answered'
      },
      'typed-error',
    ))

  test('gzip_packed nested three deep around a bomb: refused', () =>
    sessionCase(
      'nested gzip',
      (m, link) => {
        link.answer(m.msgId, NESTED_BOMB)
        return 'answered'
      },
      'typed-error',
    ))

  test('a container of 40 packed updates inflating 1 MiB each, then the honest answer', () =>
    sessionCase(
      'container of bombs',
      (_m, link) => {
        const items = Array.from({ length: 40 }, (_, i) => ({ msgId: link.nextMsgId('other'), seqNo: 2 * i + 1, body: PACKED_MIB_UPDATE }))
        link.sendEncrypted(packContainer(items), { msgId: link.nextMsgId('other'), seqNo: 0 })
        assert.ok(40 * 2 ** 20 > MAX_GZIP_INFLATED_BYTES)
      },
      'honest',
    ))

  test('msg_copy nested 40,000 deep (1 MB), then the honest answer', () =>
    sessionCase(
      'nested msg_copy',
      (_m, link) => {
        link.sendEncrypted(nestedCopies(body({ _: 'updatesTooLong' }), 40_000, link.nextMsgId('other')))
      },
      'honest',
    ))

  test('a container inside a container, then the honest answer', () =>
    sessionCase(
      'container in container',
      (m, link) => {
        const innermost = packContainer([{ msgId: link.nextMsgId(), seqNo: 1, body: body({ _: 'mt_rpc_result', reqMsgId: m.msgId, result: body(honestNearest('XX')) }) }])
        link.sendEncrypted(containerInContainer(innermost, link.nextMsgId('other')), { seqNo: 0 })
      },
      'honest',
    ))

  for (const [label, msgId] of [
    ['too old (10 minutes)', () => msgIdFromMs(Date.now() - 600_000) | 1n],
    ['too new (5 minutes ahead)', () => msgIdFromMs(Date.now() + 300_000) | 1n],
    ['of a client (even)', () => msgIdFromMs(Date.now()) & ~3n],
  ] as const) {
    test(`a forged answer under a msg_id ${label} is ignored; the honest one wins`, () =>
      sessionCase(
        `msg_id ${label}`,
        (m, link) => {
          link.sendEncrypted(body({ _: 'mt_rpc_result', reqMsgId: m.msgId, result: body(honestNearest('XX')) }), { msgId: msgId() })
        },
        'honest',
      ))
  }

  test('the same answer 100 times: settled once', () =>
    sessionCase(
      'duplicates',
      (m, link) => {
        const frame = link.answer(m.msgId, honestNearest())
        for (let i = 0; i < 99; i++) link.sendPayload(frame)
        return 'answered'
      },
      'honest',
    ))

  test('replays of every frame sent so far, other keys and this one: ignored', () =>
    sessionCase(
      'replays',
      (m, link) => {
        const first = link.sendEncrypted(body({ _: 'mt_rpc_result', reqMsgId: m.msgId, result: body(honestNearest()) }))
        for (const old of kit.hostile.sent.slice(-2000)) link.sendPayload(old)
        for (let i = 0; i < 20; i++) link.sendPayload(first)
        return 'answered'
      },
      'honest',
    ))

  test('mutated and truncated copies of a forged answer are all refused; the intact honest one wins', () =>
    sessionCase(
      'mutations',
      (m, link) => {
        const rnd = seededRng(11)
        const forged = link.seal(body({ _: 'mt_rpc_result', reqMsgId: m.msgId, result: body(honestNearest('XX')) }))
        for (let i = 0; i < 200; i++) {
          const copy = forged.slice()
          const how = i % 4
          if (how === 0) copy[Math.floor(rnd() * copy.length)]! ^= 1 + Math.floor(rnd() * 255)
          if (how === 1) link.sendPayload(copy.subarray(0, Math.floor(rnd() * copy.length)))
          else if (how === 2) link.sendPayload(Uint8Array.from([...copy, ...copy.subarray(0, 4 + 4 * Math.floor(rnd() * 8))]))
          else if (how === 3) {
            copy[8 + Math.floor(rnd() * 16)]! ^= 0x80 // msg_key
            link.sendPayload(copy)
          } else link.sendPayload(copy)
        }
      },
      'honest',
    ))

  for (const code of [-404, -429, -444]) {
    test(`transport error ${code} on every connection: a typed error or recovery, the key kept`, () =>
      sessionCase(
        `transport ${code}`,
        (_m, link) => {
          link.transportError(code)
          kit.hostile.setScript({
            onMessage: (m2, l2) => {
              if (answerService(m2, l2)) return
              l2.transportError(code)
            },
          })
          return 'silent'
        },
        'either',
      ))
  }

  test('a server that accepts the call and never answers: TimeoutError-like typed failure', () =>
    sessionCase('silence', () => 'silent', 'typed-error'))

  test('half a frame, then a stall: typed failure, nothing decoded from the half', () =>
    sessionCase(
      'half frame',
      (m, link) => {
        const frame = body({ _: 'mt_rpc_result', reqMsgId: m.msgId, result: body(honestNearest()) })
        // a length prefix announcing the whole encrypted message, then half of it
        const prefix = new Uint8Array(4)
        new DataView(prefix.buffer).setUint32(0, 24 + frame.length + 48, true)
        link.sendRaw(prefix)
        link.sendRaw(new Uint8Array(frame.length / 2))
        return 'silent'
      },
      'typed-error',
    ))

  test('10,000 seeded random frames once the session is up (across reconnects), then the honest answer', async () => {
    const FRAMES = 10_000
    const rnd = seededRng(20261207)
    const u8 = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256))
    const long = () => BigInt.asIntN(64, (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32)))
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
    const forged = (reqMsgId: bigint): object =>
      pick([
        () => ({ _: 'mt_bad_server_salt', badMsgId: rnd() < 0.3 ? reqMsgId : long(), badMsgSeqno: 1, errorCode: 48, newServerSalt: long() }),
        () => ({ _: 'mt_bad_msg_notification', badMsgId: rnd() < 0.3 ? reqMsgId : long(), badMsgSeqno: 1, errorCode: pick([16, 17, 18, 19, 20, 32, 33, 34, 35, 48, 64, 99]) }),
        () => ({ _: 'mt_new_session_created', firstMsgId: long(), uniqueId: long(), serverSalt: long() }),
        () => ({ _: 'mt_msgs_ack', msgIds: [reqMsgId, long()] }),
        () => ({ _: 'mt_pong', msgId: long(), pingId: long() }),
        () => ({ _: 'mt_msgs_state_req', msgIds: [long()] }),
        () => ({ _: 'mt_msg_resend_req', msgIds: [long()] }),
        () => ({ _: 'mt_msg_detailed_info', msgId: long(), answerMsgId: long(), bytes: 100, status: 0 }),
        () => ({ _: 'mt_destroy_session_ok', sessionId: long() }),
        () => ({ _: 'mt_rpc_result', reqMsgId: rnd() < 0.1 ? reqMsgId : long(), result: u8(4 * Math.floor(rnd() * 40)) }),
        () => ({ _: 'updateShort', update: { _: 'updateUserTyping', userId: long(), action: { _: 'sendMessageTypingAction' } }, date: 0 }),
      ])()
    let delivered = 0
    let flooding = false
    await kit.run('random frames', async () => {
      const victim = await kit.victim(true)
      /** Floods this link until FRAMES are out (a connection the client drops ends this round). */
      const flood = async (reqMsgId: bigint, link: HostileLink): Promise<void> => {
        flooding = true
        for (let i = 0; delivered < FRAMES && !link.closed; i++) {
          const kind = rnd()
          // NB: lengths of 5+ bytes: a 4-byte payload is a transport error code, tested on its own
          if (kind < 0.25) link.sendPayload(u8(8 + 4 * Math.floor(rnd() * 80)))
          else if (kind < 0.5) link.sendEncrypted(u8(4 * Math.floor(1 + rnd() * 64)), { seqNo: Math.floor(rnd() * 8) })
          else link.sendEncrypted(body(forged(reqMsgId)))
          if (!link.closed) delivered++
          if (i % 200 === 199) await new Promise((r) => setImmediate(r))
        }
        flooding = false
      }
      kit.hostile.setScript({
        onMessage: (m, link) => {
          if (answerService(m, link)) return
          if (delivered < FRAMES) {
            if (!flooding) void flood(m.msgId, link)
            return
          }
          link.answer(m.msgId, honestNearest())
        },
      })
      // the victim's calls go on until the flood is over and one is answered honestly
      for (let round = 0; round < 20; round++) {
        const outcome = await kit.victimCall(victim.id, 'NL')
        if (outcome.ok) break
      }
      const kept = await kit.store.getAuthKey(victim.id, HOSTILE_DC, 'perm')
      assert.ok(kept !== undefined && kept.keyId === victim.key!.authKeyId, "the victim's key is gone")
    })
    assert.ok(delivered >= FRAMES, `only ${delivered} random frames were sent`)
    assert.equal(kit.rt.stats.doubleSettles, 0)
  })
})

