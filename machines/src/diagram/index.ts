// @mtswarm/machines/diagram: statechart diagrams (Mermaid text, elkjs-laid-out SVG) for any machine.
// Re-exports only; kept out of the main entry so the engine loads elkjs only when it draws.
export * from './statechart-graph.js'
export * from './mermaid.js'
export * from './elk-layout.js'
export * from './svg.js'
export * from './machines.js'
