// What a caller may name a peer by (PeerRef), read into one of four shapes, and the Bot API's
// "marked" ids. Pure: no store, no network. A malformed ref is a UsageError 'bad-argument'.
import type { PeerType } from '@mtswarm/storage'
import { UsageError } from '../errors/index.js'
import type { tl } from '../tl/index.js'

/**
 * A peer as a caller names it:
 * - a marked id (`number | bigint`, the Bot API convention): > 0 a user, -1 … -999999999999 a
 *   basic chat (`-id`), -100… a channel or supergroup (`-1000000000000 - id`);
 * - `{ type, id }` with the bare TL id;
 * - `'@username'` or `'username'`;
 * - `'+phone'` (digits, spaces, dashes and parentheses after the '+');
 * - an `InputPeer`, used as is.
 */
export type PeerRef =
  | number
  | bigint
  | { readonly type: PeerType; readonly id: bigint }
  | string
  | tl.TypeInputPeer

/** A PeerRef read: what to look up. */
export type ParsedPeerRef =
  | { readonly kind: 'id'; readonly type: PeerType; readonly id: bigint }
  | { readonly kind: 'username'; readonly username: string }
  | { readonly kind: 'phone'; readonly phone: string }
  | { readonly kind: 'input'; readonly peer: tl.TypeInputPeer }

/** Marked ids at or below this are channels (Bot API: -100 followed by the 12-digit-padded id). */
const CHANNEL_MARK = 1_000_000_000_000n
const INT64_MAX = 2n ** 63n - 1n
// Telegram's usernames are 5..32 chars of [A-Za-z0-9_] starting with a letter; older and
// collectible ones are shorter, so 2..64 is accepted and the server judges the rest.
const USERNAME = /^@?([A-Za-z][A-Za-z0-9_]{1,63})$/
const PHONE = /^\+[\d ()-]{5,24}$/
const INPUT_PEERS = new Set(['inputPeerEmpty', 'inputPeerSelf', 'inputPeerChat', 'inputPeerUser', 'inputPeerChannel', 'inputPeerUserFromMessage', 'inputPeerChannelFromMessage'])
const PEER_TYPES = new Set<string>(['user', 'chat', 'channel'])

/** The marked id (Bot API convention) of a bare (type, id). */
export function markedId(type: PeerType, id: bigint): bigint {
  return type === 'user' ? id : type === 'chat' ? -id : -CHANNEL_MARK - id
}

/**
 * Reads a PeerRef. `field` names the argument in the error.
 * @throws UsageError 'bad-argument' for anything that is none of the PeerRef shapes.
 */
export function parsePeerRef(ref: unknown, field = 'peer'): ParsedPeerRef {
  if (typeof ref === 'number') {
    if (!Number.isSafeInteger(ref)) throw UsageError.badArgument(field, `a numeric peer id must be a safe integer (use a bigint beyond 2^53), got ${ref}`)
    return fromMarked(BigInt(ref), field)
  }
  if (typeof ref === 'bigint') return fromMarked(ref, field)
  if (typeof ref === 'string') {
    if (ref.startsWith('+')) {
      if (!PHONE.test(ref)) throw UsageError.badArgument(field, `not a phone number ('+' then 5 to 24 digits, spaces, dashes or parentheses; got ${ref.length} characters)`)
      const phone = ref.replace(/\D/g, '')
      if (phone.length < 5) throw UsageError.badArgument(field, 'a phone number needs at least 5 digits')
      return { kind: 'phone', phone }
    }
    const m = USERNAME.exec(ref)
    if (m === null) throw UsageError.badArgument(field, `not a username ('@name' or 'name': a letter, then letters, digits or '_', 2..64 in all) nor a '+phone'`)
    return { kind: 'username', username: m[1] as string }
  }
  if (typeof ref === 'object' && ref !== null) {
    const o = ref as { readonly _?: unknown; readonly type?: unknown; readonly id?: unknown }
    if (typeof o._ === 'string') {
      if (!INPUT_PEERS.has(o._)) throw UsageError.badArgument(field, `${o._} is not an InputPeer`)
      return { kind: 'input', peer: ref as tl.TypeInputPeer }
    }
    if (typeof o.type === 'string' && PEER_TYPES.has(o.type)) {
      if (typeof o.id !== 'bigint' || o.id <= 0n || o.id > INT64_MAX) throw UsageError.badArgument(`${field}.id`, 'must be a positive bigint (the bare TL id)')
      return { kind: 'id', type: o.type as PeerType, id: o.id }
    }
    throw UsageError.badArgument(field, "an object peer must be an InputPeer ({ _: 'inputPeer…' }) or { type: 'user' | 'chat' | 'channel', id }")
  }
  throw UsageError.badArgument(field, `expected a marked id, { type, id }, '@username', '+phone' or an InputPeer, got ${ref === null ? 'null' : typeof ref}`)
}

function fromMarked(marked: bigint, field: string): ParsedPeerRef {
  if (marked > 0n && marked <= INT64_MAX) return { kind: 'id', type: 'user', id: marked }
  if (marked < 0n && marked > -CHANNEL_MARK) return { kind: 'id', type: 'chat', id: -marked }
  if (marked < -CHANNEL_MARK && -CHANNEL_MARK - marked <= INT64_MAX) return { kind: 'id', type: 'channel', id: -CHANNEL_MARK - marked }
  throw UsageError.badArgument(field, `${marked} is not a marked peer id (> 0 user, -1…-999999999999 chat, -100… channel)`)
}
