// MTProto message identifiers: generation (client and server parity), conversion to time and the
// server time offset. Knows nothing about sessions, framing or transports; time is passed in.
// https://core.telegram.org/mtproto/description#message-identifier-msg-id

/** A message older than this (relative to the corrected clock) is to be ignored. */
export const MAX_MSG_ID_PAST_MS = 300_000
/** A message further than this in the future is to be ignored. */
export const MAX_MSG_ID_FUTURE_MS = 30_000

const TWO_POW_32 = 4294967296
const LOW_32 = 0xffffffffn

/**
 * Who produces the ids: clients use ids ≡ 0 (mod 4); servers ≡ 1 for a response to a client
 * message and ≡ 3 otherwise.
 */
export type MsgIdRole = 'client' | 'server'
/** For server ids: whether the message answers a client message (≡ 1 mod 4) or not (≡ 3). */
export type ServerMsgKind = 'response' | 'other'

/** Unix time in milliseconds (possibly fractional) that a msg_id encodes. */
export function msgIdToMs(msgId: bigint): number {
  return Number(msgId >> 32n) * 1000 + (Number(msgId & LOW_32) * 1000) / TWO_POW_32
}

/** The msg_id closest to `ms` (unix ms), low two bits cleared. */
export function msgIdFromMs(ms: number): bigint {
  const sec = Math.floor(ms / 1000)
  const low = Math.floor(((ms - sec * 1000) * TWO_POW_32) / 1000)
  return ((BigInt(sec) << 32n) | BigInt(low)) & ~3n
}

/** Client-produced ids are divisible by 4. */
export function isClientMsgId(msgId: bigint): boolean {
  return (msgId & 3n) === 0n
}

/** Server-produced ids are odd (≡ 1 for responses, ≡ 3 otherwise). */
export function isServerMsgId(msgId: bigint): boolean {
  return (msgId & 1n) === 1n
}

/** Where a msg_id sits against the allowed window around `nowMs` (already corrected). */
export type MsgIdTimeCheck =
  | { readonly kind: 'ok' }
  | { readonly kind: 'too-old' | 'too-new'; readonly msgIdMs: number; readonly nowMs: number }

/**
 * Checks the 300 s past / 30 s future window.
 * https://core.telegram.org/mtproto/security_guidelines#checking-msg-id
 */
export function checkMsgIdTime(msgId: bigint, correctedNowMs: number): MsgIdTimeCheck {
  const msgIdMs = msgIdToMs(msgId)
  if (msgIdMs < correctedNowMs - MAX_MSG_ID_PAST_MS) return { kind: 'too-old', msgIdMs, nowMs: correctedNowMs }
  if (msgIdMs > correctedNowMs + MAX_MSG_ID_FUTURE_MS) return { kind: 'too-new', msgIdMs, nowMs: correctedNowMs }
  return { kind: 'ok' }
}

/**
 * Produces strictly increasing msg_ids for one side of a session, corrected by the offset between
 * the local clock and the server's (`serverMs ≈ nowMs + timeOffsetMs`).
 *
 * NB: ids stay monotonic even when the offset moves backwards (the next id is then last + 4), as
 * the server rejects a decreasing msg_id within a session. A fresh session may start with a fresh
 * generator sharing the same offset.
 */
export class MessageIdGenerator {
  /** Server clock minus local clock, in ms. */
  timeOffsetMs: number
  private readonly role: MsgIdRole
  private last = 0n

  constructor(opts: { role?: MsgIdRole; timeOffsetMs?: number } = {}) {
    this.role = opts.role ?? 'client'
    this.timeOffsetMs = opts.timeOffsetMs ?? 0
  }

  /** The local clock corrected to the server's. */
  serverNowMs(nowMs: number): number {
    return nowMs + this.timeOffsetMs
  }

  /**
   * The next id. Clients ignore `kind`; servers default to 'response' (≡ 1 mod 4).
   * The low 32 bits are never zero: they carry the fraction of the second, as the docs require.
   */
  next(nowMs: number, kind: ServerMsgKind = 'response'): bigint {
    const residue = this.role === 'client' ? 0n : kind === 'response' ? 1n : 3n
    let id = msgIdFromMs(this.serverNowMs(nowMs))
    if ((id & LOW_32) === 0n) id += 4n
    if (id <= this.last) id = ((this.last >> 2n) + 1n) << 2n
    id |= residue
    this.last = id
    return id
  }

  /** The last id handed out (0n before the first). */
  get lastId(): bigint {
    return this.last
  }

  /**
   * Re-derives the offset from a msg_id the server just produced (after bad_msg_notification
   * 16/17, or any trusted server message). Returns the new offset.
   * https://core.telegram.org/mtproto/service_messages_about_messages#notice-of-ignored-error-message
   */
  syncFromServerMsgId(serverMsgId: bigint, nowMs: number): number {
    this.timeOffsetMs = Math.round(msgIdToMs(serverMsgId) - nowMs)
    return this.timeOffsetMs
  }

  /** Re-derives the offset from a server unix time in seconds (server_DH_inner_data.server_time). */
  syncFromServerTime(serverTimeSec: number, nowMs: number): number {
    this.timeOffsetMs = serverTimeSec * 1000 - nowMs
    return this.timeOffsetMs
  }
}
