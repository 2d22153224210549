// The service-message constructors the server's session tells apart: what it reads as a query,
// what can never be an API call, and which bodies are not content-related (seqno parity).
// https://core.telegram.org/mtproto/service_messages
import { MSG_CONTAINER_ID } from '@mtswarm/engine/protocol'
import { constructorIdOf } from '@mtswarm/engine/tl'
import { leadingId } from './rpc-codec.js'

/** Constructor ids of the service messages a session reads. */
export const ID = {
  msgsAck: constructorIdOf('mt_msgs_ack'),
  ping: constructorIdOf('mt_ping'),
  pingDelayDisconnect: constructorIdOf('mt_ping_delay_disconnect'),
  getFutureSalts: constructorIdOf('mt_get_future_salts'),
  msgsStateReq: constructorIdOf('mt_msgs_state_req'),
  destroySession: constructorIdOf('mt_destroy_session'),
  rpcDropAnswer: constructorIdOf('mt_rpc_drop_answer'),
  msgResendReq: constructorIdOf('mt_msg_resend_req'),
  httpWait: constructorIdOf('mt_http_wait'),
  destroyAuthKey: constructorIdOf('mt_destroy_auth_key'),
} as const

/** MTProto-layer constructors: never API calls, whatever a client sends them as. */
export const MTPROTO_IDS: ReadonlySet<number> = new Set(
  [
    'mt_req_pq',
    'mt_req_pq_multi',
    'mt_req_DH_params',
    'mt_set_client_DH_params',
    'mt_msg_copy',
    'mt_rpc_result',
    'mt_rpc_error',
    'mt_pong',
    'mt_msgs_state_info',
    'mt_msgs_all_info',
    'mt_msg_detailed_info',
    'mt_msg_new_detailed_info',
    'mt_bad_msg_notification',
    'mt_bad_server_salt',
    'mt_new_session_created',
    'mt_future_salts',
  ].map((n) => constructorIdOf(n)),
)

/** Non-content-related bodies (seqno must be even): acks, containers, http_wait. */
export function isContentBody(body: Uint8Array): boolean {
  const id = leadingId(body)
  return id !== ID.msgsAck && id !== MSG_CONTAINER_ID && id !== ID.httpWait
}
