// What the test DC's state file keeps of the world: each part's data fields by name. A field is
// data unless listed here as wiring, an option or transient state, so a data field added later is
// saved without touching this file. World.snapshot / World.restore use it.

/** The world's data for the test DC's state file: each part's data fields by name (see World.snapshot). */
export interface WorldSnapshot {
  readonly dcIds: readonly number[]
  /** The logins' data (logins.ts). NB: named `world`, where it lived before the split, so older state files restore. */
  readonly world: Record<string, unknown>
  readonly dir: Record<string, unknown>
  readonly hub: Record<string, unknown>
  readonly conv: Record<string, unknown>
}

// NB: an old state file whose fields differ then fails restore (TestDcStateError), never half-loads.
export const LOGINS_NON_DATA: ReadonlySet<string> = new Set(['dcIds', 'defaultDcId', 'clock', 'random', 'srp', 'codeTtlMs', 'dir', 'sendCodeFlood', 'srpSessions'])
export const DIR_NON_DATA: ReadonlySet<string> = new Set(['random'])
export const HUB_NON_DATA: ReadonlySet<string> = new Set(['nowSeconds', 'logLimit', 'listeners', 'batchListeners', 'queue', 'flushing'])
export const CONV_NON_DATA: ReadonlySet<string> = new Set(['dir', 'hub', 'random', 'nowSeconds'])

/** The fields of `target` that are data (not functions, not in `skip`), by name, as live references. */
export function dataFields(target: object, skip: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(target)) if (!skip.has(k) && typeof v !== 'function') out[k] = v
  return out
}
