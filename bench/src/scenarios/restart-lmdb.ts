// Restart from LMDB: N accounts whose keys, salts and time offsets are in the LMDB store; the
// store is closed and reopened from disk and a new runtime brings every account back to ready.
// Handshakes during the restart must be 0.
import type { Metric } from '../report/run-report.js'
import type { BenchContext, Scenario } from '../swarm/context.js'
import { HOME_DC, oursRuntime } from '../swarm/ours.js'
import { Sample } from '../swarm/stats.js'

export const restartLmdb: Scenario = {
  name: 'restart-lmdb',
  title: 'Restart from LMDB',
  async run(ctx: BenchContext) {
    const n = ctx.accounts(1000, 1000)
    const ids = await ctx.ensureKeys(n)
    const before = await ctx.dc.stats()
    ctx.progress.step(`reopening the store and bringing ${n} accounts back`)
    const end = ctx.cpuSpan()
    const t0 = performance.now()
    const { store, openMs } = await ctx.reopenPool()
    const rt = oursRuntime(ctx.dc.hello, store)
    const ready = new Sample(n)
    let failed = 0
    try {
      await Promise.all(
        ids.map((id) =>
          rt
            .connection(id, HOME_DC)
            .whenReady()
            .then(
              () => ready.push(performance.now() - t0),
              () => failed++,
            ),
        ),
      )
    } finally {
      await rt.stop()
    }
    const cpu = end()
    const after = await ctx.dc.stats()
    const handshakes = after.handshakesStarted - before.handshakesStarted
    const lat = ready.summary()
    const metrics: Metric[] = [
      { label: `accounts ready (of ${n})`, unit: '', better: 'higher', ours: ready.length },
      { label: 'handshakes during the restart', unit: '', better: 'lower', ours: handshakes, target: { text: '0 (keys come from LMDB)', met: handshakes === 0 && rt.stats.keysCreated === 0 } },
      { label: 'store open', unit: 'ms', better: 'lower', format: 'ms', ours: openMs },
      { label: `all ${n} ready after (open + connect)`, unit: 'ms', better: 'lower', format: 'ms', ours: lat.max },
      { label: 'ready p50', unit: 'ms', better: 'lower', format: 'ms', ours: lat.p50 },
      { label: 'accounts per second', unit: '/s', better: 'higher', ours: (ready.length * 1000) / Math.max(1, lat.max) },
      { label: 'our CPU per account', unit: 'µs', better: 'lower', format: 'us', ours: (cpu.oursMs * 1000) / Math.max(1, ready.length) },
      { label: 'DC CPU per account', unit: 'µs', better: 'lower', format: 'us', ours: cpu.dcMs === undefined ? undefined : (cpu.dcMs * 1000) / Math.max(1, ready.length) },
      { label: 'failed', unit: '', better: 'lower', ours: failed },
    ]
    return {
      name: 'restart-lmdb',
      title: 'Restart from LMDB',
      summary:
        'The key pool\'s LMDB store is closed and opened again from disk, then a new runtime connects all N accounts. Each connection loads its auth key, salt and time offset from the store and goes straight to the encrypted session: no handshake, no new key.',
      params: { accounts: n },
      metrics,
      charts: [],
      cpu,
      notes: [],
    }
  },
}
