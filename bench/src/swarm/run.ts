// The swarm bench's driver: parses `<scenario|all> [--accounts N] [--quick] [--peers N]
// [--no-peers] [--out DIR]`, starts the test DC process, runs the scenarios in order, and writes
// bench/results/<timestamp>/{report.json, report.md, report.html, *.svg}. Knows no scenario's
// internals; each one returns a ScenarioReport.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { SWARM_FLAGS } from '../cli-args.js'
import type { RunReport, ScenarioReport } from '../report/run-report.js'
import { chartFileName, formatValue, renderHtml, renderMarkdown } from '../report/render.js'
import { chartSvg } from '../report/svg-chart.js'
import { BenchContext, type BenchOptions, type Scenario } from './context.js'
import { DcProcess } from './dc-process.js'
import { Progress } from './progress.js'
import { formatRatio, ratio } from './stats.js'

/** Where reports go by default: bench/results/. */
export const RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url))

/** Thrown for a bad command line (exit code 2). */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError'
}

/** Parses the swarm bench's flags (everything after the scenario name). */
export function parseBenchArgs(argv: readonly string[]): Omit<BenchOptions, 'outDir'> & { out: string | undefined } {
  const { values } = parseArgs({
    args: [...argv],
    options: SWARM_FLAGS,
    strict: true,
  })
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (!Number.isInteger(n) || n < 1) throw new BenchUsageError(`--${name} must be a positive integer, got ${v}`)
    return n
  }
  return {
    quick: values.quick === true,
    accounts: int('accounts', values.accounts),
    peerClients: int('peers', values.peers),
    noPeers: values['no-peers'] === true,
    out: values.out,
  }
}

function version(pkg: string): string {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(pkg)))
    for (let i = 0; i < 6; i++) {
      const p = join(dir, 'package.json')
      if (existsSync(p)) {
        const j = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string }
        if (j.name === pkg) return j.version ?? 'unknown'
      }
      dir = dirname(dir)
    }
  } catch {
    // fall through
  }
  return 'unknown'
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/:/g, '-').replace(/\..*$/, '')
}

/** One line per metric that carries a target: figure, each peer's, ratio, verdict. */
export function headlineOf(scenarios: readonly ScenarioReport[]): string[] {
  const out: string[] = []
  for (const s of scenarios) {
    for (const m of s.metrics) {
      if (m.target === undefined) continue
      const peers = Object.entries(m.peers ?? {})
        .map(([p, v]) => `${p === 'gramjs' ? 'GramJS' : p} ${formatValue(v, m.format)} (${formatRatio(ratio(m.ours, v, m.better))})`)
        .join(', ')
      const verdict = m.target.met === undefined ? 'undecided' : m.target.met ? 'met' : 'NOT met'
      out.push(`${s.title} — ${m.label}${m.unit === '' ? '' : ` [${m.unit}]`}: ours ${formatValue(m.ours, m.format)}${peers === '' ? '' : `; ${peers}`} → target ${m.target.text}: ${verdict}`)
    }
  }
  return out
}

/** Runs `scenarios` and writes the report; returns the report directory. */
export async function runSwarmBench(command: string, scenarios: readonly Scenario[], argv: readonly string[]): Promise<string> {
  const parsed = parseBenchArgs(argv)
  const started = new Date()
  const outDir = parsed.out ?? join(RESULTS_DIR, timestamp(started))
  mkdirSync(outDir, { recursive: true })
  const options: BenchOptions = { ...parsed, outDir }
  const progress = new Progress()
  const loadAvgStart = loadavg()
  progress.start('test DC')
  progress.step('starting the test DC process (3 DCs)', true)
  const dc = await DcProcess.start({ dcCount: 3 })
  const ctx = new BenchContext(options, dc, progress)
  const reports: ScenarioReport[] = []
  try {
    for (const s of scenarios) {
      progress.start(s.name)
      const t0 = performance.now()
      try {
        reports.push(await s.run(ctx))
      } catch (e) {
        reports.push({ name: s.name, title: s.title, summary: '', params: {}, metrics: [], charts: [], notes: [], error: e instanceof Error ? (e.stack ?? e.message) : String(e) })
      }
      const last = reports[reports.length - 1]
      progress.log(`${s.name} ${last?.error === undefined ? 'done' : 'FAILED'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    }
    if (ctx.profileSummary !== undefined) progress.log(`profile: ${ctx.profileSummary.file}`)
  } finally {
    await ctx.close()
    await dc.close()
  }
  const cpu0 = cpus()[0]
  const run: RunReport = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    command,
    quick: options.quick,
    machine: { cpus: cpus().length, model: cpu0?.model ?? 'unknown', totalMemBytes: totalmem(), node: process.version, loadAvgStart, loadAvgEnd: loadavg() },
    versions: { mtcute: version('@mtcute/node'), GramJS: version('telegram') },
    headline: headlineOf(reports),
    scenarios: reports,
    ...(ctx.profileSummary === undefined ? {} : { profile: ctx.profileSummary }),
  }
  writeFileSync(join(outDir, 'report.json'), `${JSON.stringify(run, null, 2)}\n`)
  for (const s of reports) s.charts.forEach((c, i) => writeFileSync(join(outDir, chartFileName(s.name, i)), chartSvg(c)))
  writeFileSync(join(outDir, 'report.md'), renderMarkdown(run))
  writeFileSync(join(outDir, 'report.html'), renderHtml(run))
  const rel = relative(process.cwd(), outDir) || '.'
  console.log(`report: ${join(rel, 'report.md')} (also report.html, report.json)`)
  for (const h of run.headline) console.log(`- ${h}`)
  for (const s of reports) if (s.error !== undefined) console.log(`! ${s.name} failed: ${s.error.split('\n')[0]}`)
  return outDir
}
