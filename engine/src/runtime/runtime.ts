// The runtime: owns every DC connection (keyed by account and DC) and every call (rpcMachine's
// common path without an actor, the table rpc-fast.ts generates from the machine; an rpcMachine
// actor once it leaves that path), routes events between them over the keyed buses, and
// supervises both. A call that fails rejects with the public error `callError` builds from its
// typed failure. Knows nothing of the public client API, login flows or updates processing: it
// moves calls and notices; the client layer above decides what they mean.
import { type Observable } from 'rxjs'
import { createActor, type AnyActorRef, type Snapshot } from 'xstate'
import {
  DEFAULT_RPC_TIMEOUT_MS,
  initialRpcContext,
  rpcMachine,
  type RpcEvent,
  type RpcInput,
  type RpcSettlement,
} from '@mtswarm/machines'
import { callError, type RuntimeFailure } from '../errors/index.js'
import { KeyedBus, pipeUntilStopped, stoppedOf } from '../bus/index.js'
import type { ResultOf, TlObject, mtp, tl } from '../tl/index.js'
import { DcConnection, connectionKey, type ConnectionHost } from './dc-connection.js'
import { dcConnectionLogic, type DcConnectionLogic } from './dc-connection-logic.js'
import { resolveOptions, type Clock, type ResolvedRuntimeOptions, type RuntimeOptions } from './options.js'
import { HandshakeGate } from './handshake-gate.js'
import { RpcCall, callAtOf, type CallAt, type CallSettlement } from './rpc-call.js'
import { fastRpcStep, rpcStateValue, type FastRpcPhase } from './rpc-fast.js'
import { boxSecretResult, revealSettlement } from './secret-results.js'
import { RuntimeStats, type AccountNotice } from './runtime-types.js'

/** Cap on calls pending at once across the runtime (each a record, a promise, perhaps an actor). */
export const MAX_PENDING_CALLS = 1_000_000

/** Per-call options. */
export interface CallOptions {
  /** FLOOD_WAIT up to this many seconds is slept through (default: the runtime's, then the machine's). */
  readonly floodSleepThresholdSec?: number
  /** Deadline across resends and flood waits (default: the runtime's, then the machine's). */
  readonly timeoutMs?: number
  /** Aborting cancels the call (rpc_drop_answer when the server already has it). */
  readonly signal?: AbortSignal
  /**
   * On 303 X_MIGRATE_N: 'follow' (default) resends the call on DC N and reports `rpc.migrated`;
   * 'surface' settles it with the 303 (rpcMachine's `surfaceMigrate` input: a MigrateError) so the
   * caller (the account's login flow) moves.
   */
  readonly migrate?: 'follow' | 'surface'
  /** `request` already serialized (a caller that validated it); sent as is instead of again. */
  readonly body?: Uint8Array
}

/** A TL method object (API or MTProto). */
export type TlMethod = tl.RpcMethod | mtp.RpcMethod

/** The runtime was asked for a call after stop(), or past MAX_PENDING_CALLS. */
export class RuntimeStateError extends Error {
  override readonly name = 'RuntimeStateError'
}

/** Creates a runtime; nothing connects until a connection or a call asks for one. */
export function createRuntime(options: RuntimeOptions): Runtime {
  return new Runtime(resolveOptions(options))
}

export class Runtime implements ConnectionHost {
  readonly stats = new RuntimeStats()
  /** Plain (handshake) packets, keyed by connection. */
  readonly plainBus = new KeyedBus<string, Uint8Array>('plain')
  /** Events for RPC actors, keyed by request id. */
  readonly rpcBus = new KeyedBus<number, RpcEvent>('rpc')
  /** Notices for account owners, keyed by account id. */
  readonly accountBus = new KeyedBus<string, AccountNotice>('account')
  private readonly connections = new Map<string, DcConnection>()
  /** Accounts whose connection machines are children of an actor (their account machine). */
  private readonly owners = new Map<string, AnyActorRef>()
  private readonly gates = new Map<number, HandshakeGate>()
  private readonly calls = new Map<number, RpcCall>()
  private readonly rpcLogic: ReturnType<Runtime['provideRpc']>
  readonly dcLogic: DcConnectionLogic
  private nextRequestId = 1
  private stopped = false
  /** One deadline timer per call (the actors' clock, so simulated clocks drive both). */
  private readonly clock: Clock

  constructor(readonly options: ResolvedRuntimeOptions) {
    this.clock = options.clock ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id) }
    this.rpcLogic = this.provideRpc()
    this.dcLogic = dcConnectionLogic(options)
  }

  /** Calls not settled yet. */
  get pendingCalls(): number {
    return this.calls.size
  }

  /** The connection of `accountId` to `dcId`, created (and started) on first use. */
  connection(accountId: string, dcId: number): DcConnection {
    if (this.stopped) throw new RuntimeStateError('runtime stopped')
    const key = connectionKey(accountId, dcId)
    let conn = this.connections.get(key)
    if (conn === undefined) {
      if (!this.options.dcs.some((d) => d.id === dcId)) throw new RangeError(`no endpoint configured for DC ${dcId}`)
      conn = new DcConnection(accountId, dcId, this)
      this.connections.set(key, conn)
      const c = conn
      this.plainBus.open(key)
      conn.start().catch((e: unknown) => this.connectionFailed(c, `loading from the store failed: ${String(e)}`))
    }
    return conn
  }

  /**
   * From now on the connection machines of `accountId` are children of `owner` (its account
   * machine): they run in its actor system and report dc.ready / dc.down to it. Connections
   * already running keep their machine until it is restarted. Calls are routed as before.
   */
  setOwner(accountId: string, owner: AnyActorRef): void {
    this.owners.set(accountId, owner)
  }

  /** Closes every connection of `accountId` in `dcIds` and forgets its owner. */
  closeAccount(accountId: string, dcIds: readonly number[]): void {
    for (const dcId of dcIds) this.closeConnection(accountId, dcId)
    this.owners.delete(accountId)
  }

  ownerOf(accountId: string): AnyActorRef | undefined {
    return this.owners.get(accountId)
  }

  /** The live connections (for tests and the inspector). */
  liveConnections(): DcConnection[] {
    return [...this.connections.values()]
  }

  /**
   * Sends `request` on the connection of `accountId` to `dcId` and settles exactly once: the
   * decoded result, or the public error of its failure (`callError`: RpcError, TimeoutError …).
   * Resends, flood waits and 303 moves happen inside.
   */
  invoke<M extends TlMethod>(accountId: string, dcId: number, request: M, opts: CallOptions = {}): Promise<ResultOf<M>> {
    return this.invokeRaw(accountId, dcId, request, opts) as Promise<ResultOf<M>>
  }

  /** {@link invoke} without the result typing (for callers that route arbitrary `{ _ }` objects). */
  invokeRaw(accountId: string, dcId: number, request: { readonly _: string }, opts: CallOptions = {}): Promise<unknown> {
    if (this.stopped) return Promise.reject(new RuntimeStateError('runtime stopped'))
    if (this.calls.size >= MAX_PENDING_CALLS) return Promise.reject(new RuntimeStateError(`more than ${MAX_PENDING_CALLS} calls pending`))
    const requestId = this.nextRequestId++
    const method = innermostMethod(request as TlObject)
    const floodSleepThresholdSec = opts.floodSleepThresholdSec ?? this.options.floodSleepThresholdSec
    const timeoutMs = opts.timeoutMs ?? this.options.rpcTimeoutMs
    const input: RpcInput = {
      requestId,
      method,
      dcId,
      ...(floodSleepThresholdSec === undefined ? {} : { floodSleepThresholdSec }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(opts.migrate === 'surface' ? { surfaceMigrate: true } : {}),
    }
    const call = new RpcCall(requestId, accountId, request as TlObject, method, input, opts.body)
    return new Promise<unknown>((resolve, reject) => {
      call.settler = (s) => {
        if (s.ok) resolve(s.result)
        else reject(callError(method, s.error))
      }
      this.calls.set(requestId, call)
      this.stats.callsStarted++
      // The machine's deadline is an event (rpc.deadline); this is the one timer that sends it.
      call.deadline = this.clock.setTimeout(() => this.toCall(call, { type: 'rpc.deadline' }), timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS)
      if (this.options.inspect === undefined) {
        // The common path (rpc-fast.ts): no actor unless the call leaves it; rpcMachine's entry
        // effect of `queued` runs here.
        this.enqueueCall(requestId, dcId)
      } else {
        // Inspected runtimes show every call in the inspector: one actor each, from the start.
        this.startActor(call)
      }
      if (opts.signal !== undefined) {
        const signal = opts.signal
        if (signal.aborted) queueMicrotask(() => this.toCall(call, { type: 'rpc.cancel' }))
        else signal.addEventListener('abort', () => this.toCall(call, { type: 'rpc.cancel' }), { once: true })
      }
    })
  }

  /** The notices of one account (opens its key on the account bus). */
  notices(accountId: string): Observable<AccountNotice> {
    return this.accountBus.open(accountId)
  }

  /** Closes one connection; the calls it held settle 'stopped'. */
  closeConnection(accountId: string, dcId: number): void {
    const conn = this.connections.get(connectionKey(accountId, dcId))
    if (conn !== undefined) this.retire(conn, { kind: 'stopped' })
  }

  /** The one way a connection leaves the runtime (closed by its owner, or given up): its calls fail with `failure`. */
  private retire(conn: DcConnection, failure: RuntimeFailure): void {
    if (this.connections.get(conn.key) === conn) this.connections.delete(conn.key)
    for (const call of conn.heldCalls()) this.fail(call, failure)
    conn.close()
  }

  /** Fails every pending call with 'stopped', closes every connection and bus key. The store stays open (it is the caller's). */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const call of [...this.calls.values()]) this.fail(call, { kind: 'stopped' })
    for (const conn of this.connections.values()) conn.close()
    this.connections.clear()
    this.owners.clear()
    this.rpcBus.closeAll()
    this.plainBus.closeAll()
    this.accountBus.closeAll()
  }

  // ---- ConnectionHost -----------------------------------------------------------------

  handshakeGate(dcId: number): HandshakeGate {
    let g = this.gates.get(dcId)
    if (g === undefined) {
      g = new HandshakeGate(this.options.maxConcurrentHandshakes)
      this.gates.set(dcId, g)
    }
    return g
  }

  toCall(call: RpcCall, event: RpcEvent): void {
    if (event.type === 'rpc.resend') this.stats.resends++
    if (call.settled) return
    if (call.actor === null) this.fastEvent(call, event)
    else this.rpcBus.send(call.requestId, boxSecretResult(call.method, event))
  }

  notify(accountId: string, notice: AccountNotice): void {
    this.accountBus.send(accountId, notice)
  }

  failHeldCalls(conn: DcConnection, reason: string, transportErrorCode?: number): void {
    for (const call of conn.heldCalls()) {
      this.fail(call, { kind: 'connectionFailed', dcId: conn.dcId, reason, ...(transportErrorCode === undefined ? {} : { transportErrorCode }) })
    }
  }

  connectionFailed(conn: DcConnection, reason: string): void {
    this.retire(conn, { kind: 'connectionFailed', dcId: conn.dcId, reason })
    this.notify(conn.accountId, { type: 'connection.failed', dcId: conn.dcId, reason })
  }

  // ---- calls ----------------------------------------------------------------------------

  /** One step of a call on the common path (the generated table); off it, the call gets its actor and the event. */
  private fastEvent(call: RpcCall, event: RpcEvent): void {
    // NB: without an actor a call is only ever queued, sent or acked (the path's states).
    const step = fastRpcStep(call.at.at as FastRpcPhase, event)
    switch (step.kind) {
      case 'ignore':
        return
      case 'move':
        call.at = movedTo(step.phase, step.takesMsgId && 'msgId' in event ? event.msgId : call.msgId)
        return
      case 'settle':
        if (step.dequeue) call.conn?.dequeue(call)
        this.settle(call.requestId, { ok: true, result: (event as { result?: unknown }).result })
        this.forgetCall(call)
        return
      case 'machine':
        this.startActorWhereItIs(call)
        this.rpcBus.send(call.requestId, boxSecretResult(call.method, event))
        return
    }
  }

  /** Starts an rpcMachine actor in the call's common-path state (no entry effects run again). */
  private startActorWhereItIs(call: RpcCall): void {
    const snapshot = this.rpcLogic.resolveState({
      value: rpcStateValue(call.at.at as FastRpcPhase),
      context: { ...initialRpcContext(call.input), msgId: call.msgId },
    })
    this.startActor(call, { snapshot })
  }

  /** Starts the call's rpcMachine actor: from its input, or (with `snapshot`) in a resolved state. */
  private startActor(call: RpcCall, from: { snapshot?: Snapshot<unknown> } = {}): void {
    this.stats.rpcActors++
    const actor = createActor(this.rpcLogic, {
      // NB: with a snapshot the actor starts in that state and the input is not read again.
      input: call.input,
      ...from,
      id: `rpc:${call.requestId}`,
      ...(this.options.clock === undefined ? {} : { clock: this.options.clock }),
      ...(this.options.inspect === undefined ? {} : { inspect: this.options.inspect }),
    })
    call.actor = actor
    pipeUntilStopped(this.rpcBus.open(call.requestId), actor, stoppedOf(actor), () => this.forgetCall(call))
    actor.subscribe({
      // The record follows the machine: `at` is the actor's state from now on.
      next: (snapshot) => {
        if (!call.settled) call.at = callAtOf(snapshot)
      },
      error: (err) => this.rpcCrashed(call, err),
    })
    actor.start()
  }

  /** rpcMachine's `enqueue` effect: the call goes on the outbound queue of its connection to `dcId`. */
  private enqueueCall(requestId: number, dcId: number): void {
    const call = this.calls.get(requestId)
    if (call === undefined || call.settled) return
    if (!this.options.dcs.some((d) => d.id === dcId)) {
      queueMicrotask(() => this.fail(call, { kind: 'unknownDc', dcId }))
      return
    }
    this.connection(call.accountId, dcId).enqueue(call)
  }

  private provideRpc() {
    return rpcMachine.provide({
      actions: {
        enqueue: (_, p) => this.enqueueCall(p.requestId, p.dcId),
        dequeue: (_, p) => {
          const call = this.calls.get(p.requestId)
          if (call !== undefined) call.conn?.dequeue(call)
        },
        dropAnswer: (_, p) => {
          const call = this.calls.get(p.requestId)
          if (call !== undefined) call.conn?.dropAnswer(p.msgId)
        },
        settle: (_, p) => this.settle(p.requestId, revealSettlement(p.settlement)),
        notifyMigrated: (_, p) => {
          const call = this.calls.get(p.requestId)
          if (call !== undefined) this.notify(call.accountId, { type: 'rpc.migrated', method: call.method, ...p })
        },
      },
    })
  }

  /** Settles a call once; a second attempt is counted (it is a bug) and ignored. */
  private settle(requestId: number, s: Settlement): void {
    const call = this.calls.get(requestId)
    const settler = call?.settler ?? null
    if (call === undefined || settler === null || call.settled) {
      this.stats.doubleSettles++
      return
    }
    call.settler = null
    call.at = SETTLED
    if (call.deadline !== undefined) {
      this.clock.clearTimeout(call.deadline)
      call.deadline = undefined
    }
    call.conn?.release(call)
    if (s.ok) this.stats.callsSettled++
    else this.stats.callsFailed++
    settler(s)
  }

  /** Ends a call from outside its machine (supervision, stop): settle, then stop the actor. */
  private fail(call: RpcCall, error: RuntimeFailure): void {
    if (call.settled) return
    this.settle(call.requestId, { ok: false, error })
    if (call.actor !== null) call.actor.stop()
    else this.forgetCall(call)
  }

  private forgetCall(call: RpcCall): void {
    // NB: a call whose actor ended without settling (stopped from outside) still settles once.
    if (!call.settled) this.settle(call.requestId, { ok: false, error: { kind: 'stopped' } })
    this.rpcBus.close(call.requestId)
    this.calls.delete(call.requestId)
  }

  private rpcCrashed(call: RpcCall, err: unknown): void {
    this.stats.rpcCrashes++
    if (call.settled) return
    call.conn?.release(call)
    this.settle(call.requestId, {
      ok: false,
      error: { kind: 'connectionFailed', dcId: call.conn?.dcId ?? 0, reason: `rpc actor crashed: ${String(err)}` },
    })
  }
}

/** How a call ends: rpcMachine's settlement, or a failure the runtime decided (supervision, stop). */
type Settlement = RpcSettlement | CallSettlement

const SETTLED: CallAt = { at: 'settled' }

/** The record's `at` after a move within the common path. */
function movedTo(phase: FastRpcPhase, msgId: bigint | null): CallAt {
  return phase === 'queued' ? { at: 'queued' } : { at: phase, msgId: msgId ?? 0n }
}

/** The method whose result the answer carries (invokeWithLayer & co wrap a `query`). */
function innermostMethod(request: TlObject): string {
  let r = request as { _: string; query?: unknown }
  while (typeof r.query === 'object' && r.query !== null && '_' in r.query && isWrapper(r._)) r = r.query as { _: string }
  return r._
}

function isWrapper(name: string): boolean {
  return name.startsWith('invoke') || name === 'initConnection'
}
