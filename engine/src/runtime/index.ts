// The runtime: connections, calls, supervision. Re-exports only.
export * from './runtime.js'
export * from './runtime-types.js'
export * from './options.js'
export { DcConnection, ConnectionClosedError, MAX_CONNECTION_RESTARTS, connectionKey } from './dc-connection.js'
export { HandshakeStepError } from './handshake-actors.js'
export { HandshakeGate, MAX_CONCURRENT_HANDSHAKES } from './handshake-gate.js'
export { createPooledRandom, RANDOM_POOL_BYTES } from './random.js'
