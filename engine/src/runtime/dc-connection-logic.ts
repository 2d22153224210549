// dcConnectionMachine provided with the runtime's effects, once per runtime, and how each effect
// finds the DcConnection it belongs to (by actor system and DC). Wiring only: the effects
// themselves are DcConnection's and dc-connection-effects.ts's.
import { enqueueActions, fromCallback, fromPromise } from 'xstate'
import { dcConnectionMachine, type DcConnectionEvent, type SaveAuthKeyInput, type SocketInput } from '@mtswarm/machines'
import type { DcConnection } from './dc-connection.js'
import { handshakeLogic } from './handshake-actors.js'
import type { ResolvedRuntimeOptions } from './options.js'

/**
 * The connection an effect belongs to, by (actor system, DC): a machine runs in its own system,
 * or in its owner's (an account's connections share the account's system, one per DC).
 */
const bySystem = new WeakMap<object, Map<number, DcConnection>>()

export function connectionOf(system: unknown, dcId: number): DcConnection {
  const conn = bySystem.get(system as object)?.get(dcId)
  if (conn === undefined) throw new Error('dcConnection effect ran outside a runtime connection')
  return conn
}

/** Binds `conn` as the connection of its DC in `system` (before the machine starts). */
export function bindConnection(system: object, conn: DcConnection): void {
  let m = bySystem.get(system)
  if (m === undefined) {
    m = new Map()
    bySystem.set(system, m)
  }
  m.set(conn.dcId, conn)
}

/** dcConnectionMachine with the runtime's effects, provided once per runtime (provide() costs ms). */
export type DcConnectionLogic = ReturnType<typeof dcConnectionLogic>

/**
 * dcConnectionMachine provided with real effects. Provided once per runtime: every effect finds
 * its connection through the actor system of the machine it runs in.
 */
export function dcConnectionLogic(o: ResolvedRuntimeOptions) {
  return dcConnectionMachine.provide({
    actors: {
      socket: fromCallback<DcConnectionEvent, SocketInput>(({ system, input, sendBack }) => connectionOf(system, input.dcId).runSocket(sendBack)),
      handshake: handshakeLogic({
        channel: (system, dcId) => connectionOf(system, dcId).plainChannel(),
        publicKeys: o.publicKeys,
        wireDcId: (dcId) => dcId + o.dcIdOffset,
        random: o.random,
        nowMs: o.nowMs,
      }),
      saveAuthKey: fromPromise<void, SaveAuthKeyInput>(({ system, input }) => connectionOf(system, input.dcId).saveAuthKey(input)),
    },
    actions: {
      storeSalt: ({ system }, p) => connectionOf(system, p.dcId).fx.storeSalt(p.salt),
      storeFutureSalts: ({ system }, p) => connectionOf(system, p.dcId).fx.storeFutureSalts(p.salts),
      requestFutureSalts: ({ system }, p) => connectionOf(system, p.dcId).fx.requestFutureSalts(p.count),
      resendMessages: ({ system }, p) => connectionOf(system, p.dcId).fx.resendMessages(p.msgIds, p.reason),
      destroyPreviousSessions: ({ system }, p) => connectionOf(system, p.dcId).fx.destroyPreviousSessions(),
      answerStateRequest: ({ system }, p) => connectionOf(system, p.dcId).fx.answerStateRequest(p.reqMsgId, p.msgIds),
      probeStaleCalls: ({ system }, p) => connectionOf(system, p.dcId).fx.probeStaleCalls(p.unansweredForMs),
      requestResend: ({ system }, p) => connectionOf(system, p.dcId).fx.requestResend(p.msgIds),
      acknowledge: ({ system }, p) => connectionOf(system, p.dcId).fx.acknowledge(p.msgIds),
      requeueInFlight: ({ system }, p) => connectionOf(system, p.dcId).fx.requeueInFlight(p.scope, p.reason),
      failMessages: ({ system }, p) => connectionOf(system, p.dcId).fx.failMessages(p.msgIds, p.errorCode),
      applyTimeOffset: ({ system }, p) => connectionOf(system, p.dcId).fx.applyTimeOffset(p.timeOffsetMs),
      resetSession: ({ system }, p) => connectionOf(system, p.dcId).fx.resetSession(),
      notifyNewSession: ({ system }, p) => connectionOf(system, p.dcId).fx.notifyNewSession(p.firstMsgId),
      sendPing: ({ system }, p) => connectionOf(system, p.dcId).fx.sendPing(p.disconnectDelaySec),
      flushAcks: ({ system }, p) => connectionOf(system, p.dcId).fx.flushAcks(),
      failHeldCalls: ({ system }, p) => connectionOf(system, p.dcId).fx.failHeldCalls(p.reason, p.transportErrorCode),
      // NB: the owner (an account machine, the parent) also hears it, as with the machine's own
      // default; sendParent, so the inspector shows this machine as the event's source.
      reportReady: enqueueActions(({ system, self, enqueue }, p: { dcId: number }) => {
        connectionOf(system, p.dcId).fx.reportReady()
        if (self._parent !== undefined) enqueue.sendParent({ type: 'dc.ready', dcId: p.dcId })
      }),
      reportDown: enqueueActions(({ system, self, enqueue }, p: { dcId: number; reason: string }) => {
        connectionOf(system, p.dcId).fx.reportDown(p.reason)
        if (self._parent !== undefined) enqueue.sendParent({ type: 'dc.down', dcId: p.dcId, reason: p.reason })
      }),
    },
  })
}
