// One encrypted MTProto session, client side, sans-IO: queues outgoing bodies and turns them into
// encrypted packets (msg_ids, seqnos, containers, pending acks), and turns received packets into
// classified events while keeping the ack queue and the in-flight ledger. Knows nothing of
// sockets, timers or policy: salt changes, time sync, re-sends and new sessions are decided by the
// DC connection machine and applied here through explicit calls.
// https://core.telegram.org/mtproto/description · /service_messages_about_messages
import { serializeObject } from '../tl/index.js'
import { AckQueue, MAX_ACK_IDS } from './ack-queue.js'
import { containerBatchSize, packContainer, type ContainerItem } from './container.js'
import { MessageReceiver, encryptMessage, type EncryptionKey, type ReceiveError } from './encrypted-message.js'
import { classifyIncoming, type IncomingMessage } from './incoming-event.js'
import { messageStateByte } from './message-state.js'
import { MessageIdGenerator } from './message-id.js'
import { SeqNoCounter, isContentRelated } from './seq-no.js'
import { DEFAULT_REPLAY_WINDOW_SIZE } from './replay-window.js'
import { SentMessages, type SentMessage } from './sent-messages.js'

/** A body waiting for the next flush. */
interface Queued {
  readonly ref: number
  readonly body: Uint8Array
  readonly contentRelated: boolean
  readonly method?: string
  /** Set for a retransmission: the msg_id and seqno it goes out under again. */
  readonly again?: { readonly msgId: bigint; readonly seqNo: number }
}

/** What to send with a body. */
export interface SendOptions {
  /** TL method name for an RPC query (its rpc_result is decoded with it). */
  readonly method?: string
  /** Defaults to true for RPC queries (they must be content-related) and false otherwise. */
  readonly contentRelated?: boolean
}

/** One flush: the packets to write, and which msg_id each queued request went out under. */
export interface Flushed {
  readonly packets: Uint8Array[]
  readonly sent: { readonly ref: number; readonly msgId: bigint }[]
}

/** One received packet: its events, or why it was refused. */
export interface Received {
  readonly messages: IncomingMessage[]
  /**
   * Set when the packet was refused. NB: for msg-id-too-old/too-new, `messages` may still carry
   * salt.bad / msg.bad about a message this session sent (the guidelines allow acting on those
   * even when the local clock looks wrong).
   */
  readonly error?: ReceiveError
}

/** How to start a session. */
export interface ClientSessionOptions {
  readonly key: EncryptionKey
  readonly sessionId: bigint
  readonly salt: bigint
  /** Server clock minus local clock, in ms (from the handshake or a previous session). */
  readonly timeOffsetMs?: number
  readonly replayWindowSize?: number
}

/** A client session over one auth key; see the file comment for what it does and does not decide. */
export class ClientSession {
  readonly key: EncryptionKey
  private currentSessionId: bigint
  private currentSalt: bigint
  private ids: MessageIdGenerator
  private seqNo = new SeqNoCounter()
  private receiver: MessageReceiver
  private readonly replayWindowSize: number | undefined
  private readonly acks = new AckQueue()
  private readonly ledger = new SentMessages()
  private queue: Queued[] = []
  private nextRef = 1
  /** Recent received msg_ids that were not content-related (msgs_state_info's +16), bounded. */
  private noAckNeeded = new Set<bigint>()

  constructor(opts: ClientSessionOptions) {
    this.key = opts.key
    this.currentSessionId = opts.sessionId
    this.currentSalt = opts.salt
    this.ids = new MessageIdGenerator({ role: 'client', timeOffsetMs: opts.timeOffsetMs ?? 0 })
    this.replayWindowSize = opts.replayWindowSize
    this.receiver = this.newReceiver()
  }

  get sessionId(): bigint {
    return this.currentSessionId
  }

  get salt(): bigint {
    return this.currentSalt
  }

  get timeOffsetMs(): number {
    return this.ids.timeOffsetMs
  }

  /** Received msg_ids still owed an ack. */
  get pendingAcks(): number {
    return this.acks.size
  }

  /** Messages sent and not yet settled (RPCs without a result, content-related service messages without an ack). */
  get inFlight(): number {
    return this.ledger.size
  }

  /**
   * In-flight msg_ids sent before `firstMsgId`: after new_session_created the server may have lost
   * them; pass them to {@link resend} to send them again.
   * https://core.telegram.org/mtproto/service_messages#new-session-creation-notification
   */
  inFlightBefore(firstMsgId: bigint): bigint[] {
    return this.ledger.idsBefore(firstMsgId)
  }

  /** Bodies waiting for the next flush. */
  get queued(): number {
    return this.queue.length
  }

  /** Queues a serialized body; returns the handle `flush` reports its msg_id under. */
  send(body: Uint8Array, opts: SendOptions = {}): number {
    const ref = this.nextRef++
    const contentRelated = opts.contentRelated ?? opts.method !== undefined
    this.queue.push({ ref, body, contentRelated, ...(opts.method === undefined ? {} : { method: opts.method }) })
    return ref
  }

  /**
   * Encrypts everything queued plus pending acks into packets, as few as the container limits
   * allow. A single message goes out without a container.
   */
  flush(nowMs: number, random: (n: number) => Uint8Array): Flushed {
    const items: Queued[] = []
    const ackIds = this.acks.take(MAX_ACK_IDS)
    if (ackIds.length > 0) {
      items.push({ ref: 0, body: serializeObject({ _: 'mt_msgs_ack', msgIds: ackIds }), contentRelated: false })
    }
    items.push(...this.queue)
    this.queue = []
    const packets: Uint8Array[] = []
    const sent: { ref: number; msgId: bigint }[] = []
    let at = 0
    while (at < items.length) {
      const n = containerBatchSize(items.slice(at))
      const batch = items.slice(at, at + n)
      at += n
      const inner: ContainerItem[] = batch.map((item) => {
        const msgId = item.again?.msgId ?? this.ids.next(nowMs)
        const seqNo = item.again?.seqNo ?? this.seqNo.next(item.contentRelated)
        if (item.ref !== 0) {
          sent.push({ ref: item.ref, msgId })
          this.record(item, msgId, seqNo)
        }
        return { msgId, seqNo, body: item.body }
      })
      if (inner.length === 1) {
        packets.push(this.encrypt(inner[0] as ContainerItem, random))
        continue
      }
      const containerId = this.ids.next(nowMs)
      this.ledger.recordContainer(
        containerId,
        inner.map((m) => m.msgId),
      )
      packets.push(this.encrypt({ msgId: containerId, seqNo: this.seqNo.next(false), body: packContainer(inner) }, random))
    }
    return { packets, sent }
  }

  /**
   * Decrypts, checks and classifies one packet. Content-related messages go to the ack queue;
   * rpc results settle their query in the ledger, msgs_ack settles acked service messages.
   */
  receive(packet: Uint8Array, nowMs: number): Received {
    const r = this.receiver.receive(packet, this.ids.serverNowMs(nowMs))
    if (!r.ok) {
      const e = r.error
      if (e.kind !== 'msg-id-too-old' && e.kind !== 'msg-id-too-new') return { messages: [], error: e }
      // Only notices about a message we really sent are trusted from a message outside the window.
      const { messages } = classifyIncoming(e.message, { methodOf: () => undefined })
      const trusted = messages.filter(
        (m) => (m.event.type === 'salt.bad' || m.event.type === 'msg.bad') && this.ledger.has(m.event.badMsgId),
      )
      return { messages: trusted, error: e }
    }
    const classified = classifyIncoming(r.value, {
      methodOf: (id) => this.ledger.methodOf(id),
      acceptInner: (id) => this.receiver.acceptInner(id) === 'new',
    })
    for (const id of classified.ackIds) this.acks.add(id)
    for (const { msgId, seqNo, event } of classified.messages) {
      if (!isContentRelated(seqNo)) this.rememberNoAck(msgId)
      switch (event.type) {
        case 'rpc.result':
        case 'rpc.error':
        case 'rpc.undecodable':
          this.ledger.settle(event.reqMsgId)
          break
        case 'msgs.ack':
          this.ledger.acknowledge(event.msgIds)
          break
        case 'pong':
          this.ledger.settle(event.msgId)
          break
        case 'salts.future':
        case 'msgs.state_info':
          this.ledger.settle(event.reqMsgId)
          break
        default:
          break
      }
    }
    return { messages: classified.messages }
  }

  /**
   * msgs_state_info's body for the other side's msgs_state_req: one state byte per msg_id, from
   * what this session has received and acknowledged.
   */
  stateInfo(msgIds: readonly bigint[]): Uint8Array {
    return Uint8Array.from(msgIds, (id) => {
      const seen = this.receiver.seenState(id)
      return messageStateByte({ seen, ackPending: this.acks.has(id), noAckNeeded: this.noAckNeeded.has(id) })
    })
  }

  /** True when the other side's message `msgId` already came in on this session. */
  hasReceived(msgId: bigint): boolean {
    return this.receiver.seenState(msgId) === 'seen'
  }

  /** Owes an ack for these of the other side's msg_ids (sent with the next flush). */
  ack(msgIds: readonly bigint[]): void {
    for (const id of msgIds) this.acks.add(id)
  }

  /** The messages a container we sent carried (still in flight), or [`msgId`] when it is no container. */
  messagesOf(msgId: bigint): bigint[] {
    return this.ledger.membersOf(msgId) ?? [msgId]
  }

  /** bad_server_salt / new_session_created / future salts: use this salt from now on. */
  setSalt(salt: bigint): void {
    this.currentSalt = salt
  }

  /** bad_msg_notification 16/17: take the server's clock from its msg_id. Returns the new offset. */
  syncTime(serverMsgId: bigint, nowMs: number): number {
    return this.ids.syncFromServerMsgId(serverMsgId, nowMs)
  }

  /**
   * Puts what was sent under these msg_ids (a container expands to its messages) back at the front
   * of the queue, to go out under new msg_ids with the same refs. Returns the refs requeued.
   */
  resend(msgIds: readonly bigint[]): number[] {
    const again = msgIds.flatMap((id) => this.ledger.takeForResend(id))
    return this.requeue(again)
  }

  /**
   * Puts what was sent under these msg_ids (a container expands to its messages) back at the front
   * of the queue to go out again under the same msg_ids and seqnos, in this same session: after a
   * lost connection, or a bad_server_salt (the refused message was not run). NB: a server that
   * already ran a query knows its msg_id and answers from its cache; under a new msg_id it would
   * run the query a second time. Returns the refs requeued.
   * https://core.telegram.org/mtproto/service_messages#cancellation-of-an-rpc-query (a dropped
   * connection loses no answer the server still holds for a msg_id)
   */
  retransmit(msgIds: readonly bigint[]): number[] {
    const again = msgIds.flatMap((id) => this.ledger.takeForResend(id))
    return this.requeue(again, true)
  }

  /**
   * Starts a new session (32/33, destroy_session, a lost server session): new id, seqno from 0, a
   * fresh replay window, and everything in flight queued again. Returns the refs requeued.
   */
  renewSession(sessionId: bigint): number[] {
    this.currentSessionId = sessionId
    this.noAckNeeded = new Set()
    // NB: msg_ids only have to grow within a session. A fresh generator lets a session that was
    // reset after the server's clock moved back (bad_msg 17) leave the old, too-new ids behind.
    this.ids = new MessageIdGenerator({ role: 'client', timeOffsetMs: this.ids.timeOffsetMs })
    this.seqNo = new SeqNoCounter()
    this.receiver = this.newReceiver()
    return this.requeue(this.ledger.takeAll())
  }

  /** Drops a request that is still queued or in flight (cancelled); it will not be re-sent. */
  forget(msgIdOrRef: { msgId: bigint } | { ref: number }): void {
    if ('ref' in msgIdOrRef) {
      this.queue = this.queue.filter((q) => q.ref !== msgIdOrRef.ref)
      return
    }
    this.ledger.settle(msgIdOrRef.msgId)
  }

  private rememberNoAck(msgId: bigint): void {
    this.noAckNeeded.add(msgId)
    if (this.noAckNeeded.size <= (this.replayWindowSize ?? DEFAULT_REPLAY_WINDOW_SIZE)) return
    for (const oldest of this.noAckNeeded) {
      this.noAckNeeded.delete(oldest)
      break
    }
  }

  /** Server clock minus local clock from now on (the connection machine's time sync). */
  setTimeOffset(timeOffsetMs: number): void {
    this.ids.timeOffsetMs = timeOffsetMs
  }

  private requeue(messages: SentMessage[], sameIds = false): number[] {
    const items: Queued[] = messages.map((m) => ({
      ref: m.ref ?? this.nextRef++,
      body: m.body,
      contentRelated: m.contentRelated,
      ...(m.method === undefined ? {} : { method: m.method }),
      ...(sameIds ? { again: { msgId: m.msgId, seqNo: m.seqNo } } : {}),
    }))
    this.queue = [...items, ...this.queue]
    return items.map((i) => i.ref)
  }

  private record(item: Queued, msgId: bigint, seqNo: number): void {
    if (!item.contentRelated && item.method === undefined) return
    this.ledger.record({
      msgId,
      seqNo,
      body: item.body,
      contentRelated: item.contentRelated,
      ref: item.ref,
      ...(item.method === undefined ? {} : { method: item.method }),
    })
  }

  private encrypt(message: ContainerItem, random: (n: number) => Uint8Array): Uint8Array {
    return encryptMessage(
      this.key,
      { salt: this.currentSalt, sessionId: this.currentSessionId, msgId: message.msgId, seqNo: message.seqNo, body: message.body },
      'client-to-server',
      random,
    )
  }

  private newReceiver(): MessageReceiver {
    return new MessageReceiver({
      key: this.key,
      sessionId: this.currentSessionId,
      receiver: 'client',
      ...(this.replayWindowSize === undefined ? {} : { replayWindowSize: this.replayWindowSize }),
    })
  }
}
