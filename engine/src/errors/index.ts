// Typed errors of mtswarm (re-exports only).
export { MtSwarmError, isMtSwarmError, type MtSwarmErrorKind } from './mtswarm-error.js'
export {
  RpcError,
  FloodWaitError,
  MigrateError,
  parseRpcErrorMessage,
  type MigrateScope,
  type ParsedRpcErrorMessage,
} from './rpc-error.js'
export { TransportError, TRANSPORT_ERROR_DESCRIPTIONS } from './transport-error.js'
export { ProtocolError, type ProtocolErrorDetail } from './protocol-error.js'
export { TimeoutError, CancelledError } from './call-errors.js'
export { UsageError, type UsageErrorReason } from './usage-error.js'
export { callError, type CallFailure, type RuntimeFailure } from './call-failure.js'
