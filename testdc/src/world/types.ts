// Plain records of the test DC's world: users, chats, channels, messages, updates, and the
// context a request arrives in. Data only; the rules live in world.ts and its helpers.
import type { SrpParams } from './srp.js'

/** Where a request arrived: the DC and the auth key it was encrypted with. */
export interface CallContext {
  readonly dcId: number
  readonly authKeyId: bigint
}

export type PeerType = 'user' | 'chat' | 'channel'

/** A peer as the world names it. `accessHash`, when given, is checked (users and channels). */
export interface PeerRef {
  readonly type: PeerType
  readonly id: bigint
  readonly accessHash?: bigint
}

export interface Peer {
  readonly type: PeerType
  readonly id: bigint
}

/** A user reference with an optional access hash to check. */
export interface UserRef {
  readonly id: bigint
  readonly accessHash?: bigint
}

/** Stored 2FA data: never the password, only what SRP needs. */
export interface StoredPassword {
  readonly params: SrpParams
  readonly verifier: Uint8Array
  readonly hint: string | undefined
}

export interface WorldUser {
  readonly id: bigint
  readonly accessHash: bigint
  readonly phone: string | undefined
  firstName: string
  lastName: string | undefined
  username: string | undefined
  about: string | undefined
  readonly bot: boolean
  /** The DC the account lives on (https://core.telegram.org/api/datacenter). */
  homeDcId: number
  deactivated: boolean
  password: StoredPassword | undefined
}

export type ChatRole = 'creator' | 'admin' | 'member'

export interface ChatMember {
  readonly userId: bigint
  readonly inviterId: bigint
  readonly date: number
  role: ChatRole
}

/** A basic group. */
export interface WorldChat {
  readonly type: 'chat'
  readonly id: bigint
  title: string
  readonly creatorId: bigint
  readonly date: number
  /** Bumped on every participants change (chatParticipants.version). */
  version: number
  readonly members: Map<bigint, ChatMember>
}

/** A supergroup (`megagroup`) or a broadcast channel. */
export interface WorldChannel {
  readonly type: 'channel'
  readonly id: bigint
  readonly accessHash: bigint
  title: string
  about: string
  username: string | undefined
  readonly megagroup: boolean
  readonly creatorId: bigint
  readonly date: number
  readonly members: Map<bigint, ChatMember>
  /** The channel's own pts (https://core.telegram.org/api/updates#event-sequences). */
  pts: number
}

export type MessageAction =
  | { readonly type: 'chatCreate'; readonly title: string; readonly userIds: readonly bigint[] }
  | { readonly type: 'chatAddUser'; readonly userIds: readonly bigint[] }
  | { readonly type: 'chatJoinedByLink'; readonly inviterId: bigint }
  | { readonly type: 'chatDeleteUser'; readonly userId: bigint }
  | { readonly type: 'channelCreate'; readonly title: string }

interface MessageCommon {
  /** World-wide id of the logical message all copies share (for invariants, not for clients). */
  readonly logicalId: number
  readonly id: number
  readonly fromId: bigint | undefined
  /** Unix seconds. */
  readonly date: number
  readonly text: string
  readonly action: MessageAction | undefined
  readonly randomId: bigint | undefined
}

/**
 * One user's copy of a message in a private chat or basic group: ids are per user, like
 * Telegram's (https://core.telegram.org/api/updates#event-sequences, "common message box").
 */
export interface BoxMessage extends MessageCommon {
  readonly box: 'user'
  readonly ownerId: bigint
  /** The dialog as the owner sees it: the other user (or self), or the basic group. */
  readonly peer: Peer
  readonly out: boolean
}

/** A message of a channel or supergroup: one copy, ids per channel. */
export interface ChannelMessage extends MessageCommon {
  readonly box: 'channel'
  readonly channelId: bigint
  readonly peer: Peer
  /** A broadcast post (no author shown). */
  readonly post: boolean
}

export type WorldMessage = BoxMessage | ChannelMessage

/** A change as delivered to one user. */
export type WorldUpdate =
  | { readonly kind: 'newMessage'; readonly message: BoxMessage; readonly pts: number; readonly ptsCount: 1 }
  | {
      readonly kind: 'newChannelMessage'
      readonly message: ChannelMessage
      readonly pts: number
      readonly ptsCount: 1
    }
  | {
      readonly kind: 'chatParticipants'
      readonly chatId: bigint
      readonly participants: readonly ChatMember[]
      readonly version: number
    }
  /**
   * One user joined a basic group by invite link (updateChatParticipantAdd): the other members learn
   * of that one member, not the whole list again (which made every join O(members) for each member).
   */
  | {
      readonly kind: 'chatParticipantAdd'
      readonly chatId: bigint
      readonly userId: bigint
      readonly inviterId: bigint
      /** Unix seconds. */
      readonly date: number
      readonly version: number
    }
  /** Something about the channel changed for this user (e.g. they joined): refetch it. */
  | { readonly kind: 'channel'; readonly channelId: bigint }
  /**
   * The channel has updates to fetch with getChannelDifference from `pts` (updateChannelTooLong).
   * Never logged: what the updatesTooLong fault pushes in place of channel messages.
   */
  | { readonly kind: 'channelTooLong'; readonly channelId: bigint; readonly pts: number }

/** Everything one change means for one user, pushed to every online session of that user. */
export interface UpdateDelivery {
  readonly userId: bigint
  readonly updates: readonly WorldUpdate[]
  /** Unix seconds. */
  readonly date: number
  /** The user's seq after this delivery, or 0 when it carries only pts/channel-pts updates. */
  readonly seq: number
  /**
   * Set when several deliveries of one change went out as one (World.together): the first seq
   * among them, `seq` the last (updatesCombined's seq_start..seq).
   */
  readonly seqStart?: number
  /** The request that caused it; its own session already gets the result in the RPC answer. */
  readonly origin: CallContext | undefined
}

export type UpdateListener = (delivery: UpdateDelivery) => void

/** Every delivery of one flush of the world (one change, or one World.together), in order. */
export type UpdateBatchListener = (deliveries: readonly UpdateDelivery[]) => void

/** updates.getState. */
export interface UpdateState {
  readonly pts: number
  readonly qts: number
  readonly date: number
  readonly seq: number
}
