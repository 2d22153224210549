// The inspector's statecharts: the very SVG `npm run machines:diagram` writes (elkjs layout, from
// @mtswarm/machines/diagram), one per machine id. NB: elkjs lays out on the thread that calls it
// (0.1–2 s for the account machine on a loaded box), so the committed diagram is served whenever
// its fingerprint matches the machine as defined now; only a stale or missing one is laid out
// here, once per process.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { exportedMachines, graphHash, renderStatechart, statechartGraph } from '@mtswarm/machines/diagram'

const charts = new Map<string, Promise<string | undefined>>()

async function chartOf(machineId: string): Promise<string | undefined> {
  const found = [...exportedMachines()].find(([, m]) => m.id === machineId)
  if (found === undefined) return undefined
  const [name, machine] = found
  const mark = `data-graph="${graphHash(statechartGraph(machine))}"`
  try {
    const committed = await readFile(fileURLToPath(import.meta.resolve(`@mtswarm/machines/docs/${name}.svg`)), 'utf8')
    if (committed.includes(mark)) return committed
  } catch {
    // Not shipped or not generated yet: lay it out below.
  }
  return renderStatechart(machine)
}

/** The SVG of the machine whose id is `machineId` (`account`, `dcConnection` …), or undefined. */
export function statechartSvg(machineId: string): Promise<string | undefined> {
  let chart = charts.get(machineId)
  if (chart === undefined) {
    chart = chartOf(machineId)
    // Only charts that exist are remembered: the map stays as small as the machine list.
    chart.then(
      (svg) => {
        if (svg === undefined) charts.delete(machineId)
      },
      () => charts.delete(machineId),
    )
    charts.set(machineId, chart)
  }
  return chart
}
