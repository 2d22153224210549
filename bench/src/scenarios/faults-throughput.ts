// Throughput with the test DC's faults on: the same load with and without delays, jitter,
// duplicated and reordered frames, forced bad_server_salt and rare dropped connections. Every call
// must still settle with its result.
import type { FaultConfig, TestDcStatsSnapshot } from '@mtswarm/testdc'
import type { Metric } from '../report/run-report.js'
import type { BenchContext, Scenario } from '../swarm/context.js'
import { allReady, oursRuntime } from '../swarm/ours.js'
import { addCpu, runLoad, type LoadResult } from './rpc-load.js'

/** What is broken during the faulty run. */
export const BENCH_FAULTS: FaultConfig = {
  delayMs: 2,
  jitterMs: 8,
  duplicateProbability: 0.02,
  dropProbability: 0.0005,
  badServerSaltNext: 50,
}

/**
 * Reordering, run on its own: the test DC holds a frame back until the connection's next outgoing
 * frame (testdc/src/connection.ts), so it is reported apart from the combined set.
 */
export const REORDER_FAULTS: FaultConfig = { reorderProbability: 0.02 }

/** Per-call deadline in this scenario: a call unanswered after it counts as failed (TimeoutError). */
const CALL_TIMEOUT_MS = 8_000

export const faultsThroughput: Scenario = {
  name: 'faults-throughput',
  title: 'Throughput with faults',
  async run(ctx: BenchContext) {
    const a = ctx.accounts(50, 200)
    const seconds = ctx.options.quick ? 3 : 10
    const ids = await ctx.ensureKeys(a)
    const rt = oursRuntime(ctx.dc.hello, await ctx.pool(), { rpcTimeoutMs: CALL_TIMEOUT_MS })
    const s0 = await ctx.dc.stats()
    let clean: LoadResult
    let faulty: LoadResult
    let reorder: LoadResult
    let s1: TestDcStatsSnapshot
    let s2: TestDcStatsSnapshot
    try {
      await allReady(rt, ids)
      clean = await runLoad(ctx, rt, ids, 4, seconds, 'no faults')
      s1 = await ctx.dc.stats()
      await ctx.dc.setFaults(BENCH_FAULTS)
      faulty = await runLoad(ctx, rt, ids, 4, seconds, 'faults on', false)
      await ctx.dc.clearFaults()
      s2 = await ctx.dc.stats()
      await ctx.dc.setFaults(REORDER_FAULTS)
      reorder = await runLoad(ctx, rt, ids, 4, seconds, 'reordering on', false)
    } finally {
      await ctx.dc.clearFaults()
      await rt.stop()
    }
    const fired = Object.entries(s2.faults)
      .map(([k, v]) => [k, v - (s1.faults[k] ?? 0)] as const)
      .filter(([, v]) => v > 0)
    const metrics: Metric[] = [
      { label: 'throughput, no faults', unit: 'req/s', better: 'higher', ours: clean.perSecond },
      { label: 'throughput, faults on', unit: 'req/s', better: 'higher', ours: faulty.perSecond },
      { label: 'faults on / no faults', unit: '%', better: 'higher', format: 'percent', ours: (100 * faulty.perSecond) / clean.perSecond },
      { label: 'latency p50, faults on', unit: 'ms', better: 'lower', format: 'ms', ours: faulty.latency.p50 },
      { label: 'latency p99, faults on', unit: 'ms', better: 'lower', format: 'ms', ours: faulty.latency.p99 },
      { label: 'latency max, faults on', unit: 'ms', better: 'lower', format: 'ms', ours: faulty.latency.max },
      { label: 'calls failed, faults on', unit: '', better: 'lower', ours: faulty.errors, target: { text: '0 (every call settles with its result)', met: faulty.errors === 0 && clean.errors === 0 } },
      { label: 'bad_server_salt answers seen', unit: '', better: 'lower', ours: (s2.badMsgs[48] ?? 0) - (s1.badMsgs[48] ?? 0) },
      { label: 'connections dropped by the DC', unit: '', better: 'lower', ours: fired.find(([k]) => k === 'dropProbability')?.[1] ?? 0 },
      { label: 'runtime resends', unit: '', better: 'lower', ours: rt.stats.resends },
      { label: 'throughput, 2 % of frames reordered', unit: 'req/s', better: 'higher', ours: reorder.perSecond },
      { label: 'calls failed, 2 % of frames reordered', unit: '', better: 'lower', ours: reorder.errors, target: { text: '0', met: reorder.errors === 0 } },
      { label: 'latency max, 2 % of frames reordered', unit: 'ms', better: 'lower', format: 'ms', ours: reorder.latency.max },
    ]
    return {
      name: 'faults-throughput',
      title: 'Throughput with faults',
      summary:
        'A accounts × 4 calls in flight, first on a clean DC, then with the faults below switched on at run time through the DC process\'s control channel, then with 2 % of the DC\'s frames reordered on its own. Dropped connections cost each affected account its reconnect backoff (1 s), which shows up in the max latency. A call unanswered after the per-call deadline fails with a TimeoutError.',
      params: { accounts: a, seconds, callTimeoutMs: CALL_TIMEOUT_MS, faults: JSON.stringify(BENCH_FAULTS), reorder: JSON.stringify(REORDER_FAULTS) },
      metrics,
      charts: [
        {
          kind: 'bar',
          title: 'Throughput and latency, clean vs faulty DC',
          unit: 'req/s',
          categories: ['req/s'],
          series: [
            { name: 'no faults', values: [clean.perSecond] },
            { name: 'faults on', values: [faulty.perSecond] },
            { name: '2 % reordered', values: [reorder.perSecond] },
          ],
        },
      ],
      cpu: addCpu([clean.cpu, faulty.cpu, reorder.cpu]),
      notes: [
        `Faults fired in the combined run: ${fired.map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.`,
        ...Object.entries(faulty.errorNames).map(([k, v]) => `combined run: ${v} call(s) failed with ${k}`),
        ...Object.entries(reorder.errorNames).map(([k, v]) => `reordering run: ${v} call(s) failed with ${k}`),
        'Why reordering loses calls: the test DC holds a reordered frame until the connection\'s next outgoing frame, without a time bound. When every answer a connection is waiting for sits in a held frame, nothing else is sent to it, so the frame stays held until our next keepalive ping (PING_INTERVAL_MS, 60 s) — after the call deadline. Either the fault should release held frames after a bound, or the engine should probe a connection (ping or msgs_state_req) when calls have waited several seconds without any incoming frame.',
        `DC calls before the run: ${Object.values(s0.rpcCalls).reduce((x, y) => x + y, 0)}.`,
      ],
    }
  },
}
