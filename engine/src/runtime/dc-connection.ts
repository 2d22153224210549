// The runtime side of one DC connection of one account: dcConnectionMachine provided with real
// effects (socket, handshake, durable key, ClientSession), the per-tick outbound flush, and the
// msg_id → call routing of incoming answers. Owns the sockets' bytes and the session object; the
// machine owns every decision (when to resend, reset, ping, back off). Knows nothing of the
// public API or of login flows.
import { Observable, firstValueFrom, takeUntil } from 'rxjs'
import { createActor, type Actor, type AnyActorRef } from 'xstate'
import {
  type DcConnectionEvent,
  type DcConnectionInput,
  type ResendReason,
  type RpcEvent,
  type SaveAuthKeyInput,
  secret,
} from '@mtswarm/machines'
import type { ServerSalt } from '@mtswarm/storage'
import type { KeyedBus } from '../bus/index.js'
import {
  ClientSession,
  MessageIdGenerator,
  decodePlainMessage,
  encodePlainMessage,
  encryptionKeyOf,
  routeIncoming,
  sessionIdFromRandom,
  withInitConnection,
  type EncryptionKey,
  type Routed,
} from '../protocol/index.js'
import { deserializeObject, serializeObject, type TlObject } from '../tl/index.js'
import { CallTable } from './call-table.js'
import { carry, connectionEffects, persistSession } from './dc-connection-effects.js'
import type { PlainChannel } from './handshake-actors.js'
import { bindConnection, type DcConnectionLogic } from './dc-connection-logic.js'
import type { HandshakeGate } from './handshake-gate.js'
import type { ResolvedRuntimeOptions } from './options.js'
import type { RpcCall } from './rpc-call.js'
import { openSocket, type SocketLink } from './socket.js'
import type { AccountNotice, RuntimeStats } from './runtime-types.js'

/** Connection-actor crashes tolerated (each restarts it from storage) before its calls fail. */
export const MAX_CONNECTION_RESTARTS = 3

/** What a connection needs from the runtime that owns it. */
export interface ConnectionHost {
  readonly options: ResolvedRuntimeOptions
  readonly plainBus: KeyedBus<string, Uint8Array>
  readonly stats: RuntimeStats
  /** Routes an event to a call's RPC actor (through the rpc bus). */
  toCall(call: RpcCall, event: RpcEvent): void
  notify(accountId: string, notice: AccountNotice): void
  /** dcConnectionMachine provided once per runtime (dcConnectionLogic, dc-connection-logic.ts). */
  readonly dcLogic: DcConnectionLogic
  /** The handshake slots of one DC (see MAX_CONCURRENT_HANDSHAKES). */
  handshakeGate(dcId: number): HandshakeGate
  /** The connection gave up (restart budget spent): fail what it still holds. */
  connectionFailed(conn: DcConnection, reason: string): void
  /** Fail every call the connection holds, the connection going on (e.g. its key was refused). */
  failHeldCalls(conn: DcConnection, reason: string, transportErrorCode?: number): void
  /** The actor whose children this account's connection machines are (its account machine), if any. */
  ownerOf(accountId: string): AnyActorRef | undefined
}

/** The machine's snapshot matcher, loosely typed where xstate's generics get in the way. */
type DcActor = Actor<DcConnectionLogic>


/** `${accountId}/${dcId}`: the key of a connection on the plain bus and in the runtime's map. */
export function connectionKey(accountId: string, dcId: number): string {
  return `${accountId}/${dcId}`
}

/** One DC connection of one account. Create with the runtime's `connection()`. */
export class DcConnection {
  readonly key: string
  /** Set while a socket is connected (by the socket actor). */
  private link: SocketLink | null = null
  /** A message on the current socket has verified under our key (key.confirmed was sent). */
  private keyConfirmedOnLink = false
  /** Every socket opened and not yet torn down (a crashed machine may not run its teardowns). */
  private readonly links = new Set<SocketLink>()
  /**
   * Plain (handshake) packets written while no socket is connected yet. NB: the machine may enter
   * `handshaking` on a socket that is still connecting (a -404 re-enters `online`, which replaces
   * the socket); they go out on connect.
   */
  private pendingPlain: Uint8Array[] = []
  private authKey: EncryptionKey | null = null
  // NB: the members marked @internal are the session state the machine's effects
  // (dc-connection-effects.ts) work on; nothing outside this file and that one touches them.
  /** @internal */ salt = 0n
  /** @internal Future salts as stored (server unix seconds): kept by storeSalt, read by the machine at start. */
  futureSalts: readonly ServerSalt[] = []
  /** @internal */ timeOffsetMs = 0
  /** @internal */ session: ClientSession | null = null
  /** @internal Sessions this connection used before the current one, to destroy_session (never the current). */
  previousSessions: bigint[] = []
  private readonly plainIds = new MessageIdGenerator({ role: 'client' })
  /** @internal Every call routed here, by session ref and msg_id. */
  readonly table = new CallTable()
  private flushScheduled = false
  /** Acks the session took since the last ack.needed report (reported once per tick). */
  private unreportedAcks = 0
  private ackReportScheduled = false
  /** The next RPC written on this socket is wrapped in invokeWithLayer(initConnection(…)). */
  private needsInit = true
  private actor: DcActor | null = null
  /** The machine is a child of its account's actor (it cannot be stop()ped: it closes instead). */
  private owned = false
  private restarts = 0
  private closed = false
  private readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = []
  /** Held from start until first ready when the connection has to create a key. */
  private releaseHandshakeSlot: (() => void) | null = null

  constructor(
    readonly accountId: string,
    readonly dcId: number,
    /** @internal */
    readonly host: ConnectionHost,
  ) {
    this.key = connectionKey(accountId, dcId)
  }

  /** Loads key, salt and time offset from the store, then starts and opens the machine. */
  async start(): Promise<void> {
    const { store } = this.host.options
    const [key, salts, session] = await Promise.all([
      store.getAuthKey(this.accountId, this.dcId, 'perm'),
      store.getServerSalts(this.accountId, this.dcId),
      store.getSession(this.accountId, this.dcId),
    ])
    if (this.closed) return
    this.authKey = key === undefined ? null : { authKey: key.key, authKeyId: key.keyId }
    this.salt = salts?.current ?? 0n
    this.futureSalts = salts?.future ?? []
    this.timeOffsetMs = session?.serverTimeOffsetMs ?? 0
    // NB: the session stored last was used by an earlier run: the new one destroys it once ready.
    if (session !== undefined && !this.previousSessions.includes(session.sessionId)) this.previousSessions.push(session.sessionId)
    if (this.authKey === null && this.releaseHandshakeSlot === null) {
      const release = await this.host.handshakeGate(this.dcId).acquire()
      if (this.closed) return release()
      this.releaseHandshakeSlot = release
    }
    this.spawn()
  }

  /** @internal */
  releaseSlot(): void {
    this.releaseHandshakeSlot?.()
    this.releaseHandshakeSlot = null
  }

  /** The machine's state value (for tests, the inspector and the client layer). */
  get state(): unknown {
    return this.actor?.getSnapshot().value ?? 'loading'
  }

  /** True once the encrypted session is up. */
  get ready(): boolean {
    return this.actor?.getSnapshot().matches({ online: 'ready' }) ?? false
  }

  /** Resolves when the connection is next ready (rejects if it is closed first). */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve()
    if (this.closed) return Promise.reject(new ConnectionClosedError(this.key))
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }))
  }

  /** Routes `call` here; its body goes into the next flush (or waits for the session). */
  enqueue(call: RpcCall): void {
    if (call.conn !== this) {
      call.conn?.release(call)
      call.conn = this
    }
    this.table.calls.add(call)
    // NB: a call whose body the session already re-queued (resend, new session) keeps that copy.
    if (this.table.inSessionQueue.has(call)) return
    if (this.session === null) {
      this.table.waiting.add(call)
      return
    }
    this.sendCall(this.session, call)
  }

  /** Takes a still-queued call off the queue (cancel, timeout). */
  dequeue(call: RpcCall): void {
    this.table.waiting.delete(call)
    if (this.table.inSessionQueue.delete(call) && call.ref !== null) this.session?.forget({ ref: call.ref })
  }

  /** rpc_drop_answer for a call given up while the server has it. */
  dropAnswer(msgId: bigint): void {
    if (this.session === null) return
    this.session.send(serializeObject({ _: 'mt_rpc_drop_answer', reqMsgId: msgId }), { method: 'mt_rpc_drop_answer' })
    this.scheduleFlush()
  }

  /** Forgets everything about a settled (or moved) call. */
  release(call: RpcCall): void {
    this.dequeue(call)
    for (const id of this.table.forget(call)) this.session?.forget({ msgId: id })
    call.ref = null
    call.msgIds.clear()
    if (call.conn === this) call.conn = null
  }

  /** Closes for good (the machine goes final, the socket closes); calls still here stay with their owner. */
  close(): void {
    if (this.closed) return
    if (this.actor !== null) this.end(this.actor)
    this.teardown('closed')
  }

  /** Ends the machine: `closed` is final; a root actor is also stopped (a child cannot be). */
  private end(actor: DcActor): void {
    actor.send({ type: 'connection.close' })
    if (!this.owned) actor.stop()
  }

  /**
   * The one teardown of close and crash: the machine's actor is gone, so its sockets and the
   * handshake's plain channel go with it (NB: XState does not stop a crashed machine's children,
   * so they are closed here, not by the machine). `closed`: for good — ready waiters reject and a
   * held handshake slot is given back; `restarting`: both stay for the machine started next.
   */
  private teardown(how: 'closed' | 'restarting'): void {
    this.actor = null
    for (const l of this.links) l.close()
    this.links.clear()
    this.link = null
    this.host.plainBus.close(this.key)
    if (how === 'restarting') return
    this.closed = true
    this.rejectWaiters()
    this.releaseSlot()
  }

  private rejectWaiters(): void {
    const w = this.readyWaiters
    this.readyWaiters = []
    for (const x of w) x.reject(new ConnectionClosedError(this.key))
  }

  /** Calls routed here (for supervision). */
  heldCalls(): RpcCall[] {
    return [...this.table.calls]
  }

  // ---- machine wiring -------------------------------------------------------------------

  private spawn(): void {
    const o = this.host.options
    const input: DcConnectionInput = {
      dcId: this.dcId,
      authKeyId: this.authKey?.authKeyId ?? null,
      serverSalt: secret(this.salt),
      timeOffsetMs: this.timeOffsetMs,
      futureSalts: this.futureSalts.map((f) => ({
        salt: secret(f.salt),
        validSinceMs: f.validSinceSec * 1000 - this.timeOffsetMs,
        validUntilMs: f.validUntilSec * 1000 - this.timeOffsetMs,
      })),
      nowMs: this.host.options.nowMs(),
    }
    // NB: with an owner the machine is its child: it runs in the owner's system (its clock, its
    // inspector), the inspector shows owner → connection, and its reports go to the owner.
    const parent = this.host.ownerOf(this.accountId)
    this.owned = parent !== undefined
    const actor = createActor(this.host.dcLogic, {
      input,
      ...(parent !== undefined
        ? { parent }
        : { ...(o.clock === undefined ? {} : { clock: o.clock }), ...(o.inspect === undefined ? {} : { inspect: o.inspect }) }),
      id: `dc:${this.key}`,
    })
    this.actor = actor
    // NB: bound before start: the machine's effects find this connection through its system.
    bindConnection(actor.system, this)
    actor.subscribe({ error: (err) => this.crashed(actor, err) })
    actor.start()
    actor.send({ type: 'connection.open' })
  }

  /** Supervision: a crashed machine is restarted from storage, or its calls fail. */
  private crashed(actor: DcActor, err: unknown): void {
    if (this.actor !== actor || this.closed) return
    this.host.stats.connectionCrashes++
    this.detachSession()
    const giveUp = this.restarts >= MAX_CONNECTION_RESTARTS
    this.teardown(giveUp ? 'closed' : 'restarting')
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    this.host.notify(this.accountId, { type: 'dc.down', dcId: this.dcId, reason: `crashed: ${reason}` })
    if (giveUp) {
      this.host.connectionFailed(this, reason)
      return
    }
    this.restarts++
    this.host.plainBus.open(this.key)
    this.start().catch((e: unknown) => this.host.connectionFailed(this, String(e)))
  }

  /** Drops the session (key dropped, crash): every call it held waits for the next one. */
  private detachSession(): void {
    this.session = null
    this.table.sessionDropped()
    for (const call of this.table.calls) {
      call.ref = null
      if (call.at.at === 'queued') this.table.waiting.add(call)
      else if (call.msgId !== null) this.host.toCall(call, { type: 'rpc.resend', reason: 'reconnect' })
    }
  }

  /** Effects of dcConnectionMachine, bound to this connection (built once). */
  readonly fx = connectionEffects(this)

  /** Body of the socket actor: node:net on the DC's endpoint, transport codec, events sent back. */
  runSocket(sendBack: (event: DcConnectionEvent) => void): () => void {
    {
      const endpoint = this.host.options.dcs.find((d) => d.id === this.dcId)
      if (endpoint === undefined) {
        sendBack({ type: 'socket.closed', reason: `no endpoint for DC ${this.dcId}` })
        return () => {}
      }
      const link = openSocket(endpoint, this.host.options, {
        connected: () => {
          this.link = link
          this.keyConfirmedOnLink = false
          this.needsInit = true
          this.host.stats.socketsOpened++
          const plain = this.pendingPlain
          this.pendingPlain = []
          link.write(plain)
          sendBack({ type: 'socket.connected' })
        },
        packet: (payload) => {
          // NB: this runs in a socket callback, outside any actor: a throw here would take the
          // process down, so it is treated as a crash of this connection instead.
          try {
            if (isPlain(payload)) {
              this.host.plainBus.send(this.key, payload)
              return
            }
            for (const e of this.receive(payload)) sendBack(e)
            if (this.unreportedAcks > 0 && !this.ackReportScheduled) {
              // NB: one ack.needed per tick with the tick's count, not one machine event per packet
              // (a burst of pushes is one event); the ack region's timer and threshold see the sum.
              this.ackReportScheduled = true
              setImmediate(() => {
                const count = this.unreportedAcks
                this.unreportedAcks = 0
                this.ackReportScheduled = false
                if (count > 0 && this.link === link) sendBack({ type: 'ack.needed', count })
              })
            }
          } catch (err) {
            const actor = this.actor
            if (actor === null) return
            this.crashed(actor, err)
            this.end(actor)
          }
        },
        transportError: (code) => sendBack({ type: 'transport.error', code }),
        closed: (reason) => {
          this.links.delete(link)
          if (this.link === link) this.link = null
          sendBack({ type: 'socket.closed', reason })
        },
      })
      this.links.add(link)
      return () => {
        this.links.delete(link)
        if (this.link === link) this.link = null
        // NB: handshake packets held for a socket that never connected die with it.
        if (this.link === null) this.pendingPlain = []
        link.close()
      }
    }
  }

  /** Plain messages over the current socket, for the handshake steps. */
  plainChannel(): PlainChannel {
    return {
      send: (request) => {
        const packet = encodePlainMessage(this.plainIds.next(this.host.options.nowMs()), serializeObject(request))
        if (this.link === null) this.pendingPlain.push(packet)
        else this.link.write([packet])
      },
      receive: async (signal) => {
        const aborted = new Observable<never>((sub) => {
          const onAbort = () => sub.error(signal.reason ?? new Error('aborted'))
          if (signal.aborted) onAbort()
          signal.addEventListener('abort', onAbort, { once: true })
          return () => signal.removeEventListener('abort', onAbort)
        })
        const packet = await firstValueFrom(this.host.plainBus.open(this.key).pipe(takeUntil(aborted)))
        const plain = decodePlainMessage(packet, 'server')
        if (!plain.ok) throw new Error(`plain message refused: ${plain.error.kind}`)
        return deserializeObject(plain.value.body)
      },
    }
  }

  /** Body of saveAuthKey: the key is durable before the machine may use it. */
  async saveAuthKey(input: SaveAuthKeyInput): Promise<void> {
    {
      const authKey = input.authKey.reveal()
      const key = encryptionKeyOf(authKey)
      await this.host.options.store.putAuthKey({
        accountId: this.accountId,
        dcId: this.dcId,
        kind: 'perm',
        key: authKey,
        keyId: key.authKeyId,
        createdAtMs: this.host.options.nowMs(),
      })
      // NB: only now does the connection know the key; the session is built from it on ready.
      this.authKey = key
      this.session = null
      this.host.stats.keysCreated++
      this.host.notify(this.accountId, { type: 'key.created', dcId: this.dcId, authKeyId: key.authKeyId })
    }
  }

  // ---- session ------------------------------------------------------------------------

  /** @internal */
  sessionReady(): void {
    if (this.session === null) {
      if (this.authKey === null) throw new Error(`connection ${this.key} is ready without a key`)
      this.session = new ClientSession({
        key: this.authKey,
        sessionId: sessionIdFromRandom(this.host.options.random(8)),
        salt: this.salt,
        timeOffsetMs: this.timeOffsetMs,
      })
      persistSession(this)
    }
    const waiting = [...this.table.waiting]
    this.table.waiting.clear()
    for (const call of waiting) this.sendCall(this.session, call)
    this.scheduleFlush()
    const w = this.readyWaiters
    this.readyWaiters = []
    // NB: resolved after this tick, when the snapshot really is `ready`.
    if (w.length > 0) setImmediate(() => { for (const x of w) x.resolve() })
  }

  private sendCall(session: ClientSession, call: RpcCall): void {
    let body: Uint8Array
    if (this.needsInit) {
      this.needsInit = false
      body = serializeObject(withInitConnection(call.request, this.host.options.client))
    } else {
      body = call.body()
    }
    const ref = session.send(body, { method: call.method })
    call.ref = ref
    this.table.inSessionQueue.add(call)
    this.table.byRef.set(ref, call)
    this.scheduleFlush()
  }

  /** @internal */
  sendService(request: TlObject, method: string): void {
    if (this.session === null) return
    this.session.send(serializeObject(request), { method })
    this.scheduleFlush()
  }

  /** Refs the session put back in its queue: their calls go back to `queued` with that copy. */
  /** @internal */
  requeueRefs(refs: number[], reason: ResendReason | null): void {
    for (const ref of refs) {
      const call = this.table.byRef.get(ref)
      if (call === undefined) continue
      this.table.inSessionQueue.add(call)
      if (reason !== null && call.msgId !== null) this.host.toCall(call, { type: 'rpc.resend', reason })
    }
  }

  /** @internal */
  scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => this.flush())
  }

  /** One flush per tick: every queued body plus pending acks, packed into as few packets as fit. */
  private flush(): void {
    this.flushScheduled = false
    const session = this.session
    if (session === null || this.link === null || !this.ready) return
    if (session.queued === 0 && session.pendingAcks === 0) return
    const { packets, sent } = session.flush(this.host.options.nowMs(), this.host.options.random)
    this.link.write(packets)
    this.host.stats.flushes++
    this.host.stats.packetsOut += packets.length
    for (const { ref, msgId } of sent) {
      const call = this.table.sent(ref, msgId)
      if (call === undefined) continue
      this.table.inSessionQueue.delete(call)
      call.msgIds.add(msgId)
      this.host.toCall(call, { type: 'rpc.sent', msgId })
    }
  }

  /** One encrypted packet in: the router says where each message goes; this only carries it there. */
  private receive(packet: Uint8Array): DcConnectionEvent[] {
    const session = this.session
    if (session === null) return []
    const now = this.host.options.nowMs()
    const acksBefore = session.pendingAcks
    const r = session.receive(packet, now)
    const out: DcConnectionEvent[] = []
    if (r.error !== undefined) this.host.stats.packetsRefused++
    else if (!this.keyConfirmedOnLink) {
      this.keyConfirmedOnLink = true
      out.push({ type: 'key.confirmed' })
    }
    if (r.messages.length > 0) {
      const ctx = this.table.routeContext(session, now)
      const routed: Routed<RpcCall>[] = []
      for (const m of r.messages) routeIncoming(m, ctx, routed)
      for (const x of routed) carry(this, x, out)
    }
    if (session.pendingAcks > acksBefore) this.unreportedAcks += session.pendingAcks - acksBefore
    return out
  }

  /** @internal Committed-only writes (salts, session hints): a failure is counted, never thrown into an action. */
  persist(write: Promise<void>): void {
    write.catch(() => {
      this.host.stats.storeWriteErrors++
    })
  }
}

/** The connection was closed (or gave up) before what was awaited happened. */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError'
  constructor(readonly connection: string) {
    super(`connection ${connection} closed`)
  }
}

function isPlain(payload: Uint8Array): boolean {
  if (payload.length < 8) return false
  for (let i = 0; i < 8; i++) if (payload[i] !== 0) return false
  return true
}
