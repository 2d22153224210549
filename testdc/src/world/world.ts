// The test DC's in-memory world: DCs, accounts, login (codes, 2FA, DC migration, exported
// authorizations), which auth key is bound to which user, and the facade over chats, messages
// and updates. Deterministic: time and randomness come in through the constructor.
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
import { randomDigits, randomHex, randomNonZeroLong, randomBase64Url, type RandomSource } from './seeded-random.js'
import { TELEGRAM_SRP_G, TELEGRAM_SRP_P_HEX, engineSrpServer, type SrpParams, type SrpRound, type SrpServer } from './srp.js'
import { MAX_UPDATE_LOG_ENTRIES, UpdateHub, type ChannelDifference, type Difference } from './update-hub.js'
import type {
  CallContext,
  Peer,
  PeerRef,
  UpdateListener,
  UpdateState,
  UserRef,
  WorldChannel,
  WorldChat,
  WorldMessage,
  WorldUpdate,
  WorldUser,
} from './types.js'

/** How long a login code stays valid by default. */
export const LOGIN_CODE_TTL_MS = 5 * 60_000
export const LOGIN_CODE_LENGTH = 5
const SRP_P = new Uint8Array(Buffer.from(TELEGRAM_SRP_P_HEX, 'hex'))

export interface WorldOptions {
  /** Milliseconds since the epoch (a fake clock in tests). */
  readonly clock: () => number
  readonly random: RandomSource
  /** DC ids, default [1, 2, 3]. */
  readonly dcIds?: readonly number[]
  /** Home DC of phone numbers that are not test numbers, default the first DC. */
  readonly defaultDcId?: number
  readonly codeTtlMs?: number
  /** SRP arithmetic for 2FA, default `engineSrpServer` (engine/src/crypto/srp.ts). */
  readonly srp?: SrpServer
  /** Bound of each user's and channel's update log, default MAX_UPDATE_LOG_ENTRIES. */
  readonly updateLogLimit?: number
  /**
   * Opt-in flood rule: more than `max` sendCode calls for one phone within `windowMs` answer
   * FLOOD_WAIT_X, X the whole seconds until the oldest call leaves the window. Default: none.
   */
  readonly sendCodeFlood?: { readonly max: number; readonly windowMs: number }
}

export interface PresetUserSpec {
  readonly phone: string
  readonly firstName: string
  readonly lastName?: string
  readonly username?: string
  readonly about?: string
  /** Enables 2FA; the world keeps only the SRP verifier. */
  readonly password?: string
  readonly passwordHint?: string
  /** Default: by the phone rule (see `homeDcOfPhone`). */
  readonly homeDcId?: number
}

/** auth.sendCode, as world data (auth.sentCode). */
export interface SentCode {
  readonly phoneCodeHash: string
  readonly codeLength: number
  /** Test numbers get their code "by app", others "by SMS" (it only shows in lastCodeFor). */
  readonly type: 'app' | 'sms'
  readonly registered: boolean
}

/** auth.signIn: authorized, or the phone has no account yet (auth.authorizationSignUpRequired). */
export type SignInResult =
  | { readonly kind: 'authorized'; readonly user: WorldUser }
  | { readonly kind: 'signUpRequired' }

/** account.getPassword, as world data. */
export type PasswordInfo =
  | { readonly hasPassword: false }
  | {
      readonly hasPassword: true
      readonly params: SrpParams
      readonly srpB: Uint8Array
      readonly srpId: bigint
      readonly hint: string | undefined
    }

/** auth.exportAuthorization's answer, to be imported on `dcId`. */
export interface ExportedAuthorization {
  readonly id: bigint
  readonly bytes: Uint8Array
}

/** How an auth key got its user: by logging in on the user's home DC, or by import elsewhere. */
export type BindingVia = 'login' | 'import'

interface KeyState {
  readonly ctx: CallContext
  userId: bigint | undefined
  via: BindingVia | undefined
  /** Set between SESSION_PASSWORD_NEEDED and a successful checkPassword. */
  passwordUserId: bigint | undefined
}

interface PendingCode {
  readonly phone: string
  readonly code: string
  readonly key: string
  readonly expiresAtMs: number
  /** signIn found no account: signUp may use this hash. */
  signUpAllowed: boolean
}

/** Counts for tests. */
export interface WorldStats {
  readonly users: number
  readonly chats: number
  readonly channels: number
  /** Logical messages, each counted once however many boxes hold a copy. */
  readonly messages: number
  readonly serviceMessages: number
  readonly joins: number
  readonly boundAuthKeys: number
}

/** Test numbers 99966XYYYY live on DC X and get the code XXXXX (https://core.telegram.org/api/auth#test-accounts). */
export function testPhoneDcId(phone: string): number | undefined {
  const m = /^99966(\d)\d{4}$/.exec(phone)
  return m === null ? undefined : Number(m[1])
}

const keyOf = (ctx: CallContext): string => `${ctx.dcId}:${ctx.authKeyId}`

/** The world's data for the test DC's state file: each part's data fields by name (see World.snapshot). */
export interface WorldSnapshot {
  readonly dcIds: readonly number[]
  readonly world: Record<string, unknown>
  readonly dir: Record<string, unknown>
  readonly hub: Record<string, unknown>
  readonly conv: Record<string, unknown>
}

// Fields that are wiring, options or transient, not data: everything else is snapshotted, so a
// data field added later is saved without touching this list (and an old file then fails restore).
const WORLD_NON_DATA: ReadonlySet<string> = new Set([
  'dcIds', 'defaultDcId', 'clock', 'random', 'srp', 'codeTtlMs', 'dir', 'hub', 'conv', 'sendCodeFlood', 'srpSessions',
])
const DIR_NON_DATA: ReadonlySet<string> = new Set(['random'])
const HUB_NON_DATA: ReadonlySet<string> = new Set(['nowSeconds', 'logLimit', 'listeners', 'queue', 'flushing'])
const CONV_NON_DATA: ReadonlySet<string> = new Set(['dir', 'hub', 'random', 'nowSeconds'])

function dataFields(target: object, skip: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(target)) if (!skip.has(k) && typeof v !== 'function') out[k] = v
  return out
}

export class World {
  readonly dcIds: readonly number[]
  readonly defaultDcId: number
  private readonly clock: () => number
  private readonly random: RandomSource
  private readonly srp: SrpServer
  private readonly codeTtlMs: number
  private readonly dir: Directory
  private readonly hub: UpdateHub
  private readonly conv: Conversations
  private readonly keys = new Map<string, KeyState>()
  /** userId → keys bound to it, so fan-out never scans every key. */
  private readonly keysByUser = new Map<bigint, Set<string>>()
  /** `${key}/${phone}` → the live phoneCodeHash, so a new sendCode replaces the old one in O(1). */
  private readonly codeByKeyPhone = new Map<string, string>()
  private readonly codes = new Map<string, PendingCode>()
  private readonly lastCodes = new Map<string, string>()
  private readonly srpSessions = new Map<bigint, { srpId: bigint; round: SrpRound }>()
  private readonly exported = new Map<bigint, { userId: bigint; dcId: number; bytes: Uint8Array }>()
  private readonly botTokens = new Map<string, bigint>()
  private readonly sendCodeFlood: { readonly max: number; readonly windowMs: number } | undefined
  private readonly sendCodeTimes = new Map<string, number[]>()

  constructor(options: WorldOptions) {
    this.clock = options.clock
    this.random = options.random
    this.dcIds = [...(options.dcIds ?? [1, 2, 3])]
    this.defaultDcId = options.defaultDcId ?? (this.dcIds[0] as number)
    if (!this.dcIds.includes(this.defaultDcId)) throw new RangeError(`default DC ${this.defaultDcId} is not in dcIds`)
    this.srp = options.srp ?? engineSrpServer
    this.codeTtlMs = options.codeTtlMs ?? LOGIN_CODE_TTL_MS
    this.sendCodeFlood = options.sendCodeFlood
    this.dir = new Directory(this.random)
    this.hub = new UpdateHub(() => this.now(), options.updateLogLimit ?? MAX_UPDATE_LOG_ENTRIES)
    this.conv = new Conversations(this.dir, this.hub, this.random, () => this.now())
  }

  /** The world's time in unix seconds (what `date` fields carry). */
  now(): number {
    return Math.floor(this.clock() / 1000)
  }

  // ---------------------------------------------------------------- test setup

  /** Creates an account directly (no login), with optional 2FA. */
  presetUser(spec: PresetUserSpec): WorldUser {
    const phone = this.requirePhone(spec.phone)
    const user = this.dir.addUser({
      phone,
      firstName: spec.firstName,
      lastName: spec.lastName,
      username: spec.username,
      about: spec.about,
      homeDcId: spec.homeDcId ?? this.homeDcOfPhone(phone),
    })
    if (spec.password !== undefined) this.setPassword(user.id, spec.password, spec.passwordHint)
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
    const token = `${user.id}:AA${randomBase64Url(this.random, 24)}`
    this.botTokens.set(token, user.id)
    return { user, token }
  }

  /** Sets (or, with undefined, removes) a user's 2FA password; stores salts and verifier only. */
  setPassword(userId: bigint, password: string | undefined, hint?: string): void {
    const user = this.dir.requireUser({ id: userId })
    if (password === undefined) {
      user.password = undefined
      return
    }
    // Telegram's salt1 is 8 server bytes (a client extends it with 32 more when setting a password).
    const params: SrpParams = { salt1: this.random(40), salt2: this.random(16), g: TELEGRAM_SRP_G, p: SRP_P }
    user.password = { params, verifier: this.srp.verifier(password, params), hint }
    this.srpSessions.delete(userId)
  }

  /** Binds a fresh auth key on `dcId` (default: the user's home DC) to the user, as after a login. */
  loginAs(userId: bigint, dcId?: number): CallContext {
    const user = this.dir.requireUser({ id: userId })
    const ctx: CallContext = { dcId: dcId ?? user.homeDcId, authKeyId: randomNonZeroLong(this.random) }
    this.requireDc(ctx.dcId)
    this.bind(ctx, user.id, ctx.dcId === user.homeDcId ? 'login' : 'import')
    return ctx
  }

  /** The last login code the world generated for `phone` (what the user would read in SMS). */
  lastCodeFor(phone: string): string | undefined {
    const p = normalizePhone(phone)
    return p === undefined ? undefined : this.lastCodes.get(p)
  }

  /** Where an account for `phone` lives: its user's home DC, else 99966X… → X, else the default. */
  homeDcOfPhone(phone: string): number {
    const p = this.requirePhone(phone)
    const existing = this.dir.userByPhone(p)
    if (existing !== undefined) return existing.homeDcId
    const testDc = testPhoneDcId(p)
    if (testDc === undefined) return this.defaultDcId
    if (!this.dcIds.includes(testDc)) throw worldErrors.phoneNumberInvalid()
    return testDc
  }

  /**
   * Fault: Telegram moved the account to `dcId`. Keys that logged in on the old home DC now get
   * USER_MIGRATE_<dcId> on calls that need a user; new logins get PHONE_MIGRATE_<dcId>.
   */
  migrateUser(userId: bigint, dcId: number): void {
    this.requireDc(dcId)
    this.dir.requireUser({ id: userId }).homeDcId = dcId
  }

  /** Fault: the account is deactivated (USER_DEACTIVATED on calls that need it). */
  deactivateUser(userId: bigint): void {
    this.dir.requireUser({ id: userId }).deactivated = true
  }

  /** Fault: the server forgot this auth key's authorization (AUTH_KEY_UNREGISTERED afterwards). */
  revokeAuthKey(ctx: CallContext): void {
    this.unbind(ctx)
  }

  // ---------------------------------------------------------------- state file

  /**
   * Everything the world holds, for the test DC's state file (state-file.ts): every data field of
   * the world and its parts by name, as live references (encode before the world changes again).
   * Not kept: listeners, pending SRP rounds (a 2FA check spanning a restart gets SRP_ID_INVALID).
   */
  snapshot(): WorldSnapshot {
    return {
      dcIds: [...this.dcIds],
      world: dataFields(this, WORLD_NON_DATA),
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
    if (this.dir.users.size > 0 || this.keys.size > 0) throw new RangeError('World.restore needs a fresh world')
    if (snapshot.dcIds.join(',') !== this.dcIds.join(',')) {
      throw new RangeError(`the snapshot's DCs are ${snapshot.dcIds.join(', ')}, this world's ${this.dcIds.join(', ')}`)
    }
    const parts: Array<[object, Record<string, unknown>, ReadonlySet<string>]> = [
      [this, snapshot.world, WORLD_NON_DATA],
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
  // https://core.telegram.org/api/auth

  /**
   * auth.sendCode. PHONE_MIGRATE_X when the phone lives on another DC than `ctx.dcId`;
   * PHONE_NUMBER_INVALID, PHONE_NUMBER_BANNED (deactivated account), FLOOD_WAIT_X (opt-in).
   */
  sendCode(ctx: CallContext, phone: string): SentCode {
    this.requireDc(ctx.dcId)
    const p = this.requirePhone(phone)
    const home = this.homeDcOfPhone(p)
    if (home !== ctx.dcId) throw worldErrors.phoneMigrate(home)
    const user = this.dir.userByPhone(p)
    if (user?.bot === true) throw worldErrors.phoneNumberInvalid()
    if (user?.deactivated === true) throw worldErrors.phoneNumberBanned()
    this.checkSendCodeFlood(p)
    const testDc = testPhoneDcId(p)
    const code = testDc !== undefined ? String(testDc).repeat(LOGIN_CODE_LENGTH) : randomDigits(this.random, LOGIN_CODE_LENGTH)
    const key = keyOf(ctx)
    const previous = this.codeByKeyPhone.get(`${key}/${p}`)
    if (previous !== undefined) this.dropCode(previous)
    let phoneCodeHash = randomHex(this.random, 9)
    while (this.codes.has(phoneCodeHash)) phoneCodeHash = randomHex(this.random, 9)
    this.codes.set(phoneCodeHash, { phone: p, code, key, expiresAtMs: this.clock() + this.codeTtlMs, signUpAllowed: false })
    this.codeByKeyPhone.set(`${key}/${p}`, phoneCodeHash)
    this.lastCodes.set(p, code)
    this.ensureKey(ctx)
    return { phoneCodeHash, codeLength: LOGIN_CODE_LENGTH, type: testDc !== undefined ? 'app' : 'sms', registered: user !== undefined }
  }

  /**
   * auth.signIn. Errors: PHONE_CODE_EMPTY, PHONE_CODE_EXPIRED (unknown, stale or other key's hash),
   * PHONE_CODE_INVALID, SESSION_PASSWORD_NEEDED (2FA: continue with getPassword/checkPassword).
   */
  signIn(ctx: CallContext, phone: string, phoneCodeHash: string, code: string): SignInResult {
    const pending = this.pendingCode(ctx, phone, phoneCodeHash)
    if (code === '') throw worldErrors.phoneCodeEmpty()
    if (code !== pending.code) throw worldErrors.phoneCodeInvalid()
    const user = this.dir.userByPhone(pending.phone)
    if (user === undefined) {
      pending.signUpAllowed = true
      return { kind: 'signUpRequired' }
    }
    this.dropCode(phoneCodeHash)
    if (user.password !== undefined) {
      this.ensureKey(ctx).passwordUserId = user.id
      throw worldErrors.sessionPasswordNeeded()
    }
    this.bind(ctx, user.id, 'login')
    return { kind: 'authorized', user }
  }

  /** auth.signUp, after signIn answered signUpRequired with the same hash. */
  signUp(ctx: CallContext, phone: string, phoneCodeHash: string, firstName: string, lastName?: string): WorldUser {
    const pending = this.pendingCode(ctx, phone, phoneCodeHash)
    if (!pending.signUpAllowed) throw worldErrors.phoneNumberUnoccupied()
    if (firstName.trim() === '') throw worldErrors.firstnameInvalid()
    const user = this.dir.addUser({ phone: pending.phone, firstName, lastName, homeDcId: ctx.dcId })
    this.dropCode(phoneCodeHash)
    this.bind(ctx, user.id, 'login')
    return user
  }

  /**
   * account.getPassword: for the user awaiting 2FA on this key, else the key's user. Each call
   * starts a new SRP round (new srpId and B); the previous srpId becomes SRP_ID_INVALID.
   */
  getPassword(ctx: CallContext): PasswordInfo {
    const user = this.passwordSubject(ctx)
    if (user.password === undefined) return { hasPassword: false }
    const round = this.srp.start(user.password.params, user.password.verifier, this.random)
    const srpId = randomNonZeroLong(this.random)
    this.srpSessions.set(user.id, { srpId, round })
    return { hasPassword: true, params: user.password.params, srpB: round.B, srpId, hint: user.password.hint }
  }

  /** auth.checkPassword (inputCheckPasswordSRP): binds the key; PASSWORD_HASH_INVALID, SRP_ID_INVALID. */
  checkPassword(ctx: CallContext, check: { srpId: bigint; A: Uint8Array; M1: Uint8Array }): WorldUser {
    const user = this.passwordSubject(ctx)
    const session = this.srpSessions.get(user.id)
    if (user.password === undefined) throw worldErrors.passwordHashInvalid()
    if (session === undefined || session.srpId !== check.srpId) throw worldErrors.srpIdInvalid()
    if (!this.srp.check(user.password.params, user.password.verifier, session.round, check.A, check.M1)) {
      throw worldErrors.passwordHashInvalid()
    }
    this.srpSessions.delete(user.id)
    this.bind(ctx, user.id, 'login')
    return user
  }

  /** auth.importBotAuthorization. ACCESS_TOKEN_INVALID; USER_MIGRATE_X off the bot's home DC. */
  importBotAuthorization(ctx: CallContext, token: string): WorldUser {
    this.requireDc(ctx.dcId)
    const id = this.botTokens.get(token)
    if (id === undefined) throw worldErrors.accessTokenInvalid()
    const bot = this.dir.requireUser({ id })
    if (bot.homeDcId !== ctx.dcId) throw worldErrors.userMigrate(bot.homeDcId)
    this.bind(ctx, bot.id, 'login')
    return bot
  }

  /** auth.exportAuthorization: DC_ID_INVALID for an unknown DC or the current one. */
  exportAuthorization(ctx: CallContext, dcId: number): ExportedAuthorization {
    const user = this.requireUser(ctx)
    if (!this.dcIds.includes(dcId) || dcId === ctx.dcId) throw worldErrors.dcIdInvalid()
    const id = randomNonZeroLong(this.random)
    const bytes = this.random(32)
    this.exported.set(id, { userId: user.id, dcId, bytes })
    return { id, bytes }
  }

  /** auth.importAuthorization on the DC it was exported for: AUTH_BYTES_INVALID otherwise. */
  importAuthorization(ctx: CallContext, id: bigint, bytes: Uint8Array): WorldUser {
    this.requireDc(ctx.dcId)
    const e = this.exported.get(id)
    if (e === undefined || e.dcId !== ctx.dcId || Buffer.compare(e.bytes, bytes) !== 0) throw worldErrors.authBytesInvalid()
    const user = this.dir.requireUser({ id: e.userId })
    this.bind(ctx, user.id, user.homeDcId === ctx.dcId ? 'login' : 'import')
    return user
  }

  /** auth.logOut: the key is no longer bound (AUTH_KEY_UNREGISTERED afterwards). */
  logOut(ctx: CallContext): void {
    this.requireUser(ctx)
    this.unbind(ctx)
  }

  /**
   * The user bound to `ctx`'s key, for any call that needs one: AUTH_KEY_UNREGISTERED (unbound),
   * USER_DEACTIVATED, USER_MIGRATE_X (a logged-in key whose user's home DC moved).
   */
  requireUser(ctx: CallContext): WorldUser {
    const key = this.keys.get(keyOf(ctx))
    if (key?.userId === undefined) throw worldErrors.authKeyUnregistered()
    const user = this.dir.requireUser({ id: key.userId })
    if (user.deactivated) throw worldErrors.userDeactivated()
    if (key.via === 'login' && user.homeDcId !== ctx.dcId) throw worldErrors.userMigrate(user.homeDcId)
    return user
  }

  /** The user id bound to this key, if any (no checks). */
  userIdOfKey(ctx: CallContext): bigint | undefined {
    return this.keys.get(keyOf(ctx))?.userId
  }

  /** Every auth key bound to the user, on every DC (for pushing updates to all its sessions). */
  authKeysOf(userId: bigint): CallContext[] {
    const out: CallContext[] = []
    for (const k of this.keysByUser.get(userId) ?? []) {
      const state = this.keys.get(k)
      if (state !== undefined) out.push(state.ctx)
    }
    return out
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
   * The users, basic groups and channels that messages or updates mention (senders, dialogs,
   * service-message targets, participants): what a TL answer lists in its `users`/`chats`.
   */
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
    return { users: pick(users, this.dir.users), chats: pick(chats, this.dir.chats), channels: pick(channels, this.dir.channels) }
  }

  // ---------------------------------------------------------------- updates

  /**
   * Subscribes to deliveries: one per (change, concerned user), in order, after the change is
   * complete. Returns the unsubscribe function.
   */
  onUpdates(listener: UpdateListener): () => void {
    return this.hub.subscribe(listener)
  }

  /** updates.getState. */
  getState(ctx: CallContext): UpdateState {
    return this.hub.state(this.requireUser(ctx).id)
  }

  /** updates.getDifference from the client's (pts, date, qts). */
  getDifference(ctx: CallContext, from: { pts: number; date: number; qts: number }, limit?: number): Difference {
    return this.hub.difference(this.requireUser(ctx).id, from, limit)
  }

  /** updates.getChannelDifference from the client's channel pts: CHANNEL_PRIVATE for non-members. */
  getChannelDifference(ctx: CallContext, channel: { id: bigint; accessHash?: bigint }, pts: number, limit?: number): ChannelDifference {
    const me = this.requireUser(ctx)
    const c = this.dir.requireChannel(channel)
    if (!c.members.has(me.id) && c.username === undefined) throw worldErrors.channelPrivate()
    return this.hub.channelDifference(c.id, c.pts, pts, limit)
  }

  // ---------------------------------------------------------------- counts and invariants

  stats(): WorldStats {
    let service = 0
    for (const m of this.conv.logical) if (m.service) service++
    let bound = 0
    for (const set of this.keysByUser.values()) bound += set.size
    return {
      users: this.dir.users.size,
      chats: this.dir.chats.size,
      channels: this.dir.channels.size,
      messages: this.conv.logical.length,
      serviceMessages: service,
      joins: this.conv.membership.filter((m) => m.kind === 'join').length,
      boundAuthKeys: bound,
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
    const out: string[] = []
    const byRandom = new Map<string, number>()
    for (const m of this.conv.logical) {
      if (m.randomId === undefined || m.senderId === undefined) continue
      const k = `${m.senderId}:${m.randomId}`
      const first = byRandom.get(k)
      if (first !== undefined) out.push(`sender ${m.senderId} randomId ${m.randomId}: messages #${first} and #${m.logicalId}`)
      else byRandom.set(k, m.logicalId)
    }
    for (const userId of this.dir.users.keys()) {
      const ids = new Set<number>()
      const logical = new Set<number>()
      for (const m of this.conv.boxOf(userId)) {
        if (ids.has(m.id)) out.push(`user ${userId}: message id ${m.id} twice`)
        if (logical.has(m.logicalId)) out.push(`user ${userId}: two copies of message #${m.logicalId}`)
        ids.add(m.id)
        logical.add(m.logicalId)
      }
    }
    for (const channelId of this.dir.channels.keys()) {
      const ids = new Set<number>()
      for (const m of this.conv.channelMessages(channelId)) {
        if (ids.has(m.id)) out.push(`channel ${channelId}: message id ${m.id} twice`)
        ids.add(m.id)
      }
    }
    return out
  }

  /**
   * Every invariant the world keeps: no duplicate messages, each user's pts log gapless, joins
   * and leaves alternating per (peer, user) and members matching them. Returns the violations.
   */
  checkInvariants(): string[] {
    const out = this.assertNoDuplicateMessages()
    for (const userId of this.dir.users.keys()) {
      let last: number | undefined
      for (const e of this.hub.logOf(userId)) {
        if (!e.ptsBased) continue
        if (last !== undefined && e.ptsAfter !== last + 1) out.push(`user ${userId}: pts ${last} then ${e.ptsAfter}`)
        last = e.ptsAfter
      }
    }
    // Per (peer, user): join, leave, join, ... alternate, and membership is the last of them.
    const lastKind = new Map<string, 'join' | 'leave'>()
    for (const m of this.conv.membership) {
      const k = `${peerKey(m.peer)}/${m.userId}`
      if (lastKind.get(k) === m.kind) out.push(`${k}: ${m.kind} twice in a row`)
      lastKind.set(k, m.kind)
    }
    const groups: Array<WorldChat | WorldChannel> = [...this.dir.chats.values(), ...this.dir.channels.values()]
    for (const g of groups) {
      for (const id of g.members.keys()) {
        if (lastKind.get(`${g.type}:${g.id}/${id}`) !== 'join') out.push(`${g.type}:${g.id}: member ${id} without a join`)
      }
    }
    for (const [k, kind] of lastKind) {
      const [peer, user] = k.split('/') as [string, string]
      const [type, id] = peer.split(':') as [string, string]
      const g = type === 'chat' ? this.dir.chats.get(BigInt(id)) : this.dir.channels.get(BigInt(id))
      if (kind === 'join' && g?.members.has(BigInt(user)) !== true) out.push(`${k}: joined but not a member`)
    }
    return out
  }

  // ---------------------------------------------------------------- internals

  /** Runs a mutation, then hands its deliveries to listeners (also when it failed midway). */
  private change<T>(fn: () => T): T {
    try {
      return fn()
    } finally {
      this.hub.flush()
    }
  }

  private requireDc(dcId: number): void {
    // The server layer only routes requests to DCs it runs: anything else is a wiring bug.
    if (!this.dcIds.includes(dcId)) throw new RangeError(`DC ${dcId} is not in this world (${this.dcIds.join(', ')})`)
  }

  private requirePhone(phone: string): string {
    const p = normalizePhone(phone)
    if (p === undefined) throw worldErrors.phoneNumberInvalid()
    return p
  }

  private ensureKey(ctx: CallContext): KeyState {
    const k = keyOf(ctx)
    let state = this.keys.get(k)
    if (state === undefined) {
      state = { ctx: { dcId: ctx.dcId, authKeyId: ctx.authKeyId }, userId: undefined, via: undefined, passwordUserId: undefined }
      this.keys.set(k, state)
    }
    return state
  }

  private bind(ctx: CallContext, userId: bigint, via: BindingVia): void {
    const state = this.ensureKey(ctx)
    if (state.userId !== undefined) this.keysByUser.get(state.userId)?.delete(keyOf(ctx))
    let set = this.keysByUser.get(userId)
    if (set === undefined) {
      set = new Set()
      this.keysByUser.set(userId, set)
    }
    set.add(keyOf(ctx))
    state.userId = userId
    state.via = via
    state.passwordUserId = undefined
  }

  private checkSendCodeFlood(phone: string): void {
    const rule = this.sendCodeFlood
    if (rule === undefined) return
    const now = this.clock()
    const times = (this.sendCodeTimes.get(phone) ?? []).filter((t) => now - t < rule.windowMs)
    if (times.length >= rule.max) {
      this.sendCodeTimes.set(phone, times)
      throw worldErrors.floodWait(Math.ceil(((times[0] as number) + rule.windowMs - now) / 1000))
    }
    times.push(now)
    this.sendCodeTimes.set(phone, times)
  }

  private dropCode(phoneCodeHash: string): void {
    const pending = this.codes.get(phoneCodeHash)
    if (pending === undefined) return
    this.codes.delete(phoneCodeHash)
    const k = `${pending.key}/${pending.phone}`
    if (this.codeByKeyPhone.get(k) === phoneCodeHash) this.codeByKeyPhone.delete(k)
  }

  private unbind(ctx: CallContext): void {
    const k = keyOf(ctx)
    const state = this.keys.get(k)
    if (state?.userId !== undefined) this.keysByUser.get(state.userId)?.delete(k)
    this.keys.delete(k)
  }

  private pendingCode(ctx: CallContext, phone: string, phoneCodeHash: string): PendingCode {
    const p = this.requirePhone(phone)
    const pending = this.codes.get(phoneCodeHash)
    if (pending === undefined || pending.phone !== p || pending.key !== keyOf(ctx)) throw worldErrors.phoneCodeExpired()
    if (this.clock() >= pending.expiresAtMs) {
      this.dropCode(phoneCodeHash)
      throw worldErrors.phoneCodeExpired()
    }
    return pending
  }

  private passwordSubject(ctx: CallContext): WorldUser {
    const key = this.keys.get(keyOf(ctx))
    const id = key?.passwordUserId ?? key?.userId
    if (id === undefined) throw worldErrors.authKeyUnregistered()
    return this.dir.requireUser({ id })
  }
}

