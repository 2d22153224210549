// Renders a RunReport as Markdown (charts as sibling SVG files) and as one self-contained HTML
// page (charts inline). Pure: returns strings; the caller writes the files.
import { formatBytes, formatNumber, formatRatio, ratio } from '../swarm/stats.js'
import { PEER_COLUMNS, PEER_TITLES, type Metric, type MetricFormat, type RunReport, type ScenarioReport } from './run-report.js'
import { chartSvg, escapeXml } from './svg-chart.js'

/** A metric value as text in its format. */
export function formatValue(v: number | undefined, format: MetricFormat = 'number'): string {
  if (v === undefined || !Number.isFinite(v)) return '—'
  switch (format) {
    case 'bytes':
      return formatBytes(v)
    case 'ms':
      return `${formatNumber(v)} ms`
    case 'us':
      return `${formatNumber(v)} µs`
    case 'percent':
      return `${formatNumber(v)} %`
    case 'number':
      return formatNumber(v)
  }
}

/** Peers that appear in at least one metric of the run (columns are only drawn for them). */
export function peersInRun(run: RunReport): (typeof PEER_COLUMNS)[number][] {
  return PEER_COLUMNS.filter((p) => run.scenarios.some((s) => s.metrics.some((m) => m.peers?.[p] !== undefined)))
}

/** The table cells of one metric: label, ours, then per peer (figure, ratio), then target. */
export function metricCells(m: Metric, peers: readonly (typeof PEER_COLUMNS)[number][]): string[] {
  const unitShown = m.unit === '' || (m.format !== undefined && m.format !== 'number')
  const cells = [`${m.label}${unitShown ? '' : ` (${m.unit})`}`, formatValue(m.ours, m.format)]
  for (const p of peers) {
    const theirs = m.peers?.[p]
    cells.push(formatValue(theirs, m.format), formatRatio(ratio(m.ours, theirs, m.better)))
  }
  cells.push(m.target === undefined ? '' : `${m.target.met === undefined ? '?' : m.target.met ? 'met' : 'NOT met'}: ${m.target.text}`)
  return cells
}

function headerCells(peers: readonly (typeof PEER_COLUMNS)[number][]): string[] {
  return ['metric', 'ours', ...peers.flatMap((p) => [PEER_TITLES[p], `ours vs ${PEER_TITLES[p]}`]), 'target']
}

/** File name of chart `i` of a scenario. */
export function chartFileName(scenario: string, i: number): string {
  return `${scenario}-${i + 1}.svg`
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|')
}

function cpuLine(s: ScenarioReport): string | undefined {
  if (s.cpu === undefined) return undefined
  const dc = s.cpu.dcMs === undefined ? 'n/a' : `${formatNumber(s.cpu.dcMs)} ms`
  return `CPU: ours ${formatNumber(s.cpu.oursMs)} ms, test DC ${dc}, wall ${formatNumber(s.cpu.wallMs)} ms`
}

function paramsText(s: ScenarioReport): string {
  return Object.entries(s.params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ')
}

/** The Markdown report; charts are referenced as `chartFileName(...)` next to it. */
export function renderMarkdown(run: RunReport): string {
  const peers = peersInRun(run)
  const out: string[] = []
  out.push(`# mtswarm bench — ${run.startedAt}`, '')
  out.push(`\`${run.command}\`${run.quick ? ' (quick mode)' : ''} · ${run.machine.cpus} × ${run.machine.model} · node ${run.machine.node} · load average ${run.machine.loadAvgStart.map((l) => l.toFixed(1)).join(' ')} at start, ${run.machine.loadAvgEnd.map((l) => l.toFixed(1)).join(' ')} at end`, '')
  out.push(`Peers: ${Object.entries(run.versions).map(([k, v]) => `${k} ${v}`).join(', ')}. Ratios read "how many times better ours is" (> 1× = ours better, < 1× = ours worse), whichever direction is better for that metric.`, '')
  if (run.headline.length > 0) {
    out.push('## Headline', '')
    for (const h of run.headline) out.push(`- ${h}`)
    out.push('')
  }
  for (const s of run.scenarios) {
    out.push(`## ${s.title} (\`${s.name}\`)`, '', s.summary, '')
    const p = paramsText(s)
    if (p !== '') out.push(`Parameters: ${p}.`, '')
    if (s.error !== undefined) out.push(`**Failed:** ${mdEscape(s.error)}`, '')
    if (s.metrics.length > 0) {
      const header = headerCells(peers)
      out.push(`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`)
      for (const m of s.metrics) out.push(`| ${metricCells(m, peers).map(mdEscape).join(' | ')} |`)
      out.push('')
    }
    const cpu = cpuLine(s)
    if (cpu !== undefined) out.push(cpu, '')
    s.charts.forEach((c, i) => out.push(`![${mdEscape(c.title)}](${chartFileName(s.name, i)})`, ''))
    for (const n of s.notes) out.push(`- ${n}`)
    if (s.notes.length > 0) out.push('')
  }
  if (run.profile !== undefined) {
    const pr = run.profile
    out.push('## CPU profile of the RPC path', '')
    out.push(`\`${pr.file}\` — ${formatNumber(pr.busyMs)} ms busy for ${formatNumber(pr.calls)} calls (${formatNumber((pr.busyMs * 1000) / Math.max(1, pr.calls))} µs per call).`, '')
    out.push(pr.finding, '')
    out.push('| area | self ms | % of busy |', '|---|---:|---:|')
    for (const a of pr.areas) out.push(`| ${mdEscape(a.name)} | ${formatNumber(a.selfMs)} | ${formatNumber(a.percent)} |`)
    out.push('', '| function | where | self ms | % of busy |', '|---|---|---:|---:|')
    for (const f of pr.topFunctions) out.push(`| ${mdEscape(f.name)} | ${mdEscape(f.where)} | ${formatNumber(f.selfMs)} | ${formatNumber(f.percent)} |`)
    out.push('', 'Inclusive time of our own functions (everything they call, idle excluded):', '', '| function | where | inclusive ms | % of busy |', '|---|---|---:|---:|')
    for (const f of pr.ourInclusive) out.push(`| ${mdEscape(f.name)} | ${mdEscape(f.where)} | ${formatNumber(f.selfMs)} | ${formatNumber(f.percent)} |`)
    out.push('')
  }
  return out.join('\n')
}

/** The HTML report: one page, charts inline. */
export function renderHtml(run: RunReport): string {
  const peers = peersInRun(run)
  const h = escapeXml
  const parts: string[] = []
  parts.push(
    `<!doctype html><html><head><meta charset="utf-8"><title>mtswarm bench ${h(run.startedAt)}</title><style>` +
      'body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#111}' +
      'table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ddd;padding:3px 8px;font-size:13px}' +
      'td:not(:first-child){text-align:right}th{background:#f3f4f6}.bad{color:#b91c1c;font-weight:bold}.good{color:#047857}' +
      '.meta{color:#555;font-size:13px}svg{margin:.3em .6em .3em 0}</style></head><body>',
  )
  parts.push(`<h1>mtswarm bench — ${h(run.startedAt)}</h1>`)
  parts.push(
    `<p class="meta"><code>${h(run.command)}</code>${run.quick ? ' (quick mode)' : ''} · ${run.machine.cpus} × ${h(run.machine.model)} · node ${h(run.machine.node)} · load average ${run.machine.loadAvgStart.map((l) => l.toFixed(1)).join(' ')} → ${run.machine.loadAvgEnd.map((l) => l.toFixed(1)).join(' ')}<br>Peers: ${h(Object.entries(run.versions).map(([k, v]) => `${k} ${v}`).join(', '))}. Ratios: how many times better ours is (&gt; 1× ours better).</p>`,
  )
  if (run.headline.length > 0) parts.push(`<h2>Headline</h2><ul>${run.headline.map((x) => `<li>${h(x)}</li>`).join('')}</ul>`)
  for (const s of run.scenarios) {
    parts.push(`<h2>${h(s.title)} <small><code>${h(s.name)}</code></small></h2><p>${h(s.summary)}</p>`)
    const p = paramsText(s)
    if (p !== '') parts.push(`<p class="meta">Parameters: ${h(p)}</p>`)
    if (s.error !== undefined) parts.push(`<p class="bad">Failed: ${h(s.error)}</p>`)
    if (s.metrics.length > 0) {
      parts.push(`<table><tr>${headerCells(peers).map((c) => `<th>${h(c)}</th>`).join('')}</tr>`)
      for (const m of s.metrics) {
        const cells = metricCells(m, peers)
        const last = cells.length - 1
        parts.push(
          `<tr>${cells
            .map((c, i) => {
              const cls = i === last && m.target !== undefined ? (m.target.met === false ? ' class="bad"' : m.target.met ? ' class="good"' : '') : ''
              return `<td${cls}>${h(c)}</td>`
            })
            .join('')}</tr>`,
        )
      }
      parts.push('</table>')
    }
    const cpu = cpuLine(s)
    if (cpu !== undefined) parts.push(`<p class="meta">${h(cpu)}</p>`)
    parts.push(`<div>${s.charts.map(chartSvg).join('')}</div>`)
    if (s.notes.length > 0) parts.push(`<ul>${s.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>`)
  }
  if (run.profile !== undefined) {
    const pr = run.profile
    parts.push(`<h2>CPU profile of the RPC path</h2><p class="meta"><code>${h(pr.file)}</code> — ${h(formatNumber(pr.busyMs))} ms busy for ${h(formatNumber(pr.calls))} calls</p><p>${h(pr.finding)}</p>`)
    parts.push(`<table><tr><th>area</th><th>self ms</th><th>% of busy</th></tr>${pr.areas.map((a) => `<tr><td>${h(a.name)}</td><td>${h(formatNumber(a.selfMs))}</td><td>${h(formatNumber(a.percent))}</td></tr>`).join('')}</table>`)
    const rows = (es: typeof pr.topFunctions): string =>
      es.map((f) => `<tr><td>${h(f.name)}</td><td>${h(f.where)}</td><td>${h(formatNumber(f.selfMs))}</td><td>${h(formatNumber(f.percent))}</td></tr>`).join('')
    parts.push(`<table><tr><th>function</th><th>where</th><th>self ms</th><th>% of busy</th></tr>${rows(pr.topFunctions)}</table>`)
    parts.push(`<p>Inclusive time of our own functions:</p><table><tr><th>function</th><th>where</th><th>inclusive ms</th><th>% of busy</th></tr>${rows(pr.ourInclusive)}</table>`)
  }
  parts.push('</body></html>')
  return parts.join('\n')
}
