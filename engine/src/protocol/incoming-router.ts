// Where each classified incoming message goes, as data: an event for the call it answers, an
// event for the connection machine, a notice for the account, or nowhere (counted). Pure: the
// calls are looked up through the caller's tables, and nothing here sends, times or decides a
// recovery (the machines do). https://core.telegram.org/mtproto/service_messages_about_messages
import { isRevocation, secret, type DcConnectionEvent, type RpcEvent } from '@mtswarm/machines'
import { TlReader, readMethodResult, type TlObject, type mtp } from '../tl/index.js'
import type { IncomingMessage } from './incoming-event.js'
import { peerLacks } from './message-state.js'

/** What the router needs to know of the connection's calls and session. */
export interface RouteContext<C> {
  /** The call that went out under this msg_id (any of its copies), if any. */
  callOf(msgId: bigint): C | undefined
  /** The msg_id the call last went out under (an ack counts only for that copy). */
  lastMsgIdOf(call: C): bigint | null
  /** The call's innermost method (decodes an answer to an older copy). */
  methodOf(call: C): string
  /** The msg_ids our msgs_state_req `reqMsgId` asked about, if it is ours. */
  probeOf(reqMsgId: bigint): readonly bigint[] | undefined
  /** True when this server msg_id already came in on the session. */
  received(msgId: bigint): boolean
  /** The current session's id (destroy_session_ok / _none name the session they are about). */
  readonly sessionId: bigint
  /** Server clock minus local clock (future salts arrive in server time). */
  readonly timeOffsetMs: number
  readonly nowMs: number
}

/** A notice for the account the connection belongs to. */
export type RoutedNotice =
  | { readonly type: 'auth.error'; readonly method: string; readonly errorMessage: string }
  | { readonly type: 'updates'; readonly update: TlObject }

/** One thing to do about an incoming message. */
export type Routed<C> =
  | { readonly to: 'call'; readonly call: C; readonly event: RpcEvent }
  | { readonly to: 'machine'; readonly event: DcConnectionEvent }
  | { readonly to: 'account'; readonly notice: RoutedNotice }
  /** Nothing to do: a late answer, a message a client does not act on. `why` names it for stats. */
  | { readonly to: 'nobody'; readonly why: 'unmatched' | 'ignored' }

/** Service queries of ours whose answers belong to the connection machine, not to a call. */
const PING = 'mt_ping_delay_disconnect'
const DESTROY_SESSION = 'mt_destroy_session'
const GET_FUTURE_SALTS = 'mt_get_future_salts'

/**
 * Routes one message; appends what to do to `out` (usually one entry; a revocation error also
 * notifies the account). Revocation errors come from the account machine's table.
 */
export function routeIncoming<C>(m: IncomingMessage, ctx: RouteContext<C>, out: Routed<C>[]): void {
  const e = m.event
  switch (e.type) {
    case 'rpc.result': {
      if (e.method === PING) {
        out.push({ to: 'machine', event: { type: 'pong.received', pingId: (e.result as { pingId: bigint }).pingId } })
        return
      }
      // NB: a server may answer these bare or inside rpc_result; both land in the same place.
      if (e.method === DESTROY_SESSION) return destroyed((e.result as { sessionId: bigint }).sessionId, ctx, out)
      if (e.method === GET_FUTURE_SALTS) return salts((e.result as { salts: readonly mtp.RawMt_future_salt[] }).salts, ctx, out)
      const call = ctx.callOf(e.reqMsgId)
      if (call === undefined) return void out.push({ to: 'nobody', why: 'unmatched' })
      out.push({ to: 'call', call, event: { type: 'rpc.resultReceived', msgId: e.reqMsgId, result: e.result } })
      return
    }
    case 'rpc.error': {
      const call = ctx.callOf(e.reqMsgId)
      if (call === undefined) return void out.push({ to: 'nobody', why: 'unmatched' })
      if (isRevocation(e.message)) out.push({ to: 'account', notice: { type: 'auth.error', method: ctx.methodOf(call), errorMessage: e.message } })
      out.push({ to: 'call', call, event: { type: 'rpc.errorReceived', msgId: e.reqMsgId, errorCode: e.code, errorMessage: e.message } })
      return
    }
    case 'rpc.undecodable': {
      const call = ctx.callOf(e.reqMsgId)
      if (call === undefined) return void out.push({ to: 'nobody', why: 'unmatched' })
      out.push({ to: 'call', call, event: { type: 'rpc.protocolFailed', msgId: e.reqMsgId, failure: { kind: 'undecodable', tlKind: e.error.kind } } })
      return
    }
    case 'rpc.unmatched': {
      // The answer to an older copy of a call that went out again: the first answer wins.
      const call = ctx.callOf(e.reqMsgId)
      if (call === undefined) return void out.push({ to: 'nobody', why: 'unmatched' })
      let result: unknown
      try {
        result = readMethodResult(ctx.methodOf(call), new TlReader(e.result, 0, e.result.length, e.budget))
      } catch {
        return void out.push({ to: 'nobody', why: 'unmatched' })
      }
      const err = result as { _?: string; errorCode?: number; errorMessage?: string }
      if (err._ === 'mt_rpc_error') {
        const errorMessage = err.errorMessage ?? ''
        if (isRevocation(errorMessage)) out.push({ to: 'account', notice: { type: 'auth.error', method: ctx.methodOf(call), errorMessage } })
        out.push({ to: 'call', call, event: { type: 'rpc.errorReceived', msgId: e.reqMsgId, errorCode: err.errorCode ?? 0, errorMessage } })
      } else {
        out.push({ to: 'call', call, event: { type: 'rpc.resultReceived', msgId: e.reqMsgId, result } })
      }
      return
    }
    case 'msgs.ack':
      for (const id of e.msgIds) {
        const call = ctx.callOf(id)
        if (call === undefined || ctx.lastMsgIdOf(call) !== id) continue
        out.push({ to: 'call', call, event: { type: 'rpc.acked', msgId: id } })
      }
      return
    case 'salt.bad':
      out.push({ to: 'machine', event: { type: 'salt.bad', badMsgId: e.badMsgId, newServerSalt: secret(e.newSalt) } })
      return
    case 'msg.bad':
      out.push({ to: 'machine', event: { type: 'msg.bad', badMsgId: e.badMsgId, errorCode: e.code, serverMsgId: m.msgId, nowMs: ctx.nowMs } })
      return
    case 'session.created':
      out.push({ to: 'machine', event: { type: 'session.created', firstMsgId: e.firstMsgId, serverSalt: secret(e.serverSalt) } })
      return
    case 'session.destroyed':
      return destroyed(e.sessionId, ctx, out)
    case 'pong':
      out.push({ to: 'machine', event: { type: 'pong.received', pingId: e.pingId } })
      return
    case 'salts.future':
      return salts(e.salts, ctx, out)
    case 'msgs.state_req':
      out.push({ to: 'machine', event: { type: 'msgs.stateRequested', reqMsgId: m.msgId, msgIds: e.msgIds } })
      return
    case 'msgs.state_info': {
      // msgs_state_req is no method: its answer comes bare, naming the request.
      const asked = ctx.probeOf(e.reqMsgId)
      if (asked === undefined) return void out.push({ to: 'nobody', why: 'unmatched' })
      const missing: bigint[] = []
      const received: bigint[] = []
      asked.forEach((id, i) => (peerLacks(e.info[i] ?? 0) ? missing : received).push(id))
      out.push({ to: 'machine', event: { type: 'msgs.stateReported', missing, received } })
      return
    }
    case 'msg.resend_req':
      out.push({ to: 'machine', event: { type: 'msgs.resendRequested', msgIds: e.msgIds } })
      return
    case 'msg.detailed_info': {
      // https://core.telegram.org/mtproto/service_messages_about_messages#extended-voluntary-communication-of-status-of-one-message
      const call = ctx.callOf(e.msgId)
      out.push({ to: 'machine', event: { type: 'answer.announced', answerMsgId: e.answerMsgId, received: ctx.received(e.answerMsgId), wanted: call !== undefined } })
      return
    }
    case 'msg.new_detailed_info':
      // Not about a query of ours: wanted, unless it already came in.
      out.push({ to: 'machine', event: { type: 'answer.announced', answerMsgId: e.answerMsgId, received: ctx.received(e.answerMsgId), wanted: true } })
      return
    case 'updates':
      out.push({ to: 'account', notice: { type: 'updates', update: e.update } })
      return
    default:
      // msgs_all_info, unexpected or undecodable bodies, invalid containers: counted only.
      out.push({ to: 'nobody', why: 'ignored' })
  }
}

function salts<C>(list: readonly mtp.RawMt_future_salt[], ctx: RouteContext<C>, out: Routed<C>[]): void {
  const off = ctx.timeOffsetMs
  const local = list.map((s) => ({ salt: secret(s.salt), validSinceMs: s.validSince * 1000 - off, validUntilMs: s.validUntil * 1000 - off }))
  out.push({ to: 'machine', event: { type: 'salts.received', salts: local, nowMs: ctx.nowMs } })
}

function destroyed<C>(sessionId: bigint, ctx: RouteContext<C>, out: Routed<C>[]): void {
  out.push({ to: 'machine', event: { type: 'session.destroyed', sessionId, current: sessionId === ctx.sessionId } })
}
