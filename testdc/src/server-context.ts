// What every part of the running test DC shares (world, stats, faults, salts, keys, hooks, the
// skewed clock) and the per-DC state: auth keys and sessions. Data and lookups only.
import type { RsaPrivateKey } from '@mtswarm/engine/crypto'
import type { EncryptionKey } from '@mtswarm/engine/protocol'
import type { Faults } from './faults.js'
import type { SaltSchedule } from './salts.js'
import type { TestDcStats } from './stats.js'
import type { ApiHook, ClientInfo, DcAddress, LayersHook, UpdatesHook } from './types.js'
import type { World } from './world/index.js'

/** An auth key the server agreed on, kept per DC. */
export interface AuthKeyRecord {
  readonly enc: EncryptionKey
  readonly createdMs: number
  /** The handshake's salt (new_nonce xor server_nonce), accepted during the first salt period. */
  readonly initialSalt: bigint
  /** Temporary keys (p_q_inner_data_temp_dc) stop working at this server time. */
  readonly expiresAtMs?: number
  /** The DC id the client named in p_q_inner_data_dc (+10000 for test DCs by convention). */
  readonly clientDc?: number
  /** Last layer declared with invokeWithLayer on any session of this key. */
  layer?: number
  client?: ClientInfo
}

/** Shared by every DC of one test DC. */
export interface ServerContext {
  readonly dcs: DcAddress[]
  readonly world: World
  readonly stats: TestDcStats
  readonly faults: Faults
  readonly salts: SaltSchedule
  readonly rsaKey: RsaPrivateKey
  readonly dhPrime: bigint
  readonly g: number
  /** The server's clock: the wall clock plus the clock-skew fault, in ms. */
  now(): number
  random(n: number): Uint8Array
  readonly api: ApiHook
  readonly layers: LayersHook
  readonly updates: UpdatesHook
}

/** Contained errors are counted by kind; this keeps the kinds short and stable. */
export function countError(stats: TestDcStats, kind: string): void {
  stats.bump(stats.errors, kind)
}
