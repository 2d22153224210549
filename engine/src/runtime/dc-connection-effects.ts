// The effects of dcConnectionMachine on one connection's session: salts (kept with the future
// ones), resends, time offset, session resets and the destroy_session of earlier ones, pings,
// acks, msgs_state_info answers, stale-call probes, msg_resend_req; and carrying out what the
// router decided for each incoming message. Each does what it is told; none decides. Sockets and
// lifecycle stay in dc-connection.ts.
import type { DcConnectionEvent, FutureSalt, ResendReason, Secret } from '@mtswarm/machines'
import { sessionIdFromRandom, type Routed } from '../protocol/index.js'
import { serializeObject } from '../tl/index.js'
import type { DcConnection } from './dc-connection.js'
import type { RpcCall } from './rpc-call.js'

/** The machine's effects bound to `c` (built once per connection). */
export function connectionEffects(c: DcConnection) {
return {
    storeSalt: (boxed: Secret<bigint>) => {
      const salt = boxed.reveal()
      c.salt = salt
      c.session?.setSalt(salt)
      persistSalts(c)
    },
    storeFutureSalts: (salts: readonly FutureSalt[]) => {
      const toSec = (ms: number) => Math.floor((ms + c.timeOffsetMs) / 1000)
      c.futureSalts = salts.map((s) => ({ salt: s.salt.reveal(), validSinceSec: toSec(s.validSinceMs), validUntilSec: toSec(s.validUntilMs) }))
      persistSalts(c)
    },
    requestFutureSalts: (count: number) => {
      c.sendService({ _: 'mt_get_future_salts', num: count }, 'mt_get_future_salts')
    },
    resendMessages: (msgIds: readonly bigint[], reason: ResendReason) => {
      if (c.session === null) return
      // NB: a message refused for its salt was not run, so its msg_id is still free; keeping it
      // matters for a query sent again after a lost connection inside a new container (refused
      // as a whole): the server may have run that query under this very id.
      const again = reason === 'badServerSalt' ? c.session.retransmit(msgIds) : c.session.resend(msgIds)
      c.requeueRefs(again, reason)
      c.scheduleFlush()
    },
    requeueInFlight: (scope: 'unacked' | 'all', reason: ResendReason) => {
      for (const call of c.table.calls) {
        const at = call.at
        if (at.at !== 'sent' && at.at !== 'acked') continue
        if (scope === 'unacked' && at.at === 'acked') continue
        if (c.session !== null) {
          // NB: a reconnect keeps the session, so the copy keeps its msg_id: the server may have
          // run it and lost only the answer, and answers a known msg_id from its cache.
          const ids = [at.msgId]
          c.requeueRefs(reason === 'reconnect' ? c.session.retransmit(ids) : c.session.resend(ids), null)
        }
        c.host.toCall(call, { type: 'rpc.resend', reason })
      }
      c.scheduleFlush()
    },
    failMessages: (msgIds: readonly bigint[], errorCode: number) => {
      // NB: a msg_id may name a container of ours: every call it carried fails.
      for (const id of msgIds.flatMap((m) => c.session?.messagesOf(m) ?? [m])) {
        const call = c.table.byMsgId.get(id)
        if (call === undefined) continue
        c.host.toCall(call, { type: 'rpc.protocolFailed', msgId: id, failure: { kind: 'badMsg', code: errorCode } })
      }
    },
    applyTimeOffset: (timeOffsetMs: number) => {
      c.timeOffsetMs = timeOffsetMs
      c.session?.setTimeOffset(timeOffsetMs)
      persistSession(c)
    },
    resetSession: () => {
      if (c.session === null) return
      c.previousSessions.push(c.session.sessionId)
      c.requeueRefs(c.session.renewSession(sessionIdFromRandom(c.host.options.random(8))), null)
      persistSession(c)
      c.scheduleFlush()
    },
    destroyPreviousSessions: () => {
      const session = c.session
      if (session === null) return
      for (const sessionId of c.previousSessions) {
        if (sessionId !== session.sessionId) c.sendService({ _: 'mt_destroy_session', sessionId }, 'mt_destroy_session')
      }
      c.previousSessions = []
    },
    answerStateRequest: (reqMsgId: bigint, msgIds: readonly bigint[]) => {
      if (c.session === null) return
      // NB: msgs_state_info is itself the ack of the request: not content-related.
      c.session.send(serializeObject({ _: 'mt_msgs_state_info', reqMsgId, info: c.session.stateInfo(msgIds) }), { contentRelated: false })
      c.scheduleFlush()
    },
    probeStaleCalls: (unansweredForMs: number) => {
      const session = c.session
      if (session === null) return
      const stale = c.table.stale(c.host.options.nowMs(), unansweredForMs)
      if (stale.length === 0) return
      // NB: msgs_state_req is no method (its msgs_state_info comes bare, naming it): content-related, no method.
      const ref = session.send(serializeObject({ _: 'mt_msgs_state_req', msgIds: stale }), { contentRelated: true })
      c.table.probeQueued(ref, stale)
      c.scheduleFlush()
    },
    requestResend: (msgIds: readonly bigint[]) => {
      if (c.session === null) return
      c.session.send(serializeObject({ _: 'mt_msg_resend_req', msgIds: [...msgIds] }), { contentRelated: true })
      c.scheduleFlush()
    },
    acknowledge: (msgIds: readonly bigint[]) => c.session?.ack(msgIds),
    notifyNewSession: (firstMsgId: bigint) => {
      // NB: pushes between the old session and this one may be lost: the account's updates catch up.
      c.host.notify(c.accountId, { type: 'session.created', dcId: c.dcId })
      if (c.session === null) return
      const lost = c.session.inFlightBefore(firstMsgId)
      if (lost.length === 0) return
      c.requeueRefs(c.session.resend(lost), 'newSessionCreated')
      c.scheduleFlush()
    },
    sendPing: (disconnectDelaySec: number) => {
      const pingId = new DataView(c.host.options.random(8).buffer).getBigInt64(0, true)
      c.sendService({ _: 'mt_ping_delay_disconnect', pingId, disconnectDelay: disconnectDelaySec }, 'mt_ping_delay_disconnect')
    },
    flushAcks: () => c.scheduleFlush(),
    failHeldCalls: (reason: string, transportErrorCode: number) => c.host.failHeldCalls(c, reason, transportErrorCode),
    reportReady: () => {
      c.releaseSlot()
      c.sessionReady()
      c.host.notify(c.accountId, { type: 'dc.ready', dcId: c.dcId })
    },
    reportDown: (reason: string) => {
      c.host.notify(c.accountId, { type: 'dc.down', dcId: c.dcId, reason })
    },
  }
}

/** Carries out one decision of the router (routeIncoming) for connection `c`. */
export function carry(c: DcConnection, x: Routed<RpcCall>, out: DcConnectionEvent[]): void {
  switch (x.to) {
    case 'call':
      if (x.event.type === 'rpc.acked') {
        c.table.acked(x.call, c.host.options.nowMs())
      } else if (x.event.type === 'rpc.resultReceived' || x.event.type === 'rpc.errorReceived' || x.event.type === 'rpc.protocolFailed') {
        c.table.answered(x.call)
      }
      c.host.toCall(x.call, x.event)
      return
    case 'machine':
      if (x.event.type === 'salt.bad') c.host.stats.badServerSalts++
      out.push(x.event)
      return
    case 'account':
      c.host.notify(c.accountId, x.notice.type === 'updates' ? { type: 'updates', dcId: c.dcId, update: x.notice.update } : { type: 'auth.error', dcId: c.dcId, method: x.notice.method, errorMessage: x.notice.errorMessage })
      return
    case 'nobody':
      if (x.why === 'ignored') c.host.stats.ignoredMessages++
      return
  }
}

/** Writes the current salt and the future ones (kept: the next start reads them). */
function persistSalts(c: DcConnection): void {
  c.persist(
    c.host.options.store.putServerSalts({
      accountId: c.accountId,
      dcId: c.dcId,
      current: c.salt,
      future: c.futureSalts,
      updatedAtMs: c.host.options.nowMs(),
    }),
  )
}

/** Writes the session id and time offset (the next start destroys that session and keeps the offset). */
export function persistSession(c: DcConnection): void {
  if (c.session === null) return
  c.persist(
    c.host.options.store.putSession({
      accountId: c.accountId,
      dcId: c.dcId,
      sessionId: c.session.sessionId,
      serverTimeOffsetMs: c.timeOffsetMs,
      updatedAtMs: c.host.options.nowMs(),
    }),
  )
}
