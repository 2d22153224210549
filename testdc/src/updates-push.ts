// Pushing the world's update deliveries to online sessions: the default TL shape (`updates`
// with updateNewMessage / updateNewChannelMessage / updateChatParticipants / updateChannel, plus
// the users and chats they mention) and the fan-out to every online session of the user.
// Knows nothing of framing; sessions encode at their own layer.
// https://core.telegram.org/api/updates
import type { tl } from '@mtswarm/engine/tl'
import type { DcServer } from './dc-server.js'
import type { TlValue } from './types.js'
import type { BoxMessage, ChannelMessage, Peer, UpdateDelivery, World, WorldUpdate, WorldUser } from './world/index.js'

const chatPhotoEmpty: tl.TypeChatPhoto = { _: 'chatPhotoEmpty' }

function tlPeer(p: Peer): tl.TypePeer {
  if (p.type === 'user') return { _: 'peerUser', userId: p.id }
  if (p.type === 'chat') return { _: 'peerChat', chatId: p.id }
  return { _: 'peerChannel', channelId: p.id }
}

/** A world user as `user`, seen by `selfId`. */
export function tlUser(u: WorldUser, selfId: bigint): tl.RawUser {
  return {
    _: 'user',
    self: u.id === selfId,
    bot: u.bot,
    id: u.id,
    accessHash: u.accessHash,
    firstName: u.firstName,
    lastName: u.lastName,
    username: u.username,
    phone: u.id === selfId ? u.phone : undefined,
  } as tl.RawUser
}

function tlAction(m: BoxMessage | ChannelMessage): tl.TypeMessageAction | undefined {
  const a = m.action
  if (a === undefined) return undefined
  switch (a.type) {
    case 'chatCreate':
      return { _: 'messageActionChatCreate', title: a.title, users: [...a.userIds] }
    case 'chatAddUser':
      return { _: 'messageActionChatAddUser', users: [...a.userIds] }
    case 'chatJoinedByLink':
      return { _: 'messageActionChatJoinedByLink', inviterId: a.inviterId }
    case 'chatDeleteUser':
      return { _: 'messageActionChatDeleteUser', userId: a.userId }
    case 'channelCreate':
      return { _: 'messageActionChannelCreate', title: a.title }
  }
}

/** A world message as `message` / `messageService`. */
export function tlMessage(m: BoxMessage | ChannelMessage): tl.TypeMessage {
  const fromId: tl.TypePeer | undefined = m.fromId === undefined || (m.box === 'channel' && m.post) ? undefined : { _: 'peerUser', userId: m.fromId }
  const out = m.box === 'user' ? m.out : false
  const action = tlAction(m)
  if (action !== undefined) {
    return { _: 'messageService', out, id: m.id, fromId, peerId: tlPeer(m.peer), date: m.date, action } as tl.RawMessageService
  }
  return { _: 'message', out, id: m.id, fromId, peerId: tlPeer(m.peer), date: m.date, message: m.text } as tl.RawMessage
}

function tlUpdate(u: WorldUpdate): tl.TypeUpdate {
  switch (u.kind) {
    case 'newMessage':
      return { _: 'updateNewMessage', message: tlMessage(u.message), pts: u.pts, ptsCount: u.ptsCount }
    case 'newChannelMessage':
      return { _: 'updateNewChannelMessage', message: tlMessage(u.message), pts: u.pts, ptsCount: u.ptsCount }
    case 'chatParticipants':
      return {
        _: 'updateChatParticipants',
        participants: {
          _: 'chatParticipants',
          chatId: u.chatId,
          version: u.version,
          participants: u.participants.map((p): tl.TypeChatParticipant => {
            if (p.role === 'creator') return { _: 'chatParticipantCreator', userId: p.userId }
            if (p.role === 'admin') return { _: 'chatParticipantAdmin', userId: p.userId, inviterId: p.inviterId, date: p.date }
            return { _: 'chatParticipant', userId: p.userId, inviterId: p.inviterId, date: p.date }
          }),
        },
      }
    case 'chatParticipantAdd':
      return { _: 'updateChatParticipantAdd', chatId: u.chatId, userId: u.userId, inviterId: u.inviterId, date: u.date, version: u.version }
    case 'channel':
      return { _: 'updateChannel', channelId: u.channelId }
  }
}

/** The default {@link UpdatesHook}: one `updates` object per delivery. */
export function defaultUpdates(delivery: UpdateDelivery, world: World): TlValue | undefined {
  if (delivery.updates.length === 0) return undefined
  // The users and chats the updates mention (World.peersOf), plus the recipient itself first.
  const peers = world.peersOf(delivery.updates)
  const self = world.user(delivery.userId)
  const users = (self === undefined ? peers.users : [self, ...peers.users.filter((u) => u.id !== self.id)]).map((u) =>
    tlUser(u, delivery.userId),
  )
  const chats: tl.TypeChat[] = peers.chats.map((c) => ({
    _: 'chat',
    id: c.id,
    title: c.title,
    photo: chatPhotoEmpty,
    participantsCount: c.members.size,
    date: c.date,
    version: c.version,
  }))
  for (const c of peers.channels) {
    chats.push({
      _: 'channel',
      id: c.id,
      accessHash: c.accessHash,
      title: c.title,
      username: c.username,
      photo: chatPhotoEmpty,
      date: c.date,
      megagroup: c.megagroup,
      broadcast: !c.megagroup,
    } as tl.RawChannel)
  }
  return {
    _: 'updates',
    updates: delivery.updates.map(tlUpdate),
    users,
    chats,
    date: delivery.date,
    seq: delivery.seq,
  } satisfies tl.RawUpdates as unknown as TlValue
}

/**
 * Sends one delivery to every online session of the user on every DC, except sessions of the
 * auth key that caused it (its caller gets the change in the RPC answer).
 */
export function pushDelivery(delivery: UpdateDelivery, world: World, dcs: ReadonlyMap<number, DcServer>, toTl: (d: UpdateDelivery, w: World) => TlValue | undefined): number {
  let pushed = 0
  let obj: TlValue | undefined
  let built = false
  for (const ctx of world.authKeysOf(delivery.userId)) {
    if (delivery.origin !== undefined && delivery.origin.dcId === ctx.dcId && delivery.origin.authKeyId === ctx.authKeyId) continue
    const dc = dcs.get(ctx.dcId)
    if (dc === undefined) continue
    for (const session of dc.sessionsOf(ctx.authKeyId).values()) {
      if (!session.online || session.updatesDisabled) continue
      if (!built) {
        obj = toTl(delivery, world)
        built = true
      }
      if (obj === undefined) return 0
      session.push(obj)
      pushed++
    }
  }
  return pushed
}
