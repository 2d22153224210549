// Finds every machine @mtswarm/machines exports, so a new machine gets its diagram (and its
// chart in the inspector) without being listed anywhere.
import type { AnyStateMachine } from 'xstate'
import * as all from '../index.js'
import { layoutChart } from './elk-layout.js'
import { statechartGraph } from './statechart-graph.js'
import { toSvg } from './svg.js'

const isMachine = (v: unknown): v is AnyStateMachine =>
  typeof v === 'object' && v !== null && 'root' in v && 'id' in v && typeof (v as { provide?: unknown }).provide === 'function'

/** Every exported machine, keyed by its file name: `dcConnectionMachine` → `dc-connection`. */
export function exportedMachines(): Map<string, AnyStateMachine> {
  const out = new Map<string, AnyStateMachine>()
  for (const [name, value] of Object.entries(all)) {
    if (!name.endsWith('Machine') || !isMachine(value)) continue
    out.set(name.slice(0, -'Machine'.length).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), value)
  }
  return out
}

/** The machine's statechart as an SVG document, laid out by elkjs. */
export async function renderStatechart(machine: AnyStateMachine): Promise<string> {
  return toSvg(await layoutChart(statechartGraph(machine)))
}
