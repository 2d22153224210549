// The logger hook: any pino-compatible logger (levels as methods taking (obj, msg), child(bindings))
// receives the engine's events — warnings and failures at warn/error, the life of accounts and
// connections at info/debug, every settled call at trace — each through a child bound to
// { account, dc, machine }. Silent when none is given. Knows nothing of sinks or formats; the
// events hold no secrets (test/src/client/secrets.test.ts), and nothing else is logged.
import type { EngineEvent } from './engine-events.js'

/** One log method: pino's `(obj, msg?)` form. */
export type LogFn = (obj: object, msg?: string) => void

/** The levels the engine logs at, as pino names them. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'

/** The bindings of the child loggers the engine makes. */
export interface LogBindings {
  /** The application's account id. */
  readonly account?: string
  readonly dc?: number
  /** The machine the event comes from: 'account', 'dc-connection', 'handshake', 'rpc', or 'engine'. */
  readonly machine: string
}

/**
 * A pino-compatible logger: pino's own, or anything with its six level methods and `child`.
 * `isLevelEnabled` (pino has it) lets the engine skip building a record nobody would write.
 */
export interface Logger {
  trace: LogFn
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
  fatal: LogFn
  child(bindings: LogBindings): Logger
  isLevelEnabled?(level: string): boolean
}

/** The methods a logger must have (checked by createEngine). */
export const LOGGER_METHODS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'child'] as const

/** An event's level, its machine, and its message. One table: a new event type must be placed here. */
const EVENT_LOG: { readonly [T in EngineEvent['type']]: readonly [LogLevel, string, (e: Extract<EngineEvent, { type: T }>) => string] } = {
  warning: ['warn', 'account', (e) => e.message],
  'dc.failed': ['error', 'dc-connection', (e) => `connection gave up: ${e.reason}`],
  'dc.down': ['warn', 'dc-connection', (e) => `connection down: ${e.reason}`],
  'auth.revoked': ['warn', 'account', (e) => `authorization revoked: ${e.errorMessage}`],
  'dc.ready': ['debug', 'dc-connection', () => 'connection ready'],
  handshake: ['info', 'handshake', () => 'auth key created'],
  login: ['info', 'account', (e) => `logged in (${e.via})`],
  'account.migrated': ['info', 'account', (e) => `home DC moved ${e.fromDcId} → ${e.toDcId}`],
  'account.state': ['debug', 'account', (e) => `state ${e.state}`],
  'rpc.migrated': ['debug', 'rpc', (e) => `${e.method} moved ${e.fromDcId} → ${e.toDcId} (${e.errorMessage})`],
  'rpc.settled': ['trace', 'rpc', (e) => `${e.method} ${e.ok ? 'ok' : `failed: ${e.error ?? ''}`} in ${e.durationMs} ms`],
}

/**
 * Writes one engine event to `logger`: at its level (a failed call at debug, not trace), through
 * a child bound to its account, DC and machine, with the event's fields as the object.
 */
export function logEvent(logger: Logger, e: EngineEvent): void {
  const [base, machine, message] = EVENT_LOG[e.type] as readonly [LogLevel, string, (e: EngineEvent) => string]
  const level: LogLevel = e.type === 'rpc.settled' && !e.ok ? 'debug' : base
  if (logger.isLevelEnabled !== undefined && !logger.isLevelEnabled(level)) return
  const dc = 'dcId' in e ? e.dcId : 'toDcId' in e ? e.toDcId : 'homeDcId' in e ? e.homeDcId : undefined
  const bindings: LogBindings = {
    ...(e.accountId === undefined ? {} : { account: e.accountId }),
    ...(dc === undefined ? {} : { dc }),
    machine: e.accountId === undefined ? 'engine' : machine,
  }
  const { type, atMs: _atMs, accountId: _accountId, ...fields } = e as EngineEvent & { accountId?: string }
  logger.child(bindings)[level]({ event: type, ...fields }, message(e))
}
