// callError: every way a call can end without a result maps to one public error class, with the
// typed detail carried as fields (codes, seconds, transport code), never parsed from a string.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  CancelledError,
  FloodWaitError,
  MigrateError,
  ProtocolError,
  RpcError,
  TimeoutError,
  TransportError,
  UsageError,
  callError,
  type CallFailure,
} from './index.js'

const M = 'help.getConfig'

describe('callError', () => {
  test('server errors keep Telegram\'s code and message, with the right subclass', () => {
    const e = callError(M, { kind: 'rpcError', errorCode: 400, errorMessage: 'PHONE_CODE_INVALID' })
    assert.deepEqual([e.constructor, (e as RpcError).code, e.message, (e as RpcError).method], [RpcError, 400, 'PHONE_CODE_INVALID', M])
    const moved = callError(M, { kind: 'rpcError', errorCode: 303, errorMessage: 'PHONE_MIGRATE_4' })
    assert.ok(moved instanceof MigrateError && moved.dcId === 4 && moved.scope === 'PHONE')
    const flood = callError(M, { kind: 'floodWait', seconds: 30, thresholdSec: 10 })
    assert.ok(flood instanceof FloodWaitError && flood.seconds === 30 && flood.code === 420 && flood.message === 'FLOOD_WAIT_30')
    const loop = callError(M, { kind: 'tooManyMigrations', dcId: 4, limit: 3 })
    assert.ok(loop instanceof RpcError && loop.code === 303 && loop.message === 'TOO_MANY_MIGRATIONS_4')
  })

  test('protocol failures arrive as fields and become ProtocolError details', () => {
    const cases: [CallFailure, unknown][] = [
      [{ kind: 'badMsg', code: 48 }, { kind: 'bad-msg-notification', code: 48 }],
      [{ kind: 'undecodable', tlKind: 'unknown-constructor' }, { kind: 'undecodable-result', tlKind: 'unknown-constructor' }],
      [{ kind: 'tooManyResends', resends: 8, limit: 8 }, { kind: 'too-many-resends', resends: 8, limit: 8 }],
    ]
    for (const [failure, detail] of cases) {
      const e = callError(M, failure)
      assert.ok(e instanceof ProtocolError, failure.kind)
      assert.deepEqual([e.detail, e.method], [detail, M])
    }
  })

  test('deadline, cancel, connection, stop and unknown DC', () => {
    const t = callError(M, { kind: 'timeout', afterMs: 5000, answerDropped: true })
    assert.ok(t instanceof TimeoutError && t.afterMs === 5000 && t.answerDropped)
    const c = callError(M, { kind: 'cancelled', answerDropped: false })
    assert.ok(c instanceof CancelledError && !c.answerDropped)
    const x = callError(M, { kind: 'connectionFailed', dcId: 2, reason: 'transport error -404: key unknown', transportErrorCode: -404 })
    assert.ok(x instanceof TransportError && x.code === -404 && x.dcId === 2 && x.method === M)
    // a reason that merely mentions a code is not a transport code: only the field counts
    const y = callError(M, { kind: 'connectionFailed', dcId: 2, reason: 'crashed: got -429 somewhere' })
    assert.ok(y instanceof TransportError && y.code === undefined)
    const s = callError(M, { kind: 'stopped' })
    assert.ok(s instanceof UsageError && s.reason === 'stopped')
    const u = callError(M, { kind: 'unknownDc', dcId: 9 })
    assert.ok(u instanceof UsageError && u.reason === 'bad-config' && u.field === 'dcs' && /DC 9/.test(u.message))
  })
})
