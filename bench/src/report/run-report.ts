// The bench's result model: one run = scenarios, each a list of metrics (ours side by side with
// each peer's figure and the ratio) plus charts, CPU of both processes and notes. Plain data,
// serialised as the run's JSON file; the renderers read only this.
import type { Chart } from './svg-chart.js'

/** The peers a metric may carry figures for, in report column order. */
export const PEER_COLUMNS = ['mtcute', 'gramjs'] as const
export type PeerColumn = (typeof PEER_COLUMNS)[number]
export const PEER_TITLES: Record<PeerColumn, string> = { mtcute: 'mtcute', gramjs: 'GramJS' }

/** How a metric's numbers are printed. */
export type MetricFormat = 'number' | 'bytes' | 'ms' | 'us' | 'percent'

/** A target a metric is reported against. `met` undefined = could not be decided (no data). */
export interface Target {
  readonly text: string
  readonly met: boolean | undefined
}

/** One figure: ours, each peer's, which direction is better. */
export interface Metric {
  readonly label: string
  readonly unit: string
  readonly better: 'higher' | 'lower'
  readonly format?: MetricFormat
  readonly ours?: number
  readonly peers?: Partial<Record<PeerColumn, number>>
  readonly target?: Target
}

/** CPU of one scenario: wall time, this process and the DC process (ms). */
export interface ScenarioCpu {
  readonly wallMs: number
  readonly oursMs: number
  readonly dcMs: number | undefined
}

/** One scenario's outcome. */
export interface ScenarioReport {
  readonly name: string
  readonly title: string
  /** One or two sentences: what it does and what the figures mean. */
  readonly summary: string
  readonly params: Readonly<Record<string, string | number | boolean>>
  readonly metrics: readonly Metric[]
  readonly charts: readonly Chart[]
  readonly cpu?: ScenarioCpu
  readonly notes: readonly string[]
  /** Set when the scenario failed; its metrics may be partial. */
  readonly error?: string
}

/** Self time of one function in the CPU profile. */
export interface ProfileEntry {
  readonly name: string
  readonly where: string
  readonly selfMs: number
  readonly percent: number
}

/** The summary of the RPC-path CPU profile. */
export interface ProfileSummary {
  readonly file: string
  /** Busy time in the measured window (idle excluded), ms. */
  readonly busyMs: number
  readonly calls: number
  readonly topFunctions: readonly ProfileEntry[]
  /** Self time grouped by area (xstate, engine/runtime, GC, socket writes …). */
  readonly areas: readonly ProfileEntry[]
  /** Inclusive time of our own functions (engine, machines): where the busy time starts from. */
  readonly ourInclusive: readonly ProfileEntry[]
  /** Plain-language conclusion. */
  readonly finding: string
}

/** Everything one `npm run bench` wrote. */
export interface RunReport {
  readonly startedAt: string
  readonly finishedAt: string
  readonly command: string
  readonly quick: boolean
  readonly machine: {
    readonly cpus: number
    readonly model: string
    readonly totalMemBytes: number
    readonly node: string
    readonly loadAvgStart: readonly number[]
    readonly loadAvgEnd: readonly number[]
  }
  readonly versions: Readonly<Record<string, string>>
  readonly headline: readonly string[]
  readonly scenarios: readonly ScenarioReport[]
  readonly profile?: ProfileSummary
}
