// Update traffic for tests and benches: N users a client can log in as, private chats, basic
// groups, a broadcast channel and a megagroup, then M messages sent by server-side senders
// through the world (no client sends), with the exact list each recipient must receive.
// Knows the world's public API only; nothing of sessions, sockets or clients.
import type { TestDc } from '../types.js'
import type { Peer, UpdateDelivery, World, WorldChannel, WorldChat } from '../world/index.js'
import { seededRng } from './seeded-rng.js'

/** Test phones 99966XYYYY: four digits per DC, so at most this many load users per DC. */
export const MAX_LOAD_USERS_PER_DC = 10_000
/** Messages sent between two yields to the event loop in `drive` (lets pushes flush). */
export const DEFAULT_DRIVE_BATCH = 50

export interface UpdateLoadOptions {
  /** How many users to create. */
  readonly users: number
  /** Index of the first user's phone (99966X + 4 digits), default 0: use another range per load. */
  readonly firstIndex?: number
  /** DCs the users live on, round robin (the engine follows PHONE_MIGRATE), default the world's first. */
  readonly dcIds?: readonly number[]
  /** Private chats per user: user i talks with i+1 … i+k (mod users), default 1. */
  readonly privateChatsPerUser?: number
  /** Basic groups, default ceil(users / 10); members are consecutive users. */
  readonly groups?: number
  /** Members per basic group (creator included), default min(users, 5). */
  readonly groupSize?: number
  /** Members of the broadcast channel (creator: user 0), default every user; 0: no channel. */
  readonly channelMembers?: number
  /** Members of the megagroup (creator: user 0), default every user; 0: no megagroup. */
  readonly megagroupMembers?: number
  /** Seeds who sends what where, default 1. */
  readonly seed?: number
}

/** Where `send`/`drive` put messages, as weights (normalised); a kind the load lacks is skipped. */
export interface LoadMix {
  readonly private?: number
  readonly group?: number
  readonly megagroup?: number
  readonly channel?: number
}

/** Default mix: half private, a quarter basic groups, the rest in the megagroup and the channel. */
export const DEFAULT_LOAD_MIX: Required<LoadMix> = { private: 0.5, group: 0.25, megagroup: 0.15, channel: 0.1 }

/** One load user: log in with `phone` and `code` (test numbers: the DC digit five times). */
export interface LoadUser {
  readonly id: bigint
  readonly accessHash: bigint
  readonly phone: string
  readonly code: string
  readonly homeDcId: number
}

/** One message a user must receive, as that user sees it. */
export interface ExpectedMessage {
  /** The dialog as the recipient sees it: the other user for private chats, else the group/channel. */
  readonly chat: Peer
  /** The recipient's message id (private chats and basic groups number per user; channels per channel). */
  readonly id: number
  readonly text: string
  /** The recipient sent it (its other sessions get it too: the sender is a server-side actor). */
  readonly out: boolean
}

/** What one `send`/`drive` call did. */
export interface LoadBatch {
  readonly messages: number
  /**
   * What `userId` must receive from this batch: its private and basic-group messages in send
   * order, then each channel's posts in order (order holds per chat, not across chats).
   */
  expectedFor(userId: bigint): ExpectedMessage[]
}

export interface UpdateLoad {
  readonly users: readonly LoadUser[]
  /** Private chats as user-id pairs. */
  readonly privateChats: ReadonlyArray<readonly [bigint, bigint]>
  readonly groups: readonly WorldChat[]
  readonly channel: WorldChannel | undefined
  readonly megagroup: WorldChannel | undefined
  /** Every message `userId` must have received so far (all batches), as LoadBatch.expectedFor. */
  expectedFor(userId: bigint): ExpectedMessage[]
  /** Messages sent so far. */
  readonly sent: number
  /**
   * Sends `count` messages synchronously. NB: with clients online, prefer `drive`: a session
   * queues at most MAX_OFFLINE_QUEUE messages before its connection flushes them.
   */
  send(count: number, mix?: LoadMix): LoadBatch
  /** Sends `count` messages in batches, yielding to the event loop between them so pushes go out. */
  drive(count: number, options?: { mix?: LoadMix; batch?: number }): Promise<LoadBatch>
}

type Kind = keyof LoadMix

/**
 * Creates the load's users, chats, groups, channel and megagroup in `dc`'s world (setup service
 * messages are updates too: log clients in afterwards, or expect them). Throws RangeError for
 * sizes the test phones cannot hold, and the world's errors (e.g. a phone already taken).
 */
export function createUpdateLoad(dc: TestDc | World, options: UpdateLoadOptions): UpdateLoad {
  const world = 'world' in dc ? dc.world : dc
  const n = options.users
  const first = options.firstIndex ?? 0
  const dcIds = options.dcIds ?? [world.dcIds[0] as number]
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`users must be a positive integer, got ${n}`)
  if (!Number.isInteger(first) || first < 0 || first + Math.ceil(n / dcIds.length) > MAX_LOAD_USERS_PER_DC) {
    throw new RangeError(`users ${first}..${first + n - 1} do not fit in test phones (${MAX_LOAD_USERS_PER_DC} per DC)`)
  }
  for (const id of dcIds) if (!world.dcIds.includes(id) || id > 9) throw new RangeError(`DC ${id} is not a test-phone DC of this world`)

  const users: LoadUser[] = []
  for (let i = 0; i < n; i++) {
    const homeDcId = dcIds[i % dcIds.length] as number
    const phone = `99966${homeDcId}${String(first + Math.floor(i / dcIds.length)).padStart(4, '0')}`
    const u = world.presetUser({ phone, firstName: `Load ${first + i}` })
    users.push({ id: u.id, accessHash: u.accessHash, phone, code: String(homeDcId).repeat(5), homeDcId })
  }
  const ids = users.map((u) => u.id)
  const at = (i: number): bigint => ids[i % n] as bigint

  const privateChats: Array<[bigint, bigint]> = []
  const pairs = new Set<string>()
  for (let i = 0; i < n && n > 1; i++) {
    for (let k = 1; k <= (options.privateChatsPerUser ?? 1) && k < n; k++) {
      const a = at(i)
      const b = at(i + k)
      const key = a < b ? `${a}:${b}` : `${b}:${a}`
      if (pairs.has(key)) continue
      pairs.add(key)
      privateChats.push([a, b])
    }
  }

  const groupSize = Math.min(options.groupSize ?? 5, n)
  const groups: WorldChat[] = []
  if (groupSize >= 2) {
    for (let g = 0; g < (options.groups ?? Math.ceil(n / 10)); g++) {
      const members = Array.from({ length: groupSize }, (_, j) => at(g * groupSize + j))
      const [creator, ...rest] = members as [bigint, ...bigint[]]
      groups.push(world.createChatAs(creator, `Load group ${g}`, rest.map((id) => ({ id }))))
    }
  }

  const makeChannel = (megagroup: boolean, members: number): WorldChannel | undefined => {
    if (members <= 0) return undefined
    const c = world.createChannelAs(at(0), { title: megagroup ? 'Load megagroup' : 'Load channel', megagroup })
    const invite = ids.slice(1, Math.min(members, n)).map((id) => ({ id }))
    if (invite.length > 0) world.inviteToChannelAs(at(0), c, invite)
    return c
  }
  const channel = makeChannel(false, options.channelMembers ?? n)
  const megagroup = makeChannel(true, options.megagroupMembers ?? n)
  const groupMembers = groups.map((g) => [...g.members.keys()])
  const megagroupMembers = megagroup === undefined ? [] : [...megagroup.members.keys()]

  const rng = seededRng(options.seed ?? 1)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T
  const available: Record<Kind, boolean> = {
    private: privateChats.length > 0,
    group: groups.length > 0,
    megagroup: megagroup !== undefined,
    channel: channel !== undefined,
  }

  // NB: channel posts are kept once per channel and expanded per member on demand: recording them
  // per member made the load itself cost more CPU than the world (1M entries for 20,000 messages).
  const boxes = new Map<bigint, ExpectedMessage[]>()
  const channels = [channel, megagroup].flatMap((c) => (c === undefined ? [] : [{ id: c.id, members: new Set(c.members.keys()), posts: [] as Array<{ id: number; text: string; sender: bigint }> }]))
  let sent = 0
  let randomId = BigInt(first) << 32n
  let recording = false
  const listener = (d: UpdateDelivery): void => {
    if (!recording) return
    for (const u of d.updates) {
      if (u.kind !== 'newMessage') continue
      const entry: ExpectedMessage = { chat: u.message.peer, id: u.message.id, text: u.message.text, out: u.message.out }
      const list = boxes.get(d.userId)
      if (list === undefined) boxes.set(d.userId, [entry])
      else list.push(entry)
    }
  }
  // NB: listeners run in subscription order; this one only records, it never changes the world.
  world.onUpdates(listener)

  /** A position in the record, to cut batches out of it. */
  interface Mark {
    readonly boxes: ReadonlyMap<bigint, number>
    readonly posts: readonly number[]
  }
  const mark = (): Mark => ({ boxes: new Map([...boxes].map(([u, l]) => [u, l.length])), posts: channels.map((c) => c.posts.length) })
  const expectedBetween = (userId: bigint, from: Mark | undefined, to: Mark | undefined): ExpectedMessage[] => {
    const list = boxes.get(userId) ?? []
    const out = list.slice(from?.boxes.get(userId) ?? 0, to?.boxes.get(userId) ?? list.length)
    channels.forEach((c, i) => {
      if (!c.members.has(userId)) return
      const chat: Peer = { type: 'channel', id: c.id }
      for (const p of c.posts.slice(from?.posts[i] ?? 0, to?.posts[i] ?? c.posts.length)) {
        out.push({ chat, id: p.id, text: p.text, out: p.sender === userId })
      }
    })
    return out
  }

  const weights = (mix: LoadMix): Array<[Kind, number]> => {
    const list = (Object.keys(DEFAULT_LOAD_MIX) as Kind[]).map((k): [Kind, number] => [k, available[k] ? Math.max(0, mix[k] ?? 0) : 0])
    const total = list.reduce((s, [, w]) => s + w, 0)
    if (total <= 0) throw new RangeError('the mix names no kind of chat this load has')
    let acc = 0
    return list.map(([k, w]): [Kind, number] => [k, (acc += w / total)])
  }

  const sendOne = (cumulative: ReadonlyArray<[Kind, number]>): void => {
    let sender: bigint
    const r = rng()
    const kind = (cumulative.find(([, c]) => r < c) ?? cumulative[cumulative.length - 1])?.[0] as Kind
    const text = `m${sent + 1}`
    let peer: Peer
    if (kind === 'private') {
      const [a, b] = pick(privateChats)
      const flip = rng() < 0.5
      sender = flip ? b : a
      peer = { type: 'user', id: flip ? a : b }
    } else if (kind === 'group') {
      const g = Math.floor(rng() * groups.length)
      sender = pick(groupMembers[g] as bigint[])
      peer = { type: 'chat', id: (groups[g] as WorldChat).id }
    } else if (kind === 'megagroup') {
      sender = pick(megagroupMembers)
      peer = { type: 'channel', id: (megagroup as WorldChannel).id }
    } else {
      sender = (channel as WorldChannel).creatorId // only admins post in a broadcast channel
      peer = { type: 'channel', id: (channel as WorldChannel).id }
    }
    const result = world.sendMessageAs(sender, peer, text, ++randomId)
    if (peer.type === 'channel') channels.find((c) => c.id === peer.id)?.posts.push({ id: result.message.id, text, sender })
    sent++
  }

  const run = (count: number, mix: LoadMix): void => {
    const cumulative = weights(mix)
    recording = true
    try {
      for (let i = 0; i < count; i++) sendOne(cumulative)
    } finally {
      recording = false
    }
  }
  const batchSince = (from: Mark, count: number): LoadBatch => {
    const to = mark()
    return { messages: count, expectedFor: (userId) => expectedBetween(userId, from, to) }
  }

  return {
    users,
    privateChats,
    groups,
    channel,
    megagroup,
    expectedFor: (userId) => expectedBetween(userId, undefined, undefined),
    get sent() {
      return sent
    },
    send(count, mix = DEFAULT_LOAD_MIX) {
      const from = mark()
      run(count, mix)
      return batchSince(from, count)
    },
    async drive(count, opts = {}) {
      const size = Math.max(1, opts.batch ?? DEFAULT_DRIVE_BATCH)
      const mix = opts.mix ?? DEFAULT_LOAD_MIX
      const from = mark()
      for (let done = 0; done < count; done += size) {
        run(Math.min(size, count - done), mix)
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
      return batchSince(from, count)
    },
  }
}
