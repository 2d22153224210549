// Pure rules of one DC connection: timing constants, reconnect backoff, salt choice, time offset
// from a server msg_id, and the bad_msg_notification code table. No clocks: times come in events.
// https://core.telegram.org/mtproto/service_messages_about_messages
import type { ResendReason } from '../rpc/rpc.events.js'
import { secret, type Secret } from '../secret/secret.js'
import type { FutureSalt } from './dc-connection.events.js'

/** How long connecting may take before we back off. */
export const CONNECT_TIMEOUT_MS = 10_000
/** First reconnect delay; doubles per failed attempt up to RECONNECT_BACKOFF_MAX_MS. */
export const RECONNECT_BACKOFF_BASE_MS = 1_000
export const RECONNECT_BACKOFF_MAX_MS = 60_000
/** Quiet time before a keepalive ping. */
export const PING_INTERVAL_MS = 60_000
/** disconnect_delay of ping_delay_disconnect: the server closes the socket if no ping follows. */
export const PING_DISCONNECT_DELAY_SEC = 75
/** No pong within this time means the link is dead. */
export const PONG_TIMEOUT_MS = 15_000
/** Pending acks are flushed this long after the first one arrived … */
export const ACK_FLUSH_DELAY_MS = 1_000
/** … or as soon as this many are pending. */
export const MAX_PENDING_ACKS = 64
/** Ask for future salts this long before the current one expires. */
export const SALT_REFRESH_MARGIN_MS = 5 * 60_000
/** Never schedule a salt refresh sooner than this. */
export const MIN_SALT_REFRESH_MS = 1_000
/** Retry get_future_salts when it goes unanswered this long. */
export const FUTURE_SALTS_RETRY_MS = 30_000
/** How many salts to ask for in get_future_salts. */
export const FUTURE_SALTS_COUNT = 32

export interface DcConnectionInput {
  dcId: number
  /** id of an auth key already in storage, or null to handshake first. */
  authKeyId: bigint | null
  serverSalt?: Secret<bigint>
  timeOffsetMs?: number
  /** Future salts kept in storage (local ms); with `nowMs`, the one valid now is used at once. */
  futureSalts?: readonly FutureSalt[]
  /** Local time at start: picks the stored future salt valid now. */
  nowMs?: number
}

export interface DcConnectionContext {
  dcId: number
  authKeyId: bigint | null
  /** A key from a fresh handshake until it is stored (NB: never used before it is stored). */
  unsavedAuthKey: Secret<Uint8Array> | null
  serverSalt: Secret<bigint>
  /** How long the current salt stays valid from saltClockMs; 0 when unknown. */
  saltValidForMs: number
  /** Local time saltValidForMs was measured at (the refresh timer fires relative to it). */
  saltClockMs: number
  /** The last future_salts (stored or received), in local ms: the next salt comes from here. */
  futureSalts: readonly FutureSalt[]
  timeOffsetMs: number
  /** Acks the session holds since the last flush (the msg_ids stay in ClientSession). */
  pendingAcks: number
  /** Failed connection attempts since the last time we were ready. */
  reconnectAttempt: number
  /** -404s in a row for our stored key since a message last proved the server knows it. */
  keyRechecks: number
  lastError: string | null
}

/** The salt before any is known (0: the server answers bad_server_salt with the right one). */
const NO_SALT = secret(0n)

export function initialDcConnectionContext(input: DcConnectionInput): DcConnectionContext {
  const futureSalts = input.futureSalts ?? []
  const nowMs = input.nowMs ?? 0
  // NB: a stored future salt valid now saves the bad_server_salt round trip of a stale current one.
  const stored = input.nowMs === undefined ? null : currentSalt(futureSalts, nowMs)
  return {
    dcId: input.dcId,
    authKeyId: input.authKeyId,
    unsavedAuthKey: null,
    serverSalt: stored?.salt ?? input.serverSalt ?? NO_SALT,
    saltValidForMs: stored === null ? 0 : stored.validUntilMs - nowMs,
    saltClockMs: nowMs,
    futureSalts,
    timeOffsetMs: input.timeOffsetMs ?? 0,
    pendingAcks: 0,
    reconnectAttempt: 0,
    keyRechecks: 0,
    lastError: null,
  }
}

/** Delay before reconnect attempt `attempt` (1-based): base · 2^(attempt − 1), capped. */
export function reconnectBackoffMs(attempt: number): number {
  return Math.min(RECONNECT_BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1), RECONNECT_BACKOFF_MAX_MS)
}

/** When to ask for future salts: ahead of expiry by SALT_REFRESH_MARGIN_MS. */
export function saltRefreshDelayMs(saltValidForMs: number): number {
  return Math.max(MIN_SALT_REFRESH_MS, saltValidForMs - SALT_REFRESH_MARGIN_MS)
}

/**
 * When the refresh timer of the current salt fires: a stored future salt valid then that lasts
 * past the refresh margin, or null (then future salts are fetched).
 */
export function nextStoredSalt(context: Pick<DcConnectionContext, 'futureSalts' | 'saltClockMs' | 'saltValidForMs'>): { salt: FutureSalt; atMs: number } | null {
  const atMs = context.saltClockMs + saltRefreshDelayMs(context.saltValidForMs)
  const s = currentSalt(context.futureSalts, atMs)
  if (s === null || s.validUntilMs - atMs <= SALT_REFRESH_MARGIN_MS) return null
  return { salt: s, atMs }
}

/** The salt valid at `nowMs` that stays valid longest, or null if none is. */
export function currentSalt(salts: readonly FutureSalt[], nowMs: number): FutureSalt | null {
  let best: FutureSalt | null = null
  for (const s of salts) {
    if (s.validSinceMs <= nowMs && nowMs < s.validUntilMs && (!best || s.validUntilMs > best.validUntilMs)) best = s
  }
  return best
}

/**
 * server time − local time from a server msg_id (its upper 32 bits are unixtime, the lower ones
 * a fraction of a second). https://core.telegram.org/mtproto/description#message-identifier-msg-id
 */
export function timeOffsetFromMsgId(serverMsgId: bigint, nowMs: number): number {
  return Math.round((Number(serverMsgId) / 2 ** 32) * 1000 - nowMs)
}

/**
 * How far ahead of the server's clock a client msg_id may be (bad_msg 17 past it).
 * https://core.telegram.org/mtproto/description#message-identifier-msg-id
 */
export const MSG_ID_FUTURE_WINDOW_MS = 30_000

/**
 * After a 16/17 resync: did the server's clock move back so far that the msg_ids this session
 * already used lie beyond the future window? Ids must grow within a session, so every later id
 * would be refused too; only a new session can go on.
 */
export function timeSyncNeedsNewSession(oldOffsetMs: number, newOffsetMs: number): boolean {
  return oldOffsetMs - newOffsetMs > MSG_ID_FUTURE_WINDOW_MS
}

/** What a bad_msg_notification error_code asks of us. */
export type BadMsgAction =
  | { kind: 'timeSync' }
  | { kind: 'sessionReset' }
  | { kind: 'resend'; reason: ResendReason }
  | { kind: 'fail' }

/**
 * bad_msg_notification codes (the one table of them): 16/17 msg_id too low/high (clock), 32/33
 * msg_seqno too low/high (start a new session), 20 message too old (resend), 48 incorrect server
 * salt (resend: the message was not run, and the right salt comes in bad_server_salt or
 * future_salts; the call's resend budget bounds a loop), 18/19/34/35/64 and unknown codes our bug
 * (fail the message, or every call of a container it names).
 * https://core.telegram.org/mtproto/service_messages_about_messages#notice-of-ignored-error-message
 */
export function classifyBadMsg(errorCode: number): BadMsgAction {
  switch (errorCode) {
    case 16:
    case 17:
      return { kind: 'timeSync' }
    case 32:
    case 33:
      return { kind: 'sessionReset' }
    case 20:
      return { kind: 'resend', reason: 'resendRequested' }
    case 48:
      return { kind: 'resend', reason: 'badServerSalt' }
    default:
      return { kind: 'fail' }
  }
}

/**
 * A -404 for a key we have stored is re-checked on this many fresh connections before the
 * connection gives the key up for now (it stays stored: see keyRejected).
 * NB: a -404 is four unauthenticated bytes that anyone on the path can send; only an error the
 * server sends *inside* a message encrypted with the key (AUTH_KEY_UNREGISTERED …) proves it is gone.
 */
export const KEY_RECHECKS = 2
/** In keyRejected, the key is tried again on a fresh connection this often. */
export const KEY_REJECTED_RETRY_MS = 60_000

/** Transport error codes: https://core.telegram.org/mtproto/mtproto-transports#transport-errors */
export const TRANSPORT_ERROR_NO_AUTH_KEY = -404
export const TRANSPORT_ERROR_FLOOD = -429

/** How often the connection looks for calls the server acknowledged and never answered. */
export const STATE_PROBE_INTERVAL_MS = 10_000
/**
 * An acknowledged call unanswered this long is asked about with msgs_state_req: the server may
 * have lost it (or its answer), and the call would otherwise wait for its deadline.
 * https://core.telegram.org/mtproto/service_messages_about_messages#request-for-message-status-information
 */
export const STALE_ACKED_CALL_MS = 15_000
