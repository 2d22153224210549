// The public client API (re-exports only).
export { createEngine, Engine, type EngineCounters, type EngineState } from './engine.js'
export { Account, type AccountSnapshot, type InvokeOptions, type SignInResult } from './account.js'
export type { EngineEvent, EngineEventType } from './engine-events.js'
export type { Logger, LogBindings, LogFn, LogLevel } from './logger.js'
export {
  TELEGRAM_PRODUCTION_DCS,
  DEFAULT_FLOOD_SLEEP_THRESHOLD_SEC,
  type DcAddress,
  type EngineOptions,
  type UpdatesOptions,
} from './options.js'
