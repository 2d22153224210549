// Events the DC connection machine receives: from its owner (open/close), from the socket actor,
// and service messages the engine has already decoded and classified. No bytes, no TL here.
// Server salts travel boxed (Secret): events reach `inspect`.
// https://core.telegram.org/mtproto/service_messages_about_messages
import type { Secret } from '../secret/secret.js'

/** One entry of future_salts, with times already converted to local milliseconds. */
export interface FutureSalt {
  salt: Secret<bigint>
  validSinceMs: number
  validUntilMs: number
}

/** Events of {@link dcConnectionMachine}. */
export type DcConnectionEvent =
  | { type: 'connection.open' }
  | { type: 'connection.close' }
  | { type: 'socket.connected' }
  | { type: 'socket.closed'; reason: string }
  | { type: 'transport.error'; code: number }
  | { type: 'key.confirmed' }
  | { type: 'salt.bad'; badMsgId: bigint; newServerSalt: Secret<bigint> }
  | { type: 'salts.received'; salts: FutureSalt[]; nowMs: number }
  | { type: 'msg.bad'; badMsgId: bigint; errorCode: number; serverMsgId: bigint; nowMs: number }
  | { type: 'session.created'; firstMsgId: bigint; serverSalt: Secret<bigint> }
  /** destroy_session_ok / _none: `current` when it names this session (else one we destroyed). */
  | { type: 'session.destroyed'; sessionId: bigint; current: boolean }
  | { type: 'pong.received'; pingId: bigint }
  /** `count` content-related messages arrived; the session holds their msg_ids until the flush. */
  | { type: 'ack.needed'; count: number }
  /** msgs_state_req from the server about its messages to us; answered with msgs_state_info. */
  | { type: 'msgs.stateRequested'; reqMsgId: bigint; msgIds: readonly bigint[] }
  /**
   * msgs_state_info answering our msgs_state_req, decoded by the engine: which of the messages we
   * asked about the server does not have (states 1–3) and which it has (4, with flags).
   */
  | { type: 'msgs.stateReported'; missing: readonly bigint[]; received: readonly bigint[] }
  /** msg_resend_req from the server: it wants these of our messages again. */
  | { type: 'msgs.resendRequested'; msgIds: readonly bigint[] }
  /**
   * msg_detailed_info / msg_new_detailed_info: the server has an answer `answerMsgId` for us.
   * `received`: it already came in; `wanted`: a call (or nothing in particular) waits for it.
   */
  | { type: 'answer.announced'; answerMsgId: bigint; received: boolean; wanted: boolean }

export const DC_CONNECTION_EVENT_DESCRIPTIONS: Readonly<Record<DcConnectionEvent['type'], string>> = {
  'connection.open': 'the owner wants this DC connected',
  'connection.close': 'the owner is done with this DC: close for good',
  'socket.connected': 'the socket actor reports the transport is up',
  'socket.closed': 'the socket actor reports the transport went away',
  'transport.error': 'a transport-level error code (-404 no auth key, -429 too many connections, …)',
  'key.confirmed': 'the first message on this socket that decrypted and verified under our key: the server knows it',
  'salt.bad': 'bad_server_salt: our salt is wrong; the notice carries the right one',
  'salts.received': 'future_salts answer (times converted to local ms by the engine)',
  'msg.bad': 'bad_msg_notification with its error_code (16/17 time, 32/33 seqno, …)',
  'session.created': 'new_session_created: the server started a session for us',
  'session.destroyed': 'destroy_session_ok / destroy_session_none for this session or one we destroyed',
  'pong.received': 'pong for our ping_delay_disconnect',
  'ack.needed': 'content-related messages arrived; their msg_ids must be acknowledged',
  'msgs.stateRequested': 'msgs_state_req: the server asks what we know of its messages',
  'msgs.stateReported': 'msgs_state_info: what the server knows of the messages we asked about',
  'msgs.resendRequested': 'msg_resend_req: the server asks for some of our messages again',
  'answer.announced': 'msg_detailed_info / msg_new_detailed_info: an answer for us exists',
}

export const DC_CONNECTION_EVENT_TYPES = Object.keys(DC_CONNECTION_EVENT_DESCRIPTIONS) as DcConnectionEvent['type'][]

/** What a connection tells its owner (the account), through the `report*` actions. */
export type DcConnectionReport = { type: 'dc.ready'; dcId: number } | { type: 'dc.down'; dcId: number; reason: string }
