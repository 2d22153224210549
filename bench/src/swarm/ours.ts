// Our engine pointed at the bench's test DC: a runtime over a given store, and the account ids the
// scenarios use. Uses the runtime API (engine/src/runtime); knows nothing of the scenarios.
import { createRuntime, type Runtime } from '@mtswarm/engine'
import { parseRsaPublicKey } from '@mtswarm/engine/crypto'
import { createMemoryStore, openLmdbStore, type SessionStore } from '@mtswarm/storage'
import type { DcHello } from './dc-protocol.js'
import type { PeerClient, PeerFactory } from './peers.js'

/** initConnection identity of the bench's accounts. */
export const BENCH_CLIENT = {
  apiId: 4,
  deviceModel: 'mtswarm-bench',
  systemVersion: 'node',
  appVersion: '0.1.0',
  systemLangCode: 'en',
  langCode: 'en',
} as const

/** The DC every bench account lives on. */
export const HOME_DC = 1

/** The cheap call the throughput and latency scenarios repeat (answered by the test DC's fallback). */
export const CHEAP_CALL = { _: 'help.getNearestDc' } as const

/** A runtime talking to `dc` over `store` (a fresh memory store by default). */
export function oursRuntime(dc: DcHello, store: SessionStore = createMemoryStore(), extra: { rpcTimeoutMs?: number } = {}): Runtime {
  return createRuntime({
    store,
    dcs: dc.dcs,
    publicKeys: [parseRsaPublicKey(dc.publicKeyPem)],
    client: BENCH_CLIENT,
    ...(extra.rpcTimeoutMs === undefined ? {} : { rpcTimeoutMs: extra.rpcTimeoutMs }),
  })
}

/**
 * Our runtime behind the same open/call/close shape as the peers: one runtime, one fresh account
 * per opened client (so each open is a new connection, auth-key handshake and
 * initConnection(help.getConfig)). `runtime` is exposed so the caller can stop it.
 */
export function oursFactory(dc: DcHello): PeerFactory & { readonly runtime: Runtime } {
  const rt = oursRuntime(dc)
  let next = 0
  return {
    runtime: rt,
    async open(): Promise<PeerClient> {
      const id = `cmp-${next++}`
      await rt.invokeRaw(id, HOME_DC, { _: 'help.getConfig' })
      return {
        call: () => rt.invokeRaw(id, HOME_DC, CHEAP_CALL),
        close: async () => rt.closeConnection(id, HOME_DC),
      }
    },
  }
}

/** Opens (creating) an LMDB store at `path`. */
export function openStore(path: string): Promise<SessionStore> {
  return openLmdbStore({ path, encryptionKey: new Uint8Array(32).fill(0x5a) })
}

/** `prefix-0` … `prefix-(n-1)`. */
export function accountIds(prefix: string, n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${from + i}`)
}

/** Waits until every connection of `ids` on `dcId` is ready (connecting them if needed). */
export async function allReady(rt: Runtime, ids: readonly string[], dcId = HOME_DC): Promise<void> {
  await Promise.all(ids.map((id) => rt.connection(id, dcId).whenReady()))
}

/**
 * Keeps `inFlight` calls of `call` outstanding on account `id` until `until()` says stop; every
 * settled call's latency (ms) goes to `onLatency`, failures to `onError`.
 */
export async function closedLoop(
  inFlight: number,
  issue: () => Promise<unknown>,
  until: () => boolean,
  onLatency: (ms: number) => void,
  onError: (e: unknown) => void,
): Promise<void> {
  const lane = async (): Promise<void> => {
    while (!until()) {
      const t0 = performance.now()
      try {
        await issue()
        onLatency(performance.now() - t0)
      } catch (e) {
        onError(e)
      }
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane))
}
