// createEngine's options, their defaults, and the public configuration constants (Telegram's
// production DC addresses). Knows nothing of the test DC: tests and apps pass their own `dcs`.
import type { InspectionEvent } from 'xstate'
import type { SessionStore } from '@mtswarm/storage'
import { parseRsaPublicKey, type RsaPublicKey } from '../crypto/index.js'
import { UsageError } from '../errors/index.js'

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
  /** Your api_id from https://my.telegram.org. */
  readonly apiId: number
  /** Your api_hash from https://my.telegram.org. */
  readonly apiHash: string
  /** Where accounts, auth keys and salts live: `createMemoryStore()` or `await openLmdbStore({ path })`. */
  readonly store: SessionStore
  /** Close the store in `engine.stop()` (default true: the engine owns it). */
  readonly closeStoreOnStop?: boolean
  /** DC addresses (default {@link TELEGRAM_PRODUCTION_DCS}). */
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
  /** FLOOD_WAIT up to this many seconds is slept through (default 10); longer ones reject with FloodWaitError. */
  readonly floodSleepThreshold?: number
  /** Default per-call deadline in ms (default: the RPC machine's, 60 s). */
  readonly rpcTimeoutMs?: number
  /** Stately inspection hook (e.g. `createBrowserInspector().inspect` or the engine's inspector server). */
  readonly inspect?: (event: InspectionEvent) => void
  /** initConnection.device_model (default 'mtswarm'). */
  readonly deviceModel?: string
  /** initConnection.system_version (default `node ${process.version}`). */
  readonly systemVersion?: string
  /** initConnection.app_version (default '0.1.0'). */
  readonly appVersion?: string
  /** initConnection.system_lang_code / lang_code (default 'en'). */
  readonly langCode?: string
  /** Wall clock (default Date.now). */
  readonly nowMs?: () => number
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
  readonly inspect: ((event: InspectionEvent) => void) | undefined
  readonly deviceModel: string
  readonly systemVersion: string
  readonly appVersion: string
  readonly langCode: string
  readonly nowMs: () => number
}

/** Checks and completes the options; wrong ones throw {@link UsageError} ('bad-argument' / 'bad-config'). */
export function resolveEngineOptions(o: EngineOptions): ResolvedEngineOptions {
  if (typeof o !== 'object' || o === null) throw new UsageError('bad-argument', 'createEngine needs an options object')
  if (!Number.isInteger(o.apiId) || o.apiId <= 0) throw new UsageError('bad-argument', `apiId must be a positive integer, got ${String(o.apiId)}`)
  if (typeof o.apiHash !== 'string' || o.apiHash === '') throw new UsageError('bad-argument', 'apiHash must be a non-empty string')
  if (typeof o.store !== 'object' || o.store === null || typeof o.store.getAccount !== 'function') {
    throw new UsageError('bad-argument', 'store must be a SessionStore (createMemoryStore() or await openLmdbStore(...))')
  }
  const dcs = o.dcs ?? TELEGRAM_PRODUCTION_DCS
  if (dcs.length === 0) throw new UsageError('bad-config', 'dcs is empty')
  const defaultDcId = o.defaultDcId ?? dcs[0]!.id
  if (!dcs.some((d) => d.id === defaultDcId)) throw new UsageError('bad-config', `defaultDcId ${defaultDcId} is not in dcs`)
  if (!Array.isArray(o.publicKeys) || o.publicKeys.length === 0) {
    throw new UsageError('bad-config', 'publicKeys is empty: pass the server RSA keys (https://my.telegram.org lists Telegram\'s)')
  }
  const publicKeys = o.publicKeys.map((k) => {
    if (typeof k !== 'string') return k
    try {
      return parseRsaPublicKey(k)
    } catch (e) {
      throw new UsageError('bad-config', `publicKeys: ${e instanceof Error ? e.message : String(e)}`)
    }
  })
  const flood = o.floodSleepThreshold ?? DEFAULT_FLOOD_SLEEP_THRESHOLD_SEC
  if (!(flood >= 0)) throw new UsageError('bad-argument', `floodSleepThreshold must be >= 0, got ${flood}`)
  return {
    apiId: o.apiId,
    apiHash: o.apiHash,
    store: o.store,
    closeStoreOnStop: o.closeStoreOnStop ?? true,
    dcs,
    defaultDcId,
    publicKeys,
    dcIdOffset: o.dcIdOffset ?? 0,
    floodSleepThreshold: flood,
    rpcTimeoutMs: o.rpcTimeoutMs,
    inspect: o.inspect,
    deviceModel: o.deviceModel ?? 'mtswarm',
    systemVersion: o.systemVersion ?? `node ${process.version}`,
    appVersion: o.appVersion ?? '0.1.0',
    langCode: o.langCode ?? 'en',
    nowMs: o.nowMs ?? Date.now,
  }
}
