// @mtswarm/engine: re-exports only (tl, crypto, protocol and transport have their own subpaths).
export * from './bus/index.js'
export * from './runtime/index.js'
