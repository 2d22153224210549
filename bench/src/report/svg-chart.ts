// A tiny SVG chart generator for the bench report: grouped bar charts and line charts with a
// linear y axis from 0, a legend and value labels. Pure string building; no DOM, no fonts needed.

/** One series of a chart (one client library, usually). */
export interface Series {
  readonly name: string
  /** One value per category (bar) or per x (line); undefined = no data. */
  readonly values: readonly (number | undefined)[]
}

/** A grouped bar chart: for each category, one bar per series. */
export interface BarChart {
  readonly kind: 'bar'
  readonly title: string
  /** Unit of the y axis, shown in the axis label ("req/s", "KiB"). */
  readonly unit: string
  readonly categories: readonly string[]
  readonly series: readonly Series[]
  /** Lower is better (only changes the subtitle). */
  readonly lowerIsBetter?: boolean
}

/** A line chart over numeric x values (e.g. accounts). */
export interface LineChart {
  readonly kind: 'line'
  readonly title: string
  readonly unit: string
  readonly xLabel: string
  readonly x: readonly number[]
  readonly series: readonly Series[]
  readonly lowerIsBetter?: boolean
}

export type Chart = BarChart | LineChart

/** Series colours, in order (ours first). */
export const PALETTE = ['#2563eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#6b7280'] as const

const W = 640
const H = 320
const M = { top: 48, right: 16, bottom: 56, left: 64 }

/** Escapes text for SVG/XML content and attributes. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c)
}

/** A "nice" upper bound for an axis holding `max` (1, 2, 2.5, 5 × 10^k). */
export function niceMax(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1
  const exp = Math.floor(Math.log10(max))
  const base = 10 ** exp
  for (const m of [1, 2, 2.5, 5, 10]) if (m * base >= max) return m * base
  return 10 * base
}

/** Short tick/label text: 12 300 → "12.3k", 0.00123 → "0.00123". */
export function shortNumber(v: number): string {
  const a = Math.abs(v)
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`
  if (a === 0) return '0'
  return `${+v.toPrecision(3)}`
}

function frame(title: string, subtitle: string, body: string, legend: readonly string[]): string {
  const items = legend
    .map((name, i) => {
      const x = M.left + i * 120
      return `<rect x="${x}" y="30" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${x + 14}" y="39" font-size="11">${escapeXml(name)}</text>`
    })
    .join('')
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">` +
    `<rect width="${W}" height="${H}" fill="#fff"/>` +
    `<text x="${M.left}" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>` +
    `<text x="${W - M.right}" y="39" font-size="11" text-anchor="end" fill="#555">${escapeXml(subtitle)}</text>` +
    items +
    body +
    `</svg>`
  )
}

function yAxis(top: number, unit: string): string {
  const plotH = H - M.top - M.bottom
  let s = ''
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4
    const y = H - M.bottom - (plotH * i) / 4
    s += `<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`
    s += `<text x="${M.left - 6}" y="${y + 4}" font-size="10" text-anchor="end">${shortNumber(v)}</text>`
  }
  s += `<text transform="translate(14 ${M.top + plotH / 2}) rotate(-90)" font-size="11" text-anchor="middle">${escapeXml(unit)}</text>`
  return s
}

function maxOf(series: readonly Series[]): number {
  let max = 0
  for (const s of series) for (const v of s.values) if (v !== undefined && Number.isFinite(v) && v > max) max = v
  return max
}

/** Renders a grouped bar chart. */
export function barChartSvg(c: BarChart): string {
  const top = niceMax(maxOf(c.series))
  const plotW = W - M.left - M.right
  const plotH = H - M.top - M.bottom
  const groupW = plotW / Math.max(1, c.categories.length)
  const barW = Math.max(4, (groupW * 0.8) / Math.max(1, c.series.length))
  let body = yAxis(top, c.unit)
  c.categories.forEach((cat, ci) => {
    const gx = M.left + ci * groupW + groupW * 0.1
    c.series.forEach((s, si) => {
      const v = s.values[ci]
      if (v === undefined || !Number.isFinite(v)) return
      const h = (Math.max(0, v) / top) * plotH
      const x = gx + si * barW
      const y = H - M.bottom - h
      body += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${escapeXml(`${s.name} ${cat}: ${v}`)}</title></rect>`
      body += `<text x="${(x + (barW - 2) / 2).toFixed(1)}" y="${(y - 3).toFixed(1)}" font-size="9" text-anchor="middle">${shortNumber(v)}</text>`
    })
    const cx = M.left + ci * groupW + groupW / 2
    // NB: ~6.5 px per character at 11 px; crowded labels are slanted instead of overlapping.
    if (cat.length * 6.5 > groupW) {
      body += `<text transform="translate(${cx.toFixed(1)} ${H - M.bottom + 12}) rotate(-20)" font-size="10" text-anchor="end">${escapeXml(cat)}</text>`
    } else {
      body += `<text x="${cx.toFixed(1)}" y="${H - M.bottom + 16}" font-size="11" text-anchor="middle">${escapeXml(cat)}</text>`
    }
  })
  body += `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#111"/>`
  return frame(c.title, c.lowerIsBetter ? 'lower is better' : 'higher is better', body, c.series.map((s) => s.name))
}

/** Renders a line chart (x spaced by value, points marked). */
export function lineChartSvg(c: LineChart): string {
  const top = niceMax(maxOf(c.series))
  const plotW = W - M.left - M.right
  const plotH = H - M.top - M.bottom
  // A log x axis when the values span more than 20× (accounts 1 … 1000).
  const log = Math.min(...c.x) > 0 && Math.max(...c.x) / Math.min(...c.x) > 20
  const tx = (x: number): number => (log ? Math.log10(x) : x)
  const xMin = Math.min(...c.x.map(tx))
  const xMax = Math.max(...c.x.map(tx))
  const xPos = (x: number): number => M.left + (xMax === xMin ? plotW / 2 : ((tx(x) - xMin) / (xMax - xMin)) * plotW * 0.94 + plotW * 0.03)
  const yPos = (v: number): number => H - M.bottom - (Math.max(0, v) / top) * plotH
  let body = yAxis(top, c.unit)
  for (const x of c.x) {
    body += `<text x="${xPos(x).toFixed(1)}" y="${H - M.bottom + 16}" font-size="10" text-anchor="middle">${shortNumber(x)}</text>`
  }
  body += `<text x="${M.left + plotW / 2}" y="${H - 12}" font-size="11" text-anchor="middle">${escapeXml(c.xLabel)}${log ? ' (log scale)' : ''}</text>`
  c.series.forEach((s, si) => {
    const colour = PALETTE[si % PALETTE.length]
    const pts = c.x.flatMap((x, i) => {
      const v = s.values[i]
      return v === undefined || !Number.isFinite(v) ? [] : [[xPos(x), yPos(v), v] as const]
    })
    if (pts.length > 1) body += `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`
    for (const [x, y, v] of pts) {
      body += `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${colour}"><title>${escapeXml(`${s.name}: ${v}`)}</title></circle>`
      body += `<text x="${x.toFixed(1)}" y="${(y - 6).toFixed(1)}" font-size="9" text-anchor="middle">${shortNumber(v)}</text>`
    }
  })
  body += `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#111"/>`
  return frame(c.title, c.lowerIsBetter ? 'lower is better' : 'higher is better', body, c.series.map((s) => s.name))
}

/** Renders either kind. */
export function chartSvg(c: Chart): string {
  return c.kind === 'bar' ? barChartSvg(c) : lineChartSvg(c)
}
