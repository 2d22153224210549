// msgpackr round-trips of TL longs and bytes, schema versions and the migration hook.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Unpackr } from 'msgpackr'
import { MIGRATIONS, RECORD_VERSIONS, decodeRecord, encodeRecord, packRaw } from './record-codec.js'
import type { VersionTables } from './record-codec.js'
import type { AuthKeyRecord, ServerSaltsRecord } from './session-store.js'
import { StoreError } from './store-error.js'

const where = { path: '/tmp/x.mtswarm', key: 'k' }
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

describe('record codec', () => {
  test('bigint fields keep their type and value at every width, including int64 limits', () => {
    for (const keyId of [0n, 1n, -1n, 127n, -129n, 2n ** 31n, -(2n ** 32n), 2n ** 53n + 1n, INT64_MIN, INT64_MAX]) {
      const rec: AuthKeyRecord = {
        accountId: 'a',
        dcId: 2,
        kind: 'perm',
        key: new Uint8Array(256).fill(0xab),
        keyId,
        createdAtMs: 1_763_900_000_123,
      }
      const back = decodeRecord('authKey', encodeRecord('authKey', rec), where)
      assert.equal(typeof back.keyId, 'bigint')
      assert.equal(back.keyId, keyId)
      assert.equal(typeof back.createdAtMs, 'number', 'numbers stay numbers, even above 2^32')
      assert.deepEqual(back, rec)
    }
  })

  test('Uint8Array fields come back as plain Uint8Array copies, nested ones too', () => {
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255])
    const encoded = encodeRecord('dcOptions', {
      dcId: 2,
      options: [{ host: 'h', port: 443, flags: 0, secret: bytes }],
      updatedAtMs: 1,
    })
    const back = decodeRecord('dcOptions', encoded, where)
    const secret = back.options[0]?.secret
    assert.equal(Object.getPrototypeOf(secret), Uint8Array.prototype)
    assert.deepEqual(secret, bytes)
    assert.notEqual(secret?.buffer, encoded.buffer, 'not a view into the encoded buffer')
  })

  test('every record carries v and only its schema fields; undefined optionals are omitted', () => {
    const salts: ServerSaltsRecord & { extra?: string } = {
      accountId: 'a',
      dcId: 1,
      current: 5n,
      future: [{ salt: -5n, validSinceSec: 10, validUntilSec: 20 }],
      updatedAtMs: 3,
      extra: 'not stored',
    }
    const raw = new Unpackr({ int64AsType: 'bigint', mapsAsObjects: true }).unpack(
      encodeRecord('serverSalts', salts),
    ) as Record<string, unknown>
    assert.equal(raw.v, RECORD_VERSIONS.serverSalts)
    assert.deepEqual(Object.keys(raw).sort(), ['accountId', 'current', 'dcId', 'future', 'updatedAtMs', 'v'])
  })

  test('a newer schema version is a typed version error naming the path', () => {
    const bytes = packRaw({ v: RECORD_VERSIONS.account + 1, id: 'a' })
    assert.throws(
      () => decodeRecord('account', bytes, where),
      (e: unknown) => e instanceof StoreError && e.kind === 'version' && e.message.includes(where.path),
    )
  })

  test('garbage, a non-map, a missing version or a malformed body is a typed corrupt error', () => {
    const cases = [
      new Uint8Array([0xc1]), // never-used msgpack byte
      packRaw([1, 2, 3]),
      packRaw({ id: 'a' }),
      packRaw({ v: 1, id: 'a', homeDcId: 'two', loginState: 'anonymous', createdAtMs: 1, updatedAtMs: 1 }),
    ]
    for (const bytes of cases) {
      assert.throws(
        () => decodeRecord('account', bytes, where),
        (e: unknown) => e instanceof StoreError && e.kind === 'corrupt',
      )
    }
  })

  test('an older version runs through the migration hook', () => {
    // A pretend v3 of `peer` whose v2 lacked `updatedAtMs`, with its v2 -> v3 migration.
    const tables: VersionTables = {
      versions: { ...RECORD_VERSIONS, peer: 3 },
      migrations: { ...MIGRATIONS, peer: { ...MIGRATIONS.peer, 2: (body) => ({ ...body, updatedAtMs: 0 }) } },
    }
    const v2 = packRaw({ v: 2, type: 'user', id: 5n, accessHash: 6n })
    assert.deepEqual(decodeRecord('peer', v2, where, tables), { type: 'user', id: 5n, accessHash: 6n, updatedAtMs: 0 })
    const noMigration: VersionTables = { ...tables, migrations: MIGRATIONS }
    assert.throws(
      () => decodeRecord('peer', v2, where, noMigration),
      (e: unknown) => e instanceof StoreError && e.kind === 'version',
    )
  })

  test('a v1 peer (before min records existed) reads as a full peer', () => {
    const v1 = packRaw({ v: 1, type: 'user', id: 5n, accessHash: 6n, username: 'Bob', updatedAtMs: 1 })
    const got = decodeRecord('peer', v1, where)
    assert.deepEqual(got, { type: 'user', id: 5n, accessHash: 6n, username: 'Bob', updatedAtMs: 1 })
    assert.equal(got.min, undefined)
  })

  test('encoding a malformed record is a TypeError (programmer error)', () => {
    assert.throws(
      () => encodeRecord('updateState', { accountId: 'a', pts: 1.5, qts: 0, date: 0, seq: 0, updatedAtMs: 0 }),
      TypeError,
    )
  })
})
