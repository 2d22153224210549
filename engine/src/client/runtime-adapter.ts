// The one place the public client touches engine/src/runtime: how a call is made on (account, DC),
// how notices arrive, and how the runtime's failures become the public typed errors. If the
// runtime's API moves, only this file changes. Knows nothing of login flows or accounts.
import type { Observable } from 'rxjs'
import {
  RpcError as RuntimeRpcError,
  RuntimeStateError,
  createRuntime,
  type AccountNotice,
  type Runtime,
  type RuntimeOptions,
  type RuntimeStats,
} from '../runtime/index.js'
import {
  CancelledError,
  MtSwarmError,
  ProtocolError,
  RpcError,
  TimeoutError,
  TransportError,
  UsageError,
} from '../errors/index.js'
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
  /** Opens (once) the connection of the account to the DC; true when it is already ready. */
  ensureConnection(accountId: string, dcId: number): boolean
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
    ensureConnection(accountId, dcId) {
      return rt.connection(accountId, dcId).ready
    },
    notices: (accountId) => rt.notices(accountId),
    closeAccount(accountId, dcIds) {
      for (const dcId of dcIds) rt.closeConnection(accountId, dcId)
    },
    get stats() {
      return rt.stats
    },
    get pendingCalls() {
      return rt.pendingCalls
    },
    stop: () => rt.stop(),
  }
}

const TRANSPORT_CODE_RE = /(-4\d\d)\b/

/** The runtime's failure (or anything thrown) as a public typed error. */
export function publicError(e: unknown, method: string): MtSwarmError {
  if (e instanceof MtSwarmError) return e
  if (e instanceof RuntimeStateError) return new UsageError('stopped', `${method}: ${e.message}`)
  if (e instanceof RuntimeRpcError) {
    const f = e.failure
    switch (f.kind) {
      case 'rpcError': {
        if (f.errorCode < 0) {
          const bad = /^BAD_MSG_NOTIFICATION_(\d+)$/.exec(f.errorMessage)
          if (bad !== null) return new ProtocolError({ kind: 'bad-msg-notification', code: Number(bad[1]) }, method)
          const und = /^RESULT_UNDECODABLE_(.+)$/.exec(f.errorMessage)
          if (und !== null) return new ProtocolError({ kind: 'undecodable-result', tlKind: und[1]!.toLowerCase() }, method)
        }
        return RpcError.from(f.errorCode, f.errorMessage, method)
      }
      case 'floodWait':
        return RpcError.from(420, `FLOOD_WAIT_${f.seconds}`, method)
      case 'timeout':
        return new TimeoutError(method, f.afterMs, f.answerDropped)
      case 'cancelled':
        return new CancelledError(method, f.answerDropped)
      case 'tooManyResends':
        return new ProtocolError({ kind: 'too-many-resends', resends: f.resends, limit: f.limit }, method)
      case 'tooManyMigrations':
        return RpcError.from(303, `TOO_MANY_MIGRATIONS_${f.dcId}`, method)
      case 'connectionFailed': {
        const named = TRANSPORT_CODE_RE.exec(f.reason)
        const code = f.transportErrorCode ?? (named === null ? undefined : Number(named[1]))
        return new TransportError(code, f.reason, f.dcId, method)
      }
      case 'stopped':
        return new UsageError('stopped', `${method}: the engine (or account) was stopped with the call pending`)
      case 'unknownDc':
        return new UsageError('bad-config', `${method}: no endpoint is configured for DC ${f.dcId}`)
    }
  }
  if (e instanceof RangeError) return new UsageError('bad-config', `${method}: ${e.message}`)
  return new ProtocolError({ kind: 'undecodable-result', tlKind: String(e) }, method)
}
