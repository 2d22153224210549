// The interface of dcConnectionMachine towards the engine: the effects it names (with their
// params) and the inputs of the actors the engine provides. Types only; the machine decides.
import type { ResendReason } from '../rpc/rpc.events.js'
import type { Secret } from '../secret/secret.js'
import type { FutureSalt } from './dc-connection.events.js'

/** Effects the engine provides; each receives plain params (secrets boxed: params reach `inspect`). */
export interface DcConnectionEffects {
  storeSalt: { dcId: number; salt: Secret<bigint> }
  storeFutureSalts: { dcId: number; salts: FutureSalt[] }
  requestFutureSalts: { dcId: number; count: number }
  /** Send these messages again (a container's msg_id names its messages; the engine maps msg_ids to calls). */
  resendMessages: { dcId: number; msgIds: readonly bigint[]; reason: ResendReason }
  /** Send `rpc.resend` to every RPC on this DC that is in flight: unacked only, or all. */
  requeueInFlight: { dcId: number; scope: 'unacked' | 'all'; reason: ResendReason }
  /** Fail these messages' RPCs (a container's msg_id: every call inside it): resending cannot fix them. */
  failMessages: { dcId: number; msgIds: readonly bigint[]; errorCode: number }
  applyTimeOffset: { dcId: number; timeOffsetMs: number }
  /** New random session id, seqno back to 0 (randomness is the engine's). */
  resetSession: { dcId: number }
  /** new_session_created: the RPC layer resends what it sent before firstMsgId and is unanswered. */
  notifyNewSession: { dcId: number; firstMsgId: bigint }
  sendPing: { dcId: number; disconnectDelaySec: number }
  /** Send the acks the session holds now (alone, or with what is queued). */
  flushAcks: { dcId: number }
  /** msgs_state_info for the server's msgs_state_req `reqMsgId` (what we know of these of its msg_ids). */
  answerStateRequest: { dcId: number; reqMsgId: bigint; msgIds: readonly bigint[] }
  /** msgs_state_req about our calls the server acknowledged and left unanswered this long. */
  probeStaleCalls: { dcId: number; unansweredForMs: number }
  /** msg_resend_req for these of the server's messages. */
  requestResend: { dcId: number; msgIds: readonly bigint[] }
  /** Acknowledge these of the server's messages (the ack region decides when the flush goes). */
  acknowledge: { dcId: number; msgIds: readonly bigint[] }
  /** destroy_session for each session this connection used before the current one (kept by the engine). */
  destroyPreviousSessions: { dcId: number }
  /** Fail every call this connection holds (queued or in flight) with this transport error. */
  failHeldCalls: { dcId: number; transportErrorCode: number; reason: string }
  /** Tell the owner the connection is ready / went down. Default: send to the parent actor. */
  reportReady: { dcId: number }
  reportDown: { dcId: number; reason: string }
}

/** Input of the engine-provided socket actor (a fromCallback that sendBacks socket.* events). */
export interface SocketInput {
  dcId: number
}
/** Input of the engine-provided saveAuthKey actor. NB: the key is used only after this resolves. */
export interface SaveAuthKeyInput {
  dcId: number
  authKeyId: bigint
  authKey: Secret<Uint8Array>
}
