// Fault injection for the test DC: what to break (salts, connections, delivery, clock, RPC
// errors, handshakes) and seeded decisions about when. Settable at start and at run time.
// Knows nothing of sockets or MTProto; the server asks it and reports what fired to stats.
import { seededRandom } from './world/index.js'
import type { TestDcStats } from './stats.js'

/** Every knob; all optional, all off by default. */
export interface FaultConfig {
  /** Server salt rotation period (ms); default 1 hour. Salts stay valid one extra period. */
  readonly saltPeriodMs?: number
  /** Answer the next N encrypted messages with bad_server_salt whatever salt they carry. */
  readonly badServerSaltNext?: number
  /** Close a connection after it delivered this many frames. */
  readonly dropAfterFrames?: number
  /** Close the connection with this probability on each received frame (0..1). */
  readonly dropProbability?: number
  /** Close the connection on each of the next N received frames (whatever the probability). */
  readonly dropNextFrames?: number
  /** Delay every outgoing frame by this many ms … */
  readonly delayMs?: number
  /** … plus a uniform random 0..jitterMs (order is kept). */
  readonly jitterMs?: number
  /** Send an outgoing frame twice with this probability. */
  readonly duplicateProbability?: number
  /** Hold an outgoing frame back and send it after the next one with this probability. */
  readonly reorderProbability?: number
  /** Server clock skew in ms (positive: server ahead); drives msg_id checks, salts, dates. */
  readonly clockSkewMs?: number
  /** FLOOD_WAIT_X (420) for these methods: method name → seconds. */
  readonly floodWait?: Readonly<Record<string, number>>
  /** USER_MIGRATE_X (303) for calls made by these users: user id (decimal string) → DC id. */
  readonly userMigrate?: Readonly<Record<string, number>>
  /** 500 INTERNAL for API calls with this probability. */
  readonly internalErrorProbability?: number
  /**
   * Lose the answer of an API call that has executed, with this probability: the connection that
   * carried the call closes before the answer (and the acks of that flush) goes out, as when a
   * connection dies with the answer on the wire. The answer stays in the session's msg_id cache,
   * so a repeat of the same msg_id gets it; a copy under a new msg_id executes again.
   */
  readonly dropResultProbability?: number
  /** Lose the answers of the next N executed API calls, as dropResultProbability does. */
  readonly dropNextResults?: number
  /** Delay every handshake answer by this many ms. */
  readonly handshakeDelayMs?: number
  /** Answer the next N set_client_DH_params with dh_gen_retry. */
  readonly dhGenRetryNext?: number
  /** Answer the next N set_client_DH_params with dh_gen_fail. */
  readonly dhGenFailNext?: number
}

/** Default server salt period: Telegram's salts last about an hour. */
export const DEFAULT_SALT_PERIOD_MS = 60 * 60_000

/** The test DC's live fault state. Decisions draw from one seeded stream: same seed, same run. */
export class Faults {
  private cfg: FaultConfig
  private readonly rand: (n: number) => Uint8Array
  /** Counters for the "next N" faults, consumed as they fire. */
  private badSaltLeft: number
  private retryLeft: number
  private failLeft: number
  private dropFramesLeft: number
  private dropResultsLeft: number

  constructor(
    initial: FaultConfig,
    seed: string | number,
    private readonly stats: TestDcStats,
  ) {
    this.cfg = { ...initial }
    this.rand = seededRandom(`faults:${seed}`)
    this.badSaltLeft = initial.badServerSaltNext ?? 0
    this.retryLeft = initial.dhGenRetryNext ?? 0
    this.failLeft = initial.dhGenFailNext ?? 0
    this.dropFramesLeft = initial.dropNextFrames ?? 0
    this.dropResultsLeft = initial.dropNextResults ?? 0
  }

  /** Merges `patch` into the configuration (a key set to undefined turns that fault off). */
  set(patch: FaultConfig): void {
    this.cfg = { ...this.cfg, ...patch }
    if ('badServerSaltNext' in patch) this.badSaltLeft = patch.badServerSaltNext ?? 0
    if ('dhGenRetryNext' in patch) this.retryLeft = patch.dhGenRetryNext ?? 0
    if ('dhGenFailNext' in patch) this.failLeft = patch.dhGenFailNext ?? 0
    if ('dropNextFrames' in patch) this.dropFramesLeft = patch.dropNextFrames ?? 0
    if ('dropNextResults' in patch) this.dropResultsLeft = patch.dropNextResults ?? 0
  }

  /** Turns every fault off. */
  clear(): void {
    this.cfg = {}
    this.badSaltLeft = 0
    this.retryLeft = 0
    this.failLeft = 0
    this.dropFramesLeft = 0
    this.dropResultsLeft = 0
  }

  get config(): FaultConfig {
    return this.cfg
  }

  /** A uniform number in [0, 1) from the seeded stream. */
  random(): number {
    const b = this.rand(4)
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true) / 2 ** 32
  }

  private chance(p: number | undefined, name: string): boolean {
    if (p === undefined || p <= 0) return false
    if (this.random() >= p) return false
    this.stats.bump(this.stats.faults, name)
    return true
  }

  get clockSkewMs(): number {
    return this.cfg.clockSkewMs ?? 0
  }

  get saltPeriodMs(): number {
    const p = this.cfg.saltPeriodMs
    return p !== undefined && p > 0 ? p : DEFAULT_SALT_PERIOD_MS
  }

  /** Whether this message gets a forced bad_server_salt. */
  forceBadSalt(): boolean {
    if (this.badSaltLeft <= 0) return false
    this.badSaltLeft--
    this.stats.bump(this.stats.faults, 'badServerSalt')
    return true
  }

  /** Whether a connection that has now received `frames` frames is to be dropped. */
  dropConnection(frames: number): boolean {
    const after = this.cfg.dropAfterFrames
    if (after !== undefined && after > 0 && frames >= after) {
      this.stats.bump(this.stats.faults, 'dropAfterFrames')
      return true
    }
    if (this.dropFramesLeft > 0) {
      this.dropFramesLeft--
      this.stats.bump(this.stats.faults, 'dropNextFrames')
      return true
    }
    return this.chance(this.cfg.dropProbability, 'dropProbability')
  }

  /** Delay (ms) for the next outgoing frame, 0 when none. */
  outgoingDelayMs(): number {
    const base = this.cfg.delayMs ?? 0
    const jitter = this.cfg.jitterMs ?? 0
    const d = base + (jitter > 0 ? Math.floor(this.random() * (jitter + 1)) : 0)
    if (d > 0) this.stats.bump(this.stats.faults, 'delay')
    return d
  }

  duplicateFrame(): boolean {
    return this.chance(this.cfg.duplicateProbability, 'duplicate')
  }

  reorderFrame(): boolean {
    return this.chance(this.cfg.reorderProbability, 'reorder')
  }

  /** A forced RPC error for this call, if any fault applies. */
  rpcFault(method: string, userId: bigint | undefined): { code: number; message: string } | undefined {
    const flood = this.cfg.floodWait?.[method]
    if (flood !== undefined) {
      this.stats.bump(this.stats.faults, 'floodWait')
      return { code: 420, message: `FLOOD_WAIT_${flood}` }
    }
    if (userId !== undefined) {
      const dc = this.cfg.userMigrate?.[userId.toString()]
      if (dc !== undefined) {
        this.stats.bump(this.stats.faults, 'userMigrate')
        return { code: 303, message: `USER_MIGRATE_${dc}` }
      }
    }
    if (this.chance(this.cfg.internalErrorProbability, 'internalError')) return { code: 500, message: 'INTERNAL' }
    return undefined
  }

  /** Whether the answer of an API call that has just executed is to be lost (with its connection). */
  dropResult(): boolean {
    if (this.dropResultsLeft > 0) {
      this.dropResultsLeft--
      this.stats.bump(this.stats.faults, 'dropResult')
      return true
    }
    return this.chance(this.cfg.dropResultProbability, 'dropResult')
  }

  get handshakeDelayMs(): number {
    return this.cfg.handshakeDelayMs ?? 0
  }

  /** Verdict override for the next set_client_DH_params, if a fault applies. */
  dhGenVerdict(): 'retry' | 'fail' | undefined {
    if (this.failLeft > 0) {
      this.failLeft--
      this.stats.bump(this.stats.faults, 'dhGenFail')
      return 'fail'
    }
    if (this.retryLeft > 0) {
      this.retryLeft--
      this.stats.bump(this.stats.faults, 'dhGenRetry')
      return 'retry'
    }
    return undefined
  }
}
