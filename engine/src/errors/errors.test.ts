// Typed errors: message parsing against the generated known-errors list (@mtcute/core raw-errors.json
// via codegen), subclass choice, families, and that every class is an MtSwarmError.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  CancelledError,
  FloodWaitError,
  MigrateError,
  MtSwarmError,
  ProtocolError,
  RpcError,
  TimeoutError,
  TransportError,
  UsageError,
  isMtSwarmError,
  parseRpcErrorMessage,
} from './index.js'

describe('parseRpcErrorMessage', () => {
  test('known name without a number', () => {
    assert.deepEqual(parseRpcErrorMessage('PHONE_CODE_INVALID'), {
      errorName: 'PHONE_CODE_INVALID',
      value: undefined,
      description: 'The provided phone code is invalid.',
    })
  })

  test('known *_%d names: name without the number, value parsed, %d filled in', () => {
    assert.deepEqual(parseRpcErrorMessage('FLOOD_WAIT_3'), {
      errorName: 'FLOOD_WAIT',
      value: 3,
      description: 'A wait of 3 seconds is required',
    })
    assert.deepEqual(parseRpcErrorMessage('PHONE_MIGRATE_2'), {
      errorName: 'PHONE_MIGRATE',
      value: 2,
      description: 'The phone number a user is trying to use for authorization is associated with DC 2',
    })
  })

  test('%d inside the name', () => {
    assert.deepEqual(parseRpcErrorMessage('FILE_PART_7_MISSING'), {
      errorName: 'FILE_PART_MISSING',
      value: 7,
      description: 'Part 7 of the file is missing from storage',
    })
    const wait = parseRpcErrorMessage('PREVIOUS_CHAT_IMPORT_ACTIVE_WAIT_5MIN')
    assert.equal(wait.errorName, 'PREVIOUS_CHAT_IMPORT_ACTIVE_WAIT_MIN')
    assert.equal(wait.value, 5)
  })

  test('unknown names: a trailing number is still split off; no description', () => {
    assert.deepEqual(parseRpcErrorMessage('SOMETHING_NEW_42'), { errorName: 'SOMETHING_NEW', value: 42, description: undefined })
    assert.deepEqual(parseRpcErrorMessage('TOTALLY_NEW'), { errorName: 'TOTALLY_NEW', value: undefined, description: undefined })
  })
})

describe('RpcError.from', () => {
  test('FLOOD_WAIT_X → FloodWaitError with seconds', () => {
    const e = RpcError.from(420, 'FLOOD_WAIT_30', 'auth.sendCode')
    assert.ok(e instanceof FloodWaitError)
    assert.ok(e instanceof RpcError)
    assert.equal(e.seconds, 30)
    assert.equal(e.code, 420)
    assert.equal(e.message, 'FLOOD_WAIT_30')
    assert.equal(e.method, 'auth.sendCode')
    assert.equal(e.kind, 'rpc')
    assert.equal(e.name, 'FloodWaitError')
    assert.ok(e.is('FLOOD_WAIT'))
    assert.ok(e.is('FLOOD_WAIT_30'))
    assert.equal(e.is('PHONE_CODE_INVALID'), false)
  })

  test('X_MIGRATE_N → MigrateError with dcId and scope', () => {
    const e = RpcError.from(303, 'USER_MIGRATE_4', 'users.getUsers')
    assert.ok(e instanceof MigrateError)
    assert.equal(e.dcId, 4)
    assert.equal(e.scope, 'USER')
    const n = RpcError.from(303, 'NETWORK_MIGRATE_2', 'help.getConfig') as MigrateError
    assert.equal(n.scope, 'NETWORK')
  })

  test('other errors stay plain RpcError', () => {
    const e = RpcError.from(400, 'PEER_ID_INVALID', 'messages.sendMessage')
    assert.equal(e.constructor, RpcError)
    assert.equal(e.name, 'RpcError')
    assert.match(String(e), /400 PEER_ID_INVALID \(messages\.sendMessage\)/)
  })
})

describe('families', () => {
  test('every class is an MtSwarmError with its own kind', () => {
    const all: MtSwarmError[] = [
      RpcError.from(400, 'X', 'm'),
      new TransportError(-404, 'auth key not found', 2, 'help.getConfig'),
      new ProtocolError({ kind: 'too-many-resends', resends: 9, limit: 8 }, 'm'),
      new TimeoutError('m', 1000, true),
      new CancelledError('m'),
      new UsageError('stopped', 'engine stopped'),
    ]
    assert.deepEqual(
      all.map((e) => e.kind),
      ['rpc', 'transport', 'protocol', 'timeout', 'cancelled', 'usage'],
    )
    for (const e of all) {
      assert.ok(isMtSwarmError(e))
      assert.ok(e instanceof Error)
    }
    assert.equal(isMtSwarmError(new Error('x')), false)
  })

  test('TransportError describes known codes', () => {
    const e = new TransportError(-429, 'flood', 1)
    assert.match(e.description ?? '', /too many connections/)
    assert.equal(new TransportError(undefined, 'ECONNREFUSED').description, undefined)
    assert.match(e.message, /transport error -429 on DC 1/)
  })

  test('ProtocolError keeps the detail as reported', () => {
    const detail = { kind: 'msg-key-mismatch', expected: new Uint8Array(16), received: new Uint8Array(16).fill(1) } as const
    const e = new ProtocolError(detail)
    assert.equal(e.detail, detail)
    assert.equal(e.message, 'protocol error: msg-key-mismatch')
  })
})
