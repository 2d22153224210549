// @mtswarm/machines: pure XState statecharts (handshake, DC connection, RPC, account). Re-exports only.
export * from './rpc/rpc.events.js'
export * from './rpc/rpc.logic.js'
export * from './rpc/rpc.machine.js'
export * from './rpc/rpc.ignores.js'
export * from './testing/coverage.js'
