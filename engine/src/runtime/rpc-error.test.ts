// RpcError.fromFailure: every failure kind maps to one code/message, server errors keep Telegram's.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { RpcError, type RuntimeFailure } from './rpc-error.js'
import type { RpcFailure } from '@mtswarm/machines'

describe('RpcError.fromFailure', () => {
  test('maps each failure kind, keeping the typed detail', () => {
    const cases: [RpcFailure | RuntimeFailure, number, string][] = [
      [{ kind: 'rpcError', errorCode: 400, errorMessage: 'PHONE_CODE_INVALID' }, 400, 'PHONE_CODE_INVALID'],
      [{ kind: 'floodWait', seconds: 30, thresholdSec: 10 }, 420, 'FLOOD_WAIT_30'],
      [{ kind: 'timeout', afterMs: 5000, answerDropped: true }, -408, 'RPC_TIMEOUT'],
      [{ kind: 'cancelled', answerDropped: false }, -499, 'RPC_CANCELLED'],
      [{ kind: 'tooManyResends', resends: 8, limit: 8 }, -508, 'RPC_TOO_MANY_RESENDS'],
      [{ kind: 'tooManyMigrations', dcId: 4, limit: 3 }, 303, 'TOO_MANY_MIGRATIONS_4'],
      [{ kind: 'connectionFailed', dcId: 2, reason: 'x' }, -502, 'CONNECTION_FAILED'],
      [{ kind: 'stopped' }, -503, 'RUNTIME_STOPPED'],
      [{ kind: 'unknownDc', dcId: 9 }, -400, 'UNKNOWN_DC_9'],
    ]
    for (const [failure, code, message] of cases) {
      const e = RpcError.fromFailure('help.getConfig', failure)
      assert.ok(e instanceof Error)
      assert.deepEqual([e.name, e.code, e.message, e.method, e.failure], ['RpcError', code, message, 'help.getConfig', failure])
    }
  })
})
