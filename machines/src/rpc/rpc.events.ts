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

/** One line per event type; also the runtime list of event types (keys). */
export const RPC_EVENT_DESCRIPTIONS: Readonly<Record<RpcEvent['type'], string>> = {
  'rpc.sent': 'the connection wrote the request under this msg_id',
  'rpc.acked': 'msgs_ack for our msg_id: the server has the request',
  'rpc.resultReceived': 'rpc_result with a value for our msg_id',
  'rpc.errorReceived': 'rpc_result carrying rpc_error (code and message) for our msg_id',
  'rpc.resend': 'the connection wants the request sent again under a new msg_id (salt, time, session, reconnect)',
  'rpc.cancel': 'the caller gave up on the answer',
}

export const RPC_EVENT_TYPES = Object.keys(RPC_EVENT_DESCRIPTIONS) as RpcEvent['type'][]
