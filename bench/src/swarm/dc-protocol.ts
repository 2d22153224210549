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
  /** Like presetUsers, but answers each phone's user id (decimal), whether made now or before. */
  | { readonly cmd: 'userIds'; readonly phones: readonly string[] }
  /**
   * Private messages written server-side, as if each sender had called messages.sendMessage: for
   * every send, `count` messages from `from` to `to` (user ids, decimal), texts `<prefix><k>` with
   * k counting per send from `firstSeq`. Done in batches with a turn of the event loop between them,
   * so the pushes go out while the rest is written. Answers how many were written.
   */
  | { readonly cmd: 'sendMessages'; readonly sends: readonly MessageSend[] }
)

/** One sender → recipient run of a `sendMessages` request. */
export interface MessageSend {
  readonly from: string
  readonly to: string
  readonly count: number
  readonly prefix: string
  readonly firstSeq: number
}

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
