// The RPC path under `node --cpu-prof`: our client alone in its own process, one connection with
// 64 calls in flight; the profile is written under the report directory and its self time inside
// the measured window is summarised by function and by area.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { inclusiveTimes, selfTimes, type CpuProfile } from '../report/cpu-profile.js'
import type { Metric, ProfileSummary } from '../report/run-report.js'
import { runClient } from '../swarm/client-run.js'
import type { BenchContext, Scenario } from '../swarm/context.js'
import { RESULTS_DIR } from '../swarm/run.js'
import { formatNumber } from '../swarm/stats.js'

const TOP_FUNCTIONS = 25

/** The main-thread profile in `dir` (file names end in .<pid>.<thread>.<seq>.cpuprofile; thread 0). */
export function mainThreadProfile(dir: string): string | undefined {
  const files = readdirSync(dir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f))
  files.sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)
  return files[0] === undefined ? undefined : join(dir, files[0])
}

/** A one-paragraph reading of the areas and functions (what dominates). */
export function describeProfile(areas: ProfileSummary['areas'], functions: ProfileSummary['topFunctions'], usPerCall: number): string {
  const share = (name: string): number => areas.find((a) => a.name === name)?.percent ?? 0
  const engine = areas.filter((a) => a.name.startsWith('engine/') || a.name === 'machines').reduce((s, a) => s + a.percent, 0)
  const libs = areas.filter((a) => ['xstate', 'rxjs'].includes(a.name)).reduce((s, a) => s + a.percent, 0)
  const top = areas[0]
  const fns = functions
    .slice(0, 5)
    .map((f) => `${f.name} (${formatNumber(f.percent)} %)`)
    .join(', ')
  return (
    `${formatNumber(usPerCall)} µs of client CPU per call. Largest area: ${top?.name ?? 'n/a'} (${formatNumber(top?.percent)} % of busy time). ` +
    `XState + RxJS together: ${formatNumber(libs)} %; garbage collection: ${formatNumber(share('GC'))} %; socket writes (native): ${formatNumber(share('socket writes (native)'))} %; ` +
    `our own code (engine/*, machines): ${formatNumber(engine)} %. Top self-time functions: ${fns}.`
  )
}

export const profileRpc: Scenario = {
  name: 'profile',
  title: 'CPU profile of the RPC path',
  async run(ctx: BenchContext) {
    const seconds = ctx.options.quick ? 4 : 10
    const dir = join(ctx.options.outDir, 'profile')
    mkdirSync(dir, { recursive: true })
    ctx.progress.step('our client under node --cpu-prof')
    const r = await runClient(
      ctx.dc.hello,
      { kind: 'ours', clients: 1, inFlight: 64, manyInFlight: 1, seconds, rounds: 1, dcPid: ctx.dc.pid },
      (t) => ctx.progress.step(`profiling: ${t}`),
      120_000,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    )
    const file = mainThreadProfile(dir)
    if (file === undefined) throw new Error(`no main-thread .cpuprofile in ${dir}`)
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
    const [startUs, endUs] = r.one.windowUs
    const inWindow = startUs >= profile.startTime && endUs <= profile.endTime
    const st = selfTimes(profile, inWindow ? { startUs, endUs } : undefined)
    const usPerCall = (r.one.cpuMs * 1000) / Math.max(1, r.one.calls)
    const topFunctions = st.functions.slice(0, TOP_FUNCTIONS)
    const summary: ProfileSummary = {
      file: relative(join(RESULTS_DIR, '..'), file),
      busyMs: st.busyUs / 1000,
      calls: r.one.calls,
      topFunctions,
      areas: st.areas,
      ourInclusive: inclusiveTimes(profile, /\/(engine|machines)\/src\//, inWindow ? { startUs, endUs } : undefined).slice(0, 15),
      finding: describeProfile(st.areas, topFunctions, usPerCall),
    }
    ctx.profileSummary = summary
    const metrics: Metric[] = [
      { label: 'calls in the profiled window', unit: '', better: 'higher', ours: r.one.calls },
      { label: 'throughput under the profiler', unit: 'req/s', better: 'higher', ours: (r.one.calls * 1000) / r.one.wallMs },
      { label: 'client CPU per call (process.cpuUsage)', unit: 'µs', better: 'lower', format: 'us', ours: usPerCall },
      { label: 'profiled busy time per call (wall-sampled, counts time descheduled)', unit: 'µs', better: 'lower', format: 'us', ours: st.busyUs / Math.max(1, r.one.calls) },
      ...st.areas.slice(0, 8).map((a): Metric => ({ label: `self time in ${a.name}`, unit: '%', better: 'lower', format: 'percent', ours: a.percent })),
    ]
    return {
      name: 'profile',
      title: 'CPU profile of the RPC path',
      summary:
        'Our client alone in a child process started with node --cpu-prof, one account, 64 help.getNearestDc in flight. Only the samples inside the measured window are counted (module loading and the handshake are excluded). Areas group self time by package or engine folder.',
      params: { seconds, inFlight: 64, window: inWindow ? 'measured window' : 'whole profile (window outside the profile clock)' },
      metrics,
      charts: [
        {
          kind: 'bar',
          title: 'Self time by area (share of busy time)',
          unit: '%',
          categories: st.areas.slice(0, 8).map((a) => a.name),
          series: [{ name: 'ours', values: st.areas.slice(0, 8).map((a) => a.percent) }],
          lowerIsBetter: true,
        },
      ],
      notes: [`Profile: ${summary.file} (open in Chrome DevTools → Performance, or speedscope).`],
    }
  },
}
