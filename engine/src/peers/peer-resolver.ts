// PeerRef → InputPeer: memory, then the store, then the network (contacts.resolveUsername,
// users.getUsers / channels.getChannels with access hash 0, contacts.resolvePhone). Whatever the
// network returns is absorbed by the account's call path, so the next resolve is local.
import type { PeerRecord, PeerType } from '@mtswarm/storage'
import { RpcError, UsageError } from '../errors/index.js'
import type { ResultOf, tl } from '../tl/index.js'
import type { PeerCache } from './peer-cache.js'
import { inputPeerOf, peerOf, type SeenPeer } from './peer-records.js'
import { parsePeerRef, type PeerRef } from './peer-ref.js'

/** Calls a method on the account (results pass through its peer cache). */
export type PeerInvoke = <M extends tl.RpcMethod>(request: M) => Promise<ResultOf<M>>

/**
 * The InputPeer of `ref` for this account. A min record (https://core.telegram.org/api/min) is not
 * the account's own access hash, so it is resolved again over the network.
 * @throws UsageError 'bad-argument' for a malformed ref; RpcError when the server does not know it
 *   (USERNAME_NOT_OCCUPIED, PHONE_NOT_OCCUPIED, PEER_ID_INVALID …).
 */
export async function resolvePeerRef(cache: PeerCache, ref: PeerRef, invoke: PeerInvoke): Promise<tl.TypeInputPeer> {
  const parsed = parsePeerRef(ref)
  switch (parsed.kind) {
    case 'input':
      return parsed.peer
    case 'id':
      return inputPeerOf(await byId(cache, parsed.type, parsed.id, invoke))
    case 'username': {
      const known = await cache.byUsername(parsed.username)
      if (usable(known)) return inputPeerOf(known)
      const found = await invoke({ _: 'contacts.resolveUsername', username: parsed.username })
      return inputPeerOf(pick(found, 'contacts.resolveUsername'))
    }
    case 'phone': {
      const known = await cache.byPhone(parsed.phone)
      if (usable(known)) return inputPeerOf(known)
      const found = pick(await invoke({ _: 'contacts.resolvePhone', phone: parsed.phone }), 'contacts.resolvePhone')
      // NB: Telegram shows a phone only to contacts; the user it resolved to holds it all the same.
      if (found.type === 'user') cache.remember({ ...found, phone: parsed.phone })
      return inputPeerOf(found)
    }
  }
}

/** The InputUser of an InputPeer that names a user. */
export function inputUserOf(peer: tl.TypeInputPeer): tl.TypeInputUser {
  switch (peer._) {
    case 'inputPeerUser':
      return { _: 'inputUser', userId: peer.userId, accessHash: peer.accessHash }
    case 'inputPeerSelf':
      return { _: 'inputUserSelf' }
    case 'inputPeerUserFromMessage':
      return { _: 'inputUserFromMessage', peer: peer.peer, msgId: peer.msgId, userId: peer.userId }
    default:
      throw UsageError.badArgument('peer', `${peer._} is not a user`)
  }
}

/** The InputChannel of an InputPeer that names a channel or supergroup. */
export function inputChannelOf(peer: tl.TypeInputPeer): tl.TypeInputChannel {
  switch (peer._) {
    case 'inputPeerChannel':
      return { _: 'inputChannel', channelId: peer.channelId, accessHash: peer.accessHash }
    case 'inputPeerChannelFromMessage':
      return { _: 'inputChannelFromMessage', peer: peer.peer, msgId: peer.msgId, channelId: peer.channelId }
    default:
      throw UsageError.badArgument('peer', `${peer._} is not a channel`)
  }
}

const usable = (p: PeerRecord | undefined): p is PeerRecord => p !== undefined && p.min !== true

async function byId(cache: PeerCache, type: PeerType, id: bigint, invoke: PeerInvoke): Promise<Pick<PeerRecord, 'type' | 'id' | 'accessHash'>> {
  // A basic chat has no access hash: nothing to look up.
  if (type === 'chat') return { type, id, accessHash: 0n }
  const known = await cache.lookup(type, id)
  if (usable(known)) return known
  // NB: access hash 0 is what Telegram accepts from bots for users and channels they have met.
  if (type === 'user') {
    const users = await invoke({ _: 'users.getUsers', id: [{ _: 'inputUser', userId: id, accessHash: 0n }] })
    const found = users.map((u) => peerOf(u)).find((p) => p?.type === 'user' && p.id === id && p.min !== true)
    if (found === undefined) throw RpcError.from(400, 'PEER_ID_INVALID', 'users.getUsers')
    return found
  }
  const chats = await invoke({ _: 'channels.getChannels', id: [{ _: 'inputChannel', channelId: id, accessHash: 0n }] })
  const found = chats.chats.map((c) => peerOf(c)).find((p) => p?.type === 'channel' && p.id === id && p.min !== true)
  if (found === undefined) throw RpcError.from(400, 'CHANNEL_INVALID', 'channels.getChannels')
  return found
}

/** The peer a contacts.resolvedPeer names, from its own vectors. */
function pick(resolved: tl.contacts.TypeResolvedPeer, method: string): SeenPeer {
  const want = resolved.peer
  const [type, id]: [PeerType, bigint] =
    want._ === 'peerUser' ? ['user', want.userId] : want._ === 'peerChat' ? ['chat', want.chatId] : ['channel', want.channelId]
  for (const obj of [...resolved.users, ...resolved.chats]) {
    const p = peerOf(obj)
    if (p !== undefined && p.type === type && p.id === id) return p
  }
  throw RpcError.from(400, 'PEER_ID_INVALID', method)
}
