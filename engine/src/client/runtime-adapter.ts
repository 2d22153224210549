// The one place the public client touches engine/src/runtime: how a call is made on (account, DC),
// how notices arrive, and what becomes of the few things a runtime throws that are not a call's
// failure (a stopped runtime, a DC without an endpoint). A call's failure already arrives as its
// public error (`callError`, errors/call-failure.ts, the one map). If the runtime's API moves,
// only this file changes. Knows nothing of login flows or accounts.
import type { Observable } from 'rxjs'
import type { AnyActorRef } from 'xstate'
import {
  RuntimeStateError,
  createRuntime,
  type AccountNotice,
  type Runtime,
  type RuntimeOptions,
  type RuntimeStats,
} from '../runtime/index.js'
import { MtSwarmError, ProtocolError, UsageError } from '../errors/index.js'
import type { TlObject } from '../tl/index.js'

export type { AccountNotice, RuntimeOptions, RuntimeStats }

/** Per-call options the client passes down. */
export interface PortCallOptions {
  signal?: AbortSignal
  timeoutMs?: number
  /** 303: 'follow' (default) resends on DC N; 'surface' rejects with MigrateError for the caller to handle. */
  migrate?: 'follow' | 'surface'
  /** The request already serialized (checked by the client); the runtime sends these bytes. */
  body?: Uint8Array
}

/** What the client needs from a runtime. */
export interface RuntimePort {
  /** One call on (account, DC); rejects only with {@link MtSwarmError}s. */
  invoke(accountId: string, dcId: number, request: { readonly _: string }, opts: PortCallOptions): Promise<unknown>
  /**
   * Opens (once) the connection of the account to the DC, its machine a child of `owner` (the
   * account machine, which hears its dc.ready / dc.down); true when it is already ready.
   */
  openConnection(accountId: string, dcId: number, owner: AnyActorRef): boolean
  /** Notices of one account (dc.ready/down, key.created, rpc.migrated, updates, auth.error …). */
  notices(accountId: string): Observable<AccountNotice>
  /** Closes every connection of one account (its pending calls fail with 'stopped'). */
  closeAccount(accountId: string, dcIds: readonly number[]): void
  readonly stats: RuntimeStats
  /** Calls not yet settled. */
  readonly pendingCalls: number
  stop(): Promise<void>
}

/** The runtime behind {@link RuntimePort}. */
export function runtimePort(options: RuntimeOptions): RuntimePort {
  const rt: Runtime = createRuntime(options)
  return {
    invoke(accountId, dcId, request, opts) {
      const method = request._
      const o: PortCallOptions = {}
      if (opts.signal !== undefined) o.signal = opts.signal
      if (opts.timeoutMs !== undefined) o.timeoutMs = opts.timeoutMs
      if (opts.migrate !== undefined) o.migrate = opts.migrate
      if (opts.body !== undefined) o.body = opts.body
      let p: Promise<unknown>
      try {
        p = (rt.invokeRaw as (a: string, d: number, r: TlObject, o: object) => Promise<unknown>)(accountId, dcId, request as TlObject, o)
      } catch (e) {
        return Promise.reject(publicError(e, method))
      }
      return p.catch((e: unknown) => {
        throw publicError(e, method)
      })
    },
    openConnection(accountId, dcId, owner) {
      rt.setOwner(accountId, owner)
      return rt.connection(accountId, dcId).ready
    },
    notices: (accountId) => rt.notices(accountId),
    closeAccount: (accountId, dcIds) => rt.closeAccount(accountId, dcIds),
    get stats() {
      return rt.stats
    },
    get pendingCalls() {
      return rt.pendingCalls
    },
    stop: () => rt.stop(),
  }
}

/** What a runtime call threw or rejected with, as a public typed error (call failures pass as they are). */
export function publicError(e: unknown, method: string): MtSwarmError {
  if (e instanceof MtSwarmError) return e
  if (e instanceof RuntimeStateError) return new UsageError('stopped', `${method}: ${e.message}`)
  if (e instanceof RangeError) return new UsageError('bad-config', `${method}: ${e.message}`)
  return new ProtocolError({ kind: 'undecodable-result', tlKind: String(e) }, method)
}
