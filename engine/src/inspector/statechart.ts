// The inspector's statecharts: the very SVG `npm run machines:diagram` writes (elkjs layout, from
// @mtswarm/machines/diagram), one per machine id, drawn once. The diagram module (and elkjs) is
// loaded on the first request only, so an engine without a viewer never pays for it.

const charts = new Map<string, Promise<string | undefined>>()

/** The SVG of the machine whose id is `machineId` (`account`, `dcConnection` …), or undefined. */
export function statechartSvg(machineId: string): Promise<string | undefined> {
  let chart = charts.get(machineId)
  if (chart === undefined) {
    chart = (async () => {
      const diagram = await import('@mtswarm/machines/diagram')
      const machine = [...diagram.exportedMachines().values()].find((m) => m.id === machineId)
      return machine === undefined ? undefined : diagram.renderStatechart(machine)
    })()
    // A machine id nobody exports is not remembered: the map stays as small as the machine list.
    chart.then((svg) => {
      if (svg === undefined) charts.delete(machineId)
    }, () => charts.delete(machineId))
    charts.set(machineId, chart)
  }
  return chart
}
