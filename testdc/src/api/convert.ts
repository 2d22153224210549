// World records → layer-227 TL objects as one viewer sees them (users with access hashes and the
// `self` flag, chats and channels with `creator`/`left`, messages with `out` relative to the
// viewer), and TL input constructors → world references. Knows no methods and no sessions.
import type { tl } from '@mtswarm/engine/tl'
import {
  worldErrors,
  type ChatMember,
  type Peer,
  type PeerRef,
  type UserRef,
  type World,
  type WorldChannel,
  type WorldChat,
  type WorldMessage,
  type WorldUpdate,
  type WorldUser,
  type MessageAction,
} from '../world/index.js'

/** Whose eyes a TL object is built for: `userId` undefined before login. */
export interface Viewer {
  readonly world: World
  readonly userId: bigint | undefined
}

/** How long `userStatusOnline` lasts for the viewer itself (Telegram's online window is ~5 min). */
export const SELF_ONLINE_S = 300

const chatPhotoEmpty: tl.RawChatPhotoEmpty = { _: 'chatPhotoEmpty' }

/** `user` for `viewer`: never `min`; `self` and the phone only for the viewer's own account. */
export function userToTl(user: WorldUser, viewer: Viewer): tl.RawUser {
  const self = user.id === viewer.userId
  const status: tl.TypeUserStatus = self
    ? { _: 'userStatusOnline', expires: viewer.world.now() + SELF_ONLINE_S }
    : { _: 'userStatusRecently' }
  return {
    _: 'user',
    self,
    bot: user.bot,
    deleted: user.deactivated,
    id: user.id,
    accessHash: user.accessHash,
    firstName: user.firstName,
    lastName: user.lastName,
    username: user.username,
    phone: self ? user.phone : undefined,
    status: user.deactivated ? undefined : status,
    // https://core.telegram.org/constructor/user: bot_info_version is set for every bot.
    botInfoVersion: user.bot ? 1 : undefined,
  }
}

/** `chat` (basic group) for `viewer`: `left` when the viewer is not a member. */
export function chatToTl(chat: WorldChat, viewer: Viewer): tl.RawChat {
  return {
    _: 'chat',
    creator: chat.creatorId === viewer.userId,
    left: viewer.userId === undefined || !chat.members.has(viewer.userId),
    id: chat.id,
    title: chat.title,
    photo: chatPhotoEmpty,
    participantsCount: chat.members.size,
    date: chat.date,
    version: chat.version,
  }
}

/** `channel` (broadcast or supergroup) for `viewer`, with its access hash. */
export function channelToTl(channel: WorldChannel, viewer: Viewer): tl.RawChannel {
  return {
    _: 'channel',
    creator: channel.creatorId === viewer.userId,
    left: viewer.userId === undefined || !channel.members.has(viewer.userId),
    broadcast: !channel.megagroup,
    megagroup: channel.megagroup,
    id: channel.id,
    accessHash: channel.accessHash,
    title: channel.title,
    username: channel.username,
    photo: chatPhotoEmpty,
    date: channel.date,
    participantsCount: channel.members.size,
  }
}

export function peerToTl(peer: Peer): tl.TypePeer {
  switch (peer.type) {
    case 'user':
      return { _: 'peerUser', userId: peer.id }
    case 'chat':
      return { _: 'peerChat', chatId: peer.id }
    case 'channel':
      return { _: 'peerChannel', channelId: peer.id }
  }
}

function actionToTl(action: MessageAction): tl.TypeMessageAction {
  switch (action.type) {
    case 'chatCreate':
      return { _: 'messageActionChatCreate', title: action.title, users: [...action.userIds] }
    case 'chatAddUser':
      return { _: 'messageActionChatAddUser', users: [...action.userIds] }
    case 'chatJoinedByLink':
      return { _: 'messageActionChatJoinedByLink', inviterId: action.inviterId }
    case 'chatDeleteUser':
      return { _: 'messageActionChatDeleteUser', userId: action.userId }
    case 'channelCreate':
      return { _: 'messageActionChannelCreate', title: action.title }
  }
}

/**
 * `message` / `messageService` as `viewer` sees it. Box messages (private chats, basic groups)
 * are already the viewer's own copy; channel messages are shared, so `out` is computed here.
 * `from_id` is set whenever the world knows the sender (broadcast posts have none).
 */
export function messageToTl(m: WorldMessage, viewer: Viewer): tl.RawMessage | tl.RawMessageService {
  const out = m.box === 'user' ? m.out : m.fromId !== undefined && m.fromId === viewer.userId
  const post = m.box === 'channel' && m.post
  const fromId: tl.TypePeer | undefined = m.fromId === undefined ? undefined : { _: 'peerUser', userId: m.fromId }
  const peerId = peerToTl(m.peer)
  if (m.action !== undefined) {
    return { _: 'messageService', out, post, id: m.id, fromId, peerId, date: m.date, action: actionToTl(m.action) }
  }
  return { _: 'message', out, post, id: m.id, fromId, peerId, date: m.date, message: m.text }
}

export function chatParticipantToTl(member: ChatMember): tl.TypeChatParticipant {
  switch (member.role) {
    case 'creator':
      return { _: 'chatParticipantCreator', userId: member.userId }
    case 'admin':
      return { _: 'chatParticipantAdmin', userId: member.userId, inviterId: member.inviterId, date: member.date }
    case 'member':
      return { _: 'chatParticipant', userId: member.userId, inviterId: member.inviterId, date: member.date }
  }
}

/** The `users` and `chats` vectors that go next to `items` in a TL answer. */
export function peersToTl(
  viewer: Viewer,
  items: ReadonlyArray<WorldMessage | WorldUpdate>,
  extra: { users?: readonly bigint[]; chats?: readonly Peer[] } = {},
): { users: tl.TypeUser[]; chats: tl.TypeChat[] } {
  const { world } = viewer
  const found = world.peersOf(items)
  const users = new Map<bigint, WorldUser>()
  for (const u of found.users) users.set(u.id, u)
  for (const id of extra.users ?? []) {
    const u = world.user(id)
    if (u !== undefined) users.set(u.id, u)
  }
  const chats = new Map<string, tl.TypeChat>()
  for (const c of found.chats) chats.set(`chat:${c.id}`, chatToTl(c, viewer))
  for (const c of found.channels) chats.set(`channel:${c.id}`, channelToTl(c, viewer))
  for (const p of extra.chats ?? []) {
    const key = `${p.type}:${p.id}`
    if (chats.has(key)) continue
    const chat = p.type === 'chat' ? world.chat(p.id) : p.type === 'channel' ? world.channel(p.id) : undefined
    if (chat?.type === 'chat') chats.set(key, chatToTl(chat, viewer))
    else if (chat?.type === 'channel') chats.set(key, channelToTl(chat, viewer))
  }
  return { users: [...users.values()].map((u) => userToTl(u, viewer)), chats: [...chats.values()] }
}

// ---------------------------------------------------------------- input constructors → world refs

/**
 * A user access hash as the world checks it.
 * NB: 0 means "unchecked": GramJS and mtcute send `inputUser(id, 0)` for ids missing from their
 * cache (test/docs/interop.md), and Telegram accepts that for users the caller has seen.
 */
function userHash(accessHash: bigint): bigint | undefined {
  return accessHash === 0n ? undefined : accessHash
}

/** InputPeer → world PeerRef; `me` resolves inputPeerSelf. PEER_ID_INVALID for inputPeerEmpty. */
export function inputPeerToRef(input: tl.TypeInputPeer, me: bigint): PeerRef {
  switch (input._) {
    case 'inputPeerSelf':
      return { type: 'user', id: me }
    case 'inputPeerUser':
      return { type: 'user', id: input.userId, accessHash: userHash(input.accessHash) }
    case 'inputPeerChat':
      return { type: 'chat', id: input.chatId }
    case 'inputPeerChannel':
      return { type: 'channel', id: input.channelId, accessHash: input.accessHash }
    case 'inputPeerUserFromMessage':
      return { type: 'user', id: input.userId }
    case 'inputPeerChannelFromMessage':
      return { type: 'channel', id: input.channelId }
    case 'inputPeerEmpty':
      throw worldErrors.peerIdInvalid()
  }
}

/** InputUser → world UserRef; USER_ID_INVALID for inputUserEmpty. */
export function inputUserToRef(input: tl.TypeInputUser, me: bigint): UserRef {
  switch (input._) {
    case 'inputUserSelf':
      return { id: me }
    case 'inputUser':
      return { id: input.userId, accessHash: userHash(input.accessHash) }
    case 'inputUserFromMessage':
      return { id: input.userId }
    case 'inputUserEmpty':
      throw worldErrors.userIdInvalid()
  }
}

/** InputChannel → world channel reference; CHANNEL_INVALID for inputChannelEmpty. */
export function inputChannelToRef(input: tl.TypeInputChannel): { id: bigint; accessHash?: bigint } {
  switch (input._) {
    case 'inputChannel':
      return { id: input.channelId, accessHash: input.accessHash }
    case 'inputChannelFromMessage':
      return { id: input.channelId }
    case 'inputChannelEmpty':
      throw worldErrors.channelInvalid()
  }
}
