// Who may act as whom in the test DC's world: auth keys and the users they are bound to (by login
// on the home DC, or by imported authorization elsewhere), login codes, SRP 2FA rounds, bot
// tokens and exported authorizations. https://core.telegram.org/api/auth
// Knows users only through the directory; nothing of chats, messages or updates, nor of TL.
import { Directory, normalizePhone } from './directory.js'
import { worldErrors } from './errors.js'
import { randomBase64Url, randomDigits, randomHex, randomNonZeroLong, type RandomSource } from './seeded-random.js'
import { TELEGRAM_SRP_G, TELEGRAM_SRP_P_HEX, type SrpParams, type SrpRound, type SrpServer } from './srp.js'
import type { CallContext, WorldUser } from './types.js'

/** How long a login code stays valid by default. */
export const LOGIN_CODE_TTL_MS = 5 * 60_000
export const LOGIN_CODE_LENGTH = 5
const SRP_P = new Uint8Array(Buffer.from(TELEGRAM_SRP_P_HEX, 'hex'))

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

/** Test numbers 99966XYYYY live on DC X and get the code XXXXX (https://core.telegram.org/api/auth#test-accounts). */
export function testPhoneDcId(phone: string): number | undefined {
  const m = /^99966(\d)\d{4}$/.exec(phone)
  return m === null ? undefined : Number(m[1])
}

const keyOf = (ctx: CallContext): string => `${ctx.dcId}:${ctx.authKeyId}`

/** What {@link Logins} is built from (the world's options and parts it shares). */
export interface LoginsOptions {
  readonly dcIds: readonly number[]
  readonly defaultDcId: number
  readonly clock: () => number
  readonly random: RandomSource
  readonly srp: SrpServer
  readonly codeTtlMs: number
  readonly dir: Directory
  readonly sendCodeFlood: { readonly max: number; readonly windowMs: number } | undefined
}

/**
 * The login half of the world. NB: its data fields are what the state file keeps under
 * `WorldSnapshot.world` (World.snapshot), by name: a field added here is saved without more code.
 */
export class Logins {
  private readonly dcIds: readonly number[]
  private readonly defaultDcId: number
  private readonly clock: () => number
  private readonly random: RandomSource
  private readonly srp: SrpServer
  private readonly codeTtlMs: number
  private readonly dir: Directory
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

  constructor(options: LoginsOptions) {
    this.dcIds = options.dcIds
    this.defaultDcId = options.defaultDcId
    this.clock = options.clock
    this.random = options.random
    this.srp = options.srp
    this.codeTtlMs = options.codeTtlMs
    this.dir = options.dir
    this.sendCodeFlood = options.sendCodeFlood
  }

  /** No auth key known yet (World.restore needs a fresh world). */
  isFresh(): boolean {
    return this.keys.size === 0
  }

  /** Auth keys bound to a user, over every DC. */
  boundKeyCount(): number {
    let bound = 0
    for (const set of this.keysByUser.values()) bound += set.size
    return bound
  }

  /** A bot's login token (for importBotAuthorization). */
  issueBotToken(bot: WorldUser): string {
    const token = `${bot.id}:AA${randomBase64Url(this.random, 24)}`
    this.botTokens.set(token, bot.id)
    return token
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

  /** The last login code generated for `phone` (what the user would read in SMS). */
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

  /** The server forgot this auth key's authorization (AUTH_KEY_UNREGISTERED afterwards). */
  revoke(ctx: CallContext): void {
    this.unbind(ctx)
  }

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

  // ---------------------------------------------------------------- internals

  /** Throws for a DC this world does not run (a wiring bug, not a client error). */
  requireDc(dcId: number): void {
    // The server layer only routes requests to DCs it runs: anything else is a wiring bug.
    if (!this.dcIds.includes(dcId)) throw new RangeError(`DC ${dcId} is not in this world (${this.dcIds.join(', ')})`)
  }

  /** The phone in digits; PHONE_NUMBER_INVALID otherwise. */
  requirePhone(phone: string): string {
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
