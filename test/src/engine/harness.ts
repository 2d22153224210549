// Shared setup for the engine integration tests: a real test DC on loopback (with the API
// handlers) and a runtime pointed at it over a memory store. Knows nothing of what a test checks.
import { parseRsaPublicKey } from '@mtswarm/engine/crypto'
import { createEngine, createRuntime, type Engine, type EngineEvent, type EngineOptions, type Runtime, type RuntimeOptions } from '@mtswarm/engine'
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

/** An engine on `dc` (a fresh memory store unless one is given) and every event it emits, in order. */
export function engineOn(dc: TestDc, store: SessionStore = createMemoryStore(), extra: Partial<EngineOptions> = {}): { engine: Engine; events: EngineEvent[] } {
  const engine = createEngine({ apiId: 4242, apiHash: '0123456789abcdef0123456789abcdef', store, dcs: dc.dcs, publicKeys: [dc.publicKeyPem], ...extra })
  const events: EngineEvent[] = []
  engine.events$.subscribe((e) => events.push(e))
  return { engine, events }
}
