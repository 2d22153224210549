// Shared setup for the engine integration tests: a real test DC on loopback (with the API
// handlers) and a runtime pointed at it over a memory store. Knows nothing of what a test checks.
import { parseRsaPublicKey } from '@mtswarm/engine/crypto'
import { createRuntime, type Runtime, type RuntimeOptions } from '@mtswarm/engine'
import { createMemoryStore, type SessionStore } from '@mtswarm/storage'
import { createApiHandler, startTestDc, type TestDc, type TestDcOptions } from '@mtswarm/testdc'
import { sharedRsaKeyPem } from '@mtswarm/testdc/testing'

export const CLIENT = {
  apiId: 4,
  deviceModel: 'mtswarm-test',
  systemVersion: 'node',
  appVersion: '0.1.0',
  systemLangCode: 'en',
  langCode: 'en',
} as const

/** A test DC with the API handlers (world-backed login, messages …). */
export function startDc(options: TestDcOptions = {}): Promise<TestDc> {
  return startTestDc({ rsaPrivateKeyPem: sharedRsaKeyPem(), dcCount: 2, api: createApiHandler(), ...options })
}

/** A runtime for `dc` (a fresh memory store unless one is given). */
export function runtimeFor(dc: TestDc, extra: Partial<RuntimeOptions> & { store?: SessionStore } = {}): Runtime {
  return createRuntime({
    store: extra.store ?? createMemoryStore(),
    dcs: dc.dcs,
    publicKeys: [parseRsaPublicKey(dc.publicKeyPem)],
    client: CLIENT,
    ...extra,
  })
}
