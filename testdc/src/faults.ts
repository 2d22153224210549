// Fault injection for the test DC: what to break (salts, connections, delivery, clock, RPC
// errors, handshakes, pushed updates, sessions) and seeded decisions about when. Settable at start and at run time.
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
  /**
   * Do not send a pushed update to a session, with this probability per (delivery, session). The
   * world has logged it, so updates.getDifference still returns it: the client sees a pts gap.
   */
  readonly dropUpdatesProbability?: number
  /** Drop the next N pushes (as dropUpdatesProbability does). */
  readonly dropNextUpdates?: number
  /**
   * Hold every push this many ms before it goes to the session (pushes to one session keep their
   * order). NB: RPC answers are not held: a delayed push may arrive after an answer (e.g. a
   * getDifference) that already carried its update — real Telegram promises no order there either.
   */
  readonly delayUpdatesMs?: number
  /** … plus a uniform random 0..updatesJitterMs (still in order per session). */
  readonly updatesJitterMs?: number
  /** Hold a push back and send it after the session's next push, with this probability. */
  readonly reorderUpdatesProbability?: number
  /** Push `updatesTooLong` instead of the update, with this probability per (delivery, session). */
  readonly updatesTooLongProbability?: number
  /** Push `updatesTooLong` instead of the next N updates. */
  readonly updatesTooLongNext?: number
  /**
   * Forget the session the next N encrypted messages arrive on (as Telegram does after a server
   * restart): the message starts a new session (new_session_created), and what was queued for the
   * old one — pushes and unsent answers — is lost. Run time, for whole users: `TestDc.forgetSessions`.
   */
  readonly forgetSessionsNext?: number
}

/** Every FaultConfig key, for checking configurations that come from outside (CLI JSON). */
export const FAULT_KEYS: ReadonlySet<string> = new Set<keyof FaultConfig>([
  'saltPeriodMs',
  'badServerSaltNext',
  'dropAfterFrames',
  'dropProbability',
  'dropNextFrames',
  'delayMs',
  'jitterMs',
  'duplicateProbability',
  'reorderProbability',
  'clockSkewMs',
  'floodWait',
  'userMigrate',
  'internalErrorProbability',
  'dropResultProbability',
  'dropNextResults',
  'handshakeDelayMs',
  'dhGenRetryNext',
  'dhGenFailNext',
  'dropUpdatesProbability',
  'dropNextUpdates',
  'delayUpdatesMs',
  'updatesJitterMs',
  'reorderUpdatesProbability',
  'updatesTooLongProbability',
  'updatesTooLongNext',
  'forgetSessionsNext',
])

/** Keys whose value is a method/user → number table; every other key holds one finite number. */
const TABLE_KEYS: ReadonlySet<string> = new Set(['floodWait', 'userMigrate'])

/**
 * Checks a fault configuration from outside (parsed JSON): known keys only, finite numbers
 * (probabilities in 0..1), tables of numbers. Returns it typed; throws RangeError naming the key.
 */
export function checkFaultConfig(value: unknown): FaultConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RangeError('faults must be an object')
  for (const [key, v] of Object.entries(value)) {
    if (!FAULT_KEYS.has(key)) throw new RangeError(`unknown fault ${JSON.stringify(key)}`)
    if (v === undefined) continue
    if (TABLE_KEYS.has(key)) {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((n) => typeof n === 'number' && Number.isFinite(n))) {
        throw new RangeError(`fault ${key} must map names to numbers`)
      }
      continue
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`fault ${key} must be a finite number`)
    if (key.endsWith('Probability') && (v < 0 || v > 1)) throw new RangeError(`fault ${key} must be in 0..1, got ${v}`)
  }
  return value as FaultConfig
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
  private dropUpdatesLeft: number
  private tooLongLeft: number
  private forgetLeft: number

  constructor(
    initial: FaultConfig,
    seed: string | number,
    private readonly stats: TestDcStats,
  ) {
    this.cfg = { ...checkFaultConfig(initial) }
    this.rand = seededRandom(`faults:${seed}`)
    this.badSaltLeft = initial.badServerSaltNext ?? 0
    this.retryLeft = initial.dhGenRetryNext ?? 0
    this.failLeft = initial.dhGenFailNext ?? 0
    this.dropFramesLeft = initial.dropNextFrames ?? 0
    this.dropResultsLeft = initial.dropNextResults ?? 0
    this.dropUpdatesLeft = initial.dropNextUpdates ?? 0
    this.tooLongLeft = initial.updatesTooLongNext ?? 0
    this.forgetLeft = initial.forgetSessionsNext ?? 0
  }

  /**
   * Merges `patch` into the configuration (a key set to undefined turns that fault off). RangeError
   * for an unknown key, a non-finite number or a probability outside 0..1 (nothing is changed).
   */
  set(patch: FaultConfig): void {
    this.cfg = { ...this.cfg, ...checkFaultConfig(patch) }
    if ('badServerSaltNext' in patch) this.badSaltLeft = patch.badServerSaltNext ?? 0
    if ('dhGenRetryNext' in patch) this.retryLeft = patch.dhGenRetryNext ?? 0
    if ('dhGenFailNext' in patch) this.failLeft = patch.dhGenFailNext ?? 0
    if ('dropNextFrames' in patch) this.dropFramesLeft = patch.dropNextFrames ?? 0
    if ('dropNextResults' in patch) this.dropResultsLeft = patch.dropNextResults ?? 0
    if ('dropNextUpdates' in patch) this.dropUpdatesLeft = patch.dropNextUpdates ?? 0
    if ('updatesTooLongNext' in patch) this.tooLongLeft = patch.updatesTooLongNext ?? 0
    if ('forgetSessionsNext' in patch) this.forgetLeft = patch.forgetSessionsNext ?? 0
  }

  /** Turns every fault off. */
  clear(): void {
    this.cfg = {}
    this.badSaltLeft = 0
    this.retryLeft = 0
    this.failLeft = 0
    this.dropFramesLeft = 0
    this.dropResultsLeft = 0
    this.dropUpdatesLeft = 0
    this.tooLongLeft = 0
    this.forgetLeft = 0
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

  /** What happens to one push to one session: dropped, replaced by updatesTooLong, or sent. */
  updatePush(): 'drop' | 'tooLong' | 'send' {
    if (this.takeNext('dropUpdatesLeft', 'dropUpdate') || this.chance(this.cfg.dropUpdatesProbability, 'dropUpdate')) return 'drop'
    if (this.takeNext('tooLongLeft', 'updatesTooLong') || this.chance(this.cfg.updatesTooLongProbability, 'updatesTooLong')) return 'tooLong'
    return 'send'
  }

  /** How long (ms) to hold the next push, 0 when not at all. */
  updateDelayMs(): number {
    const base = this.cfg.delayUpdatesMs ?? 0
    const jitter = this.cfg.updatesJitterMs ?? 0
    const d = base + (jitter > 0 ? Math.floor(this.random() * (jitter + 1)) : 0)
    if (d > 0) this.stats.bump(this.stats.faults, 'delayUpdate')
    return d
  }

  /** Whether this push is held back to go out after the session's next one. */
  reorderUpdate(): boolean {
    return this.chance(this.cfg.reorderUpdatesProbability, 'reorderUpdate')
  }

  /** Whether the session an encrypted message arrived on is to be forgotten first. */
  forgetSession(): boolean {
    return this.takeNext('forgetLeft', 'forgetSession')
  }

  private takeNext(counter: 'dropUpdatesLeft' | 'tooLongLeft' | 'forgetLeft', name: string): boolean {
    if (this[counter] <= 0) return false
    this[counter]--
    this.stats.bump(this.stats.faults, name)
    return true
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
