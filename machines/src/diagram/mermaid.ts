// Renders a ChartGraph as Mermaid `stateDiagram-v2` text (composite states nested, parallel regions
// separated by `--`). Pure string output; no Mermaid runtime needed.
import type { ChartGraph, ChartState } from './statechart-graph.js'

const idOf = (path: string) => path.replace(/\./g, '__')
const clean = (text: string) => text.replace(/[:;{}\n]/g, ' ').replace(/\s+/g, ' ').trim()

/** Mermaid source for one machine. */
export function toMermaid(graph: ChartGraph): string {
  const byPath = new Map(graph.states.map((s) => [s.path, s]))
  const lines: string[] = ['stateDiagram-v2']
  if (graph.description) lines.push(`  %% ${graph.id}: ${clean(graph.description)}`)
  const emit = (state: ChartState, indent: string): void => {
    const id = idOf(state.path)
    lines.push(`${indent}state "${state.key}" as ${id}`)
    if (state.description && state.children.length === 0) lines.push(`${indent}${id} : ${clean(state.description)}`)
    if (state.children.length === 0) return
    lines.push(`${indent}state ${id} {`)
    const kids = state.children.map((p) => byPath.get(p)).filter((s): s is ChartState => !!s)
    if (state.kind === 'parallel') {
      kids.forEach((kid, i) => {
        if (i > 0) lines.push(`${indent}  --`)
        emit(kid, `${indent}  `)
      })
    } else {
      if (state.initial) lines.push(`${indent}  [*] --> ${idOf(state.initial)}`)
      for (const kid of kids) emit(kid, `${indent}  `)
    }
    lines.push(`${indent}}`)
  }
  if (graph.initial) lines.push(`  [*] --> ${idOf(graph.initial)}`)
  for (const s of graph.states) if (s.parent === null) emit(s, '  ')
  for (const s of graph.states) if (s.kind === 'final') lines.push(`  ${idOf(s.path)} --> [*]`)
  for (const e of graph.edges) lines.push(`  ${idOf(e.from)} --> ${idOf(e.to)} : ${clean(e.label)}`)
  return `${lines.join('\n')}\n`
}
