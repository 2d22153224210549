// Helpers that turn the comparison runs (ours, mtcute, GramJS in their own processes) into report
// metrics and chart series. Knows the ClientRunResult shape, nothing of any scenario's flow.
import type { Metric, Target } from '../report/run-report.js'
import type { Series } from '../report/svg-chart.js'
import type { ClientRunResult } from '../swarm/client-protocol.js'
import type { Comparison } from '../swarm/context.js'
import { ratio } from '../swarm/stats.js'

type Pick = (r: ClientRunResult) => number | undefined

/** A metric with ours and each peer's figure picked from the comparison runs. */
export function compareMetric(c: Comparison, base: Omit<Metric, 'ours' | 'peers'>, pick: Pick): Metric {
  const v = (r: ClientRunResult | undefined): number | undefined => (r === undefined ? undefined : pick(r))
  const peers: Record<string, number> = {}
  const m = v(c.mtcute)
  const g = v(c.gramjs)
  if (m !== undefined) peers['mtcute'] = m
  if (g !== undefined) peers['gramjs'] = g
  const ours = v(c.ours)
  return { ...base, ...(ours === undefined ? {} : { ours }), peers }
}

/** "≥ k× better than <peer>" target, decided from a metric's figures. */
export function ratioTarget(m: Metric, peer: 'mtcute' | 'gramjs', k: number, text: string): Target {
  const r = ratio(m.ours, m.peers?.[peer], m.better)
  return { text: `${text} (measured ${r === undefined ? 'n/a' : `${r.toFixed(2)}×`})`, met: r === undefined ? undefined : r >= k }
}

/** Bar series ours / mtcute / GramJS for the given pickers (one value per category). */
export function compareSeries(c: Comparison, picks: readonly Pick[]): Series[] {
  const row = (name: string, r: ClientRunResult | undefined): Series => ({ name, values: picks.map((p) => (r === undefined ? undefined : p(r))) })
  const out = [row('ours', c.ours)]
  if (c.mtcute !== undefined) out.push(row('mtcute', c.mtcute))
  if (c.gramjs !== undefined) out.push(row('GramJS', c.gramjs))
  return out
}

/** Notes for comparison runs that failed. */
export function comparisonNotes(c: Comparison): string[] {
  return Object.entries(c.errors).map(([k, e]) => `comparison run ${k} failed: ${String(e).split('\n')[0]}`)
}

/** Calls per second of wall time. */
export const perSecond = (calls: number, ms: number): number => (ms > 0 ? (calls * 1000) / ms : NaN)
/** µs of CPU per unit. */
export const usPer = (cpuMs: number | undefined, n: number): number | undefined => (cpuMs === undefined || n <= 0 ? undefined : (cpuMs * 1000) / n)

/** DC-side traffic of a phase divided by the calls answered in it. */
export function trafficPerCall(r: ClientRunResult, phase: 'one' | 'many', field: 'framesIn' | 'framesOut' | 'messagesIn' | 'messagesOut'): number | undefined {
  const t = r.dcTraffic?.[r[phase].mark]
  const calls = r[phase].calls
  return t === undefined || calls === 0 ? undefined : t[field] / calls
}
