// Between decoded TL objects and PeerRecords: where the users and chats of a result sit (a
// shallow look, never a walk of the whole tree), what record each constructor makes, and the
// InputPeer / InputUser / InputChannel a record stands for. Pure: no clock, no store.
import type { PeerRecord, PeerType } from '@mtswarm/storage'
import type { tl } from '../tl/index.js'

/** A PeerRecord without its time (the cache stamps it). */
export type SeenPeer = Omit<PeerRecord, 'updatedAtMs'>

/**
 * Calls `see` for every user and chat `obj` carries where Telegram puts them: the top-level
 * `users` and `chats` vectors of any result, Updates or difference (messages.messages,
 * contacts.resolvedPeer, users.userFull, updates.difference, channelDifference …), the `user` of
 * auth.authorization, a Vector<User> or Vector<Chat> result, or a single User/Chat result.
 * NB: deliberately shallow (two property reads per object, then the vectors): a walk of every
 * nested message would cost far more than the peers are worth on the hot path, and Telegram
 * always lists the peers a result mentions in those vectors.
 */
export function forEachPeerIn(obj: unknown, see: (peer: SeenPeer) => void): void {
  if (typeof obj !== 'object' || obj === null) return
  if (Array.isArray(obj)) {
    for (const item of obj) seeOne(item, see)
    return
  }
  const o = obj as { readonly _?: unknown; readonly users?: unknown; readonly chats?: unknown; readonly user?: unknown }
  if (Array.isArray(o.users)) for (const u of o.users) seeOne(u, see)
  if (Array.isArray(o.chats)) for (const c of o.chats) seeOne(c, see)
  if (o._ === 'auth.authorization') seeOne(o.user, see)
  else seeOne(obj, see)
}

/** One User or Chat constructor, if it names a peer the account can address. */
function seeOne(obj: unknown, see: (peer: SeenPeer) => void): void {
  if (typeof obj !== 'object' || obj === null) return
  const peer = peerOf(obj as { readonly _?: unknown })
  if (peer !== undefined) see(peer)
}

/**
 * The record a User/Chat constructor makes, or undefined (userEmpty, chatEmpty, or no access
 * hash to keep). Users and channels marked `min` (https://core.telegram.org/api/min) keep the
 * flag: the store never lets them replace a full access hash.
 */
export function peerOf(obj: { readonly _?: unknown }): SeenPeer | undefined {
  // NB: built field by field, no spreads: this runs for every peer of every result.
  switch (obj._) {
    case 'user': {
      const u = obj as tl.RawUser
      if (u.accessHash === undefined) return undefined
      const p: Mutable<SeenPeer> = { type: 'user', id: u.id, accessHash: u.accessHash }
      if (u.min === true) p.min = true
      const username = mainUsername(u.username, u.usernames)
      if (username !== undefined && STORABLE_USERNAME.test(username)) p.username = username
      if (u.phone !== undefined && STORABLE_PHONE.test(u.phone)) p.phone = u.phone
      return p
    }
    case 'channel': {
      const c = obj as tl.RawChannel
      if (c.accessHash === undefined) return undefined
      const p: Mutable<SeenPeer> = { type: 'channel', id: c.id, accessHash: c.accessHash }
      if (c.min === true) p.min = true
      const username = mainUsername(c.username, c.usernames)
      if (username !== undefined && STORABLE_USERNAME.test(username)) p.username = username
      return p
    }
    case 'channelForbidden': {
      const c = obj as tl.RawChannelForbidden
      return { type: 'channel', id: c.id, accessHash: c.accessHash }
    }
    case 'chat':
    case 'chatForbidden':
      return { type: 'chat', id: (obj as tl.RawChat | tl.RawChatForbidden).id, accessHash: 0n }
    default:
      return undefined
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

// NB: the store refuses names it cannot index; an odd one from the server is dropped, not fatal.
const STORABLE_USERNAME = /^[^@\u0000-\u001f\u007f][^\u0000-\u001f\u007f]{0,199}$/
const STORABLE_PHONE = /^[0-9]{1,32}$/

/** `username`, else the first active one of `usernames` (collectible usernames, https://core.telegram.org/api/fragment). */
function mainUsername(username: string | undefined, usernames: readonly tl.TypeUsername[] | undefined): string | undefined {
  if (username !== undefined && username !== '') return username
  return usernames?.find((u) => u.active === true)?.username
}

/** Stable key of (type, id) within one account. */
export const peerKey = (type: PeerType, id: bigint): string => `${type[0] as string}${id}`

/** The InputPeer a record stands for. */
export function inputPeerOf(p: Pick<PeerRecord, 'type' | 'id' | 'accessHash'>): tl.TypeInputPeer {
  switch (p.type) {
    case 'user':
      return { _: 'inputPeerUser', userId: p.id, accessHash: p.accessHash }
    case 'chat':
      return { _: 'inputPeerChat', chatId: p.id }
    case 'channel':
      return { _: 'inputPeerChannel', channelId: p.id, accessHash: p.accessHash }
  }
}
