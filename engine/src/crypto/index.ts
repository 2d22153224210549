// Public surface of @mtswarm/engine/crypto (re-exports only).
export * from './bytes.js'
export * from './aes-ige.js'
export * from './hash.js'
export * from './message-key.js'
export * from './handshake-keys.js'
