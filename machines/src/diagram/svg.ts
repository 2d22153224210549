// A small, dependency-free SVG renderer for a ChartGraph: layered left-to-right layout, states as
// rounded boxes (compound ones dashed, named by dotted path), transitions as labelled curves.
// Readable, not optimal: no crossing minimisation beyond one barycenter pass.
import type { ChartGraph, ChartState } from './statechart-graph.js'

const BOX_W = 230
const COL_GAP = 200
const ROW_GAP = 26
const LINE_H = 12
const CHARS_PER_LINE = 38
const MAX_DESC_LINES = 3
const MARGIN = 40
const PALETTE = ['#1f6feb', '#8250df', '#bf3989', '#cf222e', '#bc4c00', '#4d2d00', '#116329', '#0a3069']

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function wrap(text: string, width: number, maxLines: number): string[] {
  const out: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && (line + ' ' + word).length > width) {
      out.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) out.push(line)
  if (out.length > maxLines) {
    out.length = maxLines
    out[maxLines - 1] = `${out[maxLines - 1]!.slice(0, width - 1)}…`
  }
  return out
}

interface Box {
  state: ChartState
  layer: number
  x: number
  y: number
  h: number
  desc: string[]
}

/** Layer = BFS distance from the initial state over transitions and parent → child links. */
function layers(graph: ChartGraph): Map<string, number> {
  const next = new Map<string, string[]>()
  const link = (a: string, b: string) => {
    if (a === b) return
    const list = next.get(a) ?? []
    if (!list.includes(b)) list.push(b)
    next.set(a, list)
  }
  for (const s of graph.states) for (const c of s.children) link(s.path, c)
  for (const e of graph.edges) link(e.from, e.to)
  const layer = new Map<string, number>()
  const queue: string[] = []
  const roots = graph.initial ? [graph.initial] : []
  for (const s of graph.states) if (s.parent === null && !roots.includes(s.path)) roots.push(s.path)
  for (const r of roots.slice(0, 1)) {
    layer.set(r, 0)
    queue.push(r)
  }
  const drain = () => {
    while (queue.length) {
      const p = queue.shift() as string
      for (const n of next.get(p) ?? []) {
        if (!layer.has(n)) {
          layer.set(n, (layer.get(p) ?? 0) + 1)
          queue.push(n)
        }
      }
    }
  }
  drain()
  for (const s of graph.states) {
    if (!layer.has(s.path)) {
      layer.set(s.path, s.parent ? (layer.get(s.parent) ?? 0) + 1 : 0)
      queue.push(s.path)
      drain()
    }
  }
  return layer
}

/** SVG document for one machine. */
export function toSvg(graph: ChartGraph): string {
  const layerOf = layers(graph)
  const columns: Box[][] = []
  for (const state of graph.states) {
    const layer = layerOf.get(state.path) ?? 0
    const desc = state.description ? wrap(state.description, CHARS_PER_LINE, MAX_DESC_LINES) : []
    const box: Box = { state, layer, x: 0, y: 0, h: 24 + desc.length * LINE_H + (desc.length ? 6 : 0), desc }
    ;(columns[layer] ??= []).push(box)
  }
  // one barycenter pass: order each column by the mean row of its predecessors
  const rowOf = new Map<string, number>()
  columns.forEach((col, li) => {
    if (li > 0) {
      const score = (b: Box) => {
        const preds = graph.edges.filter((e) => e.to === b.state.path && e.from !== e.to).map((e) => rowOf.get(e.from))
        const parentRow = b.state.parent ? rowOf.get(b.state.parent) : undefined
        const known = [...preds, parentRow].filter((r): r is number => r !== undefined)
        return known.length ? known.reduce((a, r) => a + r, 0) / known.length : Number.MAX_SAFE_INTEGER
      }
      const scored = col.map((b, i) => ({ b, s: score(b), i }))
      scored.sort((a, z) => a.s - z.s || a.i - z.i)
      col.splice(0, col.length, ...scored.map((x) => x.b))
    }
    col.forEach((b, i) => rowOf.set(b.state.path, i))
  })
  const boxes = new Map<string, Box>()
  let height = 0
  columns.forEach((col, li) => {
    let y = MARGIN + 30
    for (const b of col ?? []) {
      b.x = MARGIN + li * (BOX_W + COL_GAP)
      b.y = y
      y += b.h + ROW_GAP
      boxes.set(b.state.path, b)
    }
    height = Math.max(height, y)
  })
  const width = MARGIN * 2 + columns.length * (BOX_W + COL_GAP) - COL_GAP
  height += MARGIN

  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-sans-serif, Helvetica, Arial, sans-serif">`,
  )
  out.push('<defs>')
  PALETTE.forEach((c, i) =>
    out.push(
      `<marker id="arrow${i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`,
    ),
  )
  out.push('</defs>')
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`)
  out.push(
    `<text x="${MARGIN}" y="${MARGIN}" font-size="16" font-weight="bold" fill="#24292f">${esc(graph.id)}</text>` +
      (graph.description
        ? `<text x="${MARGIN + 12 + graph.id.length * 10}" y="${MARGIN}" font-size="12" fill="#57606a">${esc(graph.description)}</text>`
        : ''),
  )

  // boxes
  const initials = new Set<string>([...(graph.initial ? [graph.initial] : []), ...graph.states.flatMap((s) => (s.initial ? [s.initial] : []))])
  for (const b of boxes.values()) {
    const s = b.state
    const compound = s.children.length > 0
    const stroke = s.kind === 'final' ? '#24292f' : compound ? '#8c959f' : '#0969da'
    const dash = compound ? ' stroke-dasharray="5 3"' : ''
    const fill = s.kind === 'final' ? '#f6f8fa' : compound ? '#fbfbfc' : '#ddf4ff'
    out.push(`<g>`)
    out.push(`<rect x="${b.x}" y="${b.y}" width="${BOX_W}" height="${b.h}" rx="9" fill="${fill}" stroke="${stroke}" stroke-width="1.4"${dash}/>`)
    if (s.kind === 'final') {
      out.push(`<rect x="${b.x + 3}" y="${b.y + 3}" width="${BOX_W - 6}" height="${b.h - 6}" rx="7" fill="none" stroke="${stroke}"/>`)
    }
    const title = s.path + (s.kind === 'parallel' ? '  ∥' : '')
    out.push(`<text x="${b.x + 10}" y="${b.y + 17}" font-size="12" font-weight="bold" fill="#24292f">${esc(title)}</text>`)
    b.desc.forEach((line, i) =>
      out.push(`<text x="${b.x + 10}" y="${b.y + 32 + i * LINE_H}" font-size="10" fill="#57606a">${esc(line)}</text>`),
    )
    if (initials.has(s.path)) {
      out.push(`<circle cx="${b.x - 14}" cy="${b.y + 12}" r="4" fill="#24292f"/>`)
      out.push(`<line x1="${b.x - 10}" y1="${b.y + 12}" x2="${b.x - 1}" y2="${b.y + 12}" stroke="#24292f" stroke-width="1.4"/>`)
    }
    out.push(`</g>`)
  }

  // edges and labels
  const placed: Array<{ x: number; y: number; w: number; h: number }> = []
  const overlaps = (r: { x: number; y: number; w: number; h: number }) =>
    placed.some((p) => r.x < p.x + p.w && p.x < r.x + r.w && r.y < p.y + p.h && p.y < r.y + r.h)
  const labels: string[] = []
  graph.edges.forEach((e, i) => {
    const a = boxes.get(e.from)
    const b = boxes.get(e.to)
    if (!a || !b) return
    const ci = i % PALETTE.length
    const color = PALETTE[ci]
    let d: string
    let mx: number
    let my: number
    if (a === b) {
      const x = a.x + BOX_W - 30
      d = `M${x},${a.y} C${x + 10},${a.y - 34} ${x + 44},${a.y - 20} ${a.x + BOX_W},${a.y + 10}`
      mx = x + 34
      my = a.y - 22
    } else {
      const forward = b.layer > a.layer
      const sx = a.x + BOX_W
      const sy = a.y + Math.min(a.h / 2, 14)
      const tx = forward ? b.x : b.x + BOX_W
      const ty = b.y + Math.min(b.h / 2, 14)
      const bend = forward ? Math.max(60, (tx - sx) / 2) : 90 + Math.abs(ty - sy) / 6
      const c2x = forward ? tx - bend : tx + bend
      d = `M${sx},${sy} C${sx + bend},${sy} ${c2x},${ty} ${tx},${ty}`
      mx = (sx + 3 * (sx + bend) + 3 * c2x + tx) / 8
      my = (sy + 3 * sy + 3 * ty + ty) / 8
    }
    out.push(`<path class="edge" d="${d}" fill="none" stroke="${color}" stroke-width="1.2" marker-end="url(#arrow${ci})"/>`)
    const w = e.label.length * 5.6 + 8
    const r = { x: mx - w / 2, y: my - 8, w, h: 13 }
    for (let k = 0; k < 12 && overlaps(r); k++) r.y += 13
    placed.push(r)
    labels.push(
      `<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" rx="3" fill="#ffffff" fill-opacity="0.9" stroke="${color}" stroke-width="0.5"/>` +
        `<text x="${r.x + 4}" y="${r.y + 10}" font-size="9.5" fill="${color}">${esc(e.label)}</text>`,
    )
  })
  out.push(...labels)
  out.push('</svg>')
  return `${out.join('\n')}\n`
}
