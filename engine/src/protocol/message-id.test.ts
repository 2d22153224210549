import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  MAX_MSG_ID_FUTURE_MS,
  MAX_MSG_ID_PAST_MS,
  MessageIdGenerator,
  checkMsgIdTime,
  isClientMsgId,
  isServerMsgId,
  msgIdFromMs,
  msgIdToMs,
} from './message-id.js'

const T0 = 1_700_000_000_000 // a fixed unix time in ms

describe('msg_id', () => {
  test('encodes unixtime * 2^32 with the fraction of the second in the low bits', () => {
    const id = msgIdFromMs(T0 + 500)
    assert.equal(id >> 32n, BigInt(T0 / 1000))
    assert.equal(id & 0xffffffffn, 0x80000000n) // half a second
    assert.ok(Math.abs(msgIdToMs(id) - (T0 + 500)) < 1)
  })

  test('client ids are divisible by 4, strictly increasing even within one millisecond', () => {
    const gen = new MessageIdGenerator()
    const ids = Array.from({ length: 1000 }, () => gen.next(T0))
    for (const [i, id] of ids.entries()) {
      assert.equal(id & 3n, 0n)
      assert.ok(isClientMsgId(id))
      assert.ok(!isServerMsgId(id))
      if (i > 0) assert.ok(id > (ids[i - 1] as bigint))
    }
  })

  test('the low 32 bits are never zero, even on a whole second', () => {
    const gen = new MessageIdGenerator()
    const id = gen.next(T0)
    assert.notEqual(id & 0xffffffffn, 0n)
    assert.equal(id & 3n, 0n)
  })

  test('server ids: ≡ 1 mod 4 for responses, ≡ 3 otherwise, monotonic across kinds', () => {
    const gen = new MessageIdGenerator({ role: 'server' })
    const a = gen.next(T0, 'response')
    const b = gen.next(T0, 'other')
    const c = gen.next(T0, 'response')
    assert.equal(a & 3n, 1n)
    assert.equal(b & 3n, 3n)
    assert.equal(c & 3n, 1n)
    assert.ok(a < b && b < c)
    assert.ok(isServerMsgId(a) && isServerMsgId(b))
  })

  test('ids follow the clock corrected by the time offset', () => {
    const gen = new MessageIdGenerator({ timeOffsetMs: 60_000 })
    const id = gen.next(T0)
    assert.ok(Math.abs(msgIdToMs(id) - (T0 + 60_000)) < 1)
  })

  test('syncFromServerMsgId derives the offset from a server msg_id (bad_msg 16/17)', () => {
    const gen = new MessageIdGenerator()
    const serverId = msgIdFromMs(T0 + 42_000) | 1n
    assert.equal(gen.syncFromServerMsgId(serverId, T0), 42_000)
    assert.ok(Math.abs(msgIdToMs(gen.next(T0)) - (T0 + 42_000)) < 1)
  })

  test('after the offset moves back, ids stay monotonic', () => {
    const gen = new MessageIdGenerator({ timeOffsetMs: 10_000 })
    const before = gen.next(T0)
    gen.syncFromServerTime(T0 / 1000 - 10, T0)
    const after = gen.next(T0)
    assert.ok(after > before)
    assert.equal(after & 3n, 0n)
  })

  test('checkMsgIdTime: 300 s in the past and 30 s in the future are the limits', () => {
    assert.deepEqual(checkMsgIdTime(msgIdFromMs(T0 - MAX_MSG_ID_PAST_MS + 1000), T0), { kind: 'ok' })
    assert.deepEqual(checkMsgIdTime(msgIdFromMs(T0 + MAX_MSG_ID_FUTURE_MS - 1000), T0), { kind: 'ok' })
    assert.equal(checkMsgIdTime(msgIdFromMs(T0 - MAX_MSG_ID_PAST_MS - 1000), T0).kind, 'too-old')
    assert.equal(checkMsgIdTime(msgIdFromMs(T0 + MAX_MSG_ID_FUTURE_MS + 1000), T0).kind, 'too-new')
  })

  test('parity predicates: client ids ≡ 0 mod 4 only; server ids odd only', () => {
    assert.deepEqual([0n, 1n, 2n, 3n, 4n].map(isClientMsgId), [true, false, false, false, true])
    assert.deepEqual([0n, 1n, 2n, 3n, 4n].map(isServerMsgId), [false, true, false, true, false])
  })

  test('a server id without a kind is a response (≡ 1 mod 4)', () => {
    const gen = new MessageIdGenerator({ role: 'server' })
    assert.equal(gen.next(T0 + 250) & 3n, 1n)
  })

  test('the first id is the clock itself; only a whole second moves it, by one step of 4', () => {
    const gen = new MessageIdGenerator()
    assert.equal(gen.next(T0 + 250), msgIdFromMs(T0 + 250)) // low bits already non-zero: unchanged
    const whole = new MessageIdGenerator()
    assert.equal(whole.next(T0), (BigInt(T0 / 1000) << 32n) + 4n) // low bits zero: the next multiple of 4
    assert.equal(whole.lastId, (BigInt(T0 / 1000) << 32n) + 4n)
    assert.equal(new MessageIdGenerator().lastId, 0n)
  })

  test('syncFromServerTime: offset = server_time·1000 − local clock, and ids follow it', () => {
    const gen = new MessageIdGenerator()
    assert.equal(gen.syncFromServerTime(T0 / 1000 + 5, T0 - 250), 5_250)
    assert.equal(gen.timeOffsetMs, 5_250)
    assert.equal(gen.serverNowMs(T0), T0 + 5_250)
    assert.equal(gen.syncFromServerMsgId(msgIdFromMs(T0 - 3_000) | 1n, T0), -3_000)
  })

  // https://core.telegram.org/mtproto/security_guidelines#checking-msg-id: "older than 300 seconds"
  // and "more than 30 seconds in the future" are ignored; exactly 300 s / 30 s is still accepted.
  test('checkMsgIdTime edges: exactly 300 s old and exactly 30 s ahead pass, 1 ms beyond does not', () => {
    assert.equal(MAX_MSG_ID_PAST_MS, 300_000)
    assert.equal(MAX_MSG_ID_FUTURE_MS, 30_000)
    // whole seconds: the msg_id's low 32 bits are 0, so msgIdToMs is exact
    const atSec = (ms: number): bigint => BigInt(ms / 1000) << 32n
    assert.equal(msgIdToMs(atSec(T0 - 300_000)), T0 - 300_000)
    assert.deepEqual(checkMsgIdTime(atSec(T0 - 300_000), T0), { kind: 'ok' })
    assert.deepEqual(checkMsgIdTime(atSec(T0 + 30_000), T0), { kind: 'ok' })
    const old = msgIdFromMs(T0 - 300_001)
    assert.deepEqual(checkMsgIdTime(old, T0), { kind: 'too-old', msgIdMs: msgIdToMs(old), nowMs: T0 })
    const ahead = msgIdFromMs(T0 + 30_001)
    assert.deepEqual(checkMsgIdTime(ahead, T0), { kind: 'too-new', msgIdMs: msgIdToMs(ahead), nowMs: T0 })
  })
})
