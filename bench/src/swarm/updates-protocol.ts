// What updates-run.ts and updates-child.ts exchange for the updates scenario: the run's
// parameters, the parent's cues and the child's figures. Types only.
import type { DcHello } from './dc-protocol.js'

/** The libraries the updates scenario runs (GramJS: fan-in only, it has no gap recovery). */
export type UpdatesKind = 'ours' | 'mtcute' | 'gramjs'

/** Parameters of one library's updates run. */
export interface UpdatesChildArgs {
  readonly kind: UpdatesKind
  /** Phones of the accounts that receive the fan-in (all logged in before any phase). */
  readonly phones: readonly string[]
  /** Phone of the account behind the relay (the outage); none: no outage phase. */
  readonly outagePhone: string | undefined
  /** The DC, dialed directly. */
  readonly direct: DcHello
  /** The same DC through the outage relay. */
  readonly relayed: DcHello
  /** A fresh directory for the run's LMDB stores (ours). */
  readonly dir: string
  /**
   * When set, each fan-in phase is CPU-profiled (inspector, started after the phase's CPU reading
   * and stopped after its last) into `<profileDir>/updates-<kind>-<accounts>.cpuprofile`.
   */
  readonly profileDir: string | undefined
}

/** One fan-in phase: every message of the phase handled (and, for ours, committed). */
export interface FanInResult {
  readonly accounts: number
  readonly expected: number
  /** Distinct messages handled. */
  readonly handled: number
  /** Handler calls for a message already handled (at-least-once). */
  readonly duplicates: number
  /** From `go` until every message was handled (ours: and every account's state committed). */
  readonly wallMs: number
  /** CPU of the client process (all its threads: LMDB's writer too) over the same span. */
  readonly cpuMs: number
  /** Update-state commits written (ours). */
  readonly commits: number | undefined
  /** False when the phase timed out before every message was handled. */
  readonly complete: boolean
}

/** The outage phase, measured from the moment the network is back. */
export interface OutageResult {
  /** Messages written before the network came back (all must be handled). */
  readonly upTo: number
  /** Back → every one of them handled (undefined: not within the time allowed). */
  readonly handledMs: number | undefined
  /** Back → handled and the state committed (ours only). */
  readonly committedMs: number | undefined
  readonly missing: number
  /** Back → the library reported its connection ready again (undefined: not seen, or not reported). */
  readonly reconnectedMs: number | undefined
  /** Messages written after "back" handled by the time of this result (do pushes flow again?). */
  readonly handledAfterBack: number
}

/** Parent → child. */
export type ParentCue =
  /** Count messages whose text starts with `prefix`, sent to the first `accounts` accounts. */
  | { readonly type: 'go'; readonly prefix: string; readonly accounts: number; readonly expected: number; readonly timeoutMs: number }
  /** The network is back (hrtime ms); messages `o0` … `o<upTo-1>` were written before. */
  | { readonly type: 'back'; readonly atMs: number; readonly upTo: number; readonly timeoutMs: number }
  | { readonly type: 'stop' }

/** Child → parent. */
export type UpdatesChildMessage =
  | { readonly type: 'progress'; readonly text: string }
  /** Every account is logged in and its updates loop is listening. */
  | { readonly type: 'ready' }
  /** Counting has started for the `go` just received: the parent may send. */
  | { readonly type: 'going' }
  | { readonly type: 'fanIn'; readonly result: FanInResult }
  | { readonly type: 'outage'; readonly result: OutageResult }
  | { readonly type: 'failed'; readonly error: string }
