// Events the RPC machine receives. Values arrive decoded (msg_id as bigint, result as the decoded
// TL object); the machine never sees bytes, sockets or the TL schema.

/** Why a request goes back to the queue under a new msg_id. */
export type ResendReason =
  | 'badServerSalt'
  | 'badMsgTime'
  | 'sessionReset'
  | 'newSessionCreated'
  | 'reconnect'
  | 'resendRequested'

/** Events of {@link rpcMachine}. */
export type RpcEvent =
  | { type: 'rpc.sent'; msgId: bigint }
  | { type: 'rpc.acked'; msgId: bigint }
  | { type: 'rpc.resultReceived'; msgId: bigint; result: unknown }
  | { type: 'rpc.errorReceived'; msgId: bigint; errorCode: number; errorMessage: string }
  | { type: 'rpc.resend'; reason: ResendReason }
  | { type: 'rpc.cancel' }
  /** The protocol refused our copy (bad_msg_notification) or its answer could not be read. */
  | { type: 'rpc.protocolFailed'; msgId: bigint; failure: RpcProtocolFailure }
  /** The call's deadline passed (the runtime keeps one timer per call and sends this). */
  | { type: 'rpc.deadline' }

/**
 * What the protocol layer says went wrong with one copy of a call, as a field, never a string:
 * `badMsg` — a bad_msg_notification "our bug" code (https://core.telegram.org/mtproto/service_messages_about_messages);
 * `undecodable` — the rpc_result arrived but its TL could not be read (`tlKind` from TlError).
 */
export type RpcProtocolFailure = { readonly kind: 'badMsg'; readonly code: number } | { readonly kind: 'undecodable'; readonly tlKind: string }

/** One line per event type; also the runtime list of event types (keys). */
export const RPC_EVENT_DESCRIPTIONS: Readonly<Record<RpcEvent['type'], string>> = {
  'rpc.sent': 'the connection wrote the request under this msg_id',
  'rpc.acked': 'msgs_ack for our msg_id: the server has the request',
  'rpc.resultReceived': 'rpc_result with a value for our msg_id',
  'rpc.errorReceived': 'rpc_result carrying rpc_error (code and message) for our msg_id',
  'rpc.resend': 'the connection wants the request sent again under a new msg_id (salt, time, session, reconnect)',
  'rpc.cancel': 'the caller gave up on the answer',
  'rpc.protocolFailed': 'bad_msg_notification for our msg_id, or its answer could not be decoded',
  'rpc.deadline': 'the call\'s deadline (timeoutMs from enqueue) passed; the runtime\'s one timer per call sends it',
}

export const RPC_EVENT_TYPES = Object.keys(RPC_EVENT_DESCRIPTIONS) as RpcEvent['type'][]
