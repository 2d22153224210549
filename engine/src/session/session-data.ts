// What a session string carries once read, whatever library wrote it, and the checks every
// reader applies to its fields. Knows nothing of string layouts (the format files do that) or of
// the store (import-session.ts writes it).
import { isIP } from 'node:net'
import { secret, type Secret } from '@mtswarm/machines'
import { UsageError } from '../errors/index.js'

/** Which library's layout a session string was in. */
export type SessionFormat = 'mtswarm' | 'gramjs' | 'telethon' | 'mtcute'

/** The common update state carried by an mtswarm session (https://core.telegram.org/api/updates). */
export interface SessionUpdateState {
  readonly pts: number
  readonly qts: number
  /** Unix seconds, as in updates.state. */
  readonly date: number
  readonly seq: number
}

/**
 * A session read from a string: the home DC and its address as the writer knew it, the permanent
 * auth key (boxed: util.inspect, JSON and logs show `[redacted]`), and what else the format
 * carries. GramJS and Telethon strings carry no user id, salt or update state; mtcute's carry the
 * user id.
 */
export interface SessionData {
  readonly format: SessionFormat
  readonly dcId: number
  readonly host: string
  readonly port: number
  /** The 256-byte permanent auth key. */
  readonly authKey: Secret<Uint8Array>
  readonly userId?: bigint
  readonly serverSalt?: Secret<bigint>
  readonly updateState?: SessionUpdateState
}

/** Size of an MTProto auth key (https://core.telegram.org/mtproto/auth_key). */
export const SESSION_AUTH_KEY_BYTES = 256
/** Longest session string read (ours is ~0.5 KiB plain, ~0.8 KiB sealed; foreign ones ~0.4 KiB). */
export const MAX_SESSION_STRING_CHARS = 8192

const INT32_MAX = 2 ** 31 - 1
const INT64_MAX = 2n ** 63n - 1n
const INT64_MIN = -(2n ** 63n)
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i

/** A session string that cannot be read: UsageError 'bad-argument', field 'session'. NB: never echoes the string. */
export function badSession(problem: string): UsageError {
  return UsageError.badArgument('session', problem)
}

/** Checks the fields every format shares and boxes the key. */
export function sessionData(fields: {
  format: SessionFormat
  dcId: unknown
  host: unknown
  port: unknown
  authKey: Uint8Array
  userId?: bigint
  serverSalt?: bigint
  updateState?: SessionUpdateState
}): SessionData {
  const { format, dcId, host, port, authKey } = fields
  if (typeof dcId !== 'number' || !Number.isInteger(dcId) || dcId < 1 || dcId > INT32_MAX) {
    throw badSession(`a ${format} session's DC id must be an integer ≥ 1, got ${String(dcId)}`)
  }
  if (typeof host !== 'string' || (isIP(host) === 0 && !HOST_NAME.test(host))) {
    throw badSession(`a ${format} session's DC address is not an IP address or a host name`)
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw badSession(`a ${format} session's port must be in [1, 65535], got ${String(port)}`)
  }
  if (authKey.length !== SESSION_AUTH_KEY_BYTES) {
    throw badSession(`a ${format} session's auth key must be ${SESSION_AUTH_KEY_BYTES} bytes, got ${authKey.length}`)
  }
  if (fields.userId !== undefined && (fields.userId < 1n || fields.userId > INT64_MAX)) throw badSession('the user id is out of range')
  if (fields.serverSalt !== undefined && (fields.serverSalt < INT64_MIN || fields.serverSalt > INT64_MAX)) throw badSession('the server salt is out of range')
  return {
    format,
    dcId,
    host,
    port,
    authKey: secret(Uint8Array.from(authKey)),
    ...(fields.userId === undefined ? {} : { userId: fields.userId }),
    ...(fields.serverSalt === undefined ? {} : { serverSalt: secret(fields.serverSalt) }),
    ...(fields.updateState === undefined ? {} : { updateState: fields.updateState }),
  }
}

/** Checks an update state read from a string (pts/qts/seq/date are non-negative int32). */
export function checkUpdateState(v: unknown): SessionUpdateState {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badSession('updateState must be an object')
  const o = v as Record<string, unknown>
  const keys = Object.keys(o).sort().join(',')
  if (keys !== 'date,pts,qts,seq') throw badSession(`updateState must hold exactly pts, qts, date, seq (got ${keys})`)
  for (const k of ['pts', 'qts', 'date', 'seq'] as const) {
    const n = o[k]
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > INT32_MAX) throw badSession(`updateState.${k} must be an integer in [0, 2^31-1]`)
  }
  return { pts: o.pts as number, qts: o.qts as number, date: o.date as number, seq: o.seq as number }
}
