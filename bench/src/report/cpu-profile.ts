// Reads a V8 .cpuprofile (what `node --cpu-prof` writes) and sums self time per function and per
// area (xstate, engine/runtime, GC, socket writes …), optionally only inside a time window.
// Pure over the parsed JSON; knows nothing of how the profile was taken.
import type { ProfileEntry } from './run-report.js'

/** The parts of a .cpuprofile this reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  }[]
  readonly startTime: number
  readonly endTime: number
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

/** Where a frame belongs, by its script URL and name. */
export function areaOf(functionName: string, url: string): string {
  if (functionName === '(idle)') return 'idle'
  if (functionName === '(garbage collector)') return 'GC'
  if (functionName === '(program)') return 'V8 (program)'
  if (url === '') {
    if (/^(writeBuffer|writev|writeUtf8String|writeLatin1String|writeAsciiString)$/.test(functionName)) return 'socket writes (native)'
    return 'native (other)'
  }
  const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (m !== null) return m[1] === 'tsx' || m[1] === 'esbuild' ? 'module loading (tsx)' : m[1]!
  const ws = /\/(engine|machines|storage|test|bench)\/src\/([^/]+)\//.exec(url)
  if (ws !== null) return ws[1] === 'engine' ? `engine/${ws[2]}` : ws[1]!
  if (/^node:internal\/(modules|bootstrap|vm|source_map)/.test(url)) return 'module loading (node)'
  if (/^node:(net|internal\/stream|internal\/streams|stream)/.test(url)) return 'node net/streams'
  if (/^node:internal\/crypto|^node:crypto/.test(url)) return 'node crypto'
  if (/^node:internal\/timers|^node:timers/.test(url)) return 'node timers'
  if (url.startsWith('node:')) return 'node (other)'
  return 'other'
}

/** Self time per function and per area; `window` in the profile's µs clock keeps only samples inside it. */
export function selfTimes(
  profile: CpuProfile,
  window?: { readonly startUs: number; readonly endUs: number },
): { functions: ProfileEntry[]; areas: ProfileEntry[]; busyUs: number; idleUs: number } {
  const byNode = new Map<number, number>()
  let t = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0
    t += dt
    if (window !== undefined && (t < window.startUs || t > window.endUs)) continue
    const id = profile.samples[i]!
    byNode.set(id, (byNode.get(id) ?? 0) + dt)
  }
  const fn = new Map<string, { name: string; where: string; us: number }>()
  const area = new Map<string, number>()
  let busyUs = 0
  let idleUs = 0
  for (const node of profile.nodes) {
    const us = byNode.get(node.id)
    if (us === undefined || us === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    const a = areaOf(functionName, url)
    if (a === 'idle') {
      idleUs += us
      continue
    }
    busyUs += us
    area.set(a, (area.get(a) ?? 0) + us)
    const where = url === '' ? '(native)' : `${url.replace(/^file:\/\/.*?\/(engine|machines|storage|test|bench|node_modules)\//, '$1/')}${lineNumber >= 0 ? `:${lineNumber + 1}` : ''}`
    const name = functionName === '' ? '(anonymous)' : functionName
    const key = `${name}@${where}`
    const e = fn.get(key)
    if (e === undefined) fn.set(key, { name, where, us })
    else e.us += us
  }
  const pct = (us: number): number => (busyUs === 0 ? 0 : (100 * us) / busyUs)
  return {
    functions: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, percent: pct(e.us) })),
    areas: [...area.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, where: '', selfMs: us / 1000, percent: pct(us) })),
    busyUs,
    idleUs,
  }
}

/**
 * Inclusive time (the function anywhere on the stack, counted once per sample) of the functions
 * whose script URL matches `urlFilter`, inside `window`; idle samples excluded. Sorted, largest first.
 */
export function inclusiveTimes(
  profile: CpuProfile & { readonly nodes: readonly { readonly id: number; readonly children?: readonly number[] }[] },
  urlFilter: RegExp,
  window?: { readonly startUs: number; readonly endUs: number },
): ProfileEntry[] {
  const parent = new Map<number, number>()
  const byId = new Map<number, CpuProfile['nodes'][number]>()
  for (const n of profile.nodes) {
    byId.set(n.id, n)
    for (const c of n.children ?? []) parent.set(c, n.id)
  }
  const perNode = new Map<number, number>()
  let t = profile.startTime
  let busy = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0
    t += dt
    if (window !== undefined && (t < window.startUs || t > window.endUs)) continue
    const id = profile.samples[i]!
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue
    busy += dt
    perNode.set(id, (perNode.get(id) ?? 0) + dt)
  }
  const total = new Map<string, { name: string; where: string; us: number }>()
  for (const [leaf, us] of perNode) {
    const seen = new Set<string>()
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)?.callFrame
      if (f === undefined || !urlFilter.test(f.url)) continue
      const where = f.url.replace(/^file:\/\/.*?\/(engine|machines|storage|test|bench|node_modules)\//, '$1/')
      const name = f.functionName === '' ? '(anonymous)' : f.functionName
      const key = `${name}@${where}`
      if (seen.has(key)) continue
      seen.add(key)
      const e = total.get(key)
      if (e === undefined) total.set(key, { name, where, us })
      else e.us += us
    }
  }
  return [...total.values()]
    .sort((a, b) => b.us - a.us)
    .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, percent: busy === 0 ? 0 : (100 * e.us) / busy }))
}
