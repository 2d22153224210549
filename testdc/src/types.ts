// The test DC's public seams: options, the `api` hook (TL request → TL result), the `layers`
// hook (codecs for other API layers), the `updates` hook, and the handle startTestDc returns.
// Types only; the server core lives in test-dc.ts and its siblings.
import type { FaultConfig, Faults } from './faults.js'
import type { TestDcStats } from './stats.js'
import type { UpdateDelivery, World, WorldOptions } from './world/index.js'

/** One DC of the test DC, reachable on loopback. */
export interface DcAddress {
  readonly id: number
  readonly host: string
  readonly port: number
}

/** What initConnection told the server about the client (kept per auth key). */
export interface ClientInfo {
  readonly apiId: number
  readonly deviceModel: string
  readonly systemVersion: string
  readonly appVersion: string
  readonly systemLangCode: string
  readonly langPack: string
  readonly langCode: string
}

/** A TL object as the generated codec (or a layer codec) reads it: tagged with `_`. */
export type TlValue = { readonly _: string; readonly [field: string]: unknown }

/** One API call after the server core unwrapped invokeWithLayer/initConnection/invokeWithoutUpdates/invokeAfterMsg(s). */
export interface ApiCall {
  readonly dcId: number
  readonly authKeyId: bigint
  readonly sessionId: bigint
  /** The layer the connection declared with invokeWithLayer (default: ours, LAYER). */
  readonly layer: number
  /** The user bound to the auth key in the world, if any. */
  readonly userId?: bigint
  /** The innermost request's `_` (e.g. 'help.getConfig'). */
  readonly method: string
  /** The innermost request, decoded at `layer`. */
  readonly request: TlValue
  /** From the last initConnection on this auth key. */
  readonly client?: ClientInfo
  /** The world behind every DC of this test DC. */
  readonly world: World
  /** Every DC of this test DC (for help.getConfig, migrations). */
  readonly dcs: readonly DcAddress[]
}

/** A typed RPC failure (WorldError has this shape): becomes `rpc_error` as is. */
export interface ApiError {
  readonly code: number
  readonly message: string
}

/**
 * Answers one API call with a TL result object (or a boolean / array for Bool / Vector results).
 * Throw or reject with an {@link ApiError} (e.g. WorldError) for an rpc_error. `fallback` is the
 * built-in handler (help.getConfig, help.getNearestDc, INPUT_METHOD_INVALID for the rest): call it
 * for methods you do not handle.
 */
export type ApiHook = (call: ApiCall, fallback: (call: ApiCall) => Promise<unknown>) => Promise<unknown>

/** Reads requests and writes results of one API layer other than ours. */
export interface LayerCodec {
  /** Decodes the innermost request (its boxed bytes, wrappers already stripped). Throw on bad input. */
  readRequest(bytes: Uint8Array): TlValue
  /** Encodes `result` of method `method` (boxed, as rpc_result carries it). */
  writeResult(method: string, result: unknown): Uint8Array
  /** Encodes an object pushed outside any answer (updates). Default: the generated codec. */
  writeObject?(obj: TlValue): Uint8Array
}

/** Returns the codec for a layer, or undefined to use the generated codec (layer = ours). */
export type LayersHook = (layer: number) => LayerCodec | undefined

/**
 * Turns one world delivery into the TL object pushed to the user's online sessions (undefined:
 * push nothing). Default: `apiUpdatesHook` (api/updates.ts), the one world → TL converter.
 */
export type UpdatesHook = (delivery: UpdateDelivery, world: World) => TlValue | undefined

/** startTestDc's options. */
export interface TestDcOptions {
  /** Number of DCs (ids 1..dcCount), default 3. */
  readonly dcCount?: number
  /** Only loopback: '127.0.0.1' (default); anything else is refused. */
  readonly host?: string
  /** Port of DC 1; DC i listens on basePort + i - 1. 0 (default): an ephemeral port per DC. */
  readonly basePort?: number
  /** RSA private key PEM; default: a fresh 2048-bit key generated at start. */
  readonly rsaPrivateKeyPem?: string
  /** Seeds the world and the fault decisions (default 1). */
  readonly seed?: string | number
  readonly faults?: FaultConfig
  /** Wall clock in ms (default Date.now); the server adds faults.clockSkewMs. */
  readonly clock?: () => number
  /** A ready world, or options merged over the defaults (clock = the server's clock, seeded random). */
  readonly world?: World | Partial<WorldOptions>
  /**
   * The API. Default: the world's (`createApiHandler()`: login, 2FA, migrations, chats, messages,
   * updates). `fallbackApi` alone is the bare server core (help.getConfig, INPUT_METHOD_INVALID).
   */
  readonly api?: ApiHook
  /** Codecs for API layers other than ours. Default: `dcLayersHook` (ours and GramJS's 198). */
  readonly layers?: LayersHook
  /** Default: `apiUpdatesHook`, the same converter the API answers with. */
  readonly updates?: UpdatesHook
  /**
   * Keeps the test DC's state across processes (state-file.ts): restored at start when the file
   * exists (RSA key, auth keys, logins, the world), written atomically on close(). A corrupt or
   * foreign file makes startTestDc reject with TestDcStateError and is never overwritten.
   */
  readonly statePath?: string
  /** The caller's own data, saved with the state on close() (read back as `restored.app`). */
  readonly appState?: () => unknown
}

/** What startTestDc restored from its state file. */
export interface RestoredTestDcState {
  readonly path: string
  readonly savedAtMs: number
  /** Saves before this one (1 after the first run). */
  readonly generation: number
  readonly authKeys: number
  readonly users: number
  readonly app: unknown
}

/** A running test DC. */
export interface TestDc {
  readonly dcs: readonly DcAddress[]
  /** SPKI PEM of the server's RSA public key ("-----BEGIN PUBLIC KEY-----"). */
  readonly publicKeyPem: string
  /** PKCS#1 PEM of the same key ("-----BEGIN RSA PUBLIC KEY-----"), as Telegram publishes keys. */
  readonly publicKeyPkcs1Pem: string
  /** MTProto fingerprint of the key (signed 64-bit, as TL long). */
  readonly fingerprint: bigint
  readonly world: World
  readonly faults: Faults
  readonly stats: TestDcStats
  /** Set when the state was restored from TestDcOptions.statePath. */
  readonly restored: RestoredTestDcState | undefined
  /**
   * Fault: the server forgets every session of `userId`'s auth keys (or of every key), as after a
   * server restart: each client's next message gets new_session_created, and pushes and answers
   * queued for the old sessions are lost. Counted in `stats.faults.forgetSessions`; returns how many.
   */
  forgetSessions(who: bigint | 'all'): number
  /** Closes every listener and connection (then saves the state, with statePath); resolves when done. Idempotent. */
  close(): Promise<void>
}
