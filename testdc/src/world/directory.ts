// The world's tables: users, basic groups, channels, usernames and id allocation. Lookups check
// access hashes; no rule about who may do what lives here. Also which of them a message or update mentions.
import { worldErrors } from './errors.js'
import { randomNonZeroLong, type RandomSource } from './seeded-random.js'
import type { Peer, PeerRef, UserRef, WorldChannel, WorldChat, WorldMessage, WorldUpdate, WorldUser } from './types.js'

/** First ids handed out; sequential after that, so tests read well and runs repeat. */
export const FIRST_USER_ID = 1_000_001n
export const FIRST_CHAT_ID = 5_001n
export const FIRST_CHANNEL_ID = 1_000_000_001n

// https://core.telegram.org/api/username: 5-32 characters, a-z, 0-9 and underscores.
const USERNAME_RE = /^[a-zA-Z][a-zA-Z0-9_]{3,30}[a-zA-Z0-9]$/

/** `+1 (234) 567-89` → `123456789`; undefined when not a phone number. */
export function normalizePhone(phone: string): string | undefined {
  const digits = phone.replace(/[\s()+-]/g, '')
  return /^\d{5,15}$/.test(digits) ? digits : undefined
}

export function peerKey(peer: Peer): string {
  return `${peer.type}:${peer.id}`
}

export class Directory {
  readonly users = new Map<bigint, WorldUser>()
  readonly chats = new Map<bigint, WorldChat>()
  readonly channels = new Map<bigint, WorldChannel>()
  private readonly byPhone = new Map<string, bigint>()
  private readonly byUsername = new Map<string, Peer>()
  private nextUserId = FIRST_USER_ID
  private nextChatId = FIRST_CHAT_ID
  private nextChannelId = FIRST_CHANNEL_ID

  constructor(private readonly random: RandomSource) {}

  addUser(spec: {
    phone: string | undefined
    firstName: string
    lastName?: string | undefined
    username?: string | undefined
    about?: string | undefined
    bot?: boolean
    homeDcId: number
  }): WorldUser {
    if (spec.phone !== undefined && this.byPhone.has(spec.phone)) throw worldErrors.phoneNumberOccupied()
    const user: WorldUser = {
      id: this.nextUserId++,
      accessHash: randomNonZeroLong(this.random),
      phone: spec.phone,
      firstName: spec.firstName,
      lastName: spec.lastName,
      username: undefined,
      about: spec.about,
      bot: spec.bot ?? false,
      homeDcId: spec.homeDcId,
      deactivated: false,
      password: undefined,
    }
    this.users.set(user.id, user)
    if (spec.phone !== undefined) this.byPhone.set(spec.phone, user.id)
    if (spec.username !== undefined) this.setUsername({ type: 'user', id: user.id }, spec.username)
    return user
  }

  allocateChatId(): bigint {
    return this.nextChatId++
  }

  allocateChannelId(): bigint {
    return this.nextChannelId++
  }

  userByPhone(phone: string): WorldUser | undefined {
    const id = this.byPhone.get(phone)
    return id === undefined ? undefined : this.users.get(id)
  }

  /** The user behind `ref`, checking the access hash when one is given. */
  requireUser(ref: UserRef, onMissing = worldErrors.userIdInvalid): WorldUser {
    const user = this.users.get(ref.id)
    if (user === undefined) throw onMissing()
    if (ref.accessHash !== undefined && ref.accessHash !== user.accessHash) throw onMissing()
    return user
  }

  requireChat(id: bigint): WorldChat {
    const chat = this.chats.get(id)
    if (chat === undefined) throw worldErrors.chatIdInvalid()
    return chat
  }

  requireChannel(ref: { id: bigint; accessHash?: bigint }): WorldChannel {
    const channel = this.channels.get(ref.id)
    if (channel === undefined) throw worldErrors.channelInvalid()
    if (ref.accessHash !== undefined && ref.accessHash !== channel.accessHash) throw worldErrors.channelInvalid()
    return channel
  }

  /** Checks that `ref` names an existing peer (and its access hash); PEER_ID_INVALID if not. */
  requirePeer(ref: PeerRef): Peer {
    if (ref.type === 'chat') {
      if (!this.chats.has(ref.id)) throw worldErrors.peerIdInvalid()
    } else {
      const owner = ref.type === 'user' ? this.users.get(ref.id) : this.channels.get(ref.id)
      if (owner === undefined) throw worldErrors.peerIdInvalid()
      if (ref.accessHash !== undefined && ref.accessHash !== owner.accessHash) throw worldErrors.peerIdInvalid()
    }
    return { type: ref.type, id: ref.id }
  }

  /** Sets or clears (undefined) the username of a user or channel. */
  setUsername(peer: Peer, username: string | undefined): void {
    const owner = peer.type === 'user' ? this.users.get(peer.id) : this.channels.get(peer.id)
    if (owner === undefined || peer.type === 'chat') throw worldErrors.peerIdInvalid()
    if (username !== undefined) {
      if (!USERNAME_RE.test(username)) throw worldErrors.usernameInvalid()
      const taken = this.byUsername.get(username.toLowerCase())
      if (taken !== undefined && peerKey(taken) !== peerKey(peer)) throw worldErrors.usernameOccupied()
    }
    if (owner.username !== undefined) this.byUsername.delete(owner.username.toLowerCase())
    owner.username = username
    if (username !== undefined) this.byUsername.set(username.toLowerCase(), { type: peer.type, id: peer.id })
  }

  /** contacts.resolveUsername: case-insensitive, a leading `@` allowed. */
  resolveUsername(username: string): Peer {
    const name = username.startsWith('@') ? username.slice(1) : username
    if (!USERNAME_RE.test(name)) throw worldErrors.usernameInvalid()
    const peer = this.byUsername.get(name.toLowerCase())
    if (peer === undefined) throw worldErrors.usernameNotOccupied()
    return peer
  }

  /** The users, chats and channels that messages or updates mention (for `users`/`chats` vectors). */
  peersOf(items: ReadonlyArray<WorldMessage | WorldUpdate>): { users: WorldUser[]; chats: WorldChat[]; channels: WorldChannel[] } {
    const users = new Set<bigint>()
    const chats = new Set<bigint>()
    const channels = new Set<bigint>()
    const addPeer = (p: Peer): void => {
      ;(p.type === 'user' ? users : p.type === 'chat' ? chats : channels).add(p.id)
    }
    const addMessage = (m: WorldMessage): void => {
      if (m.fromId !== undefined) users.add(m.fromId)
      if (m.box === 'user') users.add(m.ownerId)
      addPeer(m.peer)
      const a = m.action
      if (a?.type === 'chatCreate' || a?.type === 'chatAddUser') for (const id of a.userIds) users.add(id)
      else if (a?.type === 'chatJoinedByLink') users.add(a.inviterId)
      else if (a?.type === 'chatDeleteUser') users.add(a.userId)
    }
    for (const item of items) {
      if ('box' in item) addMessage(item)
      else if (item.kind === 'newMessage' || item.kind === 'newChannelMessage') addMessage(item.message)
      else if (item.kind === 'chatParticipants') {
        chats.add(item.chatId)
        for (const p of item.participants) users.add(p.userId)
      } else if (item.kind === 'chatParticipantAdd') {
        chats.add(item.chatId)
        users.add(item.userId)
        users.add(item.inviterId)
      } else channels.add(item.channelId)
    }
    const pick = <T>(ids: Set<bigint>, table: Map<bigint, T>): T[] =>
      [...ids].flatMap((id) => {
        const v = table.get(id)
        return v === undefined ? [] : [v]
      })
    return { users: pick(users, this.users), chats: pick(chats, this.chats), channels: pick(channels, this.channels) }
  }
}
