// Public surface of @mtswarm/engine/transport (re-exports only).
export * from './frame.js'
export * from './byte-queue.js'
export * from './framed-codec.js'
export * from './abridged-codec.js'
export * from './intermediate-codec.js'
export * from './full-codec.js'
export * from './obfuscated2-codec.js'
export * from './detect.js'
