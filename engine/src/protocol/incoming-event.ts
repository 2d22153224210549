// Turns each decoded incoming message (client side) into typed events for the machines: service
// messages by kind, RPC results decoded for their method, anything else an update. Expands
// containers. Knows nothing of sessions, timers or what the machines do with the events.
// https://core.telegram.org/mtproto/service_messages · /service_messages_about_messages
import { TlError, TlReader, deserializeObject, newInflateBudget, readMethodResult, type InflateBudget, type TlObject, type mtp } from '../tl/index.js'
import { isContainer, unpackContainer, type ContainerError } from './container.js'
import { isContentRelated } from './seq-no.js'

/**
 * A bad_msg_notification error code, as received. What each asks of the client is decided in one
 * place: `classifyBadMsg` of the DC connection machine (@mtswarm/machines).
 * https://core.telegram.org/mtproto/service_messages_about_messages#notice-of-ignored-error-message
 */
export type BadMsgCode = number

/** One event the machines consume. Type names are dotted lower-case. */
export type IncomingEvent =
  | { readonly type: 'rpc.result'; readonly reqMsgId: bigint; readonly method: string; readonly result: unknown }
  | { readonly type: 'rpc.error'; readonly reqMsgId: bigint; readonly method: string; readonly code: number; readonly message: string }
  /** The result could not be decoded for its method: the RPC still settles (with this error). */
  | { readonly type: 'rpc.undecodable'; readonly reqMsgId: bigint; readonly method: string; readonly error: TlError }
  /**
   * An rpc_result for no pending query (already settled, or never sent): ack it and drop it.
   * `budget` is what is left of its message's inflation allowance, for whoever decodes `result`.
   */
  | { readonly type: 'rpc.unmatched'; readonly reqMsgId: bigint; readonly result: Uint8Array; readonly budget: InflateBudget }
  | { readonly type: 'salt.bad'; readonly badMsgId: bigint; readonly badMsgSeqNo: number; readonly newSalt: bigint }
  | { readonly type: 'msg.bad'; readonly badMsgId: bigint; readonly badMsgSeqNo: number; readonly code: BadMsgCode }
  | { readonly type: 'session.created'; readonly firstMsgId: bigint; readonly uniqueId: bigint; readonly serverSalt: bigint }
  | { readonly type: 'pong'; readonly msgId: bigint; readonly pingId: bigint }
  | { readonly type: 'salts.future'; readonly reqMsgId: bigint; readonly now: number; readonly salts: readonly mtp.RawMt_future_salt[] }
  | { readonly type: 'msgs.state_info'; readonly reqMsgId: bigint; readonly info: Uint8Array }
  | { readonly type: 'msgs.all_info'; readonly msgIds: readonly bigint[]; readonly info: Uint8Array }
  | { readonly type: 'msgs.state_req'; readonly msgIds: readonly bigint[] }
  | { readonly type: 'msg.detailed_info'; readonly msgId: bigint; readonly answerMsgId: bigint; readonly bytes: number; readonly status: number }
  | { readonly type: 'msg.new_detailed_info'; readonly answerMsgId: bigint; readonly bytes: number; readonly status: number }
  | { readonly type: 'msg.resend_req'; readonly msgIds: readonly bigint[] }
  | { readonly type: 'session.destroyed'; readonly sessionId: bigint; readonly existed: boolean }
  | { readonly type: 'msgs.ack'; readonly msgIds: readonly bigint[] }
  /** Any API object that is not an answer: route it to the updates stream. */
  | { readonly type: 'updates'; readonly update: TlObject }
  /** An MTProto service object a client does not expect bare (req_pq, http_wait, resPQ …). */
  | { readonly type: 'message.unexpected'; readonly object: TlObject }
  /** The body is not valid TL (unknown constructor, truncated …). */
  | { readonly type: 'message.undecodable'; readonly error: TlError }
  /** A container failed its checks; NB: nothing inside it was processed. */
  | { readonly type: 'container.invalid'; readonly error: ContainerError }

/** An event with the message that carried it. */
export interface IncomingMessage {
  /** msg_id of the (innermost) message that carried the event. */
  readonly msgId: bigint
  readonly seqNo: number
  readonly event: IncomingEvent
}

/** What the classifier needs from the session. */
export interface ClassifyContext {
  /** The method name of a pending RPC query sent with this msg_id, if any. */
  methodOf(reqMsgId: bigint): string | undefined
  /**
   * Called for each message found inside a container; false means it was processed before (a
   * re-send) and is only acknowledged again. Defaults to always new.
   */
  acceptInner?(msgId: bigint): boolean
}

/** Events, plus the msg_ids that owe an acknowledgement (content-related ones, odd seqno). */
export interface Classified {
  readonly messages: IncomingMessage[]
  readonly ackIds: bigint[]
}

/**
 * Classifies one decoded incoming message (`body` as it came out of the encrypted frame).
 * A container yields the events of its messages in order; the container itself needs no ack.
 */
export function classifyIncoming(
  message: { readonly msgId: bigint; readonly seqNo: number; readonly body: Uint8Array },
  ctx: ClassifyContext,
): Classified {
  const out: Classified = { messages: [], ackIds: [] }
  // One inflation allowance for everything this encrypted message carries (see MAX_GZIP_INFLATED_BYTES).
  const budget = newInflateBudget()
  if (isContainer(message.body)) {
    const unpacked = unpackContainer(message.body, message.msgId)
    if (!unpacked.ok) {
      out.messages.push({ msgId: message.msgId, seqNo: message.seqNo, event: { type: 'container.invalid', error: unpacked.error } })
      return out
    }
    for (const inner of unpacked.value) {
      if (isContentRelated(inner.seqNo)) out.ackIds.push(inner.msgId)
      if (ctx.acceptInner !== undefined && !ctx.acceptInner(inner.msgId)) continue
      classifyOne(inner, ctx, out, budget, false)
    }
    return out
  }
  if (isContentRelated(message.seqNo)) out.ackIds.push(message.msgId)
  classifyOne(message, ctx, out, budget, false)
  return out
}

function classifyOne(
  message: { readonly msgId: bigint; readonly seqNo: number; readonly body: Uint8Array },
  ctx: ClassifyContext,
  out: Classified,
  budget: InflateBudget,
  inCopy: boolean,
): void {
  const push = (event: IncomingEvent): void => {
    out.messages.push({ msgId: message.msgId, seqNo: message.seqNo, event })
  }
  let obj: TlObject
  try {
    obj = deserializeObject(message.body, budget)
  } catch (e) {
    if (e instanceof TlError) return push({ type: 'message.undecodable', error: e })
    throw e
  }
  const event = eventOf(obj, ctx, budget)
  if (event === 'copy') {
    // msg_copy: processed as if the wrapper were not there (https://core.telegram.org/mtproto/service_messages#message-copies).
    // NB: a copy of a copy is refused: servers never send one, and following them would be work
    // (and a copy of the body per level) in a depth the sender chooses.
    const orig = (obj as mtp.RawMt_msg_copy).origMessage
    if (inCopy) return push({ type: 'message.undecodable', error: new TlError('too-deep', 'msg_copy inside msg_copy', 0) })
    if (isContainer(orig.body)) return push({ type: 'container.invalid', error: { kind: 'nested-container', msgId: orig.msgId } })
    if (isContentRelated(orig.seqno)) out.ackIds.push(orig.msgId)
    if (ctx.acceptInner !== undefined && !ctx.acceptInner(orig.msgId)) return
    return classifyOne({ msgId: orig.msgId, seqNo: orig.seqno, body: orig.body }, ctx, out, budget, true)
  }
  push(event)
}

function eventOf(obj: TlObject, ctx: ClassifyContext, budget: InflateBudget): IncomingEvent | 'copy' {
  switch (obj._) {
    case 'mt_rpc_result':
      return rpcEvent(obj, ctx, budget)
    case 'mt_bad_server_salt':
      return { type: 'salt.bad', badMsgId: obj.badMsgId, badMsgSeqNo: obj.badMsgSeqno, newSalt: obj.newServerSalt }
    case 'mt_bad_msg_notification':
      return { type: 'msg.bad', badMsgId: obj.badMsgId, badMsgSeqNo: obj.badMsgSeqno, code: obj.errorCode }
    case 'mt_new_session_created':
      return { type: 'session.created', firstMsgId: obj.firstMsgId, uniqueId: obj.uniqueId, serverSalt: obj.serverSalt }
    case 'mt_pong':
      return { type: 'pong', msgId: obj.msgId, pingId: obj.pingId }
    case 'mt_future_salts':
      return { type: 'salts.future', reqMsgId: obj.reqMsgId, now: obj.now, salts: obj.salts }
    case 'mt_msgs_state_info':
      return { type: 'msgs.state_info', reqMsgId: obj.reqMsgId, info: obj.info }
    case 'mt_msgs_all_info':
      return { type: 'msgs.all_info', msgIds: obj.msgIds, info: obj.info }
    case 'mt_msgs_state_req':
      return { type: 'msgs.state_req', msgIds: obj.msgIds }
    case 'mt_msg_detailed_info':
      return { type: 'msg.detailed_info', msgId: obj.msgId, answerMsgId: obj.answerMsgId, bytes: obj.bytes, status: obj.status }
    case 'mt_msg_new_detailed_info':
      return { type: 'msg.new_detailed_info', answerMsgId: obj.answerMsgId, bytes: obj.bytes, status: obj.status }
    case 'mt_msg_resend_req':
      return { type: 'msg.resend_req', msgIds: obj.msgIds }
    case 'mt_destroy_session_ok':
      return { type: 'session.destroyed', sessionId: obj.sessionId, existed: true }
    case 'mt_destroy_session_none':
      return { type: 'session.destroyed', sessionId: obj.sessionId, existed: false }
    case 'mt_msgs_ack':
      return { type: 'msgs.ack', msgIds: obj.msgIds }
    case 'mt_msg_copy':
      return 'copy'
    default:
      // NB: MTProto-schema objects never go to the updates stream.
      if (obj._.startsWith('mt_')) return { type: 'message.unexpected', object: obj }
      return { type: 'updates', update: obj }
  }
}

function rpcEvent(obj: mtp.RawMt_rpc_result, ctx: ClassifyContext, budget: InflateBudget): IncomingEvent {
  const reqMsgId = obj.reqMsgId
  const method = ctx.methodOf(reqMsgId)
  if (method === undefined) return { type: 'rpc.unmatched', reqMsgId, result: obj.result, budget }
  let result: unknown
  try {
    result = readMethodResult(method, new TlReader(obj.result, 0, obj.result.length, budget))
  } catch (e) {
    if (e instanceof TlError) return { type: 'rpc.undecodable', reqMsgId, method, error: e }
    throw e
  }
  if (isRpcError(result)) return { type: 'rpc.error', reqMsgId, method, code: result.errorCode, message: result.errorMessage }
  return { type: 'rpc.result', reqMsgId, method, result }
}

function isRpcError(v: unknown): v is mtp.RawMt_rpc_error {
  return typeof v === 'object' && v !== null && (v as { _?: unknown })._ === 'mt_rpc_error'
}
