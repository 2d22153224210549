// One MTProto session as the test DC runs it (auth key + session id): the receive checks with
// bad_msg_notification / bad_server_salt answers, new_session_created, containers both ways,
// acks, service queries (ping, ping_delay_disconnect, get_future_salts, msgs_state_req,
// destroy_session, rpc_drop_answer, msg_resend_req), and API calls through the hooks with a
// per-msg_id answer cache. Knows nothing of sockets or transports: it talks to a `SessionLink`.
// https://core.telegram.org/mtproto/service_messages · /service_messages_about_messages
import {
  AckQueue,
  MAX_MSG_ID_FUTURE_MS,
  MAX_MSG_ID_PAST_MS,
  MessageIdGenerator,
  SeqNoCounter,
  containerBatchSize,
  encryptMessage,
  isContainer,
  isContentRelated,
  msgIdToMs,
  packContainer,
  unpackContainer,
  type MessageFields,
} from '@mtswarm/engine/protocol'
import { TlError, deserializeObject, serializeObject, type TlObject, type mtp } from '@mtswarm/engine/tl'
import { fallbackApi } from './fallback-api.js'
import {
  OUR_LAYER,
  decodeRequest,
  encodeResult,
  encodeRpcError,
  encodeRpcResult,
  leadingId,
  maybeGzip,
  unwrapRequest,
} from './rpc-codec.js'
import { countError, type AuthKeyRecord, type ServerContext } from './server-context.js'
import { ID, MTPROTO_IDS, isContentBody } from './service-ids.js'
import type { ApiCall, ApiError, LayerCodec, TlValue } from './types.js'

/** Received (msg_id, seqno) pairs remembered per session; older ids get bad_msg_notification 20. */
export const RECEIVED_WINDOW_SIZE = 1024
/** Answers kept per session for repeated msg_ids. */
export const RESULT_CACHE_SIZE = 1024
/** Sent bodies kept per session for msg_resend_req. */
export const SENT_CACHE_SIZE = 256
/** Outgoing messages queued while the session has no connection; the oldest are dropped beyond. */
export const MAX_OFFLINE_QUEUE = 1000

/** Where a session's bytes go: the connection that last delivered one of its messages. */
export interface SessionLink {
  readonly closed: boolean
  sendPayload(payload: Uint8Array): void
  /** ping_delay_disconnect: close after `ms` unless re-armed; undefined re-arms with the last delay. */
  armDisconnect(ms: number | undefined): void
  /** Closes the connection now (what is not yet written is lost). */
  close(): void
}

/** The DC a session lives on. */
export interface SessionHost {
  readonly dcId: number
  readonly ctx: ServerContext
  /** The sessions of one auth key on this DC. */
  sessionsOf(authKeyId: bigint): Map<bigint, Session>
  /** Forgets an auth key (destroy_auth_key). */
  dropKey(authKeyId: bigint): void
}

interface OutMessage {
  readonly body: Uint8Array
  readonly kind: 'response' | 'other'
  readonly content: boolean
}

type ResultEntry =
  | { state: 'running'; dropped: boolean; done: Promise<void> }
  | { state: 'done'; body: Uint8Array | undefined }

function isApiError(e: unknown): e is ApiError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'number' &&
    typeof (e as { message?: unknown }).message === 'string'
  )
}

/** A server-side session. */
export class Session {
  link: SessionLink | undefined
  /** Declared by invokeWithLayer on this session (falls back to the key's, then ours). */
  layer: number | undefined
  /** invokeWithoutUpdates was used: no updates are pushed here. */
  updatesDisabled = false
  /** The server forgot this session (forget()): nothing is sent from it any more. */
  forgotten = false
  private readonly ids = new MessageIdGenerator({ role: 'server' })
  private readonly seq = new SeqNoCounter()
  private readonly acks = new AckQueue()
  private readonly uniqueId: bigint
  private announced = false
  /** Sorted by msgId. */
  private readonly received: { msgId: bigint; seqNo: number; content: boolean }[] = []
  /** msg_ids below this were forgotten: bad_msg_notification 20. */
  private floor = 0n
  private readonly results = new Map<bigint, ResultEntry>()
  private readonly sent = new Map<bigint, OutMessage>()
  private out: OutMessage[] = []
  private flushScheduled = false

  constructor(
    readonly host: SessionHost,
    readonly key: AuthKeyRecord,
    readonly sessionId: bigint,
  ) {
    const b = host.ctx.random(8)
    this.uniqueId = new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0, true)
  }

  private get ctx(): ServerContext {
    return this.host.ctx
  }

  get authKeyId(): bigint {
    return this.key.enc.authKeyId
  }

  /** Online: a live connection carries this session. */
  get online(): boolean {
    return !this.forgotten && this.link !== undefined && !this.link.closed
  }

  /**
   * The server forgets this session (the DC drops it from its table): what is queued — pushes,
   * answers not yet flushed, answers of calls still running — is lost, and the client's next
   * message under this session id starts a new one (new_session_created).
   */
  forget(): void {
    this.forgotten = true
    this.out = []
    this.link = undefined
  }

  // ------------------------------------------------------------------ receive

  /** Handles one decrypted message that arrived on `link`. */
  receive(message: MessageFields, link: SessionLink): void {
    this.link = link
    const now = this.ctx.now()
    const { msgId, seqNo, body } = message
    const container = isContainer(body)
    const stats = this.ctx.stats
    const early = this.checkId(msgId, now)
    if (early !== undefined) return this.badMsg(msgId, seqNo, early)
    const known = this.lookup(msgId)
    if (known === 'duplicate') {
      if (container) return this.badMsg(msgId, seqNo, 19)
      return this.repeat(msgId, seqNo)
    }
    if (known === 'forgotten') return this.badMsg(msgId, seqNo, 20)
    // https://core.telegram.org/mtproto/service_messages_about_messages#notice-of-ignored-error-message (48)
    const forced = this.ctx.faults.forceBadSalt()
    if (forced || !this.ctx.salts.isValid(this.authKeyId, message.salt, now, { salt: this.key.initialSalt, createdMs: this.key.createdMs })) {
      stats.bump(stats.badMsgs, 48)
      this.enqueue(
        serializeObject({
          _: 'mt_bad_server_salt',
          badMsgId: msgId,
          badMsgSeqno: seqNo,
          errorCode: 48,
          newServerSalt: this.ctx.salts.current(this.authKeyId, now),
        }),
        'response',
        false,
      )
      return this.scheduleFlush()
    }
    const content = !container && isContentBody(body)
    const order = this.checkSeqNo(msgId, seqNo, content, body)
    if (order !== undefined) return this.badMsg(msgId, seqNo, order)
    this.remember(msgId, seqNo, content)
    if (!container) {
      this.announce(msgId)
      this.process(msgId, seqNo, body)
      return this.scheduleFlush()
    }
    const items = unpackContainer(body, msgId)
    if (!items.ok) {
      countError(stats, `container:${items.error.kind}`)
      return this.badMsg(msgId, seqNo, 64)
    }
    let first = msgId
    for (const item of items.value) if (item.msgId < first) first = item.msgId
    this.announce(first)
    for (const item of items.value) {
      const code = this.checkId(item.msgId, now)
      if (code !== undefined) {
        this.badMsg(item.msgId, item.seqNo, code)
        continue
      }
      const k = this.lookup(item.msgId)
      if (k === 'duplicate') {
        this.repeat(item.msgId, item.seqNo)
        continue
      }
      if (k === 'forgotten') {
        this.badMsg(item.msgId, item.seqNo, 20)
        continue
      }
      const c = isContentBody(item.body)
      const o = this.checkSeqNo(item.msgId, item.seqNo, c, item.body)
      if (o !== undefined) {
        this.badMsg(item.msgId, item.seqNo, o)
        continue
      }
      this.remember(item.msgId, item.seqNo, c)
      this.process(item.msgId, item.seqNo, item.body)
    }
    this.scheduleFlush()
  }

  /**
   * msg_id checks: 18 (low bits), 16/17 (300 s past / 30 s future of the server clock).
   * https://core.telegram.org/mtproto/security_guidelines#checking-msg-id
   */
  private checkId(msgId: bigint, now: number): number | undefined {
    if ((msgId & 3n) !== 0n) return 18
    const t = msgIdToMs(msgId)
    if (t < now - MAX_MSG_ID_PAST_MS) return 16
    if (t > now + MAX_MSG_ID_FUTURE_MS) return 17
    return undefined
  }

  private lookup(msgId: bigint): 'new' | 'duplicate' | 'forgotten' {
    if (msgId < this.floor) return 'forgotten'
    const i = this.indexOf(msgId)
    const at = this.received[i]
    return at !== undefined && at.msgId === msgId ? 'duplicate' : 'new'
  }

  /** First index whose msgId ≥ msgId. */
  private indexOf(msgId: bigint): number {
    let lo = 0
    let hi = this.received.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.received[mid] as { msgId: bigint }).msgId < msgId) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /**
   * seqno checks against the neighbours by msg_id: 34/35 (parity), 32 (lower than a message
   * with a smaller msg_id allows), 33 (higher than a message with a larger msg_id allows).
   * https://core.telegram.org/mtproto/description#message-sequence-number-msg-seqno
   */
  private checkSeqNo(msgId: bigint, seqNo: number, content: boolean, body?: Uint8Array): number | undefined {
    if (content && !isContentRelated(seqNo)) return 35
    // NB: mtcute 0.30 numbers msgs_ack as content-related (odd seqno) and Telegram accepts it, so
    // an ack's parity is not checked; its neighbours are still checked against the seqno it has.
    if (!content && isContentRelated(seqNo) && (body === undefined || leadingId(body) !== ID.msgsAck)) return 34
    const i = this.indexOf(msgId)
    const lower = this.received[i - 1]
    const higher = this.received[i]
    if (lower !== undefined) {
      const min = content ? (isContentRelated(lower.seqNo) ? lower.seqNo + 2 : lower.seqNo + 1) : isContentRelated(lower.seqNo) ? lower.seqNo + 1 : lower.seqNo
      if (seqNo < min) return 32
    }
    if (higher !== undefined) {
      const max = content ? (isContentRelated(higher.seqNo) ? higher.seqNo - 2 : higher.seqNo - 1) : isContentRelated(higher.seqNo) ? higher.seqNo - 1 : higher.seqNo
      if (seqNo > max) return 33
    }
    return undefined
  }

  private remember(msgId: bigint, seqNo: number, content: boolean): void {
    this.received.splice(this.indexOf(msgId), 0, { msgId, seqNo, content })
    while (this.received.length > RECEIVED_WINDOW_SIZE) {
      const dropped = this.received.shift() as { msgId: bigint }
      this.floor = dropped.msgId + 1n
    }
  }

  private announce(firstMsgId: bigint): void {
    if (this.announced) return
    this.announced = true
    this.ctx.stats.sessionsCreated++
    this.enqueue(
      serializeObject({
        _: 'mt_new_session_created',
        firstMsgId,
        uniqueId: this.uniqueId,
        serverSalt: this.ctx.salts.current(this.authKeyId, this.ctx.now()),
      }),
      'other',
      true,
    )
  }

  /** https://core.telegram.org/mtproto/service_messages_about_messages#notice-of-ignored-error-message */
  private badMsg(badMsgId: bigint, badMsgSeqno: number, errorCode: number): void {
    this.ctx.stats.bump(this.ctx.stats.badMsgs, errorCode)
    this.enqueue(serializeObject({ _: 'mt_bad_msg_notification', badMsgId, badMsgSeqno, errorCode }), 'response', false)
    this.scheduleFlush()
  }

  /** A msg_id seen before: ack it again and resend the cached answer, never execute twice. */
  private repeat(msgId: bigint, seqNo: number): void {
    if (isContentRelated(seqNo)) this.acks.add(msgId)
    const entry = this.results.get(msgId)
    if (entry?.state === 'done' && entry.body !== undefined) {
      this.ctx.stats.cachedAnswersResent++
      this.enqueue(entry.body, 'response', true)
    }
    this.scheduleFlush()
  }

  // ------------------------------------------------------------------ process

  private process(msgId: bigint, seqNo: number, body: Uint8Array): void {
    const stats = this.ctx.stats
    stats.messagesIn++
    const id = leadingId(body)
    if (isContentRelated(seqNo) && id !== ID.msgsAck) this.acks.add(msgId) // acks are never acked
    if (id === ID.msgsAck) {
      stats.bump(stats.serviceCalls, 'mt_msgs_ack')
      return
    }
    if (id === ID.httpWait) return
    const isService =
      id === ID.ping ||
      id === ID.pingDelayDisconnect ||
      id === ID.getFutureSalts ||
      id === ID.msgsStateReq ||
      id === ID.destroySession ||
      id === ID.rpcDropAnswer ||
      id === ID.msgResendReq ||
      id === ID.destroyAuthKey
    if (!isService) {
      if (MTPROTO_IDS.has(id)) {
        countError(stats, 'unexpected-service-message')
        return
      }
      return this.startCall(msgId, body)
    }
    let obj: TlObject
    try {
      obj = deserializeObject(body)
    } catch (e) {
      if (e instanceof TlError) return countError(stats, `service-undecodable:${e.kind}`)
      throw e
    }
    stats.bump(stats.serviceCalls, obj._)
    this.service(msgId, obj)
  }

  private service(msgId: bigint, obj: TlObject): void {
    const now = this.ctx.now()
    switch (obj._) {
      case 'mt_ping':
        this.link?.armDisconnect(undefined)
        return this.enqueue(serializeObject({ _: 'mt_pong', msgId, pingId: obj.pingId }), 'response', true)
      case 'mt_ping_delay_disconnect':
        this.link?.armDisconnect(Math.max(0, obj.disconnectDelay) * 1000)
        return this.enqueue(serializeObject({ _: 'mt_pong', msgId, pingId: obj.pingId }), 'response', true)
      case 'mt_get_future_salts': {
        const salts = this.ctx.salts.future(this.authKeyId, now, obj.num).map((s) => ({ _: 'mt_future_salt' as const, ...s }))
        return this.enqueue(
          serializeObject({ _: 'mt_future_salts', reqMsgId: msgId, now: Math.floor(now / 1000), salts }),
          'response',
          true,
        )
      }
      case 'mt_msgs_state_req': {
        const info = new Uint8Array(obj.msgIds.map((id) => this.stateOf(id, now)))
        return this.enqueue(serializeObject({ _: 'mt_msgs_state_info', reqMsgId: msgId, info }), 'response', true)
      }
      case 'mt_destroy_session': {
        const sessions = this.host.sessionsOf(this.authKeyId)
        const other = sessions.get(obj.sessionId)
        const existed = other !== undefined && other !== this
        if (existed) sessions.delete(obj.sessionId)
        const answer = existed ? 'mt_destroy_session_ok' : 'mt_destroy_session_none'
        return this.enqueue(serializeObject({ _: answer, sessionId: obj.sessionId }), 'response', true)
      }
      case 'mt_rpc_drop_answer': {
        const entry = this.results.get(obj.reqMsgId)
        let result: mtp.TypeRpcDropAnswer
        if (entry?.state === 'running') {
          entry.dropped = true
          result = { _: 'mt_rpc_answer_dropped_running' }
        } else {
          result = { _: 'mt_rpc_answer_unknown' }
        }
        return this.enqueue(encodeRpcResult(msgId, serializeObject(result)), 'response', true)
      }
      case 'mt_msg_resend_req':
        for (const id of obj.msgIds) {
          const m = this.sent.get(id)
          if (m !== undefined) this.enqueue(m.body, m.kind, m.content)
        }
        return
      case 'mt_destroy_auth_key':
        this.enqueue(serializeObject({ _: 'mt_destroy_auth_key_ok' }), 'response', true)
        this.flush()
        this.host.dropKey(this.authKeyId)
        return
      default:
        countError(this.ctx.stats, 'unexpected-service-message')
    }
  }

  /** https://core.telegram.org/mtproto/service_messages_about_messages#request-for-message-status-information */
  private stateOf(msgId: bigint, now: number): number {
    const entry = this.results.get(msgId)
    const i = this.indexOf(msgId)
    const seen = this.received[i]
    if (seen !== undefined && seen.msgId === msgId) {
      let s = 4
      if (!seen.content) s += 16
      if (entry?.state === 'running') s += 32
      if (entry?.state === 'done') s += 32 + 64
      return s
    }
    if (msgId < this.floor) return 1
    if (msgIdToMs(msgId) > now + MAX_MSG_ID_FUTURE_MS) return 3
    return 2
  }

  // ------------------------------------------------------------------ API calls

  private codecFor(layer: number): LayerCodec | undefined {
    return layer === OUR_LAYER ? undefined : this.ctx.layers(layer)
  }

  private startCall(msgId: bigint, body: Uint8Array): void {
    let resolveDone!: () => void
    const entry: ResultEntry = { state: 'running', dropped: false, done: new Promise<void>((r) => (resolveDone = r)) }
    this.results.set(msgId, entry)
    while (this.results.size > RESULT_CACHE_SIZE) {
      const oldest = this.results.keys().next().value as bigint
      this.results.delete(oldest)
    }
    void this.runCall(msgId, body)
      .catch((e: unknown) => {
        // NB: everything expected is answered inside runCall; this is a server bug, contained.
        countError(this.ctx.stats, `call-crashed:${e instanceof Error ? e.name : typeof e}`)
        return encodeRpcResult(msgId, encodeRpcError({ code: 500, message: 'INTERNAL' }))
      })
      .then((answer) => {
        this.results.set(msgId, { state: 'done', body: entry.dropped ? undefined : answer })
        if (entry.dropped) return resolveDone()
        if (this.link !== undefined && !this.link.closed && this.ctx.faults.dropResult()) {
          // The answer is lost with its connection; only a repeat of this msg_id gets it back.
          this.link.close()
          return resolveDone()
        }
        this.enqueue(answer, 'response', true)
        this.scheduleFlush()
        resolveDone()
      })
  }

  private async runCall(msgId: bigint, body: Uint8Array): Promise<Uint8Array> {
    const ctx = this.ctx
    const stats = ctx.stats
    const fail = (error: ApiError): Uint8Array => {
      stats.bump(stats.rpcErrors, error.message)
      return encodeRpcResult(msgId, encodeRpcError(error))
    }
    const unwrapped = unwrapRequest(body)
    if (!unwrapped.ok) return fail(unwrapped.error)
    const u = unwrapped.value
    if (u.layer !== undefined) {
      this.layer = u.layer
      this.key.layer = u.layer
    }
    if (u.client !== undefined) this.key.client = u.client
    if (u.withoutUpdates) this.updatesDisabled = true
    for (const after of u.afterMsgIds) {
      const prior = this.results.get(after)
      if (prior?.state === 'running') await prior.done
    }
    const layer = this.layer ?? this.key.layer ?? OUR_LAYER
    const codec = this.codecFor(layer)
    const decoded = decodeRequest(u.inner, u.innerId, codec)
    if (!decoded.ok) return fail(decoded.error)
    const request = decoded.value
    const method = request._
    stats.bump(stats.rpcCalls, method)
    const userId = ctx.world.userIdOfKey({ dcId: this.host.dcId, authKeyId: this.authKeyId })
    const forced = ctx.faults.rpcFault(method, userId)
    if (forced !== undefined) return fail(forced)
    const call: ApiCall = {
      dcId: this.host.dcId,
      authKeyId: this.authKeyId,
      sessionId: this.sessionId,
      layer,
      ...(userId === undefined ? {} : { userId }),
      method,
      request,
      ...(this.key.client === undefined ? {} : { client: this.key.client }),
      world: ctx.world,
      dcs: ctx.dcs,
    }
    let result: unknown
    try {
      result = await ctx.api(call, fallbackApi)
    } catch (e) {
      if (isApiError(e)) return fail({ code: e.code, message: e.message })
      countError(stats, 'api-hook-threw')
      return fail({ code: 500, message: 'INTERNAL' })
    }
    let encoded: Uint8Array
    try {
      encoded = encodeResult(method, result, codec)
    } catch {
      countError(stats, 'api-result-unencodable')
      return fail({ code: 500, message: 'INTERNAL' })
    }
    return encodeRpcResult(msgId, maybeGzip(encoded).bytes)
  }

  // ------------------------------------------------------------------ send

  /** Pushes an object outside any answer (updates), encoded at this session's layer. */
  push(obj: TlValue): void {
    if (this.forgotten) return
    const codec = this.codecFor(this.layer ?? this.key.layer ?? OUR_LAYER)
    const bytes = codec?.writeObject !== undefined ? codec.writeObject(obj) : serializeObject(obj as unknown as TlObject)
    this.enqueue(maybeGzip(bytes).bytes, 'other', true)
    this.scheduleFlush()
  }

  private enqueue(body: Uint8Array, kind: 'response' | 'other', content: boolean): void {
    if (this.forgotten) return
    this.out.push({ body, kind, content })
    if (this.out.length > MAX_OFFLINE_QUEUE) {
      this.out.shift()
      countError(this.ctx.stats, 'offline-queue-overflow')
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => {
      this.flushScheduled = false
      this.flush()
    })
  }

  /** Sends everything queued (with pending acks) in as few packets as the container limits allow. */
  flush(): void {
    const link = this.link
    if (link === undefined || link.closed) return
    const now = this.ctx.now()
    const queue: OutMessage[] = []
    while (this.acks.size > 0) {
      queue.push({ body: serializeObject({ _: 'mt_msgs_ack', msgIds: this.acks.take() }), kind: 'other', content: false })
    }
    queue.push(...this.out)
    this.out = []
    if (queue.length === 0) return
    const salt = this.ctx.salts.current(this.authKeyId, now)
    while (queue.length > 0) {
      const n = containerBatchSize(queue)
      const batch = queue.splice(0, n)
      const items = batch.map((m) => {
        const msgId = this.ids.next(now, m.kind)
        const seqNo = this.seq.next(m.content)
        if (m.content) {
          this.sent.set(msgId, m)
          if (this.sent.size > SENT_CACHE_SIZE) this.sent.delete(this.sent.keys().next().value as bigint)
        }
        return { msgId, seqNo, body: m.body }
      })
      this.ctx.stats.messagesOut += items.length
      let message: { msgId: bigint; seqNo: number; body: Uint8Array }
      if (items.length === 1) message = items[0] as (typeof items)[0]
      else message = { msgId: this.ids.next(now, 'other'), seqNo: this.seq.next(false), body: packContainer(items) }
      const packet = encryptMessage(this.key.enc, { salt, sessionId: this.sessionId, ...message }, 'server-to-client', (k) => this.ctx.random(k))
      link.sendPayload(packet)
    }
  }
}
