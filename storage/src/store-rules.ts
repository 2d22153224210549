// The read-modify-write rules every SessionStore applies inside its write transaction: how a peer
// seen again merges with the stored one (min constructors), and why update positions never go
// back. One source for both stores; knows nothing about how records are kept.
import type { ChannelPtsRecord, DeadLetterRecord, PeerRecord, UpdateStateRecord } from './session-store.js'
import { compareUtf8 } from './store-input.js'

/**
 * The record to store when `next` arrives over `stored`.
 *
 * A full record replaces anything: it is what the server says the account may use. A `min`
 * record (https://core.telegram.org/api/min) carries an access hash that is not the account's own,
 * so over a full record it keeps the full record's access hash and flag, and may only fill a
 * username or phone the full record lacks (a min object may omit or lag them, so it never changes
 * or clears them). Over a min record or nothing, a min record is taken, again without clearing
 * what the stored one knew.
 */
export function mergePeer(stored: PeerRecord | undefined, next: PeerRecord): PeerRecord {
  if (next.min !== true || stored === undefined) return next
  if (stored.min === true) {
    return withNames(next, next.username ?? stored.username, next.phone ?? stored.phone)
  }
  return withNames(
    { ...stored, updatedAtMs: Math.max(stored.updatedAtMs, next.updatedAtMs) },
    stored.username ?? next.username,
    stored.phone ?? next.phone,
  )
}

function withNames(base: PeerRecord, username: string | undefined, phone: string | undefined): PeerRecord {
  const { username: _u, phone: _p, ...rest } = base
  return { ...rest, ...(username === undefined ? {} : { username }), ...(phone === undefined ? {} : { phone }) }
}

/** The key a username is indexed under: Telegram usernames are case-insensitive. */
export const usernameKey = (username: string): string => username.toLowerCase()

/**
 * The common state to store when `next` is committed over `stored`, or undefined to leave the
 * stored one. Each of pts, qts and seq only moves forward (a commit that arrives late, or a
 * handler that finishes after a later one, must not bring back updates already confirmed); the
 * date and updatedAtMs follow `next` only when it moved one of them forward.
 */
export function advanceUpdateState(stored: UpdateStateRecord | undefined, next: UpdateStateRecord): UpdateStateRecord | undefined {
  if (stored === undefined) return next
  if (next.pts <= stored.pts && next.qts <= stored.qts && next.seq <= stored.seq) return undefined
  return {
    ...next,
    pts: Math.max(stored.pts, next.pts),
    qts: Math.max(stored.qts, next.qts),
    seq: Math.max(stored.seq, next.seq),
  }
}

/** The channel pts to store, or undefined when `next` does not move past the stored one. */
export function advanceChannelPts(stored: ChannelPtsRecord | undefined, next: ChannelPtsRecord): ChannelPtsRecord | undefined {
  return stored === undefined || next.pts > stored.pts ? next : undefined
}

/** Dead letters in parking order, ties by id in UTF-8 order (the order LMDB keeps keys in). */
export function byParking(a: DeadLetterRecord, b: DeadLetterRecord): number {
  return a.parkedAtMs - b.parkedAtMs || compareUtf8(a.id, b.id)
}

/** Channel pts records by channel id. */
export function byChannelId(a: ChannelPtsRecord, b: ChannelPtsRecord): number {
  return a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0
}
