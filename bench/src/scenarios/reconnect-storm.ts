// Reconnect storm: N ready accounts with a call always in flight each; the test DC destroys every
// connection at once; time until every account is ready again, and what happened to every call
// (all must settle with their result: RPCs lost must be 0).
import type { AccountNotice } from '@mtswarm/engine'
import type { Metric } from '../report/run-report.js'
import type { BenchContext, Scenario } from '../swarm/context.js'
import { CHEAP_CALL, HOME_DC, allReady, oursRuntime } from '../swarm/ours.js'
import { hrtimeMs } from '../swarm/dc-process.js'
import { Sample } from '../swarm/stats.js'

/** Per-call deadline in this scenario: a call still unanswered after it counts as lost. */
const CALL_TIMEOUT_MS = 30_000
/** Give up waiting for "all ready" after this long. */
const READY_TIMEOUT_MS = 60_000
/** Target: every account ready again within this long. */
const TARGET_READY_MS = 5_000

export const reconnectStorm: Scenario = {
  name: 'reconnect-storm',
  title: 'Reconnect storm',
  async run(ctx: BenchContext) {
    const n = ctx.accounts(1000, 1000)
    const ids = await ctx.ensureKeys(n)
    const rt = oursRuntime(ctx.dc.hello, await ctx.pool(), { rpcTimeoutMs: CALL_TIMEOUT_MS })
    let issued = 0
    let ok = 0
    const failures: Record<string, number> = {}
    const readyAt: number[] = []
    const downAt: number[] = []
    /** When we asked for the drop; notices before it are not about the drop. */
    let askedAt = Number.POSITIVE_INFINITY
    const downSeen = new Set<string>()
    const readySeen = new Set<string>()
    let stop = false
    let cpu
    let dropped = 0
    let droppedAt = Number.NaN
    try {
      await allReady(rt, ids)
      const subs = ids.map((id) =>
        rt.notices(id).subscribe((notice: AccountNotice) => {
          if (!('dcId' in notice) || notice.dcId !== HOME_DC || hrtimeMs() < askedAt) return
          if (notice.type === 'dc.down' && !downSeen.has(id)) {
            downSeen.add(id)
            downAt.push(hrtimeMs())
          } else if (notice.type === 'dc.ready' && downSeen.has(id) && !readySeen.has(id)) {
            readySeen.add(id)
            readyAt.push(hrtimeMs())
          }
        }),
      )
      // One call always in flight per account, before, during and after the drop.
      const loops = ids.map(async (id) => {
        while (!stop) {
          issued++
          try {
            await rt.invokeRaw(id, HOME_DC, CHEAP_CALL)
            ok++
          } catch (e) {
            const name = e instanceof Error ? e.message : String(e)
            failures[name] = (failures[name] ?? 0) + 1
          }
        }
      })
      await new Promise((r) => setTimeout(r, 500))
      const end = ctx.cpuSpan()
      askedAt = hrtimeMs()
      const drop = await ctx.dc.dropAll()
      dropped = drop.count
      droppedAt = drop.atMs
      const deadline = performance.now() + READY_TIMEOUT_MS
      while (readySeen.size < n && performance.now() < deadline) {
        ctx.progress.step(`${dropped} connections dropped; ${downSeen.size} saw it, ${readySeen.size}/${n} ready again`)
        await new Promise((r) => setTimeout(r, 50))
      }
      cpu = end()
      await new Promise((r) => setTimeout(r, 500))
      stop = true
      ctx.progress.step('waiting for every call to settle')
      await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, CALL_TIMEOUT_MS + 5_000))])
      for (const s of subs) s.unsubscribe()
    } finally {
      stop = true
      await rt.stop()
    }
    const failed = Object.values(failures).reduce((a, b) => a + b, 0)
    const unsettled = issued - ok - failed
    const readyAgain = new Sample(n)
    for (const t of readyAt) readyAgain.push(t - droppedAt)
    const noticed = new Sample(n)
    for (const t of downAt) noticed.push(t - droppedAt)
    const lat = readyAgain.summary()
    const allBackMs = readySeen.size === n ? lat.max : undefined
    const metrics: Metric[] = [
      { label: 'connections the DC dropped', unit: '', better: 'higher', ours: dropped },
      { label: `accounts ready again (of ${n})`, unit: '', better: 'higher', ours: readySeen.size },
      {
        label: `all ${n} ready again after`,
        unit: 'ms',
        better: 'lower',
        format: 'ms',
        ...(allBackMs === undefined ? {} : { ours: allBackMs }),
        target: { text: `${n >= 1000 ? '' : `(at ${n} accounts) `}< 5 s for 1,000 accounts`, met: allBackMs === undefined ? false : allBackMs < TARGET_READY_MS },
      },
      { label: 'drop noticed p50 (dc.down)', unit: 'ms', better: 'lower', format: 'ms', ours: noticed.summary().p50 },
      { label: 'drop noticed max', unit: 'ms', better: 'lower', format: 'ms', ours: noticed.summary().max },
      { label: 'ready again p50', unit: 'ms', better: 'lower', format: 'ms', ours: lat.p50 },
      { label: 'ready again p99', unit: 'ms', better: 'lower', format: 'ms', ours: lat.p99 },
      { label: 'calls issued (before, during, after)', unit: '', better: 'higher', ours: issued },
      { label: 'calls answered', unit: '', better: 'higher', ours: ok },
      {
        label: 'RPCs lost (failed + never settled)',
        unit: '',
        better: 'lower',
        ours: failed + unsettled,
        target: { text: '0 lost', met: failed + unsettled === 0 },
      },
      { label: 'runtime double settles', unit: '', better: 'lower', ours: rt.stats.doubleSettles },
      { label: 'resends', unit: '', better: 'lower', ours: rt.stats.resends },
    ]
    return {
      name: 'reconnect-storm',
      title: 'Reconnect storm',
      summary:
        'N accounts are ready (keys from the LMDB pool), each keeping one help.getNearestDc in flight in a loop. The test DC then destroys every socket it accepted at the same moment. "Ready again" is the time from the drop until the account\'s connection reports dc.ready; every call issued before, during and after must come back with its result.',
      params: { accounts: n, callTimeoutMs: CALL_TIMEOUT_MS },
      metrics,
      charts: [
        {
          kind: 'bar',
          title: 'Time until ready again after the drop',
          unit: 'ms',
          categories: ['p50', 'p90', 'p99', 'max'],
          series: [{ name: 'ours', values: [lat.p50, lat.p90, lat.p99, lat.max] }],
          lowerIsBetter: true,
        },
      ],
      ...(cpu === undefined ? {} : { cpu }),
      notes: [
        'Times are measured from the moment the DC process destroyed the sockets (its hrtime, the same system-wide monotonic clock as ours), so the IPC delay to a busy DC is not counted.',
        'The DC connection machine waits RECONNECT_BACKOFF_BASE_MS (1 s, machines/src/dc-connection/dc-connection.logic.ts) before its first reconnect, so about 1 s of every figure is that deliberate backoff.',
        ...Object.entries(failures).map(([k, v]) => `${v} call(s) failed with ${k}`),
        ...(unsettled > 0 ? [`${unsettled} call(s) had not settled ${CALL_TIMEOUT_MS + 5_000} ms after the loops stopped`] : []),
      ],
    }
  },
}
