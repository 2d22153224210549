// createEngine's options, their defaults, and the public configuration constants (Telegram's
// production DC addresses). Knows nothing of the test DC: tests and apps pass their own `dcs`.
import type { InspectionEvent } from 'xstate'
import type { SessionStore } from '@mtswarm/storage'
import { isIP } from 'node:net'
import { parseRsaPublicKey, rsaPublicKeyFromComponents, type RsaPublicKey } from '../crypto/index.js'
import { UsageError } from '../errors/index.js'
import { CLIENT_TRANSPORTS, type ClientTransportName } from '../transport/index.js'
import { DEFAULT_UPDATES_TIMING } from '@mtswarm/machines'
import { DEFAULT_DELIVERY } from '../updates/delivery.js'
import { LOGGER_METHODS, type Logger } from './logger.js'

/** One DC address. */
export interface DcAddress {
  readonly id: number
  readonly host: string
  readonly port: number
}

/**
 * Telegram's production DCs (IPv4, port 443), as published at
 * https://core.telegram.org/api/datacenter. The default `dcs`; the server's help.getConfig is the
 * authority afterwards.
 */
export const TELEGRAM_PRODUCTION_DCS: readonly DcAddress[] = [
  { id: 1, host: '149.154.175.53', port: 443 },
  { id: 2, host: '149.154.167.51', port: 443 },
  { id: 3, host: '149.154.175.100', port: 443 },
  { id: 4, host: '149.154.167.91', port: 443 },
  { id: 5, host: '91.108.56.130', port: 443 },
]

/** Default FLOOD_WAIT (seconds) slept through instead of failing the call. */
export const DEFAULT_FLOOD_SLEEP_THRESHOLD_SEC = 10

/** {@link createEngine}'s options. */
export interface EngineOptions {
  /** Your api_id from https://my.telegram.org (an integer in [1, 2^31-1]). */
  readonly apiId: number
  /** Your api_hash from https://my.telegram.org (32 hex digits). */
  readonly apiHash: string
  /** Where accounts, auth keys and salts live: `createMemoryStore()` or `await openLmdbStore({ path })`. */
  readonly store: SessionStore
  /** Close the store in `engine.stop()` (default true: the engine owns it). */
  readonly closeStoreOnStop?: boolean
  /** DC addresses (default {@link TELEGRAM_PRODUCTION_DCS}): unique ids ≥ 1, an IP or host name, a port in [1, 65535]. */
  readonly dcs?: readonly DcAddress[]
  /** DC a new account starts on (default: the first of `dcs`). PHONE_MIGRATE moves it. */
  readonly defaultDcId?: number
  /**
   * RSA public keys trusted for the auth-key handshake, as PEM ("RSA PUBLIC KEY" as Telegram
   * publishes them on https://my.telegram.org, or SPKI) or parsed. Required: the engine ships none.
   */
  readonly publicKeys: readonly (string | RsaPublicKey)[]
  /** Added to the DC id in the handshake (10000 for Telegram's test servers); default 0. */
  readonly dcIdOffset?: number
  /** FLOOD_WAIT up to this many seconds is slept through (default 10, at most (2^31-1)/1000); longer ones reject with FloodWaitError. */
  readonly floodSleepThreshold?: number
  /** Default per-call deadline in ms, in (0, 2^31-1] (default: the RPC machine's, 60 s). */
  readonly rpcTimeoutMs?: number
  /**
   * MTProto transport (default 'intermediate'): 'abridged', 'intermediate', 'padded-intermediate',
   * 'full', or 'obfuscated2/…' around one of the first three (for networks that filter MTProto).
   */
  readonly transport?: ClientTransportName
  /** Stately inspection hook (e.g. `createBrowserInspector().inspect` or the engine's inspector server). */
  readonly inspect?: (event: InspectionEvent) => void
  /**
   * A pino-compatible logger (pino's own, or any object with trace/debug/info/warn/error/fatal
   * taking `(obj, msg)` and `child(bindings)`). The engine's events go to it through children bound
   * to `{ account, dc, machine }`: warnings, connections down/given up and revocations at
   * warn/error, logins, handshakes and migrations at info, states at debug, settled calls at
   * trace. Default: silent. Never given a secret.
   */
  readonly logger?: Logger
  /** initConnection.device_model (default 'mtswarm'); this and the next two: ≤ 256 UTF-8 bytes, no control characters. */
  readonly deviceModel?: string
  /** initConnection.system_version (default `node ${process.version}`). */
  readonly systemVersion?: string
  /** initConnection.app_version (default '0.1.0'). */
  readonly appVersion?: string
  /** initConnection.system_lang_code / lang_code (default 'en'; a code such as 'pt-br'). */
  readonly langCode?: string
  /** Wall clock (default Date.now). */
  readonly nowMs?: () => number
  /** Update handling: gap timing, handler concurrency and retries (see {@link UpdatesOptions}). */
  readonly updates?: UpdatesOptions
}

/** Update handling options (https://core.telegram.org/api/updates). All optional. */
export interface UpdatesOptions {
  /** How long a gap in pts/qts/seq may stay open before getDifference, in ms (default 500). */
  readonly gapTimeoutMs?: number
  /** A home connection down at least this long (ms) catches up with getDifference when back (default 0: every reconnect). */
  readonly resyncAfterDownMs?: number
  /** While nothing is missing, getDifference this often anyway, in ms (default 15 min): finds a lost last push. */
  readonly idleDifferenceMs?: number
  /** Handlers running at once in the engine (default 256). */
  readonly concurrency?: number
  /** Handlers running at once per account (default 16); one update at a time per chat. */
  readonly perAccountConcurrency?: number
  /** Delays (ms) between tries of a failing handler; after the last the update is a dead letter (default [100, 1000, 5000]). */
  readonly retryDelaysMs?: readonly number[]
}

/** {@link UpdatesOptions} with defaults applied. */
export interface ResolvedUpdatesOptions {
  readonly gapTimeoutMs: number
  readonly resyncAfterDownMs: number
  readonly idleDifferenceMs: number
  readonly concurrency: number
  readonly perAccountConcurrency: number
  readonly retryDelaysMs: readonly number[]
}

/** Options with defaults applied and keys parsed. */
export interface ResolvedEngineOptions {
  readonly apiId: number
  readonly apiHash: string
  readonly store: SessionStore
  readonly closeStoreOnStop: boolean
  readonly dcs: readonly DcAddress[]
  readonly defaultDcId: number
  readonly publicKeys: readonly RsaPublicKey[]
  readonly dcIdOffset: number
  readonly floodSleepThreshold: number
  readonly rpcTimeoutMs: number | undefined
  readonly transport: ClientTransportName
  readonly inspect: ((event: InspectionEvent) => void) | undefined
  readonly logger: Logger | undefined
  readonly deviceModel: string
  readonly systemVersion: string
  readonly appVersion: string
  readonly langCode: string
  readonly nowMs: () => number
  readonly updates: ResolvedUpdatesOptions
}

/** Node's timers fire after 1 ms for any delay above this (TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1
/**
 * Longest `deviceModel`/`systemVersion`/`appVersion` in UTF-8 bytes. NB: these ride in
 * initConnection around the first request of each connection, inside the room the request size
 * limit leaves for the envelope (MAX_CONTAINER_BYTES is 4 KiB under the message limit); four of
 * them at this size and `langCode` take ~1.1 KiB of it.
 */
export const MAX_DEVICE_FIELD_BYTES = 256

const INT32_MAX = 2 ** 31 - 1
const HEX_32 = /^[0-9a-f]{32}$/i
// Host names: dot-separated labels of letters, digits and inner hyphens (RFC 1123), ≤ 253 chars.
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i
const LANG_CODE = /^[a-z]{2,8}(?:[-_][a-z0-9]{1,8})*$/i
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

/** Every option createEngine knows: a new one must be added here (the type says so) and checked below. */
const OPTION_NAMES = {
  apiId: true,
  apiHash: true,
  store: true,
  closeStoreOnStop: true,
  dcs: true,
  defaultDcId: true,
  publicKeys: true,
  dcIdOffset: true,
  floodSleepThreshold: true,
  rpcTimeoutMs: true,
  transport: true,
  inspect: true,
  logger: true,
  deviceModel: true,
  systemVersion: true,
  appVersion: true,
  langCode: true,
  nowMs: true,
  updates: true,
} as const satisfies Record<keyof EngineOptions, true>

/** What a store must answer to (the SessionStore interface, checked by name at runtime). */
const STORE_METHODS = {
  getAccount: true,
  putAccount: true,
  listAccounts: true,
  deleteAccount: true,
  loadAccountState: true,
  getAuthKey: true,
  putAuthKey: true,
  deleteAuthKey: true,
  getServerSalts: true,
  putServerSalts: true,
  getSession: true,
  putSession: true,
  getDcOptions: true,
  listDcOptions: true,
  putDcOptions: true,
  getPeer: true,
  getPeers: true,
  putPeers: true,
  getUpdateState: true,
  putUpdateState: true,
  findPeerByUsername: true,
  findPeerByPhone: true,
  listChannelPts: true,
  commitUpdates: true,
  listDeadLetters: true,
  deleteDeadLetter: true,
  close: true,
} as const satisfies Record<keyof SessionStore, true>

/**
 * Checks and completes the options. Every bad value throws {@link UsageError} with reason
 * 'bad-config' and `field` = the option (`dcs[1].port`, `publicKeys[0]` …):
 * - `apiId` an integer in [1, 2^31-1]; `apiHash` 32 hex digits (as my.telegram.org shows them);
 * - `store` an object with every SessionStore method; `closeStoreOnStop` a boolean;
 * - `publicKeys` a non-empty array of 2048-bit RSA public keys, each a PEM ("RSA PUBLIC KEY" or
 *   "PUBLIC KEY") or a parsed key ({ n, e } bigints; the rest is recomputed from them);
 * - `dcs` a non-empty array of { id, host, port }: unique integer ids ≥ 1, a host that is an IP
 *   address or a host name, a port in [1, 65535]; `defaultDcId` one of those ids;
 * - `dcIdOffset` an integer ≥ 0 with every id + offset ≤ 2^31-1 (the wire DC id is an int);
 * - `floodSleepThreshold` seconds in [0, MAX_TIMER_MS/1000]; `rpcTimeoutMs` in (0, MAX_TIMER_MS];
 * - `inspect` and `nowMs` functions; `logger` an object with trace/debug/info/warn/error/fatal
 *   and child methods; `deviceModel`, `systemVersion`, `appVersion` non-empty strings of at most
 *   MAX_DEVICE_FIELD_BYTES UTF-8 bytes without control characters;
 *   `langCode` a language code such as 'en' or 'pt-br';
 * - no other keys (a misspelt option would otherwise be silently ignored).
 */
export function resolveEngineOptions(o: EngineOptions): ResolvedEngineOptions {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    throw new UsageError('bad-config', 'createEngine needs an options object', undefined, 'options')
  }
  for (const key of Object.keys(o)) {
    if (!Object.hasOwn(OPTION_NAMES, key)) throw UsageError.badConfig(key, `unknown option (known: ${Object.keys(OPTION_NAMES).join(', ')})`)
  }
  const apiId = integer('apiId', required('apiId', o.apiId), 1, INT32_MAX)
  const apiHash = required('apiHash', o.apiHash)
  if (typeof apiHash !== 'string' || !HEX_32.test(apiHash)) {
    // NB: the value is not echoed: a near-miss api_hash is still a credential.
    throw UsageError.badConfig('apiHash', `must be the 32 hex digits from https://my.telegram.org, got ${typeof apiHash === 'string' ? `${apiHash.length} chars` : show(apiHash)}`)
  }
  const store = checkStore(required('store', o.store))
  const closeStoreOnStop = o.closeStoreOnStop ?? true
  if (typeof closeStoreOnStop !== 'boolean') throw UsageError.badConfig('closeStoreOnStop', `must be a boolean, got ${show(closeStoreOnStop)}`)
  const publicKeys = checkPublicKeys(required('publicKeys', o.publicKeys))
  const dcIdOffset = integer('dcIdOffset', o.dcIdOffset ?? 0, 0, INT32_MAX - 1)
  const dcs = checkDcs(o.dcs ?? TELEGRAM_PRODUCTION_DCS, dcIdOffset)
  const defaultDcId = o.defaultDcId ?? dcs[0]!.id
  if (!dcs.some((d) => d.id === defaultDcId)) {
    throw UsageError.badConfig('defaultDcId', `${show(defaultDcId)} is not one of the dcs ids (${dcs.map((d) => d.id).join(', ')})`)
  }
  const floodSleepThreshold = finite('floodSleepThreshold', o.floodSleepThreshold ?? DEFAULT_FLOOD_SLEEP_THRESHOLD_SEC, 0, MAX_TIMER_MS / 1000)
  const rpcTimeoutMs = o.rpcTimeoutMs === undefined ? undefined : finite('rpcTimeoutMs', o.rpcTimeoutMs, 0, MAX_TIMER_MS)
  if (rpcTimeoutMs === 0) throw UsageError.badConfig('rpcTimeoutMs', 'must be > 0 (every call would time out at once)')
  const transport = o.transport === undefined ? 'intermediate' : o.transport
  if (!CLIENT_TRANSPORTS.includes(transport)) {
    throw UsageError.badConfig('transport', `must be one of ${CLIENT_TRANSPORTS.join(', ')}, got ${show(transport)}`)
  }
  const inspect = o.inspect === undefined ? undefined : fn('inspect', o.inspect)
  const logger = o.logger === undefined ? undefined : checkLogger(o.logger)
  const nowMs = o.nowMs === undefined ? Date.now : fn('nowMs', o.nowMs)
  const langCode = o.langCode ?? 'en'
  if (typeof langCode !== 'string' || langCode.length > 32 || !LANG_CODE.test(langCode)) {
    throw UsageError.badConfig('langCode', `must be a language code such as 'en' or 'pt-br', got ${show(langCode)}`)
  }
  return {
    apiId,
    apiHash,
    store,
    closeStoreOnStop,
    dcs,
    defaultDcId,
    publicKeys,
    dcIdOffset,
    floodSleepThreshold,
    rpcTimeoutMs,
    transport,
    inspect,
    logger,
    deviceModel: deviceField('deviceModel', o.deviceModel ?? 'mtswarm'),
    systemVersion: deviceField('systemVersion', o.systemVersion ?? `node ${process.version}`),
    appVersion: deviceField('appVersion', o.appVersion ?? '0.1.0'),
    langCode,
    nowMs,
    updates: checkUpdates(o.updates ?? {}),
  }
}

const UPDATES_OPTION_NAMES = {
  gapTimeoutMs: true,
  resyncAfterDownMs: true,
  idleDifferenceMs: true,
  concurrency: true,
  perAccountConcurrency: true,
  retryDelaysMs: true,
} as const satisfies Record<keyof UpdatesOptions, true>

function checkUpdates(u: UpdatesOptions): ResolvedUpdatesOptions {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) throw UsageError.badConfig('updates', `must be an object, got ${show(u)}`)
  for (const key of Object.keys(u)) {
    if (!Object.hasOwn(UPDATES_OPTION_NAMES, key)) throw UsageError.badConfig(`updates.${key}`, `unknown option (known: ${Object.keys(UPDATES_OPTION_NAMES).join(', ')})`)
  }
  const delays = u.retryDelaysMs ?? DEFAULT_DELIVERY.retryDelaysMs
  if (!Array.isArray(delays) || delays.length > 20) throw UsageError.badConfig('updates.retryDelaysMs', `must be an array of at most 20 delays, got ${show(delays)}`)
  return {
    gapTimeoutMs: finite('updates.gapTimeoutMs', u.gapTimeoutMs ?? DEFAULT_UPDATES_TIMING.gapTimeoutMs, 0, MAX_TIMER_MS),
    resyncAfterDownMs: finite('updates.resyncAfterDownMs', u.resyncAfterDownMs ?? DEFAULT_UPDATES_TIMING.resyncAfterDownMs, 0, MAX_TIMER_MS),
    idleDifferenceMs: finite('updates.idleDifferenceMs', u.idleDifferenceMs ?? DEFAULT_UPDATES_TIMING.idleDifferenceMs, 1, MAX_TIMER_MS),
    concurrency: integer('updates.concurrency', u.concurrency ?? DEFAULT_DELIVERY.concurrency, 1, 1_000_000),
    perAccountConcurrency: integer('updates.perAccountConcurrency', u.perAccountConcurrency ?? DEFAULT_DELIVERY.perAccountConcurrency, 1, 1_000_000),
    retryDelaysMs: delays.map((d, i) => finite(`updates.retryDelaysMs[${i}]`, d, 0, MAX_TIMER_MS)),
  }
}

function required<T>(name: string, v: T | undefined): T {
  if (v === undefined || v === null) throw UsageError.badConfig(name, 'is required')
  return v
}

function integer(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw UsageError.badConfig(name, `must be an integer in [${min}, ${max}], got ${show(v)}`)
  }
  return v
}

function finite(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw UsageError.badConfig(name, `must be a number in [${min}, ${max}], got ${show(v)}`)
  }
  return v
}

function fn<T>(name: string, v: T): T {
  if (typeof v !== 'function') throw UsageError.badConfig(name, `must be a function, got ${show(v)}`)
  return v
}

function deviceField(name: string, v: unknown): string {
  if (typeof v !== 'string' || v === '' || CONTROL.test(v) || Buffer.byteLength(v, 'utf8') > MAX_DEVICE_FIELD_BYTES) {
    throw UsageError.badConfig(name, `must be a non-empty string of at most ${MAX_DEVICE_FIELD_BYTES} UTF-8 bytes without control characters, got ${show(v)}`)
  }
  return v
}

function checkLogger(v: unknown): Logger {
  if (typeof v !== 'object' || v === null) throw UsageError.badConfig('logger', `must be a pino-compatible logger, got ${show(v)}`)
  const missing = LOGGER_METHODS.filter((m) => typeof (v as Record<string, unknown>)[m] !== 'function')
  if (missing.length > 0) throw UsageError.badConfig('logger', `is not a pino-compatible logger (no ${missing.join(', ')})`)
  return v as Logger
}

function checkStore(v: unknown): SessionStore {
  if (typeof v !== 'object' || v === null) throw UsageError.badConfig('store', 'must be a SessionStore (createMemoryStore() or await openLmdbStore(...))')
  const missing = Object.keys(STORE_METHODS).filter((m) => typeof (v as Record<string, unknown>)[m] !== 'function')
  if (missing.length > 0) {
    throw UsageError.badConfig('store', `is not a SessionStore (no ${missing.join(', ')}): use createMemoryStore() or await openLmdbStore(...)`)
  }
  return v as SessionStore
}

function checkPublicKeys(v: unknown): RsaPublicKey[] {
  if (!Array.isArray(v) || v.length === 0) {
    throw UsageError.badConfig('publicKeys', "must be a non-empty array: pass the server RSA keys (https://my.telegram.org lists Telegram's)")
  }
  return v.map((k: unknown, i) => {
    const name = `publicKeys[${i}]`
    let key: RsaPublicKey
    try {
      if (typeof k === 'string') key = parseRsaPublicKey(k)
      else if (typeof k === 'object' && k !== null && typeof (k as RsaPublicKey).n === 'bigint' && typeof (k as RsaPublicKey).e === 'bigint') {
        key = rsaPublicKeyFromComponents((k as RsaPublicKey).n, (k as RsaPublicKey).e)
      } else {
        throw new TypeError(`expected a PEM string or a parsed key ({ n, e } bigints), got ${show(k)}`)
      }
    } catch (e) {
      throw UsageError.badConfig(name, e instanceof Error ? e.message : String(e))
    }
    // NB: RSA_PAD encrypts exactly 256 bytes (https://core.telegram.org/mtproto/auth_key): any other
    // modulus size fails every handshake, so it is refused here.
    if (key.size !== 256) throw UsageError.badConfig(name, `must be a 2048-bit RSA key, got ${key.size * 8} bits`)
    return key
  })
}

function checkDcs(v: unknown, dcIdOffset: number): DcAddress[] {
  if (!Array.isArray(v) || v.length === 0) throw UsageError.badConfig('dcs', 'must be a non-empty array of { id, host, port }')
  const seen = new Set<number>()
  return v.map((d: unknown, i) => {
    const name = `dcs[${i}]`
    if (typeof d !== 'object' || d === null) throw UsageError.badConfig(name, `must be { id, host, port }, got ${show(d)}`)
    const { id, host, port } = d as Partial<DcAddress>
    integer(`${name}.id`, id, 1, INT32_MAX - dcIdOffset)
    if (seen.has(id!)) throw UsageError.badConfig(`${name}.id`, `DC ${id} is listed twice`)
    seen.add(id!)
    if (typeof host !== 'string' || (isIP(host) === 0 && !HOST_NAME.test(host))) {
      throw UsageError.badConfig(`${name}.host`, `must be an IP address or a host name, got ${show(host)}`)
    }
    integer(`${name}.port`, port, 1, 65535)
    return { id: id!, host, port: port! }
  })
}

/** A short rendering of a bad value for a message (never a whole PEM or a secret-length string). */
function show(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} chars` : JSON.stringify(v)
  if (typeof v === 'bigint') return `${v}n`
  if (Array.isArray(v)) return `an array of ${v.length}`
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null) return String(v)
  return typeof v
}
