// The local live inspector (a page on loopback fed by XState inspection events). Re-exports only.
export {
  startInspector,
  PUSH_INTERVAL_MS,
  MAX_BATCH_ACTORS,
  SNAPSHOT_SLICE_ACTORS,
  SNAPSHOT_SLICES_PER_TICK,
  MAX_VIEWERS,
  MAX_VIEWER_BACKLOG_BYTES,
  type Inspector,
  type InspectorOptions,
  type InspectorStats,
  type InspectorMessage,
} from './inspector-server.js'
export {
  ActorTable,
  DEFAULT_MAX_FINISHED_ACTORS,
  DEFAULT_MAX_EVENTS_PER_ACTOR,
  statePaths,
  stateLabel,
  summarizeEvent,
  type ActorKind,
  type ActorStatus,
  type ActorRecord,
  type ActorEventRecord,
  type ActorTableOptions,
  type ActorTableStats,
  type Timeline,
  type TimelineEntry,
  type TimelineLane,
} from './actor-table.js'
export { statechartSvg } from './statechart.js'
