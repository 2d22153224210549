// Handshake storm: N fresh accounts create their auth keys at once (durable LMDB writes included),
// plus the like-for-like comparison: N clients of ours, mtcute and GramJS each opened at once in
// their own process (handshake + initConnection(help.getConfig)), CPU per handshake on both sides.
import type { Metric } from '../report/run-report.js'
import type { BenchContext, Scenario } from '../swarm/context.js'
import { HOME_DC, oursRuntime } from '../swarm/ours.js'
import { Sample } from '../swarm/stats.js'
import { compareMetric, compareSeries, comparisonNotes, perSecond, ratioTarget } from './compare-metrics.js'

export const handshakeStorm: Scenario = {
  name: 'handshake-storm',
  title: 'Handshake storm',
  async run(ctx: BenchContext) {
    const n = ctx.accounts(200, 1000)
    // Keyed in the pool store (durable LMDB writes), so later scenarios reuse these keys.
    const store = await ctx.pool()
    const rt = oursRuntime(ctx.dc.hello, store)
    const ids = ctx.freshPoolIds(n)
    const keyed: string[] = []
    const before = await ctx.dc.stats()
    const ready = new Sample(n)
    let failed = 0
    ctx.progress.step(`${n} accounts keying at once`)
    const end = ctx.cpuSpan()
    const t0 = performance.now()
    await Promise.all(
      ids.map((id) =>
        rt
          .connection(id, HOME_DC)
          .whenReady()
          .then(
            () => {
              ready.push(performance.now() - t0)
              keyed.push(id)
            },
            () => failed++,
          ),
      ),
    )
    const cpu = end()
    const after = await ctx.dc.stats()
    await rt.stop()
    ctx.markKeyed(keyed)
    const handshakes = after.handshakesCompleted - before.handshakesCompleted
    const lat = ready.summary()

    ctx.progress.step('comparison runs (ours, mtcute, GramJS)')
    const c = await ctx.compare()
    const cpuPerHs = compareMetric(c, { label: 'client CPU per handshake', unit: 'ms', better: 'lower', format: 'ms' }, (r) =>
      r.handshake.opened > 0 ? r.handshake.cpuMs / r.handshake.opened : undefined,
    )
    const metrics: Metric[] = [
      { label: `accounts keyed (of ${n})`, unit: '', better: 'higher', ours: ready.length },
      { label: 'handshakes completed on the DC', unit: '', better: 'higher', ours: handshakes },
      { label: 'failed', unit: '', better: 'lower', ours: failed },
      { label: 'all keyed after', unit: 'ms', better: 'lower', format: 'ms', ours: cpu.wallMs },
      { label: 'handshakes per second', unit: '/s', better: 'higher', ours: perSecond(ready.length, cpu.wallMs) },
      { label: 'time to ready p50', unit: 'ms', better: 'lower', format: 'ms', ours: lat.p50 },
      { label: 'time to ready p99', unit: 'ms', better: 'lower', format: 'ms', ours: lat.p99 },
      { label: 'our CPU per handshake (storm)', unit: 'ms', better: 'lower', format: 'ms', ours: cpu.oursMs / Math.max(1, ready.length) },
      { label: 'DC CPU per handshake (storm)', unit: 'ms', better: 'lower', format: 'ms', ours: cpu.dcMs === undefined ? undefined : cpu.dcMs / Math.max(1, handshakes) },
      { ...cpuPerHs, label: `client CPU per handshake (${c.ours?.handshake.count ?? '?'} clients at once, own process)`, target: ratioTarget(cpuPerHs, 'gramjs', 5, '≥ 5× cheaper than GramJS') },
      compareMetric(c, { label: 'DC CPU per handshake (comparison)', unit: 'ms', better: 'lower', format: 'ms' }, (r) =>
        r.handshake.dcCpuMs === undefined || r.handshake.opened === 0 ? undefined : r.handshake.dcCpuMs / r.handshake.opened,
      ),
      compareMetric(c, { label: 'all clients connected after (comparison)', unit: 'ms', better: 'lower', format: 'ms' }, (r) => r.handshake.wallMs),
      compareMetric(c, { label: 'client failures (comparison)', unit: '', better: 'lower' }, (r) => r.handshake.failures),
    ]
    return {
      name: 'handshake-storm',
      title: 'Handshake storm',
      summary:
        'N fresh accounts create auth keys at the same moment (req_pq_multi → req_DH_params → set_client_DH_params, key stored durably in LMDB before use) and reach the ready state. The comparison rows open the same number of clients of each library at once in a separate process (handshake plus initConnection(help.getConfig)) and divide that process\'s CPU by the clients opened.',
      params: { accounts: n, store: 'LMDB', comparisonClients: c.ours?.handshake.count ?? 0 },
      metrics,
      charts: [
        {
          kind: 'bar',
          title: 'CPU per handshake (client side and DC side)',
          unit: 'ms',
          categories: ['client CPU', 'DC CPU'],
          series: compareSeries(c, [
            (r) => (r.handshake.opened > 0 ? r.handshake.cpuMs / r.handshake.opened : undefined),
            (r) => (r.handshake.dcCpuMs === undefined || r.handshake.opened === 0 ? undefined : r.handshake.dcCpuMs / r.handshake.opened),
          ]),
          lowerIsBetter: true,
        },
      ],
      cpu,
      notes: [
        'DC CPU is the test DC process (RSA decryption and two 2048-bit modexps per handshake on the server side), the same for every client; compare the client side.',
        'Our storm CPU per handshake covers the socket, the actors, key derivation and the durable LMDB write; the comparison row is the like-for-like figure.',
        ...comparisonNotes(c),
      ],
    }
  },
}
