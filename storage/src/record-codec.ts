// msgpackr encoding of store records: a schema version `v` in every record, shape checks on the
// way in (programmer errors) and on the way out (corruption), and the migration hook for older
// versions. Knows nothing about where the bytes are kept or whether they are encrypted.
import { Packr } from 'msgpackr'
import type {
  AccountRecord,
  AuthKeyRecord,
  ChannelPtsRecord,
  DcOptionsRecord,
  DeadLetterRecord,
  PeerRecord,
  PeerType,
  ServerSaltsRecord,
  SessionRecord,
  UpdateStateRecord,
} from './session-store.js'
import { StoreError } from './store-error.js'

/** Header of every store: tells an mtswarm store from anything else. */
export interface StoreMeta {
  readonly magic: typeof STORE_MAGIC
  /**
   * Which databases hold sealed values (see store-sealing.ts): 0 none (a store opened with
   * `insecurePlaintext`), 1 auth keys only (v1 stores made with an encryptionKey), 2 auth keys,
   * accounts and DC options, 3 those and dead letters. A store below the current level is re-sealed when opened with a key.
   */
  readonly sealing: number
  /** AES-GCM of a fixed plaintext under the store key; proves the key at open time. */
  readonly keyCheck?: Uint8Array
  readonly createdAtMs: number
}

export const STORE_MAGIC = 'mtswarm-session-store'

/** The (type, id) a username or phone index entry points at. */
export interface PeerRef {
  readonly type: PeerType
  readonly id: bigint
}

/** The records the codec knows, by kind. */
export interface RecordTypes {
  meta: StoreMeta
  account: AccountRecord
  authKey: AuthKeyRecord
  serverSalts: ServerSaltsRecord
  session: SessionRecord
  dcOptions: DcOptionsRecord
  peer: PeerRecord
  /** A username/phone index entry: which peer holds it. */
  peerRef: PeerRef
  updateState: UpdateStateRecord
  channelPts: ChannelPtsRecord
  deadLetter: DeadLetterRecord
}
export type RecordKind = keyof RecordTypes

/** Current schema version of each record kind. Bump one and add a migration when a shape changes. */
export const RECORD_VERSIONS: { readonly [K in RecordKind]: number } = {
  meta: 2,
  account: 1,
  authKey: 1,
  serverSalts: 1,
  session: 1,
  dcOptions: 1,
  peer: 2,
  peerRef: 1,
  updateState: 1,
  channelPts: 1,
  deadLetter: 1,
}

/** Upgrades a decoded record body of version n to version n + 1. */
export type Migration = (body: Record<string, unknown>) => Record<string, unknown>

/**
 * MIGRATIONS[kind][n] turns a version-n body into version n + 1. Only meta and peer have moved past v1 so far;
 * NB: when bumping RECORD_VERSIONS[kind] to n + 1, add MIGRATIONS[kind][n] in the same commit.
 */
export const MIGRATIONS: { readonly [K in RecordKind]: Readonly<Record<number, Migration>> } = {
  meta: {
    // v1 said `encrypted: boolean`, and an encrypted v1 store sealed its auth keys only.
    1: ({ encrypted, ...rest }) => ({ ...rest, sealing: encrypted === true ? 1 : 0 }),
  },
  account: {},
  authKey: {},
  serverSalts: {},
  session: {},
  dcOptions: {},
  peer: {
    // v2 added `min`; every v1 record was written before min records existed, so it is full.
    1: (body) => body,
  },
  peerRef: {},
  updateState: {},
  channelPts: {},
  deadLetter: {},
}

/** Versions and migrations decodeRecord works with (tests pass their own to exercise the hook). */
export interface VersionTables {
  readonly versions: Readonly<Record<RecordKind, number>>
  readonly migrations: Readonly<Record<RecordKind, Readonly<Record<number, Migration>>>>
}
const DEFAULT_TABLES: VersionTables = { versions: RECORD_VERSIONS, migrations: MIGRATIONS }

type Spec =
  | 'string'
  | 'number'
  | 'int'
  | 'long'
  | 'bytes'
  | 'boolean'
  | { readonly oneOf: readonly string[] }
  | { readonly arrayOf: Schema }
interface FieldSpec {
  readonly spec: Spec
  readonly optional?: boolean
}
type Schema = Readonly<Record<string, FieldSpec>>

const req = (spec: Spec): FieldSpec => ({ spec })
const opt = (spec: Spec): FieldSpec => ({ spec, optional: true })

const SCHEMAS: { readonly [K in RecordKind]: Schema } = {
  meta: {
    magic: req({ oneOf: [STORE_MAGIC] }),
    sealing: req('int'),
    keyCheck: opt('bytes'),
    createdAtMs: req('number'),
  },
  account: {
    id: req('string'),
    homeDcId: req('int'),
    userId: opt('long'),
    phone: opt('string'),
    loginState: req({ oneOf: ['anonymous', 'codeSent', 'passwordNeeded', 'authorized', 'revoked'] }),
    phoneCodeHash: opt('string'),
    createdAtMs: req('number'),
    updatedAtMs: req('number'),
  },
  authKey: {
    accountId: req('string'),
    dcId: req('int'),
    kind: req({ oneOf: ['perm', 'temp'] }),
    key: req('bytes'),
    keyId: req('long'),
    createdAtMs: req('number'),
    expiresAtMs: opt('number'),
  },
  serverSalts: {
    accountId: req('string'),
    dcId: req('int'),
    current: req('long'),
    future: req({ arrayOf: { salt: req('long'), validSinceSec: req('int'), validUntilSec: req('int') } }),
    updatedAtMs: req('number'),
  },
  session: {
    accountId: req('string'),
    dcId: req('int'),
    sessionId: req('long'),
    serverTimeOffsetMs: req('number'),
    updatedAtMs: req('number'),
  },
  dcOptions: {
    dcId: req('int'),
    options: req({ arrayOf: { host: req('string'), port: req('int'), flags: req('int'), secret: opt('bytes') } }),
    updatedAtMs: req('number'),
  },
  peer: {
    type: req({ oneOf: ['user', 'chat', 'channel'] }),
    id: req('long'),
    accessHash: req('long'),
    username: opt('string'),
    phone: opt('string'),
    min: opt('boolean'),
    updatedAtMs: req('number'),
  },
  peerRef: {
    type: req({ oneOf: ['user', 'chat', 'channel'] }),
    id: req('long'),
  },
  updateState: {
    accountId: req('string'),
    pts: req('int'),
    qts: req('int'),
    date: req('int'),
    seq: req('int'),
    updatedAtMs: req('number'),
  },
  channelPts: {
    accountId: req('string'),
    channelId: req('long'),
    pts: req('int'),
    updatedAtMs: req('number'),
  },
  deadLetter: {
    accountId: req('string'),
    id: req('string'),
    payload: req('bytes'),
    error: req('string'),
    attempts: req('int'),
    parkedAtMs: req('number'),
  },
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * NB: `int64AsType: 'bigint'` is what brings TL longs back as bigint; JS numbers are written as
 * msgpack ints/floats and come back as numbers. `useRecords: false` keeps every record
 * self-describing (no shared structure table to lose or corrupt).
 */
const packr = new Packr({ useRecords: false, int64AsType: 'bigint', mapsAsObjects: true, moreTypes: false })

function checkValue(spec: Spec, value: unknown, path: string): string | undefined {
  if (typeof spec === 'object') {
    if ('oneOf' in spec) {
      return typeof value === 'string' && spec.oneOf.includes(value)
        ? undefined
        : `${path}: expected one of ${spec.oneOf.join('|')}, got ${describe(value)}`
    }
    if (!Array.isArray(value)) return `${path}: expected an array, got ${describe(value)}`
    for (let i = 0; i < value.length; i++) {
      const problem = checkShape(spec.arrayOf, value[i], `${path}[${i}]`)
      if (problem !== undefined) return problem
    }
    return undefined
  }
  switch (spec) {
    case 'string':
      return typeof value === 'string' ? undefined : `${path}: expected a string, got ${describe(value)}`
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${path}: expected a boolean, got ${describe(value)}`
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? undefined
        : `${path}: expected a finite number, got ${describe(value)}`
    case 'int':
      return Number.isSafeInteger(value) ? undefined : `${path}: expected an integer, got ${describe(value)}`
    case 'long':
      return typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX
        ? undefined
        : `${path}: expected a bigint in int64 range, got ${describe(value)}`
    case 'bytes':
      return value instanceof Uint8Array ? undefined : `${path}: expected a Uint8Array, got ${describe(value)}`
  }
}

function checkShape(schema: Schema, value: unknown, path: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `${path}: expected an object, got ${describe(value)}`
  }
  const obj = value as Record<string, unknown>
  for (const [name, field] of Object.entries(schema)) {
    const v = obj[name]
    if (v === undefined) {
      if (field.optional) continue
      return `${path}.${name}: missing`
    }
    const problem = checkValue(field.spec, v, `${path}.${name}`)
    if (problem !== undefined) return problem
  }
  return undefined
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value instanceof Uint8Array) return `bytes[${value.length}]`
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'bigint') return `bigint ${value}`
  return typeof value
}

/** Copy only the schema's fields, dropping undefined ones and turning Buffers into plain Uint8Arrays. */
function project(schema: Schema, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, field] of Object.entries(schema)) {
    const v = value[name]
    if (v === undefined) continue
    if (v instanceof Uint8Array) out[name] = new Uint8Array(v)
    else if (typeof field.spec === 'object' && 'arrayOf' in field.spec && Array.isArray(v)) {
      const itemSchema = field.spec.arrayOf
      out[name] = v.map((item: Record<string, unknown>) => project(itemSchema, item))
    } else out[name] = v
  }
  return out
}

/** Shape problem of a record about to be written, or undefined when it is well-formed. */
export function checkRecord<K extends RecordKind>(kind: K, record: unknown): string | undefined {
  return checkShape(SCHEMAS[kind], record, kind)
}

/** @throws TypeError if the record does not match its schema (what encodeRecord checks, without encoding). */
export function assertRecord<K extends RecordKind>(kind: K, record: unknown): void {
  const problem = checkRecord(kind, record)
  if (problem !== undefined) throw new TypeError(`invalid ${kind} record: ${problem}`)
}

/**
 * Encode a record as msgpack `{ v, ...fields }`. Extra properties are not stored.
 * @throws TypeError if the record does not match its schema (a programmer error).
 */
export function encodeRecord<K extends RecordKind>(kind: K, record: RecordTypes[K]): Uint8Array {
  assertRecord(kind, record)
  const body = project(SCHEMAS[kind], record as unknown as Record<string, unknown>)
  return packr.pack({ v: RECORD_VERSIONS[kind], ...body })
}

/**
 * Decode a record written by encodeRecord, migrating older versions.
 * @param where names the store and key, for error messages.
 * @param tables defaults to RECORD_VERSIONS and MIGRATIONS.
 * @throws StoreError 'version' for a newer version than this code knows (or a missing
 *   migration), 'corrupt' when the bytes are not a well-formed record of this kind.
 */
export function decodeRecord<K extends RecordKind>(
  kind: K,
  bytes: Uint8Array,
  where: { readonly path: string; readonly key: string },
  tables: VersionTables = DEFAULT_TABLES,
): RecordTypes[K] {
  let raw: unknown
  try {
    raw = packr.unpack(bytes)
  } catch (cause) {
    throw new StoreError('corrupt', where.path, `${kind} record ${where.key} is not valid msgpack`, { cause })
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new StoreError('corrupt', where.path, `${kind} record ${where.key} is not a map`)
  }
  let { v, ...body } = raw as Record<string, unknown>
  if (!Number.isSafeInteger(v) || (v as number) < 1) {
    throw new StoreError('corrupt', where.path, `${kind} record ${where.key} has no schema version`)
  }
  const current = tables.versions[kind]
  if ((v as number) > current) {
    throw new StoreError(
      'version',
      where.path,
      `${kind} record ${where.key} has schema v${String(v)}, this code knows up to v${current}`,
    )
  }
  for (let n = v as number; n < current; n++) {
    const migrate = tables.migrations[kind][n]
    if (migrate === undefined) {
      throw new StoreError('version', where.path, `${kind} record ${where.key}: no migration from v${n}`)
    }
    body = migrate(body)
  }
  const problem = checkShape(SCHEMAS[kind], body, kind)
  if (problem !== undefined) {
    throw new StoreError('corrupt', where.path, `${kind} record ${where.key} is malformed: ${problem}`)
  }
  return project(SCHEMAS[kind], body) as unknown as RecordTypes[K]
}

/** Encode any value with the store's msgpack settings (tests use it to forge records). */
export function packRaw(value: unknown): Uint8Array {
  return packr.pack(value)
}
