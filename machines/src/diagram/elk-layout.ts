// Lays a ChartGraph out with elkjs (Eclipse Layout Kernel, layered and hierarchical): compound and
// parallel states hold their children, edge labels are placed by the layout, never by us. It
// returns plain boxes and polylines in one coordinate space; drawing them is svg.ts's job.
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js'
import type { ChartGraph, ChartState } from './statechart-graph.js'

/** Text metrics the layout sizes boxes with; svg.ts draws with the same numbers. */
export const FONT = {
  /** State names: bold sans-serif. */
  titlePx: 13,
  titleCharPx: 8,
  /** Descriptions and targetless transitions. */
  smallPx: 11,
  smallCharPx: 6.4,
  /** Edge labels: monospace, whose advance is ~0.6 em, so the width estimate holds. */
  labelPx: 11,
  labelCharPx: 6.7,
  lineHeightPx: 14,
} as const

const DESC_CHARS_PER_LINE = 30
/** An edge label's line: the event, then its guard on a line of its own when both do not fit. */
const LABEL_CHARS_PER_LINE = 26
const MAX_DESC_LINES = 2
const PAD = 10
const INITIAL_DOT_PX = 10

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

/** One state, placed. `lines` are its description, then its targetless transitions (`↻ event`). */
export interface PlacedState extends Box {
  readonly state: ChartState
  readonly depth: number
  readonly descLines: readonly string[]
  readonly selfLines: readonly string[]
}

/** One drawn edge: every transition between the same two states, one label line each. */
export interface PlacedEdge {
  readonly from: string
  readonly to: string
  /** Polyline from the source's border to the target's (orthogonal segments). */
  readonly points: readonly { x: number; y: number }[]
  /** Every transition's label (`event [guard]`). */
  readonly labels: readonly string[]
  /** The lines drawn: long labels split before the guard, one event line per run of guards. */
  readonly lines: readonly string[]
  readonly labelBox: Box | null
}

/** A start dot and its arrow into the initial child of the root or of a compound state. */
export interface PlacedInitial {
  readonly dot: Box
  readonly points: readonly { x: number; y: number }[]
}

export interface ChartLayout {
  readonly graph: ChartGraph
  readonly width: number
  readonly height: number
  readonly states: readonly PlacedState[]
  readonly edges: readonly PlacedEdge[]
  readonly initials: readonly PlacedInitial[]
}

let elk: ELK | undefined
/** elkjs (1.6 MB of script) is loaded by the first layout, not by whoever imports this module. */
async function elkInstance(): Promise<ELK> {
  if (elk === undefined) {
    // NB: elkjs is CommonJS; its typings describe the ESM view (`.default`), Node hands us the
    // constructor itself.
    type Ctor = new () => ELK
    const bundled = (await import('elkjs/lib/elk.bundled.js')).default as unknown as Ctor & { default?: Ctor }
    elk = new (bundled.default ?? bundled)()
  }
  return elk
}

/** Wraps `text` at word boundaries into at most `maxLines` lines of `width` characters. */
export function wrap(text: string, width: number, maxLines: number): string[] {
  const out: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && `${line} ${word}`.length > width) {
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

/** The lines an edge's labels are drawn in: a run of one event's guards shares its event line. */
export function edgeLines(labels: readonly string[]): string[] {
  const out: string[] = []
  let lastHead = ''
  for (const label of labels) {
    const lines = labelLines(label)
    if (lines.length === 2 && lines[0] === lastHead) out.push(lines[1]!)
    else out.push(...lines)
    lastHead = lines.length === 2 ? lines[0]! : ''
  }
  return out
}

/** `error: signIn [PHONE_CODE_INVALID]` → `['error: signIn', '  [PHONE_CODE_INVALID]']` when long. */
export function labelLines(label: string): string[] {
  if (label.length <= LABEL_CHARS_PER_LINE) return [label]
  const at = label.indexOf(' [')
  if (at < 0) return [label]
  return [label.slice(0, at), `  ${label.slice(at + 1)}`]
}

const initialId = (parent: string) => `__initial:${parent}`

/** Positions every state, transition and label of `graph` (async: elkjs answers with a promise). */
export async function layoutChart(graph: ChartGraph): Promise<ChartLayout> {
  const byPath = new Map(graph.states.map((s) => [s.path, s]))
  const selfLines = new Map<string, string[]>()
  // Transitions between two different states, merged per (from, to): one arrow, one label per line.
  const merged = new Map<string, { from: string; to: string; labels: string[] }>()
  for (const e of graph.edges) {
    if (e.from === e.to) {
      const list = selfLines.get(e.from) ?? []
      list.push(`↻ ${e.label}`)
      selfLines.set(e.from, list)
      continue
    }
    const key = `${e.from}→${e.to}`
    const m = merged.get(key) ?? { from: e.from, to: e.to, labels: [] }
    if (!m.labels.includes(e.label)) m.labels.push(e.label)
    merged.set(key, m)
  }
  const descOf = (s: ChartState) => (s.description ? wrap(s.description, DESC_CHARS_PER_LINE, MAX_DESC_LINES) : [])
  const textWidth = (s: ChartState) =>
    Math.max(
      s.key.length * FONT.titleCharPx,
      ...descOf(s).map((l) => l.length * FONT.smallCharPx),
      ...(selfLines.get(s.path) ?? []).map((l) => l.length * FONT.smallCharPx),
    )
  const textLines = (s: ChartState) => descOf(s).length + (selfLines.get(s.path)?.length ?? 0)

  const containers = new Map<string, ElkNode>()
  const nodeOf = (s: ChartState): ElkNode => {
    const kids = s.children.map((p) => byPath.get(p)).filter((k): k is ChartState => k !== undefined)
    const header = 8 + FONT.titlePx + textLines(s) * FONT.lineHeightPx + 6
    if (kids.length === 0) {
      return { id: s.path, width: Math.max(90, textWidth(s) + 2 * PAD), height: header + 4 }
    }
    const node: ElkNode = {
      id: s.path,
      layoutOptions: {
        'elk.padding': `[top=${header + 8},left=${PAD + 4},bottom=${PAD + 4},right=${PAD + 4}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${textWidth(s) + 2 * PAD}, ${header + 20})`,
      },
      children: [...(s.initial ? [{ id: initialId(s.path), width: INITIAL_DOT_PX, height: INITIAL_DOT_PX }] : []), ...kids.map(nodeOf)],
      edges: [],
    }
    containers.set(s.path, node)
    return node
  }
  const root: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '34',
      'elk.spacing.nodeNode': '24',
      'elk.spacing.edgeLabel': '3',
      'elk.spacing.edgeEdge': '10',
      'elk.layered.spacing.edgeNodeBetweenLayers': '14',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      // States in the order the machine declares them (its author's reading order); back edges
      // (retries, cancels) drawn as such: narrower than elk's greedy cycle breaking here
      // (account 2,508 px wide against 3,087).
      'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
      'elk.layered.feedbackEdges': 'true',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.padding': '[top=40,left=16,bottom=16,right=16]',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
    },
    children: [...(graph.initial ? [{ id: initialId(''), width: INITIAL_DOT_PX, height: INITIAL_DOT_PX }] : [])],
    edges: [],
  }
  containers.set('', root)
  for (const s of graph.states) if (s.parent === null) root.children!.push(nodeOf(s))

  // NB: an edge lives in the lowest container holding both ends (elk's hierarchical rule); a
  // transition from a compound state into its own descendant lives in that state.
  const ancestors = (path: string): string[] => {
    const out: string[] = []
    for (let p: string | null = path; p !== null; p = byPath.get(p)?.parent ?? null) out.push(p)
    return out
  }
  const containerOf = (from: string, to: string): ElkNode => {
    const a = ancestors(from)
    const b = new Set(ancestors(to))
    if (b.has(from) && containers.has(from)) return containers.get(from)!
    if (a.includes(to) && containers.has(to)) return containers.get(to)!
    for (const p of a.slice(1)) if (b.has(p)) return containers.get(p) ?? root
    return root
  }
  const labelSize = (labels: readonly string[]) => ({
    width: Math.max(...labels.map((l) => l.length)) * FONT.labelCharPx + 8,
    height: labels.length * FONT.lineHeightPx + 4,
  })
  const edgeList = [...merged.values()]
  edgeList.forEach((m, i) => {
    const edge: ElkExtendedEdge = {
      id: `e${i}`,
      sources: [m.from],
      targets: [m.to],
      labels: [{ id: `e${i}.label`, text: edgeLines(m.labels).join('\n'), ...labelSize(edgeLines(m.labels)) }],
    }
    containerOf(m.from, m.to).edges!.push(edge)
  })
  const initialEdges: string[] = []
  for (const [parent, node] of containers) {
    const target = parent === '' ? graph.initial : byPath.get(parent)?.initial
    if (!target) continue
    const id = `i${initialEdges.length}`
    initialEdges.push(id)
    node.edges!.push({ id, sources: [initialId(parent)], targets: [target] })
  }

  const laid = await (await elkInstance()).layout(root)

  const states: PlacedState[] = []
  const dots = new Map<string, Box>()
  const walkNodes = (n: ElkNode, depth: number): void => {
    for (const c of n.children ?? []) {
      const box = { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 }
      const s = byPath.get(c.id)
      if (s === undefined) dots.set(c.id, box)
      else states.push({ ...box, state: s, depth, descLines: descOf(s), selfLines: selfLines.get(s.path) ?? [] })
      walkNodes(c, depth + 1)
    }
  }
  walkNodes(laid, 0)
  const edges: PlacedEdge[] = []
  const initials: PlacedInitial[] = []
  const walkEdges = (n: ElkNode): void => {
    for (const e of n.edges ?? []) {
      const points = (e.sections ?? []).flatMap((sec) => [sec.startPoint, ...(sec.bendPoints ?? []), sec.endPoint])
      if (e.id.startsWith('i')) {
        const dot = dots.get(e.sources[0]!)
        if (dot) initials.push({ dot, points })
        continue
      }
      const m = edgeList[Number(e.id.slice(1))]!
      const l = e.labels?.[0]
      edges.push({
        from: m.from,
        to: m.to,
        points,
        labels: m.labels,
        lines: edgeLines(m.labels),
        labelBox: l ? { x: l.x ?? 0, y: l.y ?? 0, width: l.width ?? 0, height: l.height ?? 0 } : null,
      })
    }
    for (const c of n.children ?? []) walkEdges(c)
  }
  walkEdges(laid)
  return { graph, width: Math.ceil(laid.width ?? 0), height: Math.ceil(laid.height ?? 0), states, edges, initials }
}
