// CPU and memory meters: this process (process.cpuUsage, memoryUsage) and another process by pid
// (/proc/<pid>/stat utime+stime, /proc/<pid>/status VmRSS). Linux /proc only; elsewhere the
// child figures read as undefined. Knows nothing of what is being measured.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

let clockTicks: number | undefined

/** Kernel clock ticks per second (`getconf CLK_TCK`, 100 almost everywhere). */
export function clockTicksPerSecond(): number {
  if (clockTicks !== undefined) return clockTicks
  try {
    clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    clockTicks = 100
  }
  return clockTicks
}

/** utime+stime of `pid` in ms (tick resolution, usually 10 ms); undefined when /proc cannot tell. */
export function procCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // NB: field 2 (comm) is parenthesised and may hold spaces; count fields after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const utime = Number(rest[11])
    const stime = Number(rest[12])
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined
    return ((utime + stime) * 1000) / clockTicksPerSecond()
  } catch {
    return undefined
  }
}

/** Resident set size of `pid` in bytes (VmRSS); undefined when /proc cannot tell. */
export function procRssBytes(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m === null ? undefined : Number(m[1]) * 1024
  } catch {
    return undefined
  }
}

/** CPU spent in one interval by us and (optionally) by the DC child, plus the wall time. */
export interface CpuSpan {
  readonly wallMs: number
  /** user+system of this process, ms. */
  readonly oursMs: number
  /** utime+stime of the other process (the DC), ms; undefined without /proc. */
  readonly dcMs: number | undefined
}

/** Starts a CPU span; call the returned function to end it. */
export function startCpuSpan(otherPid?: number): () => CpuSpan {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const d0 = otherPid === undefined ? undefined : procCpuMs(otherPid)
  return () => {
    const c = process.cpuUsage(c0)
    const d1 = otherPid === undefined ? undefined : procCpuMs(otherPid)
    return {
      wallMs: performance.now() - t0,
      oursMs: (c.user + c.system) / 1000,
      dcMs: d0 === undefined || d1 === undefined ? undefined : d1 - d0,
    }
  }
}

/** `gc()` when node runs with --expose-gc (the bench script passes it), else a no-op. */
export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc
  if (g !== undefined) {
    g()
    g()
  }
}

/** Heap used and RSS after a full collection (two passes, then a tick for weak callbacks). */
export async function settledMemory(): Promise<{ heapUsed: number; rss: number; external: number }> {
  gc()
  await new Promise((r) => setImmediate(r))
  gc()
  const m = process.memoryUsage()
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external }
}
