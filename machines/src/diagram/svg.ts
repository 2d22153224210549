// Draws a ChartLayout (elk-layout.ts) as one SVG document: states as rounded boxes (compound ones
// holding their children, parallel regions dashed), transitions as orthogonal arrows with their
// labels where the layout put them. It places nothing itself. Every state is a
// `<g class="state" data-state="path">`, so a page can light the active ones with CSS alone.
import { FONT, type ChartLayout, type PlacedState } from './elk-layout.js'
import { graphHash } from './statechart-graph.js'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const SANS = 'ui-sans-serif, system-ui, Helvetica, Arial, sans-serif'
const MONO = 'ui-monospace, DejaVu Sans Mono, Menlo, Consolas, monospace'
const INK = '#24292f'
const MUTED = '#57606a'
const EDGE = '#0550ae'

/** Rounded polyline through orthogonal points (corners cut by `r`). */
function roundedPath(points: readonly { x: number; y: number }[], r = 5): string {
  if (points.length === 0) return ''
  const f = (n: number) => Math.round(n * 10) / 10
  let d = `M${f(points[0]!.x)},${f(points[0]!.y)}`
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i - 1]!
    const c = points[i]!
    const n = points[i + 1]!
    const inLen = Math.hypot(c.x - p.x, c.y - p.y)
    const outLen = Math.hypot(n.x - c.x, n.y - c.y)
    const k = Math.min(r, inLen / 2, outLen / 2)
    const ax = c.x - ((c.x - p.x) / (inLen || 1)) * k
    const ay = c.y - ((c.y - p.y) / (inLen || 1)) * k
    const bx = c.x + ((n.x - c.x) / (outLen || 1)) * k
    const by = c.y + ((n.y - c.y) / (outLen || 1)) * k
    d += ` L${f(ax)},${f(ay)} Q${f(c.x)},${f(c.y)} ${f(bx)},${f(by)}`
  }
  const last = points[points.length - 1]!
  return `${d} L${f(last.x)},${f(last.y)}`
}

function stateSvg(p: PlacedState, parallelParents: ReadonlySet<string>): string {
  const s = p.state
  const compound = s.children.length > 0
  const region = s.parent !== null && parallelParents.has(s.parent)
  const cls = ['state', s.kind, region ? 'region' : '', compound ? 'compound' : ''].filter(Boolean).join(' ')
  const fill = compound ? (region ? '#ffffff' : '#f6f8fa') : '#ddf4ff'
  const stroke = compound ? '#8c959f' : '#0969da'
  const out = [`<g class="${cls}" data-state="${esc(s.path)}">`]
  out.push(
    `<rect x="${p.x}" y="${p.y}" width="${p.width}" height="${p.height}" rx="8" fill="${fill}" stroke="${stroke}" stroke-width="1.3"${region ? ' stroke-dasharray="6 4"' : ''}/>`,
  )
  if (s.kind === 'final') {
    out.push(`<rect x="${p.x + 3}" y="${p.y + 3}" width="${p.width - 6}" height="${p.height - 6}" rx="6" fill="none" stroke="${stroke}"/>`)
  }
  const title = s.key + (s.kind === 'parallel' ? ' ∥' : '')
  let y = p.y + 6 + FONT.titlePx
  out.push(`<text x="${p.x + 10}" y="${y}" font-size="${FONT.titlePx}" font-weight="600" fill="${INK}">${esc(title)}</text>`)
  for (const line of p.descLines) {
    y += FONT.lineHeightPx
    out.push(`<text x="${p.x + 10}" y="${y}" font-size="${FONT.smallPx}" fill="${MUTED}">${esc(line)}</text>`)
  }
  for (const line of p.selfLines) {
    y += FONT.lineHeightPx
    out.push(`<text class="self" x="${p.x + 10}" y="${y}" font-size="${FONT.smallPx}" font-family="${MONO}" fill="${EDGE}">${esc(line)}</text>`)
  }
  out.push('</g>')
  return out.join('')
}

/** The SVG document for a laid-out machine. Deterministic: the same layout gives the same text. */
export function toSvg(layout: ChartLayout): string {
  const { graph, width, height } = layout
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="statechart" data-machine="${esc(graph.id)}" data-graph="${graphHash(graph)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${SANS}">`,
  )
  out.push(
    `<defs><marker id="arrow-${esc(graph.id)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${EDGE}"/></marker></defs>`,
  )
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`)
  out.push(`<text x="16" y="26" font-size="16" font-weight="bold" fill="${INK}">${esc(graph.id)}</text>`)
  const parallelParents = new Set(graph.states.filter((s) => s.kind === 'parallel').map((s) => s.path))
  // Parents first, so children draw on top of them.
  for (const p of [...layout.states].sort((a, b) => a.depth - b.depth)) out.push(stateSvg(p, parallelParents))
  for (const i of layout.initials) {
    out.push(`<circle class="initial" cx="${i.dot.x + i.dot.width / 2}" cy="${i.dot.y + i.dot.height / 2}" r="${i.dot.width / 2}" fill="${INK}"/>`)
    out.push(`<path class="initial-edge" d="${roundedPath(i.points)}" fill="none" stroke="${INK}" stroke-width="1.2" marker-end="url(#arrow-${esc(graph.id)})"/>`)
  }
  for (const e of layout.edges) {
    out.push(
      `<path class="edge" data-from="${esc(e.from)}" data-to="${esc(e.to)}" d="${roundedPath(e.points)}" fill="none" stroke="${EDGE}" stroke-width="1.2" marker-end="url(#arrow-${esc(graph.id)})"/>`,
    )
  }
  for (const e of layout.edges) {
    const b = e.labelBox
    if (b === null) continue
    out.push(`<g class="label" data-from="${esc(e.from)}" data-to="${esc(e.to)}">`)
    out.push(`<rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="3" fill="#ffffff" fill-opacity="0.92"/>`)
    e.lines.forEach((line, k) =>
      out.push(
        `<text x="${b.x + 4}" y="${b.y + 2 + (k + 1) * FONT.lineHeightPx - 3}" font-size="${FONT.labelPx}" font-family="${MONO}" fill="${EDGE}">${esc(line)}</text>`,
      ),
    )
    out.push('</g>')
  }
  out.push('</svg>')
  return `${out.join('\n')}\n`
}
