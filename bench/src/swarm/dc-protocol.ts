// The bench's control messages to its test DC process (node IPC, one answer per request id).
// Types only.
import type { FaultConfig } from '@mtswarm/testdc'

/** A request to the DC process. */
export type DcRequest = { readonly id: number } & (
  | { readonly cmd: 'faults'; readonly patch: FaultConfig }
  | { readonly cmd: 'clearFaults' }
  | { readonly cmd: 'stats' }
  /** Destroys every accepted socket; answers `{ count, atMs }` (atMs: process.hrtime in ms, system-wide monotonic). */
  | { readonly cmd: 'dropAll' }
  /** Open accepted sockets. */
  | { readonly cmd: 'connections' }
  /** Creates world users for these phones (test numbers 99966XYYYY: home DC X, code XXXXX). */
  | { readonly cmd: 'presetUsers'; readonly phones: readonly string[] }
  | { readonly cmd: 'memory' }
)

/** The answer to a {@link DcRequest} with the same id. */
export type DcResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string }

/** The testdc CLI's JSON line (fingerprint: unsigned decimal). */
export interface DcHello {
  readonly dcs: { readonly id: number; readonly host: string; readonly port: number }[]
  readonly publicKeyPem: string
  readonly fingerprint: string
}
