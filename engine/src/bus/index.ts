// The typed keyed RxJS bus: re-exports only.
export * from './keyed-bus.js'
export * from './actor-stream.js'
