// The runtime: connections, calls, supervision. Re-exports only.
export * from './runtime.js'
export * from './runtime-types.js'
export * from './rpc-error.js'
export * from './options.js'
export { DcConnection, ConnectionClosedError, MAX_CONNECTION_RESTARTS, connectionKey } from './dc-connection.js'
export { HandshakeStepError } from './handshake-actors.js'
/** The runtime's call error under a name that does not clash with the public client's `RpcError`. */
export { RpcError as RuntimeRpcError } from './rpc-error.js'
export { HandshakeGate, MAX_CONCURRENT_HANDSHAKES } from './handshake-gate.js'
export { createPooledRandom, RANDOM_POOL_BYTES } from './random.js'
