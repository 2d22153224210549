// Messages and dialogs: messages.sendMessage, getHistory, getDialogs, getPeerDialogs,
// getPinnedDialogs, readHistory, with results built for the caller.
// https://core.telegram.org/method/messages.sendMessage · https://core.telegram.org/api/offsets
import type { tl } from '@mtswarm/engine/tl'
import { MAX_HISTORY_LIMIT, type CallContext, type Peer, type PeerRef, type World, type WorldMessage } from '../world/index.js'
import { inputChannelToRef, inputPeerToRef, messageToTl, peerToTl, peersToTl, type Viewer } from './convert.js'
import type { CallEnv, HandlerTable } from './handler.js'
import { channelDialog, stateToTl, updateToTl } from './updates.js'

/** Every message of a dialog as the caller sees it, newest first (pages through the world). */
export function fullHistory(world: World, ctx: CallContext, peer: PeerRef): WorldMessage[] {
  const all: WorldMessage[] = []
  let offsetId = 0
  for (;;) {
    const page = world.getHistory(ctx, peer, { offsetId, limit: MAX_HISTORY_LIMIT })
    all.push(...page)
    const last = page.at(-1)
    if (page.length < MAX_HISTORY_LIMIT || last === undefined) return all
    offsetId = last.id
  }
}

/** The peers a dialog answer must carry besides the messages' own. */
function dialogPeers(peers: readonly Peer[]): { users: bigint[]; chats: Peer[] } {
  return {
    users: peers.filter((p) => p.type === 'user').map((p) => p.id),
    chats: peers.filter((p) => p.type !== 'user'),
  }
}

/**
 * messages.getHistory's window over the newest-first list: start below offset_id / offset_date,
 * shift by add_offset, take limit, keep min_id < id < max_id (https://core.telegram.org/api/offsets).
 */
function historyWindow(all: readonly WorldMessage[], req: tl.messages.RawGetHistoryRequest): WorldMessage[] {
  let start = 0
  if (req.offsetId > 0) {
    const i = all.findIndex((m) => m.id < req.offsetId)
    start = i === -1 ? all.length : i
  }
  if (req.offsetDate > 0) {
    const i = all.findIndex((m) => m.date < req.offsetDate)
    start = Math.max(start, i === -1 ? all.length : i)
  }
  start = Math.min(all.length, Math.max(0, start + req.addOffset))
  const limit = Math.max(0, Math.min(req.limit, MAX_HISTORY_LIMIT))
  return all
    .slice(start, start + limit)
    .filter((m) => (req.maxId <= 0 || m.id < req.maxId) && (req.minId <= 0 || m.id > req.minId))
}

function dialogOf(peer: Peer, top: WorldMessage, env: CallEnv): tl.RawDialog {
  if (peer.type === 'channel') {
    const channel = env.world.channel(peer.id)
    if (channel !== undefined) return channelDialog(channel, top.id)
  }
  return {
    _: 'dialog',
    peer: peerToTl(peer),
    topMessage: top.id,
    readInboxMaxId: top.id,
    readOutboxMaxId: top.id,
    unreadCount: 0,
    unreadMentionsCount: 0,
    unreadReactionsCount: 0,
    unreadPollVotesCount: 0,
    notifySettings: { _: 'peerNotifySettings' },
  }
}

function dialogsBody(list: ReadonlyArray<{ peer: Peer; topMessage: WorldMessage }>, env: CallEnv) {
  const viewer = env.viewer()
  const messages = list.map((d) => d.topMessage)
  const { users, chats } = peersToTl(viewer, messages, dialogPeers(list.map((d) => d.peer)))
  return {
    dialogs: list.map((d) => dialogOf(d.peer, d.topMessage, env)),
    messages: messages.map((m) => messageToTl(m, viewer)),
    chats,
    users,
  }
}

/** The messages `ids` names among `pool`, in request order; messageEmpty for ids not there. */
function messagesById(
  pool: readonly WorldMessage[],
  ids: readonly tl.TypeInputMessage[],
  env: CallEnv,
): { messages: tl.TypeMessage[]; found: WorldMessage[] } {
  const byId = new Map(pool.map((m) => [m.id, m]))
  const viewer = env.viewer()
  const found: WorldMessage[] = []
  const messages = ids.map((input): tl.TypeMessage => {
    const id = input._ === 'inputMessageID' || input._ === 'inputMessageReplyTo' ? input.id : 0
    const m = byId.get(id)
    if (m === undefined) return { _: 'messageEmpty', id }
    found.push(m)
    return messageToTl(m, viewer)
  })
  return { messages, found }
}

export const messageHandlers: HandlerTable = {
  // Only inputMessageID / inputMessageReplyTo name a message here; pinned and callback lookups
  // are not modelled and come back as messageEmpty.
  'messages.getMessages': (req, env) => {
    const me = env.me()
    const { messages, found } = messagesById(env.world.boxOf(me.id), req.id, env)
    return { _: 'messages.messages', messages, topics: [], ...peersToTl(env.viewer(), found) }
  },
  'channels.getMessages': (req, env) => {
    env.me()
    const ref: PeerRef = { type: 'channel', ...inputChannelToRef(req.channel) }
    const pool = fullHistory(env.world, env.ctx, ref)
    const { messages, found } = messagesById(pool, req.id, env)
    const pts = env.world.channel(ref.id)?.pts ?? 0
    const peers = peersToTl(env.viewer(), found, { chats: [{ type: 'channel', id: ref.id }] })
    return { _: 'messages.channelMessages', pts, count: pool.length, messages, topics: [], ...peers }
  },

  'messages.sendMessage': (req, env) => {
    const me = env.me()
    const sent = env.world.sendMessage(env.ctx, inputPeerToRef(req.peer, me.id), req.message, req.randomId)
    const m = sent.message
    // https://core.telegram.org/constructor/updateShortSentMessage: Telegram's answer in private
    // chats; basic groups and channels answer with Updates.
    if (env.options.sentMessage === 'short' && m.box === 'user' && m.peer.type === 'user') {
      return { _: 'updateShortSentMessage', out: true, id: m.id, pts: sent.pts, ptsCount: sent.ptsCount, date: m.date }
    }
    // The shape both GramJS and mtcute look for: updateMessageID(random_id → id) plus the message
    // itself (test/docs/interop.md, GramJS quirk 12, mtcute quirk 12).
    const viewer: Viewer = env.viewer()
    const update = updateToTl(
      m.box === 'user'
        ? { kind: 'newMessage', message: m, pts: sent.pts, ptsCount: sent.ptsCount }
        : { kind: 'newChannelMessage', message: m, pts: sent.pts, ptsCount: sent.ptsCount },
      viewer,
    )
    const { users, chats } = peersToTl(viewer, [m])
    return {
      _: 'updates',
      updates: [{ _: 'updateMessageID', id: m.id, randomId: req.randomId }, update],
      users,
      chats,
      date: m.date,
      seq: 0,
    }
  },

  'messages.getHistory': (req, env) => {
    const me = env.me()
    const ref = inputPeerToRef(req.peer, me.id)
    const all = fullHistory(env.world, env.ctx, ref)
    const page = historyWindow(all, req)
    const viewer = env.viewer()
    const { users, chats } = peersToTl(viewer, page, dialogPeers([{ type: ref.type, id: ref.id }]))
    const messages = page.map((m) => messageToTl(m, viewer))
    if (ref.type === 'channel') {
      const pts = env.world.channel(ref.id)?.pts ?? 0
      return { _: 'messages.channelMessages', pts, count: all.length, messages, topics: [], chats, users }
    }
    if (page.length === all.length) return { _: 'messages.messages', messages, topics: [], chats, users }
    return { _: 'messages.messagesSlice', count: all.length, messages, topics: [], chats, users }
  },

  'messages.getDialogs': (req, env) => {
    env.me()
    let list = env.world.dialogsOf(env.ctx)
    const total = list.length
    if (req.offsetDate > 0) list = list.filter((d) => d.topMessage.date < req.offsetDate)
    list = list.slice(0, Math.max(0, req.limit))
    const body = dialogsBody(list, env)
    return list.length === total ? { _: 'messages.dialogs', ...body } : { _: 'messages.dialogsSlice', count: total, ...body }
  },

  'messages.getPeerDialogs': (req, env) => {
    const me = env.me()
    const wanted = new Set<string>()
    for (const p of req.peers) {
      if (p._ !== 'inputDialogPeer') continue
      const ref = inputPeerToRef(p.peer, me.id)
      wanted.add(`${ref.type}:${ref.id}`)
    }
    const list = env.world.dialogsOf(env.ctx).filter((d) => wanted.has(`${d.peer.type}:${d.peer.id}`))
    return { _: 'messages.peerDialogs', ...dialogsBody(list, env), state: stateToTl(env.world.getState(env.ctx)) }
  },

  'messages.getPinnedDialogs': (_req, env) => {
    env.me()
    return { _: 'messages.peerDialogs', dialogs: [], messages: [], chats: [], users: [], state: stateToTl(env.world.getState(env.ctx)) }
  },

  // Read state is not modelled: reading moves nothing (pts_count 0 at the current pts).
  'messages.readHistory': (_req, env) => {
    env.me()
    return { _: 'messages.affectedMessages', pts: env.world.getState(env.ctx).pts, ptsCount: 0 }
  },
  'channels.readHistory': (_req, env) => {
    env.me()
    return true
  },
}
