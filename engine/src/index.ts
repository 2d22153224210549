// @mtswarm/engine: re-exports only (tl, crypto, protocol and transport have their own subpaths).
export * from './bus/index.js'
export * from './runtime/index.js'
export {
  createEngine,
  Engine,
  Account,
  TELEGRAM_PRODUCTION_DCS,
  DEFAULT_FLOOD_SLEEP_THRESHOLD_SEC,
  type EngineCounters,
  type EngineState,
  type AccountSnapshot,
  type InvokeOptions,
  type SignInResult,
  type EngineEvent,
  type EngineEventType,
  type DcAddress,
  type EngineOptions,
  type UpdatesOptions,
  type Logger,
  type LogBindings,
  type LogFn,
  type LogLevel,
} from './client/index.js'
export * from './updates/index.js'
export {
  MtSwarmError,
  isMtSwarmError,
  RpcError,
  FloodWaitError,
  MigrateError,
  parseRpcErrorMessage,
  TransportError,
  TRANSPORT_ERROR_DESCRIPTIONS,
  ProtocolError,
  TimeoutError,
  CancelledError,
  UsageError,
  callError,
  type CallFailure,
  type RuntimeFailure,
  type MtSwarmErrorKind,
  type MigrateScope,
  type ParsedRpcErrorMessage,
  type ProtocolErrorDetail,
  type UsageErrorReason,
} from './errors/index.js'
export {
  PeerCache,
  PeerMemory,
  PEER_MEMORY_ENTRIES,
  markedId,
  type PeerRef,
  type PeerCacheHost,
} from './peers/index.js'
export * from './inspector/index.js'
export {
  readSessionString,
  MTSWARM_SESSION_PREFIX,
  type ReadSessionOptions,
  type ImportSessionOptions,
  type ExportSessionOptions,
  type SessionData,
  type SessionFormat,
  type SessionUpdateState,
} from './session/index.js'
