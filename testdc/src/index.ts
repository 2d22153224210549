// Public surface of @mtswarm/testdc (re-exports only): the server, its world, API handlers and
// layer codecs. Test support (TestClient, fixtures) is `@mtswarm/testdc/testing`.
export { startTestDc, generateRsaKeyPem, LOOPBACK_HOST, DH_G, TestDcOptionsError } from './test-dc.js'
export { TestDcStateError, STATE_FILE_MAGIC, STATE_FILE_VERSION, type TestDcState } from './state-file.js'
export { Faults, DEFAULT_SALT_PERIOD_MS, type FaultConfig } from './faults.js'
export { TestDcStats, type TestDcStatsSnapshot } from './stats.js'
export { fallbackApi, testDcConfig } from './fallback-api.js'
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
export { SaltSchedule } from './salts.js'
export { createApiHandler, apiHandlers, apiUpdatesHook, updatesFor } from './api/index.js'
export type { ApiHandlerOptions, HandlerTable } from './api/index.js'
export { dcLayersHook } from './layers/index.js'
export { World, WorldError, isWorldError, worldErrors, seededRandom, testPhoneDcId } from './world/index.js'
export type { WorldUser, WorldOptions, RandomSource } from './world/index.js'
