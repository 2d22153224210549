// Basic groups, channels, invite links and messages of the world, with the updates each change
// means for every user it concerns. Callers pass an already-authorized user; who is logged in
// where, and TL, are not known here.
import { Directory, peerKey } from './directory.js'
import { worldErrors } from './errors.js'
import { randomBase64Url, type RandomSource } from './seeded-random.js'
import type { UpdateHub } from './update-hub.js'
import type {
  BoxMessage,
  CallContext,
  ChannelMessage,
  ChatMember,
  MessageAction,
  Peer,
  PeerRef,
  UserRef,
  WorldChannel,
  WorldChat,
  WorldMessage,
  WorldUpdate,
  WorldUser,
} from './types.js'

/** https://core.telegram.org/method/messages.sendMessage: longer text is MESSAGE_TOO_LONG. */
export const MAX_MESSAGE_LENGTH = 4096
/** Cap of messages.getHistory `limit`, as Telegram's. */
export const MAX_HISTORY_LIMIT = 100
const INVITE_LINK_PREFIX = 'https://t.me/+'

/** An invite link (chatInviteExported). */
export interface ChatInvite {
  readonly hash: string
  readonly link: string
  readonly peer: Peer
  readonly adminId: bigint
  readonly date: number
  readonly expireDate: number | undefined
  readonly usageLimit: number | undefined
  readonly title: string | undefined
  usage: number
  revoked: boolean
}

export interface InviteOptions {
  /** Unix seconds after which the link stops working. */
  readonly expireDate?: number
  readonly usageLimit?: number
  readonly title?: string
}

/** messages.checkChatInvite, as world data. */
export type InviteCheck =
  | { readonly kind: 'already'; readonly peer: Peer }
  | {
      readonly kind: 'invite'
      readonly peer: Peer
      readonly title: string
      readonly participantsCount: number
      readonly broadcast: boolean
      readonly megagroup: boolean
    }

/** What sendMessage did: the sender's copy and the pts it took (the channel's pts in channels). */
export interface SendResult {
  readonly message: WorldMessage
  readonly pts: number
  readonly ptsCount: 1
  /** True when this (sender, randomId) was already sent: nothing new happened. */
  readonly duplicate: boolean
}

/** How a user became a member, or stopped being one. */
export type JoinVia = 'create' | 'add' | 'invite-link' | 'join'
export type LeaveVia = 'leave' | 'kick'

/** One membership change, in the order they happened. */
export interface MembershipRecord {
  readonly kind: 'join' | 'leave'
  readonly peer: Peer
  readonly userId: bigint
  readonly via: JoinVia | LeaveVia
  readonly date: number
}

interface LogicalMessage {
  readonly logicalId: number
  readonly senderId: bigint | undefined
  readonly randomId: bigint | undefined
  readonly peer: Peer
  readonly service: boolean
}

interface UserBox {
  lastId: number
  readonly byDialog: Map<string, BoxMessage[]>
}

interface ChannelBox {
  lastId: number
  readonly messages: ChannelMessage[]
}

export class Conversations {
  readonly invites = new Map<string, ChatInvite>()
  readonly membership: MembershipRecord[] = []
  /** peerKey → joins so far (a rejoin counts again). */
  readonly joinCounts = new Map<string, number>()
  readonly logical: LogicalMessage[] = []
  private readonly boxes = new Map<bigint, UserBox>()
  private readonly channelBoxes = new Map<bigint, ChannelBox>()
  private readonly sent = new Map<string, { peer: string; result: SendResult }>()

  constructor(
    private readonly dir: Directory,
    private readonly hub: UpdateHub,
    private readonly random: RandomSource,
    private readonly nowSeconds: () => number,
  ) {}

  // ---- basic groups ----

  createChat(actor: WorldUser, title: string, users: readonly UserRef[], origin: CallContext | undefined): WorldChat {
    if (title.trim() === '') throw worldErrors.chatTitleEmpty()
    const invited = users.map((ref) => this.dir.requireUser(ref)).filter((u) => u.id !== actor.id)
    const date = this.nowSeconds()
    const chat: WorldChat = {
      type: 'chat',
      id: this.dir.allocateChatId(),
      title,
      creatorId: actor.id,
      date,
      version: 1,
      members: new Map(),
    }
    this.dir.chats.set(chat.id, chat)
    this.addMember(chat, actor.id, actor.id, 'creator', 'create')
    for (const u of invited) if (!chat.members.has(u.id)) this.addMember(chat, u.id, actor.id, 'member', 'create')
    const userIds = [...chat.members.keys()].filter((id) => id !== actor.id)
    this.postToChat(chat, actor.id, '', { type: 'chatCreate', title, userIds }, undefined, origin)
    return chat
  }

  addChatUser(actor: WorldUser, chatId: bigint, user: UserRef, origin: CallContext | undefined): void {
    const chat = this.memberChat(actor, chatId)
    const target = this.dir.requireUser(user)
    if (chat.members.has(target.id)) throw worldErrors.userAlreadyParticipant()
    this.addMember(chat, target.id, actor.id, 'member', 'add')
    chat.version++
    this.postToChat(chat, actor.id, '', { type: 'chatAddUser', userIds: [target.id] }, undefined, origin)
  }

  /**
   * messages.deleteChatUser: leaving (user = actor) or removing someone (creator/admins only).
   * The removed user still gets the chatDeleteUser service message, as in Telegram.
   */
  deleteChatUser(actor: WorldUser, chatId: bigint, user: UserRef, origin: CallContext | undefined): void {
    const chat = this.memberChat(actor, chatId)
    const target = this.dir.requireUser(user)
    if (!chat.members.has(target.id)) throw worldErrors.userNotParticipant()
    if (target.id !== actor.id && !isAdmin(chat, actor.id)) throw worldErrors.chatAdminRequired()
    const recipients = [...chat.members.keys()]
    this.removeMember(chat, target.id, target.id === actor.id ? 'leave' : 'kick')
    chat.version++
    this.postToChat(chat, actor.id, '', { type: 'chatDeleteUser', userId: target.id }, undefined, origin, recipients)
  }

  // ---- channels and supergroups ----

  createChannel(
    actor: WorldUser,
    spec: { title: string; about?: string; megagroup?: boolean },
    origin: CallContext | undefined,
  ): WorldChannel {
    if (spec.title.trim() === '') throw worldErrors.chatTitleEmpty()
    const channel: WorldChannel = {
      type: 'channel',
      id: this.dir.allocateChannelId(),
      accessHash: this.randomHash(),
      title: spec.title,
      about: spec.about ?? '',
      username: undefined,
      megagroup: spec.megagroup ?? false,
      creatorId: actor.id,
      date: this.nowSeconds(),
      members: new Map(),
      pts: 0,
    }
    this.dir.channels.set(channel.id, channel)
    this.channelBoxes.set(channel.id, { lastId: 0, messages: [] })
    this.addMember(channel, actor.id, actor.id, 'creator', 'create')
    this.hub.deliver(actor.id, [{ kind: 'channel', channelId: channel.id }], origin)
    this.postToChannel(channel, actor.id, '', { type: 'channelCreate', title: spec.title }, undefined, origin)
    return channel
  }

  /** channels.inviteToChannel: returns the users actually added (members already in are skipped). */
  inviteToChannel(
    actor: WorldUser,
    channelRef: { id: bigint; accessHash?: bigint },
    users: readonly UserRef[],
    origin: CallContext | undefined,
  ): bigint[] {
    const channel = this.memberChannel(actor, channelRef)
    if (!channel.megagroup && !isAdmin(channel, actor.id)) throw worldErrors.chatAdminRequired()
    const targets = users.map((ref) => this.dir.requireUser(ref))
    const added: bigint[] = []
    for (const u of targets) {
      if (channel.members.has(u.id) || added.includes(u.id)) continue
      this.addMember(channel, u.id, actor.id, 'member', 'add')
      added.push(u.id)
    }
    for (const id of added) this.hub.deliver(id, [{ kind: 'channel', channelId: channel.id }], origin)
    if (added.length > 0 && channel.megagroup) {
      this.postToChannel(channel, actor.id, '', { type: 'chatAddUser', userIds: added }, undefined, origin)
    }
    return added
  }

  /** channels.joinChannel: public (username) channels only. */
  joinChannel(user: WorldUser, channelRef: { id: bigint; accessHash?: bigint }, origin: CallContext | undefined): void {
    const channel = this.dir.requireChannel(channelRef)
    if (channel.members.has(user.id)) throw worldErrors.userAlreadyParticipant()
    if (channel.username === undefined) throw worldErrors.channelPrivate()
    this.joinChannelMember(channel, user.id, user.id, 'join', undefined, origin)
  }

  /** channels.leaveChannel: USER_NOT_PARTICIPANT when not a member. */
  leaveChannel(user: WorldUser, channelRef: { id: bigint; accessHash?: bigint }, origin: CallContext | undefined): void {
    const channel = this.dir.requireChannel(channelRef)
    if (!channel.members.has(user.id)) throw worldErrors.userNotParticipant()
    if (channel.megagroup) {
      this.postToChannel(channel, user.id, '', { type: 'chatDeleteUser', userId: user.id }, undefined, origin)
    }
    this.removeMember(channel, user.id, 'leave')
    this.hub.deliver(user.id, [{ kind: 'channel', channelId: channel.id }], origin)
  }

  // ---- invite links ----

  exportChatInvite(actor: WorldUser, ref: PeerRef, options: InviteOptions = {}): ChatInvite {
    const peer = this.dir.requirePeer(ref)
    const group = this.groupOf(peer)
    if (!group.members.has(actor.id)) throw peer.type === 'channel' ? worldErrors.channelPrivate() : worldErrors.peerIdInvalid()
    if (!isAdmin(group, actor.id)) throw worldErrors.chatAdminRequired()
    let hash = randomBase64Url(this.random, 12)
    while (this.invites.has(hash)) hash = randomBase64Url(this.random, 12)
    const invite: ChatInvite = {
      hash,
      link: INVITE_LINK_PREFIX + hash,
      peer,
      adminId: actor.id,
      date: this.nowSeconds(),
      expireDate: options.expireDate,
      usageLimit: options.usageLimit,
      title: options.title,
      usage: 0,
      revoked: false,
    }
    this.invites.set(hash, invite)
    return invite
  }

  /** messages.editExportedChatInvite with revoked: the link stops working (INVITE_HASH_EXPIRED). */
  revokeChatInvite(actor: WorldUser, hash: string): ChatInvite {
    const invite = this.invites.get(hash)
    if (invite === undefined) throw worldErrors.inviteHashInvalid()
    if (!isAdmin(this.groupOf(invite.peer), actor.id)) throw worldErrors.chatAdminRequired()
    invite.revoked = true
    return invite
  }

  checkChatInvite(viewer: WorldUser, hash: string): InviteCheck {
    const invite = this.usableInvite(hash)
    const group = this.groupOf(invite.peer)
    if (group.members.has(viewer.id)) return { kind: 'already', peer: invite.peer }
    return {
      kind: 'invite',
      peer: invite.peer,
      title: group.title,
      participantsCount: group.members.size,
      broadcast: group.type === 'channel' && !group.megagroup,
      megagroup: group.type === 'channel' && group.megagroup,
    }
  }

  /** messages.importChatInvite: joins once; a second import is USER_ALREADY_PARTICIPANT. */
  importChatInvite(user: WorldUser, hash: string, origin: CallContext | undefined): Peer {
    const invite = this.usableInvite(hash)
    const group = this.groupOf(invite.peer)
    if (group.members.has(user.id)) throw worldErrors.userAlreadyParticipant()
    invite.usage++
    const action: MessageAction = { type: 'chatJoinedByLink', inviterId: invite.adminId }
    if (group.type === 'chat') {
      this.addMember(group, user.id, invite.adminId, 'member', 'invite-link')
      group.version++
      this.postToChat(group, user.id, '', action, undefined, origin)
    } else {
      this.joinChannelMember(group, user.id, invite.adminId, 'invite-link', action, origin)
    }
    return invite.peer
  }

  // ---- messages ----

  /**
   * messages.sendMessage. A (sender, randomId) pair already seen returns the first result with
   * `duplicate: true` and changes nothing, so a retried RPC never duplicates a message.
   */
  sendMessage(actor: WorldUser, ref: PeerRef, text: string, randomId: bigint, origin: CallContext | undefined): SendResult {
    const peer = this.dir.requirePeer(ref)
    const dedupKey = `${actor.id}:${randomId}`
    const seen = this.sent.get(dedupKey)
    if (seen !== undefined) {
      if (seen.peer !== peerKey(peer)) throw worldErrors.randomIdDuplicate()
      return { ...seen.result, duplicate: true }
    }
    if (text.trim() === '') throw worldErrors.messageEmpty()
    if (text.length > MAX_MESSAGE_LENGTH) throw worldErrors.messageTooLong()
    let result: SendResult
    if (peer.type === 'user') {
      result = this.postPrivate(actor.id, peer.id, text, randomId, origin)
    } else if (peer.type === 'chat') {
      const chat = this.dir.requireChat(peer.id)
      if (!chat.members.has(actor.id)) throw worldErrors.chatWriteForbidden()
      result = this.postToChat(chat, actor.id, text, undefined, randomId, origin)
    } else {
      const channel = this.dir.requireChannel(peer)
      if (!channel.members.has(actor.id)) {
        throw channel.username === undefined ? worldErrors.channelPrivate() : worldErrors.chatWriteForbidden()
      }
      if (!channel.megagroup && !isAdmin(channel, actor.id)) throw worldErrors.chatAdminRequired()
      result = this.postToChannel(channel, actor.id, text, undefined, randomId, origin)
    }
    this.sent.set(dedupKey, { peer: peerKey(peer), result })
    return result
  }

  /** messages.getHistory as `viewer` sees it: newest first, ids below `offsetId` (0: from the top). */
  getHistory(viewer: WorldUser, ref: PeerRef, options: { offsetId?: number; limit?: number } = {}): WorldMessage[] {
    const peer = this.dir.requirePeer(ref)
    const limit = Math.max(0, Math.min(options.limit ?? 20, MAX_HISTORY_LIMIT))
    const offsetId = options.offsetId ?? 0
    let list: readonly WorldMessage[]
    if (peer.type === 'channel') {
      const channel = this.dir.requireChannel(peer)
      if (!channel.members.has(viewer.id) && channel.username === undefined) throw worldErrors.channelPrivate()
      list = this.channelBoxes.get(channel.id)?.messages ?? []
    } else {
      list = this.boxes.get(viewer.id)?.byDialog.get(peerKey(peer)) ?? []
    }
    const out: WorldMessage[] = []
    for (let i = list.length - 1; i >= 0 && out.length < limit; i--) {
      const m = list[i] as WorldMessage
      if (offsetId === 0 || m.id < offsetId) out.push(m)
    }
    return out
  }

  /** Messages of one user's box, oldest first (private chats and basic groups). */
  boxOf(userId: bigint): BoxMessage[] {
    const box = this.boxes.get(userId)
    if (box === undefined) return []
    return [...box.byDialog.values()].flat().sort((a, b) => a.id - b.id)
  }

  /**
   * Whether an earlier message of the same dialog in the owner's box already named every peer
   * `message` names: in a private chat any earlier message (it carried both users), in a basic
   * group an earlier message from the same sender. Looks back at most `lookback` messages.
   */
  peersSeenBefore(message: BoxMessage, lookback: number): boolean {
    const list = this.boxes.get(message.ownerId)?.byDialog.get(peerKey(message.peer))
    if (list === undefined) return false
    let i = list.length - 1
    while (i >= 0 && (list[i] as BoxMessage).id !== message.id) i--
    for (let j = i - 1; j >= 0 && j >= i - lookback; j--) {
      if (message.peer.type === 'user' || (list[j] as BoxMessage).fromId === message.fromId) return true
    }
    return false
  }

  channelMessages(channelId: bigint): readonly ChannelMessage[] {
    return this.channelBoxes.get(channelId)?.messages ?? []
  }

  /** messages.getDialogs: every dialog of `viewer` with its newest message, newest first. */
  dialogsOf(viewer: WorldUser): Array<{ peer: Peer; topMessage: WorldMessage }> {
    const out: Array<{ peer: Peer; topMessage: WorldMessage }> = []
    for (const list of this.boxes.get(viewer.id)?.byDialog.values() ?? []) {
      const top = list[list.length - 1]
      if (top !== undefined) out.push({ peer: top.peer, topMessage: top })
    }
    for (const channel of this.dir.channels.values()) {
      if (!channel.members.has(viewer.id)) continue
      const top = this.channelBoxes.get(channel.id)?.messages.at(-1)
      if (top !== undefined) out.push({ peer: top.peer, topMessage: top })
    }
    return out.sort((a, b) => b.topMessage.date - a.topMessage.date || b.topMessage.logicalId - a.topMessage.logicalId)
  }

  membersOf(peer: Peer): bigint[] {
    return [...this.groupOf(peer).members.keys()]
  }

  groupOf(peer: Peer): WorldChat | WorldChannel {
    if (peer.type === 'chat') return this.dir.requireChat(peer.id)
    if (peer.type === 'channel') return this.dir.requireChannel(peer)
    throw worldErrors.peerIdInvalid()
  }

  // ---- internals ----

  private memberChat(actor: WorldUser, chatId: bigint): WorldChat {
    const chat = this.dir.requireChat(chatId)
    if (!chat.members.has(actor.id)) throw worldErrors.peerIdInvalid()
    return chat
  }

  private memberChannel(actor: WorldUser, ref: { id: bigint; accessHash?: bigint }): WorldChannel {
    const channel = this.dir.requireChannel(ref)
    if (!channel.members.has(actor.id)) throw worldErrors.channelPrivate()
    return channel
  }

  private usableInvite(hash: string): ChatInvite {
    if (hash === '') throw worldErrors.inviteHashEmpty()
    const invite = this.invites.get(hash)
    if (invite === undefined) throw worldErrors.inviteHashInvalid()
    const expired =
      invite.revoked ||
      (invite.expireDate !== undefined && this.nowSeconds() >= invite.expireDate) ||
      (invite.usageLimit !== undefined && invite.usage >= invite.usageLimit)
    if (expired) throw worldErrors.inviteHashExpired()
    return invite
  }

  private addMember(group: WorldChat | WorldChannel, userId: bigint, inviterId: bigint, role: ChatMember['role'], via: JoinVia): void {
    const date = this.nowSeconds()
    group.members.set(userId, { userId, inviterId, date, role })
    const peer: Peer = { type: group.type, id: group.id }
    this.membership.push({ kind: 'join', peer, userId, via, date })
    this.joinCounts.set(peerKey(peer), (this.joinCounts.get(peerKey(peer)) ?? 0) + 1)
  }

  private removeMember(group: WorldChat | WorldChannel, userId: bigint, via: LeaveVia): void {
    group.members.delete(userId)
    this.membership.push({ kind: 'leave', peer: { type: group.type, id: group.id }, userId, via, date: this.nowSeconds() })
  }

  private joinChannelMember(
    channel: WorldChannel,
    userId: bigint,
    inviterId: bigint,
    via: JoinVia,
    action: MessageAction | undefined,
    origin: CallContext | undefined,
  ): void {
    this.addMember(channel, userId, inviterId, 'member', via)
    this.hub.deliver(userId, [{ kind: 'channel', channelId: channel.id }], origin)
    if (channel.megagroup) {
      this.postToChannel(channel, userId, '', action ?? { type: 'chatAddUser', userIds: [userId] }, undefined, origin)
    }
  }

  private newLogical(senderId: bigint | undefined, randomId: bigint | undefined, peer: Peer, service: boolean): number {
    const logicalId = this.logical.length + 1
    this.logical.push({ logicalId, senderId, randomId, peer, service })
    return logicalId
  }

  private putInBox(
    ownerId: bigint,
    dialog: Peer,
    fields: Omit<BoxMessage, 'box' | 'ownerId' | 'id' | 'peer' | 'out'>,
  ): BoxMessage {
    let box = this.boxes.get(ownerId)
    if (box === undefined) {
      box = { lastId: 0, byDialog: new Map() }
      this.boxes.set(ownerId, box)
    }
    const message: BoxMessage = {
      ...fields,
      box: 'user',
      ownerId,
      id: ++box.lastId,
      peer: dialog,
      out: fields.fromId === ownerId,
    }
    const key = peerKey(dialog)
    const list = box.byDialog.get(key)
    if (list === undefined) box.byDialog.set(key, [message])
    else list.push(message)
    return message
  }

  private postPrivate(fromId: bigint, toId: bigint, text: string, randomId: bigint, origin: CallContext | undefined): SendResult {
    const date = this.nowSeconds()
    const common = { fromId, date, text, action: undefined, randomId }
    const logicalId = this.newLogical(fromId, randomId, { type: 'user', id: toId }, false)
    const mine = this.putInBox(fromId, { type: 'user', id: toId }, { ...common, logicalId })
    const pts = this.hub.nextPts(fromId)
    this.hub.deliver(fromId, [{ kind: 'newMessage', message: mine, pts, ptsCount: 1 }], origin)
    if (toId !== fromId) {
      const theirs = this.putInBox(toId, { type: 'user', id: fromId }, { ...common, logicalId })
      const theirPts = this.hub.nextPts(toId)
      this.hub.deliver(toId, [{ kind: 'newMessage', message: theirs, pts: theirPts, ptsCount: 1 }], origin)
    }
    return { message: mine, pts, ptsCount: 1, duplicate: false }
  }

  /** One copy per member; members also get the participants list when `action` changed it. */
  private postToChat(
    chat: WorldChat,
    fromId: bigint,
    text: string,
    action: MessageAction | undefined,
    randomId: bigint | undefined,
    origin: CallContext | undefined,
    recipients: readonly bigint[] = [...chat.members.keys()],
  ): SendResult {
    const peer: Peer = { type: 'chat', id: chat.id }
    const logicalId = this.newLogical(fromId, randomId, peer, action !== undefined)
    const fields = { logicalId, fromId, date: this.nowSeconds(), text, action, randomId }
    // The membership update that goes with a service message: one added member for a join by link
    // (as Telegram sends it), the whole list for the other actions (create, add, leave, kick).
    const membership: WorldUpdate | undefined =
      action === undefined
        ? undefined
        : action.type === 'chatJoinedByLink'
          ? { kind: 'chatParticipantAdd', chatId: chat.id, userId: fromId, inviterId: action.inviterId, date: fields.date, version: chat.version }
          : { kind: 'chatParticipants', chatId: chat.id, participants: [...chat.members.values()].map((m) => ({ ...m })), version: chat.version }
    let result: SendResult | undefined
    for (const memberId of recipients) {
      const message = this.putInBox(memberId, peer, fields)
      const pts = this.hub.nextPts(memberId)
      this.hub.deliver(
        memberId,
        membership === undefined
          ? [{ kind: 'newMessage', message, pts, ptsCount: 1 }]
          : [membership, { kind: 'newMessage', message, pts, ptsCount: 1 }],
        origin,
      )
      if (memberId === fromId) result = { message, pts, ptsCount: 1, duplicate: false }
    }
    if (result === undefined) throw new Error('postToChat: the sender is not a recipient') // programmer error
    return result
  }

  private postToChannel(
    channel: WorldChannel,
    fromId: bigint,
    text: string,
    action: MessageAction | undefined,
    randomId: bigint | undefined,
    origin: CallContext | undefined,
  ): SendResult {
    const box = this.channelBoxes.get(channel.id) as ChannelBox
    const peer: Peer = { type: 'channel', id: channel.id }
    const post = !channel.megagroup
    const message: ChannelMessage = {
      box: 'channel',
      logicalId: this.newLogical(fromId, randomId, peer, action !== undefined),
      id: ++box.lastId,
      channelId: channel.id,
      peer,
      post,
      fromId: post && action === undefined ? undefined : fromId,
      date: this.nowSeconds(),
      text,
      action,
      randomId,
    }
    box.messages.push(message)
    const pts = ++channel.pts
    this.hub.recordChannelMessage(message, pts)
    for (const memberId of channel.members.keys()) {
      this.hub.deliver(memberId, [{ kind: 'newChannelMessage', message, pts, ptsCount: 1 }], origin)
    }
    return { message, pts, ptsCount: 1, duplicate: false }
  }

  private randomHash(): bigint {
    const b = this.random(8)
    return new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0) || 1n
  }
}

function isAdmin(group: WorldChat | WorldChannel, userId: bigint): boolean {
  const role = group.members.get(userId)?.role
  return role === 'creator' || role === 'admin'
}
