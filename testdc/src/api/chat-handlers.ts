// Basic groups, channels and invite links: messages.createChat / addChatUser / deleteChatUser /
// exportChatInvite / checkChatInvite / importChatInvite / getChats / getFullChat and channels.*.
// Mutations answer with the caller's own updates, captured from the world's deliveries.
import type { tl } from '@mtswarm/engine/tl'
import { worldErrors, type Peer, type UserRef } from '../world/index.js'
import {
  channelToTl,
  chatParticipantToTl,
  chatToTl,
  inputChannelToRef,
  inputPeerToRef,
  inputUserToRef,
  userToTl,
} from './convert.js'
import type { CallEnv, HandlerTable } from './handler.js'
import { captureDeliveries, updatesFromDeliveries } from './updates.js'

/** Runs a world mutation for the caller and answers with the updates it made for them. */
function mutate(env: CallEnv, run: () => unknown, chats: readonly Peer[] = []): tl.RawUpdates | tl.RawUpdatesCombined {
  const me = env.me()
  const { deliveries } = captureDeliveries(env.world, env.ctx, me.id, run)
  return updatesFromDeliveries(env.viewer(), deliveries, { chats })
}

function invited(updates: tl.TypeUpdates): tl.messages.RawInvitedUsers {
  return { _: 'messages.invitedUsers', updates, missingInvitees: [] }
}

const photoEmpty: tl.RawPhotoEmpty = { _: 'photoEmpty', id: 0n }

export const chatHandlers: HandlerTable = {
  'messages.createChat': (req, env) => {
    const me = env.me()
    const refs: UserRef[] = req.users.map((u) => inputUserToRef(u, me.id))
    return invited(mutate(env, () => env.world.createChat(env.ctx, req.title, refs)))
  },
  'messages.addChatUser': (req, env) => {
    const me = env.me()
    const ref = inputUserToRef(req.userId, me.id)
    return invited(mutate(env, () => env.world.addChatUser(env.ctx, req.chatId, ref), [{ type: 'chat', id: req.chatId }]))
  },
  'messages.deleteChatUser': (req, env) => {
    const me = env.me()
    const ref = inputUserToRef(req.userId, me.id)
    return mutate(env, () => env.world.deleteChatUser(env.ctx, req.chatId, ref), [{ type: 'chat', id: req.chatId }])
  },

  'messages.exportChatInvite': (req, env) => {
    const me = env.me()
    const invite = env.world.exportChatInvite(env.ctx, inputPeerToRef(req.peer, me.id), {
      expireDate: req.expireDate,
      usageLimit: req.usageLimit,
      title: req.title,
    })
    return {
      _: 'chatInviteExported',
      revoked: invite.revoked,
      link: invite.link,
      adminId: invite.adminId,
      date: invite.date,
      expireDate: invite.expireDate,
      usageLimit: invite.usageLimit,
      usage: invite.usage,
      title: invite.title,
    }
  },
  'messages.checkChatInvite': (req, env) => {
    env.me()
    const check = env.world.checkChatInvite(env.ctx, req.hash)
    if (check.kind === 'already') {
      const group = check.peer.type === 'chat' ? env.world.chat(check.peer.id) : env.world.channel(check.peer.id)
      if (group === undefined) throw worldErrors.inviteHashInvalid()
      return { _: 'chatInviteAlready', chat: group.type === 'chat' ? chatToTl(group, env.viewer()) : channelToTl(group, env.viewer()) }
    }
    return {
      _: 'chatInvite',
      channel: check.peer.type === 'channel',
      broadcast: check.broadcast,
      megagroup: check.megagroup,
      title: check.title,
      photo: photoEmpty,
      participantsCount: check.participantsCount,
      color: 0,
    }
  },
  // Layer 227 wraps the join's Updates in messages.chatInviteJoinResultOk (layer 198 answered Updates).
  'messages.importChatInvite': (req, env) => {
    const me = env.me()
    const { value: joined, deliveries } = captureDeliveries(env.world, env.ctx, me.id, () =>
      env.world.importChatInvite(env.ctx, req.hash),
    )
    return { _: 'messages.chatInviteJoinResultOk', updates: updatesFromDeliveries(env.viewer(), deliveries, { chats: [joined] }) }
  },

  'messages.getChats': (req, env) => {
    env.me()
    const viewer = env.viewer()
    return {
      _: 'messages.chats',
      chats: req.id.flatMap((id) => {
        const chat = env.world.chat(id)
        return chat === undefined ? [] : [chatToTl(chat, viewer)]
      }),
    }
  },
  'messages.getFullChat': (req, env) => {
    const me = env.me()
    const chat = env.world.chat(req.chatId)
    if (chat === undefined) throw worldErrors.chatIdInvalid()
    if (!chat.members.has(me.id)) throw worldErrors.peerIdInvalid()
    const viewer = env.viewer()
    const fullChat: tl.RawChatFull = {
      _: 'chatFull',
      id: chat.id,
      about: '',
      participants: {
        _: 'chatParticipants',
        chatId: chat.id,
        participants: [...chat.members.values()].map(chatParticipantToTl),
        version: chat.version,
      },
      notifySettings: { _: 'peerNotifySettings' },
    }
    const users = [...chat.members.keys()].flatMap((id) => {
      const u = env.world.user(id)
      return u === undefined ? [] : [userToTl(u, viewer)]
    })
    return { _: 'messages.chatFull', fullChat, chats: [chatToTl(chat, viewer)], users }
  },

  'channels.createChannel': (req, env) =>
    mutate(env, () => env.world.createChannel(env.ctx, { title: req.title, about: req.about, megagroup: req.megagroup === true })),
  'channels.inviteToChannel': (req, env) => {
    const me = env.me()
    const channel = inputChannelToRef(req.channel)
    const refs = req.users.map((u) => inputUserToRef(u, me.id))
    return invited(mutate(env, () => env.world.inviteToChannel(env.ctx, channel, refs), [{ type: 'channel', id: channel.id }]))
  },
  'channels.joinChannel': (req, env) => {
    const channel = inputChannelToRef(req.channel)
    const updates = mutate(env, () => env.world.joinChannel(env.ctx, channel), [{ type: 'channel', id: channel.id }])
    return { _: 'messages.chatInviteJoinResultOk', updates }
  },
  'channels.leaveChannel': (req, env) => {
    const channel = inputChannelToRef(req.channel)
    return mutate(env, () => env.world.leaveChannel(env.ctx, channel), [{ type: 'channel', id: channel.id }])
  },
  'channels.getChannels': (req, env) => {
    env.me()
    const viewer = env.viewer()
    return {
      _: 'messages.chats',
      chats: req.id.flatMap((input) => {
        if (input._ === 'inputChannelEmpty') return []
        const ref = inputChannelToRef(input)
        const channel = env.world.channel(ref.id)
        if (channel === undefined || (ref.accessHash !== undefined && ref.accessHash !== channel.accessHash)) return []
        return [channelToTl(channel, viewer)]
      }),
    }
  },
  'channels.getFullChannel': (req, env) => {
    const me = env.me()
    const ref = inputChannelToRef(req.channel)
    const channel = env.world.channel(ref.id)
    if (channel === undefined || (ref.accessHash !== undefined && ref.accessHash !== channel.accessHash)) {
      throw worldErrors.channelInvalid()
    }
    if (!channel.members.has(me.id) && channel.username === undefined) throw worldErrors.channelPrivate()
    const fullChat: tl.RawChannelFull = {
      _: 'channelFull',
      id: channel.id,
      about: channel.about,
      participantsCount: channel.members.size,
      readInboxMaxId: 0,
      readOutboxMaxId: 0,
      unreadCount: 0,
      chatPhoto: photoEmpty,
      notifySettings: { _: 'peerNotifySettings' },
      botInfo: [],
      pts: channel.pts,
    }
    return { _: 'messages.chatFull', fullChat, chats: [channelToTl(channel, env.viewer())], users: [] }
  },
}
