export * from './session-store.js'
export * from './store-error.js'
export * from './memory-store.js'
export {
  RECORD_VERSIONS,
  MIGRATIONS,
  STORE_MAGIC,
  encodeRecord,
  decodeRecord,
  checkRecord,
  type Migration,
  type RecordKind,
  type RecordTypes,
  type StoreMeta,
  type VersionTables,
} from './record-codec.js'
export { AUTH_KEY_BYTES, MAX_ACCOUNT_ID_LENGTH, MAX_USERNAME_LENGTH } from './store-input.js'
export { mergePeer, usernameKey } from './store-rules.js'
export { openLmdbStore, type LmdbStoreOptions } from './lmdb-store.js'
export { ENCRYPTION_KEY_BYTES } from './key-cipher.js'
export {
  STORE_KEY_ENV,
  STORE_KEY_FILE_ENV,
  createStoreKeyFile,
  parseStoreKey,
  readStoreKeyFile,
  resolveStoreKey,
  type StoreKeySources,
} from './store-key.js'
export { rotateStoreKey, type RotateStoreKeyOptions } from './store-rotate.js'
export { runStoreCli } from './cli.js'
export type { ProbeDepth } from './store-file-check.js'
