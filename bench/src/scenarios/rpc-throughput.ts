// RPC throughput: help.getNearestDc pipelined k-deep on one connection (k swept) and on many
// connections (accounts swept, a few in flight each), plus ours vs mtcute vs GramJS on one
// connection and on N connections, each library in its own process.
import type { Metric } from '../report/run-report.js'
import type { BenchContext, Scenario } from '../swarm/context.js'
import { oursRuntime, allReady } from '../swarm/ours.js'
import { compareMetric, compareSeries, comparisonNotes, perSecond, ratioTarget, trafficPerCall, usPer } from './compare-metrics.js'
import { addCpu, runLoad, type LoadResult } from './rpc-load.js'

export const rpcThroughput: Scenario = {
  name: 'rpc-throughput',
  title: 'RPC throughput',
  async run(ctx: BenchContext) {
    const quick = ctx.options.quick
    const seconds = quick ? 1.5 : 5
    const depths = quick ? [1, 16, 64, 256] : [1, 4, 16, 64, 256, 1024]
    const maxAccounts = ctx.accounts(200, 1000)
    const accountSteps = [1, 10, 50, 200, 1000, 5000].filter((a) => a < maxAccounts).concat(maxAccounts)
    const ids = await ctx.ensureKeys(maxAccounts)
    const rt = oursRuntime(ctx.dc.hello, await ctx.pool())
    const one: LoadResult[] = []
    const many: LoadResult[] = []
    try {
      await allReady(rt, ids)
      for (const k of depths) one.push(await runLoad(ctx, rt, ids.slice(0, 1), k, seconds, `one connection, ${k} in flight`))
      for (const a of accountSteps) many.push(await runLoad(ctx, rt, ids.slice(0, a), 4, seconds, `${a} connections × 4 in flight`))
    } finally {
      await rt.stop()
    }
    ctx.progress.step('comparison runs (ours, mtcute, GramJS)')
    const c = await ctx.compare()
    const oneTp = compareMetric(c, { label: 'one connection, 64 in flight', unit: 'req/s', better: 'higher' }, (r) => perSecond(r.one.calls, r.one.wallMs))
    const oneCpu = compareMetric(c, { label: 'client CPU per call, one connection', unit: 'µs', better: 'lower', format: 'us' }, (r) => usPer(r.one.cpuMs, r.one.calls))
    const manyClients = c.ours?.many.clients ?? 0
    const best = one.reduce((a, b) => (b.perSecond > a.perSecond ? b : a), one[0]!)
    const metrics: Metric[] = [
      { ...oneTp, target: ratioTarget(oneTp, 'mtcute', 2, '≥ 2× mtcute') },
      { ...oneTp, label: 'one connection, 64 in flight (vs GramJS)', target: ratioTarget(oneTp, 'gramjs', 5, '≥ 5× GramJS') },
      { ...oneCpu, target: ratioTarget(oneCpu, 'mtcute', 2, 'CPU-bound view of the 2× target') },
      compareMetric(c, { label: 'DC CPU per call, one connection', unit: 'µs', better: 'lower', format: 'us' }, (r) => usPer(r.one.dcCpuMs, r.one.calls)),
      compareMetric(c, { label: 'frames client → DC per call, one connection', unit: '', better: 'lower' }, (r) => trafficPerCall(r, 'one', 'framesIn')),
      compareMetric(c, { label: 'frames DC → client per call, one connection', unit: '', better: 'lower' }, (r) => trafficPerCall(r, 'one', 'framesOut')),
      compareMetric(c, { label: 'messages client → DC per call (acks, pings included)', unit: '', better: 'lower' }, (r) => trafficPerCall(r, 'one', 'messagesIn')),
      compareMetric(c, { label: `${manyClients} connections × 4 in flight`, unit: 'req/s', better: 'higher' }, (r) => perSecond(r.many.calls, r.many.wallMs)),
      compareMetric(c, { label: `client CPU per call, ${manyClients} connections`, unit: 'µs', better: 'lower', format: 'us' }, (r) => usPer(r.many.cpuMs, r.many.calls)),
      compareMetric(c, { label: 'errors (comparison)', unit: '', better: 'lower' }, (r) => r.one.errors + r.many.errors),
      { label: `ours, best single-connection depth (${best.inFlight} in flight, main process)`, unit: 'req/s', better: 'higher', ours: best.perSecond },
      ...many.map((m): Metric => ({ label: `ours, ${m.accounts} connections × 4 in flight`, unit: 'req/s', better: 'higher', ours: m.perSecond })),
      { label: 'ours, errors in the sweeps', unit: '', better: 'lower', ours: [...one, ...many].reduce((s, r) => s + r.errors, 0) },
    ]
    return {
      name: 'rpc-throughput',
      title: 'RPC throughput',
      summary:
        'Closed-loop help.getNearestDc calls (answered by the test DC without touching its world): k calls kept in flight on one connection, then 4 in flight on each of many connections. The comparison rows run the same loop in a separate process per library; "client CPU per call" is that process\'s CPU divided by the calls answered, which stays meaningful when the machine is shared.',
      params: { seconds, depths: depths.join('/'), accounts: accountSteps.join('/'), comparisonClients: manyClients },
      metrics,
      charts: [
        {
          kind: 'bar',
          title: 'Throughput: one connection (64 in flight) and all connections (4 each)',
          unit: 'req/s',
          categories: ['one connection', `${manyClients} connections`],
          series: compareSeries(c, [(r) => perSecond(r.one.calls, r.one.wallMs), (r) => perSecond(r.many.calls, r.many.wallMs)]),
        },
        {
          kind: 'bar',
          title: 'Client CPU per call',
          unit: 'µs',
          categories: ['one connection', `${manyClients} connections`],
          series: compareSeries(c, [(r) => usPer(r.one.cpuMs, r.one.calls), (r) => usPer(r.many.cpuMs, r.many.calls)]),
          lowerIsBetter: true,
        },
        {
          kind: 'line',
          title: 'Ours: throughput vs accounts (4 in flight each)',
          unit: 'req/s',
          xLabel: 'accounts (one connection each)',
          x: many.map((m) => m.accounts),
          series: [{ name: 'req/s', values: many.map((m) => m.perSecond) }],
        },
        {
          kind: 'line',
          title: 'Ours: CPU per call vs accounts (4 in flight each)',
          unit: 'µs of our CPU per call',
          xLabel: 'accounts (one connection each)',
          x: many.map((m) => m.accounts),
          series: [{ name: 'µs/call', values: many.map((m) => m.usPerCall) }],
          lowerIsBetter: true,
        },
        {
          kind: 'line',
          title: 'Ours: one connection, throughput vs calls in flight',
          unit: 'req/s',
          xLabel: 'calls in flight',
          x: one.map((m) => m.inFlight),
          series: [{ name: 'req/s', values: one.map((m) => m.perSecond) }],
        },
      ],
      cpu: addCpu([...one, ...many].map((r) => r.cpu)),
      notes: [
        'Frames and messages per call are the DC\'s own counters over the measured window: fewer frames per call means better batching into containers, and less decryption work for the DC (its CPU per call).',
        'Wall-clock throughput on a shared 2-core box is capped by whichever process (client or DC) gets the CPU; the per-call CPU rows are the steadier comparison.',
        ...comparisonNotes(c),
      ],
    }
  },
}
