// Shared load loop for our runtime: `accounts` × `inFlight` closed-loop calls of the cheap method
// for a fixed window, with per-call latency, CPU of both processes and outcome counts. Used by the
// throughput, latency and faults scenarios.
import type { Runtime } from '@mtswarm/engine'
import type { ScenarioCpu } from '../report/run-report.js'
import type { BenchContext } from '../swarm/context.js'
import { CHEAP_CALL, HOME_DC, closedLoop } from '../swarm/ours.js'
import { Sample, type Summary } from '../swarm/stats.js'

export interface LoadResult {
  readonly accounts: number
  readonly inFlight: number
  readonly calls: number
  readonly errors: number
  readonly errorNames: Readonly<Record<string, number>>
  readonly perSecond: number
  readonly cpu: ScenarioCpu
  /** µs of our CPU per call. */
  readonly usPerCall: number
  readonly dcUsPerCall: number | undefined
  readonly latency: Summary
}

/** Runs the closed loop on `ids` for `seconds` (after a short warm-up). */
export async function runLoad(ctx: BenchContext, rt: Runtime, ids: readonly string[], inFlight: number, seconds: number, label: string, warmup = true): Promise<LoadResult> {
  if (warmup) {
    const warmEnd = performance.now() + 500
    await Promise.all(ids.map((id) => closedLoop(Math.min(inFlight, 4), () => rt.invokeRaw(id, HOME_DC, CHEAP_CALL), () => performance.now() > warmEnd, () => {}, () => {})))
  }
  const latency = new Sample(1 << 14)
  const errorNames: Record<string, number> = {}
  let errors = 0
  const end = ctx.cpuSpan()
  const stopAt = performance.now() + seconds * 1000
  const ticker = setInterval(() => ctx.progress.step(`${label}: ${latency.length} calls`), 250)
  await Promise.all(
    ids.map((id) =>
      closedLoop(
        inFlight,
        () => rt.invokeRaw(id, HOME_DC, CHEAP_CALL),
        () => performance.now() > stopAt,
        (ms) => latency.push(ms),
        (e) => {
          errors++
          const name = e instanceof Error ? e.message : String(e)
          errorNames[name] = (errorNames[name] ?? 0) + 1
        },
      ),
    ),
  )
  clearInterval(ticker)
  const cpu = end()
  return {
    accounts: ids.length,
    inFlight,
    calls: latency.length,
    errors,
    errorNames,
    perSecond: (latency.length * 1000) / cpu.wallMs,
    cpu,
    usPerCall: (cpu.oursMs * 1000) / Math.max(1, latency.length),
    dcUsPerCall: cpu.dcMs === undefined ? undefined : (cpu.dcMs * 1000) / Math.max(1, latency.length),
    latency: latency.summary(),
  }
}

/** Sum of several CPU spans. */
export function addCpu(spans: readonly ScenarioCpu[]): ScenarioCpu {
  let wallMs = 0
  let oursMs = 0
  let dcMs: number | undefined = 0
  for (const s of spans) {
    wallMs += s.wallMs
    oursMs += s.oursMs
    dcMs = dcMs === undefined || s.dcMs === undefined ? undefined : dcMs + s.dcMs
  }
  return { wallMs, oursMs, dcMs }
}
