// What client-run.ts and client-child.ts exchange: the run's parameters and its figures. Types only.
import type { ClientKind } from './peers.js'
import type { Summary } from './stats.js'

/** Parameters of one client-library run. */
export interface ChildArgs {
  readonly kind: ClientKind
  /** Clients opened at once in the handshake phase (plus one warm client opened before). */
  readonly clients: number
  /** Calls in flight on the single connection. */
  readonly inFlight: number
  /** Calls in flight per connection when every client is busy. */
  readonly manyInFlight: number
  /** Length of each measured RPC window. */
  readonly seconds: number
  /** Measured windows per RPC phase; the one with the most calls is kept. */
  readonly rounds: number
  /** The DC process, for its CPU. */
  readonly dcPid: number
}

/** One measured RPC window. */
export interface PhaseRpc {
  readonly clients: number
  readonly inFlightEach: number
  readonly calls: number
  readonly errors: number
  readonly firstError?: string
  readonly wallMs: number
  /** CPU of the client process in the window, ms. */
  readonly cpuMs: number
  /** CPU of the DC process in the window, ms. */
  readonly dcCpuMs: number | undefined
  /** Per-call latency, ms. */
  readonly latency: Summary
  /** Name of the round's marks (its key in {@link ClientRunResult.dcTraffic}). */
  readonly mark: string
  /** The measured window on the monotonic clock V8's CPU profiles use (µs). */
  readonly windowUs: readonly [number, number]
}

/** Every figure of one client-library run. */
export interface ClientRunResult {
  readonly kind: ClientKind
  readonly handshake: {
    readonly count: number
    readonly opened: number
    readonly failures: number
    readonly firstFailure?: string
    readonly wallMs: number
    readonly cpuMs: number
    readonly dcCpuMs: number | undefined
  }
  readonly memory: {
    readonly clients: number
    readonly heapPerClient: number
    readonly rssPerClient: number
    readonly externalPerClient: number
  }
  readonly one: PhaseRpc
  readonly many: PhaseRpc
  /** DC traffic per marked window ('handshake', and each RPC round's `mark`), when the parent could read the DC's stats. */
  readonly dcTraffic?: Readonly<Record<string, DcTraffic>>
}

/** What the DC saw during one phase (its stats counters' deltas), filled in by the parent. */
export interface DcTraffic {
  readonly framesIn: number
  readonly framesOut: number
  readonly messagesIn: number
  readonly messagesOut: number
}

/** Child → parent. `mark`: the child waits for `{ type: 'marked' }` before going on. */
export type ChildMessage =
  | { readonly type: 'progress'; readonly text: string }
  | { readonly type: 'mark'; readonly name: string }
  | { readonly type: 'result'; readonly result: ClientRunResult }
  | { readonly type: 'failed'; readonly error: string }
