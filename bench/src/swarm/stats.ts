// Number crunching for the swarm bench: percentiles, latency summaries, ratios and rate formatting.
// Pure functions over plain numbers; knows nothing of clients, processes or reports.

/** p50/p90/p99/max (and friends) of a sample, in the sample's unit. */
export interface Summary {
  readonly count: number
  readonly min: number
  readonly mean: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
}

/**
 * The `p`-th percentile (0..100) of an ascending-sorted sample, nearest-rank method
 * (the smallest value with at least p% of the sample at or below it). NaN for an empty sample.
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`)
  if (p === 0) return sorted[0]!
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

/** The `p`-th percentile of an unsorted sample (copies and sorts it). */
export function percentile(sample: readonly number[], p: number): number {
  return percentileSorted([...sample].sort((a, b) => a - b), p)
}

/** Summary of a sample; every field NaN (count 0) for an empty one. */
export function summarize(sample: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(sample).sort()
  const n = sorted.length
  if (n === 0) return { count: 0, min: NaN, mean: NaN, p50: NaN, p90: NaN, p99: NaN, max: NaN }
  let sum = 0
  for (let i = 0; i < n; i++) sum += sorted[i]!
  return {
    count: n,
    min: sorted[0]!,
    mean: sum / n,
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p99: percentileSorted(sorted, 99),
    max: sorted[n - 1]!,
  }
}

/**
 * A growable sample of numbers (latencies) kept in a Float64Array, so a million entries cost
 * 8 MB and no per-entry objects.
 */
export class Sample {
  private data: Float64Array
  length = 0

  constructor(initialCapacity = 1024) {
    this.data = new Float64Array(Math.max(16, initialCapacity))
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = v
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length)
  }

  summary(): Summary {
    return summarize(this.values())
  }
}

/**
 * How many times better `ours` is than `theirs`: ours/theirs when higher is better, theirs/ours
 * when lower is better. Undefined when either side is missing, not finite, or zero.
 */
export function ratio(ours: number | undefined, theirs: number | undefined, better: 'higher' | 'lower'): number | undefined {
  if (ours === undefined || theirs === undefined || !Number.isFinite(ours) || !Number.isFinite(theirs)) return undefined
  if (ours === 0 || theirs === 0) return undefined
  return better === 'higher' ? ours / theirs : theirs / ours
}

/** A ratio as "2.4×" ("—" when undefined). */
export function formatRatio(r: number | undefined): string {
  if (r === undefined) return '—'
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}×`
}

/** A number with 3 significant digits and thin grouping ("12 300", "4.56", "0.0123"); "—" for NaN/undefined. */
export function formatNumber(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—'
  const a = Math.abs(v)
  if (a === 0) return '0'
  if (a >= 1000 || Number.isInteger(v)) return Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ')
  if (a >= 100) return v.toFixed(0)
  if (a >= 10) return v.toFixed(1)
  if (a >= 1) return v.toFixed(2)
  return v.toPrecision(3)
}

/** Bytes as B / KiB / MiB with 3 significant digits. */
export function formatBytes(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—'
  const a = Math.abs(v)
  if (a >= 1024 * 1024) return `${formatNumber(v / (1024 * 1024))} MiB`
  if (a >= 1024) return `${formatNumber(v / 1024)} KiB`
  return `${formatNumber(v)} B`
}
