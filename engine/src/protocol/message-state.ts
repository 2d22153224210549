// The one-byte message states of msgs_state_info, both ways: what this side knows of the other
// side's msg_ids (to answer msgs_state_req), and what an answer to ours says the other side lacks.
// Knows nothing of sessions; the caller passes what it has seen.
// https://core.telegram.org/mtproto/service_messages_about_messages#request-for-message-status-information

/** Low three bits: how much is known of the message. */
export const MSG_STATE = {
  /** Nothing is known (msg_id too low: the other party may have forgotten it). */
  unknown: 1,
  /** Not received, msg_id inside the range of stored ids. */
  notReceived: 2,
  /** Not received, msg_id above every stored id. */
  notReceivedTooHigh: 3,
  /** Received (the answer is itself an acknowledgement). */
  received: 4,
} as const

/** Flags added to `received`. */
export const MSG_STATE_FLAG = {
  acknowledged: 8,
  noAckNeeded: 16,
  /** The RPC query in it is being processed or done (a server's flag: a client runs no queries). */
  queryProcessed: 32,
  /** A content-related answer to it was generated (a server's flag). */
  answerGenerated: 64,
  /** The other party is known to have it. */
  knownReceived: 128,
} as const

/** What this side knows of one msg_id the other side sent (or says it sent). */
export interface SeenState {
  /** 'below': older than anything remembered; 'seen'; 'unseen' inside the remembered range; 'above'. */
  readonly seen: 'below' | 'seen' | 'unseen' | 'above'
  /** For a seen message: an ack for it is still owed (not sent yet). */
  readonly ackPending: boolean
  /** For a seen message: it was not content-related (it needed no ack). */
  readonly noAckNeeded: boolean
}

/** The state byte this side reports for one msg_id in msgs_state_info. */
export function messageStateByte(s: SeenState): number {
  switch (s.seen) {
    case 'below':
      return MSG_STATE.unknown
    case 'unseen':
      return MSG_STATE.notReceived
    case 'above':
      return MSG_STATE.notReceivedTooHigh
    case 'seen':
      if (s.noAckNeeded) return MSG_STATE.received | MSG_STATE_FLAG.noAckNeeded
      return s.ackPending ? MSG_STATE.received : MSG_STATE.received | MSG_STATE_FLAG.acknowledged
  }
}

/** True when a state byte from the other side says it does not have the message (states 1–3). */
export function peerLacks(state: number): boolean {
  const known = state & 7
  return known >= MSG_STATE.unknown && known <= MSG_STATE.notReceivedTooHigh
}
