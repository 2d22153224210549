// Idle accounts: N accounts with a ready connection each (keys from the LMDB pool, so no
// handshakes), doing nothing; heap, RSS and external memory per account after a full GC. Peers:
// memory per connected client, from the comparison runs.
import type { Metric, ScenarioCpu } from '../report/run-report.js'
import type { BenchContext, Scenario } from '../swarm/context.js'
import { settledMemory } from '../swarm/cpu.js'
import { allReady, oursRuntime } from '../swarm/ours.js'
import { compareMetric, compareSeries, comparisonNotes } from './compare-metrics.js'
import { addCpu } from './rpc-load.js'

/** Heap budget per idle account: the target for a fleet of idle accounts kept in one process. */
export const TARGET_HEAP_PER_ACCOUNT = 20 * 1024

interface IdlePoint {
  readonly accounts: number
  readonly heapPerAccount: number
  readonly rssPerAccount: number
  readonly externalPerAccount: number
  readonly readyMs: number
}

export const idleAccounts: Scenario = {
  name: 'idle-accounts',
  title: 'Idle accounts',
  async run(ctx: BenchContext) {
    const counts = ctx.options.accounts !== undefined ? [ctx.options.accounts] : ctx.options.quick ? [1000] : [1000, 10_000]
    const points: IdlePoint[] = []
    const spans: ScenarioCpu[] = []
    for (const n of counts) {
      const ids = await ctx.ensureKeys(n)
      const store = await ctx.pool()
      const m0 = await settledMemory()
      const rt = oursRuntime(ctx.dc.hello, store)
      const t0 = performance.now()
      ctx.progress.step(`${n} accounts connecting (no handshakes)`)
      const end = ctx.cpuSpan()
      await allReady(rt, ids)
      const readyMs = performance.now() - t0
      spans.push(end())
      // Let connection setup finish (acks, first pings are minutes away), then measure.
      await new Promise((r) => setTimeout(r, 1000))
      const m1 = await settledMemory()
      points.push({
        accounts: n,
        heapPerAccount: (m1.heapUsed - m0.heapUsed) / n,
        rssPerAccount: (m1.rss - m0.rss) / n,
        externalPerAccount: (m1.external - m0.external) / n,
        readyMs,
      })
      await rt.stop()
    }
    ctx.progress.step('comparison runs (ours, mtcute, GramJS)')
    const c = await ctx.compare()
    const biggest = points[points.length - 1]!
    const heapMetric = (p: IdlePoint): Metric => ({
      label: `ours heap per account at ${p.accounts}`,
      unit: 'bytes',
      better: 'lower',
      format: 'bytes',
      ours: p.heapPerAccount,
      ...(p.accounts >= 10_000 || p === biggest
        ? {
            target: {
              text: `≤ 20 KiB per account at 10,000${p.accounts < 10_000 ? ` (measured at ${p.accounts}; \`idle-accounts --accounts 10000\` measures the target size)` : ''}`,
              met: p.heapPerAccount <= TARGET_HEAP_PER_ACCOUNT,
            },
          }
        : {}),
    })
    const nCmp = c.ours?.memory.clients ?? 0
    const metrics: Metric[] = [
      ...points.flatMap((p): Metric[] => [
        heapMetric(p),
        { label: `ours RSS per account at ${p.accounts}`, unit: 'bytes', better: 'lower', format: 'bytes', ours: p.rssPerAccount },
        { label: `ours external (buffers) per account at ${p.accounts}`, unit: 'bytes', better: 'lower', format: 'bytes', ours: p.externalPerAccount },
        { label: `${p.accounts} accounts ready after (from LMDB)`, unit: 'ms', better: 'lower', format: 'ms', ours: p.readyMs },
      ]),
      compareMetric(c, { label: `heap per connected client (${nCmp} clients)`, unit: 'bytes', better: 'lower', format: 'bytes' }, (r) => r.memory.heapPerClient),
      compareMetric(c, { label: `RSS per connected client (${nCmp} clients)`, unit: 'bytes', better: 'lower', format: 'bytes' }, (r) => r.memory.rssPerClient),
      compareMetric(c, { label: `external per connected client (${nCmp} clients)`, unit: 'bytes', better: 'lower', format: 'bytes' }, (r) => r.memory.externalPerClient),
    ]
    return {
      name: 'idle-accounts',
      title: 'Idle accounts',
      summary:
        'N accounts, each with a ready encrypted connection to its home DC and nothing to do. Memory is measured after two full GCs (node --expose-gc) before the runtime is created and after every account is ready, divided by N. Peers: the same delta per connected client in the comparison processes (fewer clients, so per-client noise is larger).',
      params: { accounts: counts.join('/'), comparisonClients: nCmp },
      metrics,
      charts: [
        {
          kind: 'bar',
          title: `Memory per connected client (${nCmp} clients, own process)`,
          unit: 'KiB',
          categories: ['heap', 'RSS', 'external'],
          series: compareSeries(c, [(r) => r.memory.heapPerClient / 1024, (r) => r.memory.rssPerClient / 1024, (r) => r.memory.externalPerClient / 1024]),
          lowerIsBetter: true,
        },
        ...(points.length > 1
          ? [
              {
                kind: 'line' as const,
                title: 'Ours: memory per idle account',
                unit: 'KiB',
                xLabel: 'accounts',
                x: points.map((p) => p.accounts),
                series: [
                  { name: 'heap', values: points.map((p) => p.heapPerAccount / 1024) },
                  { name: 'RSS', values: points.map((p) => p.rssPerAccount / 1024) },
                ],
                lowerIsBetter: true,
              },
            ]
          : [
              {
                kind: 'bar' as const,
                title: `Ours: memory per idle account at ${biggest.accounts}`,
                unit: 'KiB',
                categories: ['heap', 'RSS', 'external'],
                series: [{ name: 'ours', values: [biggest.heapPerAccount / 1024, biggest.rssPerAccount / 1024, biggest.externalPerAccount / 1024] }],
                lowerIsBetter: true,
              },
            ]),
      ],
      cpu: addCpu(spans),
      notes: [
        'CPU covers connecting the accounts (keys loaded from LMDB, no handshakes), not the idle wait.',
        'RSS per account includes the kernel-side socket buffers charged to the process only partly; heap is the figure the target speaks of.',
        ...comparisonNotes(c),
      ],
    }
  },
}
