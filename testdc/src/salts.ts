// Server salts of the test DC: one salt per auth key per period, derived (not stored) from the
// seed, the key id and the period index, so they rotate on their own. Knows nothing of sessions.
// https://core.telegram.org/mtproto/description#server-salt · /service_messages#request-for-several-future-salts
import { createHash } from 'node:crypto'

/** get_future_salts answers at most this many (Telegram: 1..64). */
export const MAX_FUTURE_SALTS = 64

/** One salt and its validity, in unix seconds. */
export interface ScheduledSalt {
  readonly validSince: number
  readonly validUntil: number
  readonly salt: bigint
}

/**
 * Salt `k` is current during [k·P, (k+1)·P) and still accepted during the next period, so a
 * client that follows future_salts or bad_server_salt never races a rotation.
 */
export class SaltSchedule {
  constructor(
    private readonly seed: string,
    private readonly periodMs: () => number,
  ) {}

  private saltAt(authKeyId: bigint, index: number): bigint {
    const h = createHash('sha256').update(`salt/${this.seed}/${authKeyId}/${index}`).digest()
    return h.readBigInt64LE(0)
  }

  private index(nowMs: number): number {
    return Math.floor(nowMs / this.periodMs())
  }

  /** The salt to hand out now (new_session_created, bad_server_salt, outgoing messages). */
  current(authKeyId: bigint, nowMs: number): bigint {
    return this.saltAt(authKeyId, this.index(nowMs))
  }

  /**
   * Whether `salt` is accepted now: the current or the previous period's salt, or the key's
   * initial salt (from the handshake) during the period after the key was created.
   */
  isValid(authKeyId: bigint, salt: bigint, nowMs: number, initial?: { salt: bigint; createdMs: number }): boolean {
    const k = this.index(nowMs)
    if (salt === this.saltAt(authKeyId, k) || salt === this.saltAt(authKeyId, k - 1)) return true
    return initial !== undefined && salt === initial.salt && nowMs < initial.createdMs + this.periodMs()
  }

  /** `num` (1..64) salts starting with the current one. */
  future(authKeyId: bigint, nowMs: number, num: number): ScheduledSalt[] {
    const n = Math.max(1, Math.min(MAX_FUTURE_SALTS, Math.floor(num)))
    const p = this.periodMs()
    const k = this.index(nowMs)
    const out: ScheduledSalt[] = []
    for (let i = 0; i < n; i++) {
      out.push({
        validSince: Math.floor(((k + i) * p) / 1000),
        validUntil: Math.floor(((k + i + 2) * p) / 1000),
        salt: this.saltAt(authKeyId, k + i),
      })
    }
    return out
  }
}
