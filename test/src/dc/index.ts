// Public surface of the test DC (re-exports only).
export { startTestDc, generateRsaKeyPem, LOOPBACK_HOST, DH_G, TestDcOptionsError } from './test-dc.js'
export { TestDcStateError, STATE_FILE_MAGIC, STATE_FILE_VERSION, type TestDcState } from './state-file.js'
export { Faults, DEFAULT_SALT_PERIOD_MS, type FaultConfig } from './faults.js'
export { TestDcStats, type TestDcStatsSnapshot } from './stats.js'
export { defaultApi, testDcConfig } from './default-api.js'
export { defaultUpdates, tlUser, tlMessage } from './updates-push.js'
export { inputMethodInvalid, GZIP_THRESHOLD_BYTES } from './rpc-codec.js'
export { TRANSPORT_ERROR_NO_KEY } from './connection.js'
export type {
  ApiCall,
  ApiError,
  ApiHook,
  ClientInfo,
  DcAddress,
  LayerCodec,
  LayersHook,
  TestDc,
  TestDcOptions,
  RestoredTestDcState,
  TlValue,
  UpdatesHook,
} from './types.js'
