// The test DC's in-memory world: DCs, accounts, and the facade over its parts — logins (codes,
// 2FA, DC migration, exported authorizations, which auth key is bound to which user: logins.ts),
// the directory, chats and messages (conversations.ts) and updates (update-hub.ts).
// Deterministic: time and randomness come in through the constructor.
// Knows no TL, no sockets and no sessions; handlers map TL requests onto these methods.
import {
  Conversations,
  type ChatInvite,
  type InviteCheck,
  type InviteOptions,
  type MembershipRecord,
  type SendResult,
} from './conversations.js'
import { Directory, normalizePhone, peerKey } from './directory.js'
import { worldErrors } from './errors.js'
import { duplicateMessages, invariantViolations } from './invariants.js'
import {
  LOGIN_CODE_TTL_MS,
  Logins,
  type ExportedAuthorization,
  type PasswordInfo,
  type SentCode,
  type SignInResult,
} from './logins.js'
import { CONV_NON_DATA, DIR_NON_DATA, HUB_NON_DATA, LOGINS_NON_DATA, dataFields, type WorldSnapshot } from './snapshot.js'
import type { RandomSource } from './seeded-random.js'
import { engineSrpServer } from './srp.js'
import { PEERS_SEEN_LOOKBACK, type PresetUserSpec, type WorldOptions, type WorldStats } from './world-options.js'
import { DIFFERENCE_LIMIT, MAX_UPDATE_LOG_ENTRIES, UpdateHub, type ChannelDifference, type Difference } from './update-hub.js'
import type {
  BoxMessage,
  CallContext,
  Peer,
  PeerRef,
  UpdateBatchListener,
  UpdateListener,
  UpdateState,
  UserRef,
  WorldChannel,
  WorldChat,
  WorldMessage,
  WorldUpdate,
  WorldUser,
} from './types.js'

export { PEERS_SEEN_LOOKBACK } from './world-options.js'
export type { WorldOptions, PresetUserSpec, WorldStats } from './world-options.js'
export type { WorldSnapshot } from './snapshot.js'

export class World {
  readonly dcIds: readonly number[]
  readonly defaultDcId: number
  private readonly clock: () => number
  private readonly random: RandomSource
  private readonly dir: Directory
  private readonly hub: UpdateHub
  private readonly conv: Conversations
  private readonly logins: Logins
  private readonly differenceLimit: number
  /** Changes running (together() nests them): deliveries flush when the outermost ends. */
  private changeDepth = 0

  constructor(options: WorldOptions) {
    this.clock = options.clock
    this.random = options.random
    this.dcIds = [...(options.dcIds ?? [1, 2, 3])]
    this.defaultDcId = options.defaultDcId ?? (this.dcIds[0] as number)
    if (!this.dcIds.includes(this.defaultDcId)) throw new RangeError(`default DC ${this.defaultDcId} is not in dcIds`)
    this.dir = new Directory(this.random)
    this.hub = new UpdateHub(() => this.now(), options.updateLogLimit ?? MAX_UPDATE_LOG_ENTRIES)
    this.differenceLimit = options.differenceLimit ?? DIFFERENCE_LIMIT
    if (!Number.isInteger(this.differenceLimit) || this.differenceLimit < 1) throw new RangeError(`differenceLimit must be a positive integer, got ${this.differenceLimit}`)
    this.conv = new Conversations(this.dir, this.hub, this.random, () => this.now())
    this.logins = new Logins({
      dcIds: this.dcIds,
      defaultDcId: this.defaultDcId,
      clock: this.clock,
      random: this.random,
      srp: options.srp ?? engineSrpServer,
      codeTtlMs: options.codeTtlMs ?? LOGIN_CODE_TTL_MS,
      dir: this.dir,
      sendCodeFlood: options.sendCodeFlood,
    })
  }

  /** The world's time in unix seconds (what `date` fields carry). */
  now(): number {
    return Math.floor(this.clock() / 1000)
  }

  // ---------------------------------------------------------------- test setup

  /** Creates an account directly (no login), with optional 2FA. */
  presetUser(spec: PresetUserSpec): WorldUser {
    const phone = this.logins.requirePhone(spec.phone)
    const user = this.dir.addUser({
      phone,
      firstName: spec.firstName,
      lastName: spec.lastName,
      username: spec.username,
      about: spec.about,
      homeDcId: spec.homeDcId ?? this.logins.homeDcOfPhone(phone),
    })
    if (spec.password !== undefined) this.logins.setPassword(user.id, spec.password, spec.passwordHint)
    return user
  }

  /** Creates a bot and its token (for importBotAuthorization). */
  presetBot(spec: { username: string; firstName: string; homeDcId?: number }): { user: WorldUser; token: string } {
    const user = this.dir.addUser({
      phone: undefined,
      firstName: spec.firstName,
      username: spec.username,
      bot: true,
      homeDcId: spec.homeDcId ?? this.defaultDcId,
    })
    return { user, token: this.logins.issueBotToken(user) }
  }

  /** Sets (or, with undefined, removes) a user's 2FA password; stores salts and verifier only. */
  setPassword(userId: bigint, password: string | undefined, hint?: string): void {
    this.logins.setPassword(userId, password, hint)
  }

  /** Binds a fresh auth key on `dcId` (default: the user's home DC) to the user, as after a login. */
  loginAs(userId: bigint, dcId?: number): CallContext {
    return this.logins.loginAs(userId, dcId)
  }

  /** The last login code the world generated for `phone` (what the user would read in SMS). */
  lastCodeFor(phone: string): string | undefined {
    return this.logins.lastCodeFor(phone)
  }

  /** Where an account for `phone` lives: its user's home DC, else 99966X… → X, else the default. */
  homeDcOfPhone(phone: string): number {
    return this.logins.homeDcOfPhone(phone)
  }

  /**
   * Fault: Telegram moved the account to `dcId`. Keys that logged in on the old home DC now get
   * USER_MIGRATE_<dcId> on calls that need a user; new logins get PHONE_MIGRATE_<dcId>.
   */
  migrateUser(userId: bigint, dcId: number): void {
    this.logins.requireDc(dcId)
    this.dir.requireUser({ id: userId }).homeDcId = dcId
  }

  /** Fault: the account is deactivated (USER_DEACTIVATED on calls that need it). */
  deactivateUser(userId: bigint): void {
    this.dir.requireUser({ id: userId }).deactivated = true
  }

  /** Fault: the server forgot this auth key's authorization (AUTH_KEY_UNREGISTERED afterwards). */
  revokeAuthKey(ctx: CallContext): void {
    this.logins.revoke(ctx)
  }

  // ---------------------------------------------------------------- state file

  /**
   * Everything the world holds, for the test DC's state file (state-file.ts): every data field of
   * the world's parts by name, as live references (encode before the world changes again).
   * Not kept: listeners, pending SRP rounds (a 2FA check spanning a restart gets SRP_ID_INVALID).
   */
  snapshot(): WorldSnapshot {
    return {
      dcIds: [...this.dcIds],
      world: dataFields(this.logins, LOGINS_NON_DATA),
      dir: dataFields(this.dir, DIR_NON_DATA),
      hub: dataFields(this.hub, HUB_NON_DATA),
      conv: dataFields(this.conv, CONV_NON_DATA),
    }
  }

  /**
   * Replaces this fresh world's data with `snapshot`'s (which it takes ownership of). RangeError
   * when the world is not fresh, the DCs differ, or the snapshot's fields are not this world's.
   */
  restore(snapshot: WorldSnapshot): void {
    if (this.dir.users.size > 0 || !this.logins.isFresh()) throw new RangeError('World.restore needs a fresh world')
    if (snapshot.dcIds.join(',') !== this.dcIds.join(',')) {
      throw new RangeError(`the snapshot's DCs are ${snapshot.dcIds.join(', ')}, this world's ${this.dcIds.join(', ')}`)
    }
    const parts: Array<[object, Record<string, unknown>, ReadonlySet<string>]> = [
      [this.logins, snapshot.world, LOGINS_NON_DATA],
      [this.dir, snapshot.dir, DIR_NON_DATA],
      [this.hub, snapshot.hub, HUB_NON_DATA],
      [this.conv, snapshot.conv, CONV_NON_DATA],
    ]
    for (const [target, data, skip] of parts) {
      const want = Object.keys(dataFields(target, skip)).sort().join(',')
      const got = Object.keys(data ?? {}).sort().join(',')
      if (want !== got) throw new RangeError(`snapshot fields ${got} do not match ${want}`)
    }
    for (const [target, data] of parts) Object.assign(target, data)
  }

  // ---------------------------------------------------------------- login
  // https://core.telegram.org/api/auth — the rules are logins.ts'.

  /** auth.sendCode: PHONE_MIGRATE_X off the phone's home DC; PHONE_NUMBER_INVALID/BANNED, FLOOD_WAIT_X. */
  sendCode(ctx: CallContext, phone: string): SentCode {
    return this.logins.sendCode(ctx, phone)
  }

  /** auth.signIn: PHONE_CODE_EMPTY/EXPIRED/INVALID, SESSION_PASSWORD_NEEDED, or signUpRequired. */
  signIn(ctx: CallContext, phone: string, phoneCodeHash: string, code: string): SignInResult {
    return this.logins.signIn(ctx, phone, phoneCodeHash, code)
  }

  /** auth.signUp, after signIn answered signUpRequired with the same hash. */
  signUp(ctx: CallContext, phone: string, phoneCodeHash: string, firstName: string, lastName?: string): WorldUser {
    return this.logins.signUp(ctx, phone, phoneCodeHash, firstName, lastName)
  }

  /** account.getPassword: a new SRP round each call. */
  getPassword(ctx: CallContext): PasswordInfo {
    return this.logins.getPassword(ctx)
  }

  /** auth.checkPassword (inputCheckPasswordSRP): binds the key; PASSWORD_HASH_INVALID, SRP_ID_INVALID. */
  checkPassword(ctx: CallContext, check: { srpId: bigint; A: Uint8Array; M1: Uint8Array }): WorldUser {
    return this.logins.checkPassword(ctx, check)
  }

  /** auth.importBotAuthorization. ACCESS_TOKEN_INVALID; USER_MIGRATE_X off the bot's home DC. */
  importBotAuthorization(ctx: CallContext, token: string): WorldUser {
    return this.logins.importBotAuthorization(ctx, token)
  }

  /** auth.exportAuthorization: DC_ID_INVALID for an unknown DC or the current one. */
  exportAuthorization(ctx: CallContext, dcId: number): ExportedAuthorization {
    return this.logins.exportAuthorization(ctx, dcId)
  }

  /** auth.importAuthorization on the DC it was exported for: AUTH_BYTES_INVALID otherwise. */
  importAuthorization(ctx: CallContext, id: bigint, bytes: Uint8Array): WorldUser {
    return this.logins.importAuthorization(ctx, id, bytes)
  }

  /** auth.logOut: the key is no longer bound (AUTH_KEY_UNREGISTERED afterwards). */
  logOut(ctx: CallContext): void {
    this.logins.logOut(ctx)
  }

  /** The user bound to `ctx`'s key: AUTH_KEY_UNREGISTERED, USER_DEACTIVATED, USER_MIGRATE_X. */
  requireUser(ctx: CallContext): WorldUser {
    return this.logins.requireUser(ctx)
  }

  /** The user id bound to this key, if any (no checks). */
  userIdOfKey(ctx: CallContext): bigint | undefined {
    return this.logins.userIdOfKey(ctx)
  }

  /** Every auth key bound to the user, on every DC (for pushing updates to all its sessions). */
  authKeysOf(userId: bigint): CallContext[] {
    return this.logins.authKeysOf(userId)
  }

  // ---------------------------------------------------------------- users

  /** users.getUsers([inputUserSelf]) / the caller. */
  self(ctx: CallContext): WorldUser {
    return this.requireUser(ctx)
  }

  /** users.getUsers: the known ones, in order; unknown ids and wrong hashes are left out. */
  getUsers(ctx: CallContext, refs: readonly UserRef[]): WorldUser[] {
    this.requireUser(ctx)
    const out: WorldUser[] = []
    for (const ref of refs) {
      const u = this.dir.users.get(ref.id)
      if (u !== undefined && (ref.accessHash === undefined || ref.accessHash === u.accessHash)) out.push(u)
    }
    return out
  }

  /** users.getFullUser: USER_ID_INVALID for unknown users or wrong hashes. */
  getFullUser(ctx: CallContext, ref: UserRef): { user: WorldUser; about: string | undefined; commonChatsCount: number } {
    const me = this.requireUser(ctx)
    const user = this.dir.requireUser(ref)
    let common = 0
    for (const c of this.dir.chats.values()) if (c.members.has(me.id) && c.members.has(user.id)) common++
    for (const c of this.dir.channels.values()) if (c.megagroup && c.members.has(me.id) && c.members.has(user.id)) common++
    return { user, about: user.about, commonChatsCount: user.id === me.id ? 0 : common }
  }

  /** contacts.importContacts: the accounts behind the phones that have one (others are left out). */
  importContacts(ctx: CallContext, phones: readonly string[]): WorldUser[] {
    this.requireUser(ctx)
    const out: WorldUser[] = []
    for (const phone of phones) {
      const u = this.userByPhone(phone)
      if (u !== undefined && !u.deactivated && !out.includes(u)) out.push(u)
    }
    return out
  }

  /**
   * contacts.resolvePhone: the user with this phone (digits, an optional '+'), PHONE_NOT_OCCUPIED
   * when none. NB: the test world has no phone privacy settings: every phone resolves.
   */
  resolvePhone(ctx: CallContext, phone: string): WorldUser {
    this.requireUser(ctx)
    const u = this.userByPhone(phone.replace(/[^\d]/g, ''))
    if (u === undefined || u.deactivated) throw worldErrors.phoneNotOccupied()
    return u
  }

  /** contacts.resolveUsername: USERNAME_INVALID, USERNAME_NOT_OCCUPIED. */
  resolveUsername(ctx: CallContext, username: string): { peer: Peer; user?: WorldUser; channel?: WorldChannel } {
    this.requireUser(ctx)
    const peer = this.dir.resolveUsername(username)
    if (peer.type === 'user') return { peer, user: this.dir.requireUser({ id: peer.id }) }
    return { peer, channel: this.dir.requireChannel({ id: peer.id }) }
  }

  /** account.updateUsername (undefined clears): USERNAME_INVALID, USERNAME_OCCUPIED. */
  updateUsername(ctx: CallContext, username: string | undefined): WorldUser {
    const me = this.requireUser(ctx)
    this.dir.setUsername({ type: 'user', id: me.id }, username === '' ? undefined : username)
    return me
  }

  /** channels.updateUsername, for the channel's creator/admins. */
  updateChannelUsername(ctx: CallContext, channel: { id: bigint; accessHash?: bigint }, username: string | undefined): WorldChannel {
    const me = this.requireUser(ctx)
    const c = this.dir.requireChannel(channel)
    const role = c.members.get(me.id)?.role
    if (role !== 'creator' && role !== 'admin') throw worldErrors.chatAdminRequired()
    this.dir.setUsername({ type: 'channel', id: c.id }, username === '' ? undefined : username)
    return c
  }

  /** Lookups without access checks, for handlers building TL objects and for tests. */
  user(id: bigint): WorldUser | undefined {
    return this.dir.users.get(id)
  }

  chat(id: bigint): WorldChat | undefined {
    return this.dir.chats.get(id)
  }

  channel(id: bigint): WorldChannel | undefined {
    return this.dir.channels.get(id)
  }

  userByPhone(phone: string): WorldUser | undefined {
    const p = normalizePhone(phone)
    return p === undefined ? undefined : this.dir.userByPhone(p)
  }

  // ---------------------------------------------------------------- chats and channels

  /** messages.createChat (basic group): the creator and `users`, a chatCreate service message. */
  createChat(ctx: CallContext, title: string, users: readonly UserRef[]): WorldChat {
    const me = this.requireUser(ctx)
    return this.change(() => this.conv.createChat(me, title, users, ctx))
  }

  /** messages.addChatUser: USER_ALREADY_PARTICIPANT, USER_ID_INVALID, PEER_ID_INVALID. */
  addChatUser(ctx: CallContext, chatId: bigint, user: UserRef): void {
    const me = this.requireUser(ctx)
    this.change(() => this.conv.addChatUser(me, chatId, user, ctx))
  }

  /** messages.deleteChatUser: leave (user = self) or remove (admins): USER_NOT_PARTICIPANT, CHAT_ADMIN_REQUIRED. */
  deleteChatUser(ctx: CallContext, chatId: bigint, user: UserRef): void {
    const me = this.requireUser(ctx)
    this.change(() => this.conv.deleteChatUser(me, chatId, user, ctx))
  }

  /** channels.leaveChannel: USER_NOT_PARTICIPANT. */
  leaveChannel(ctx: CallContext, channel: { id: bigint; accessHash?: bigint }): void {
    const me = this.requireUser(ctx)
    this.change(() => this.conv.leaveChannel(me, channel, ctx))
  }

  /** channels.createChannel (broadcast, or a supergroup with `megagroup`). */
  createChannel(ctx: CallContext, spec: { title: string; about?: string; megagroup?: boolean }): WorldChannel {
    const me = this.requireUser(ctx)
    return this.change(() => this.conv.createChannel(me, spec, ctx))
  }

  /** channels.inviteToChannel: the users actually added; CHAT_ADMIN_REQUIRED in broadcasts. */
  inviteToChannel(ctx: CallContext, channel: { id: bigint; accessHash?: bigint }, users: readonly UserRef[]): bigint[] {
    const me = this.requireUser(ctx)
    return this.change(() => this.conv.inviteToChannel(me, channel, users, ctx))
  }

  /** channels.joinChannel (public channels): USER_ALREADY_PARTICIPANT, CHANNEL_PRIVATE. */
  joinChannel(ctx: CallContext, channel: { id: bigint; accessHash?: bigint }): void {
    const me = this.requireUser(ctx)
    this.change(() => this.conv.joinChannel(me, channel, ctx))
  }

  /** messages.exportChatInvite → link `https://t.me/+<hash>`; admins only (CHAT_ADMIN_REQUIRED). */
  exportChatInvite(ctx: CallContext, peer: PeerRef, options?: InviteOptions): ChatInvite {
    const me = this.requireUser(ctx)
    return this.conv.exportChatInvite(me, peer, options)
  }

  /** Revokes an invite link: INVITE_HASH_EXPIRED from then on. */
  revokeChatInvite(ctx: CallContext, hash: string): ChatInvite {
    const me = this.requireUser(ctx)
    return this.conv.revokeChatInvite(me, hash)
  }

  /** messages.checkChatInvite: INVITE_HASH_EMPTY / INVALID / EXPIRED. */
  checkChatInvite(ctx: CallContext, hash: string): InviteCheck {
    return this.conv.checkChatInvite(this.requireUser(ctx), hash)
  }

  /** messages.importChatInvite: joins once (USER_ALREADY_PARTICIPANT after); the joined peer. */
  importChatInvite(ctx: CallContext, hash: string): Peer {
    const me = this.requireUser(ctx)
    return this.change(() => this.conv.importChatInvite(me, hash, ctx))
  }

  /** Members of a basic group or channel, in join order. */
  membersOf(peer: Peer): bigint[] {
    return this.conv.membersOf(peer)
  }

  /** Every join recorded for `peer` (create, add, invite link, public join). */
  joinsOf(peer: Peer): number {
    return this.conv.joinCounts.get(peerKey(peer)) ?? 0
  }

  /** Every membership change (joins and leaves) of the world, in order. */
  membershipLog(): readonly MembershipRecord[] {
    return this.conv.membership
  }

  // ---------------------------------------------------------------- messages

  /** messages.sendMessage, deduplicated on (sender, randomId): see SendResult.duplicate. */
  sendMessage(ctx: CallContext, peer: PeerRef, text: string, randomId: bigint): SendResult {
    const me = this.requireUser(ctx)
    return this.change(() => this.conv.sendMessage(me, peer, text, randomId, ctx))
  }

  /** messages.getHistory: newest first, ids below `offsetId` (0: the newest), at most 100. */
  getHistory(ctx: CallContext, peer: PeerRef, options?: { offsetId?: number; limit?: number }): WorldMessage[] {
    return this.conv.getHistory(this.requireUser(ctx), peer, options)
  }

  /** messages.getDialogs: every dialog with its newest message, newest first. */
  dialogsOf(ctx: CallContext): Array<{ peer: Peer; topMessage: WorldMessage }> {
    return this.conv.dialogsOf(this.requireUser(ctx))
  }

  /**
   * Whether the owner of `message` has had every peer it names in an earlier message of the same
   * dialog (private chat: any; basic group: one from the same sender), within the last
   * PEERS_SEEN_LOOKBACK messages — when a push may leave users/chats out (updateShort*).
   */
  peersSeenBefore(message: BoxMessage): boolean {
    return this.conv.peersSeenBefore(message, PEERS_SEEN_LOOKBACK)
  }

  /**
   * The users, basic groups and channels that messages or updates mention (senders, dialogs,
   * service-message targets, participants): what a TL answer lists in its `users`/`chats`.
   */
  peersOf(items: ReadonlyArray<WorldMessage | WorldUpdate>): { users: WorldUser[]; chats: WorldChat[]; channels: WorldChannel[] } {
    return this.dir.peersOf(items)
  }

  // ---------------------------------------------------------------- server-side actors
  // The same changes as the methods above, made by a user from no client of this test DC (as from
  // another device): no origin, so every session of the actor gets the push too. For load
  // generators and tests that need traffic without a logged-in sender.

  /** sendMessage as `userId`, from no client. */
  sendMessageAs(userId: bigint, peer: PeerRef, text: string, randomId: bigint): SendResult {
    const me = this.actor(userId)
    return this.change(() => this.conv.sendMessage(me, peer, text, randomId, undefined))
  }

  /** createChat as `userId`, from no client. */
  createChatAs(userId: bigint, title: string, users: readonly UserRef[]): WorldChat {
    const me = this.actor(userId)
    return this.change(() => this.conv.createChat(me, title, users, undefined))
  }

  /** createChannel as `userId`, from no client. */
  createChannelAs(userId: bigint, spec: { title: string; about?: string; megagroup?: boolean }): WorldChannel {
    const me = this.actor(userId)
    return this.change(() => this.conv.createChannel(me, spec, undefined))
  }

  /** inviteToChannel as `userId`, from no client: the users actually added. */
  inviteToChannelAs(userId: bigint, channel: { id: bigint; accessHash?: bigint }, users: readonly UserRef[]): bigint[] {
    const me = this.actor(userId)
    return this.change(() => this.conv.inviteToChannel(me, channel, users, undefined))
  }

  // ---------------------------------------------------------------- updates

  /**
   * Subscribes to deliveries: one per (change, concerned user), in order, after the change is
   * complete. Returns the unsubscribe function.
   */
  onUpdates(listener: UpdateListener): () => void {
    return this.hub.subscribe(listener)
  }

  /** Subscribes to whole flushes: every delivery of one change (or one `together`) at once. */
  onUpdateBatches(listener: UpdateBatchListener): () => void {
    return this.hub.subscribeBatches(listener)
  }

  /**
   * Runs several changes as one: their deliveries reach listeners together when `fn` returns
   * (batch listeners get them in one call, so a user concerned by several gets one push —
   * updatesCombined when more than one bumps its seq). Nests; throws what `fn` throws.
   */
  together<T>(fn: () => T): T {
    return this.change(fn)
  }

  /** updates.getState. */
  getState(ctx: CallContext): UpdateState {
    return this.hub.state(this.requireUser(ctx).id)
  }

  /** updates.getDifference from the client's (pts, date, qts). */
  getDifference(ctx: CallContext, from: { pts: number; date: number; qts: number }, limit?: number): Difference {
    return this.hub.difference(this.requireUser(ctx).id, from, this.capped(limit))
  }

  /** updates.getChannelDifference from the client's channel pts: CHANNEL_PRIVATE for non-members. */
  getChannelDifference(ctx: CallContext, channel: { id: bigint; accessHash?: bigint }, pts: number, limit?: number): ChannelDifference {
    const me = this.requireUser(ctx)
    const c = this.dir.requireChannel(channel)
    if (!c.members.has(me.id) && c.username === undefined) throw worldErrors.channelPrivate()
    return this.hub.channelDifference(c.id, c.pts, pts, this.capped(limit))
  }

  // ---------------------------------------------------------------- counts and invariants

  stats(): WorldStats {
    let service = 0
    for (const m of this.conv.logical) if (m.service) service++
    return {
      users: this.dir.users.size,
      chats: this.dir.chats.size,
      channels: this.dir.channels.size,
      messages: this.conv.logical.length,
      serviceMessages: service,
      joins: this.conv.membership.filter((m) => m.kind === 'join').length,
      boundAuthKeys: this.logins.boundKeyCount(),
    }
  }

  /** Logical non-service messages sent (to `peer`, as its sender addressed it, when given). */
  messagesCount(peer?: Peer): number {
    const key = peer === undefined ? undefined : peerKey(peer)
    return this.conv.logical.filter((m) => !m.service && (key === undefined || peerKey(m.peer) === key)).length
  }

  /** A user's box (private chats and basic groups), oldest first. */
  boxOf(userId: bigint): WorldMessage[] {
    return this.conv.boxOf(userId)
  }

  /**
   * Duplicate messages anywhere: one (sender, randomId) sent twice, a box holding two copies of
   * one message, or two messages under one id. Returns the violations (empty: none).
   */
  assertNoDuplicateMessages(): string[] {
    return duplicateMessages(this.dir, this.conv)
  }

  /**
   * Every invariant the world keeps: no duplicate messages, each user's pts log gapless, joins
   * and leaves alternating per (peer, user) and members matching them. Returns the violations.
   */
  checkInvariants(): string[] {
    return invariantViolations(this.dir, this.conv, this.hub)
  }

  // ---------------------------------------------------------------- internals

  /** A client's limit under the world's cap (none or a non-positive one: the cap). */
  private capped(limit: number | undefined): number {
    return limit === undefined || limit <= 0 ? this.differenceLimit : Math.min(limit, this.differenceLimit)
  }

  /** A user acting from no client: USER_ID_INVALID when unknown, USER_DEACTIVATED when deactivated. */
  private actor(userId: bigint): WorldUser {
    const user = this.dir.requireUser({ id: userId })
    if (user.deactivated) throw worldErrors.userDeactivated()
    return user
  }

  /** Runs a mutation, then hands its deliveries to listeners (also when it failed midway). */
  private change<T>(fn: () => T): T {
    this.changeDepth++
    try {
      return fn()
    } finally {
      if (--this.changeDepth === 0) this.hub.flush()
    }
  }
}
