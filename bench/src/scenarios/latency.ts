// Latency under load: per-call latency percentiles of help.getNearestDc with one call at a time on
// one account (the floor), then with A accounts × 4 in flight; and the same N-clients × 4 load for
// ours, mtcute and GramJS, each in its own process.
import type { Metric } from '../report/run-report.js'
import type { BenchContext, Scenario } from '../swarm/context.js'
import { allReady, oursRuntime } from '../swarm/ours.js'
import type { Summary } from '../swarm/stats.js'
import { compareMetric, compareSeries, comparisonNotes } from './compare-metrics.js'
import { addCpu, runLoad, type LoadResult } from './rpc-load.js'

const PCTS = ['p50', 'p90', 'p99', 'max'] as const

export const latencyUnderLoad: Scenario = {
  name: 'latency',
  title: 'Latency under load',
  async run(ctx: BenchContext) {
    const a = ctx.accounts(200, 1000)
    const seconds = ctx.options.quick ? 3 : 8
    const ids = await ctx.ensureKeys(a)
    const rt = oursRuntime(ctx.dc.hello, await ctx.pool())
    let floor: LoadResult
    let loaded: LoadResult
    try {
      await allReady(rt, ids)
      floor = await runLoad(ctx, rt, ids.slice(0, 1), 1, Math.min(2, seconds), 'one call at a time')
      loaded = await runLoad(ctx, rt, ids, 4, seconds, `${a} accounts × 4 in flight`)
    } finally {
      await rt.stop()
    }
    ctx.progress.step('comparison runs (ours, mtcute, GramJS)')
    const c = await ctx.compare()
    const n = c.ours?.many.clients ?? 0
    const pick = (p: (typeof PCTS)[number]) => (s: Summary) => s[p]
    const metrics: Metric[] = [
      ...PCTS.map((p) => compareMetric(c, { label: `${p}, ${n} clients × 4 in flight`, unit: 'ms', better: 'lower', format: 'ms' }, (r) => pick(p)(r.many.latency))),
      ...PCTS.map((p) => compareMetric(c, { label: `${p}, one connection × 64 in flight`, unit: 'ms', better: 'lower', format: 'ms' }, (r) => pick(p)(r.one.latency))),
      ...PCTS.map((p): Metric => ({ label: `ours ${p}, one call at a time`, unit: 'ms', better: 'lower', format: 'ms', ours: floor.latency[p] })),
      ...PCTS.map((p): Metric => ({ label: `ours ${p}, ${a} accounts × 4 in flight`, unit: 'ms', better: 'lower', format: 'ms', ours: loaded.latency[p] })),
      { label: `ours throughput at ${a} × 4`, unit: 'req/s', better: 'higher', ours: loaded.perSecond },
      { label: 'ours errors', unit: '', better: 'lower', ours: floor.errors + loaded.errors },
    ]
    return {
      name: 'latency',
      title: 'Latency under load',
      summary:
        'Time from invoke to result for help.getNearestDc in closed loops. Under load the latency is mostly queueing (calls wait for the event loop of the client or the DC), so compare libraries at the same load; the single-call floor shows the unloaded round trip.',
      params: { accounts: a, seconds, comparisonClients: n },
      metrics,
      charts: [
        {
          kind: 'bar',
          title: `Latency, ${n} clients × 4 in flight (each library in its own process)`,
          unit: 'ms',
          categories: [...PCTS],
          series: compareSeries(c, PCTS.map((p) => (r) => r.many.latency[p])),
          lowerIsBetter: true,
        },
        {
          kind: 'bar',
          title: 'Ours: latency percentiles, floor vs loaded',
          unit: 'ms',
          categories: [...PCTS],
          series: [
            { name: 'one call at a time', values: PCTS.map((p) => floor.latency[p]) },
            { name: `${a} accounts × 4`, values: PCTS.map((p) => loaded.latency[p]) },
          ],
          lowerIsBetter: true,
        },
      ],
      cpu: addCpu([floor.cpu, loaded.cpu]),
      notes: comparisonNotes(c),
    }
  },
}
