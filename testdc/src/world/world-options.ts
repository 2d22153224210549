// The world's options and plain records about it (preset users, counts): types only, and the one
// tunable World.peersSeenBefore uses. The rules live in world.ts and its parts.
import type { RandomSource } from './seeded-random.js'
import type { SrpServer } from './srp.js'

/** How far back in a dialog World.peersSeenBefore looks for a message that named the peers. */
export const PEERS_SEEN_LOOKBACK = 100

export interface WorldOptions {
  /** Milliseconds since the epoch (a fake clock in tests). */
  readonly clock: () => number
  readonly random: RandomSource
  /** DC ids, default [1, 2, 3]. */
  readonly dcIds?: readonly number[]
  /** Home DC of phone numbers that are not test numbers, default the first DC. */
  readonly defaultDcId?: number
  readonly codeTtlMs?: number
  /** SRP arithmetic for 2FA, default `engineSrpServer` (engine/src/crypto/srp.ts). */
  readonly srp?: SrpServer
  /**
   * Bound of each user's and channel's update log, default MAX_UPDATE_LOG_ENTRIES: a client whose
   * pts is older than the log gets differenceTooLong / channelDifferenceTooLong.
   */
  readonly updateLogLimit?: number
  /**
   * Most messages one getDifference / getChannelDifference answer carries, default
   * DIFFERENCE_LIMIT; past it the answer is a differenceSlice / channelDifference with final false.
   * A client's smaller pts_limit / limit wins.
   */
  readonly differenceLimit?: number
  /**
   * Opt-in flood rule: more than `max` sendCode calls for one phone within `windowMs` answer
   * FLOOD_WAIT_X, X the whole seconds until the oldest call leaves the window. Default: none.
   */
  readonly sendCodeFlood?: { readonly max: number; readonly windowMs: number }
}

export interface PresetUserSpec {
  readonly phone: string
  readonly firstName: string
  readonly lastName?: string
  readonly username?: string
  readonly about?: string
  /** Enables 2FA; the world keeps only the SRP verifier. */
  readonly password?: string
  readonly passwordHint?: string
  /** Default: by the phone rule (see `homeDcOfPhone`). */
  readonly homeDcId?: number
}

/** Counts for tests. */
export interface WorldStats {
  readonly users: number
  readonly chats: number
  readonly channels: number
  /** Logical messages, each counted once however many boxes hold a copy. */
  readonly messages: number
  readonly serviceMessages: number
  readonly joins: number
  readonly boundAuthKeys: number
}
