// Session strings in and out (re-exports only).
export { readSessionString, type ReadSessionOptions } from './read-session.js'
export { MTSWARM_SESSION_PREFIX } from './mtswarm-format.js'
export { SEAL_SCRYPT } from './seal.js'
export { exportSessionString, type ExportSessionOptions, type ExportSource } from './export-session.js'
export { importSessionInto, type ImportSessionOptions, type ImportTarget } from './import-session.js'
export { MAX_SESSION_STRING_CHARS, type SessionData, type SessionFormat, type SessionUpdateState } from './session-data.js'
