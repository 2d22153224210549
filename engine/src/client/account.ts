// One account of the public API: the account machine (its snapshots are `state$`), its runtime
// notices (updates$, migrations, revocations), typed `invoke`, and the login helpers as promises
// over the machine's flow: each helper sends the machine an event and waits for the state it
// leads to. The machine decides every flow; its steps' RPCs are in account-steps.ts. Knows
// nothing of sockets or sessions: the runtime port does the I/O.
import { BehaviorSubject, Subject, type Observable, type Subscription } from 'rxjs'
import { createActor, type Actor, type SnapshotFrom } from 'xstate'
import type { AccountRecord } from '@mtswarm/storage'
import { phoneSecret, secret, type AccountEvent } from '@mtswarm/machines'
import { MigrateError, MtSwarmError, RpcError, UsageError } from '../errors/index.js'
import type { ResultOf, tl } from '../tl/index.js'
import { PeerCache, inputChannelOf, inputUserOf, peerMemoryOf, resolvePeerRef, type PeerRef } from '../peers/index.js'
import { LoginProgress, transferAuthorization, type AccountLogic, type LoginVia, type StepPort } from './account-steps.js'
import { exportSessionString, type ExportSessionOptions } from '../session/index.js'
import { checkInvokeOptions, checkRequest } from './request-check.js'
import type { AccountNotice, PortCallOptions } from './runtime-adapter.js'
import { AccountUpdates } from '../updates/account-updates.js'
import type { AccountDelivery, UpdateHandler } from '../updates/delivery.js'
import { decodeDeadLetter, type DeadLetter } from '../updates/dead-letters.js'
import { describeArgument, stateString, withoutDc, type AccountHost, type AccountSnapshot, type InvokeOptions, type SignInResult } from './account-types.js'

export { stateString, type AccountHost, type AccountSnapshot, type InvokeOptions, type SignInResult } from './account-types.js'

type AccountActor = Actor<AccountLogic>

const SETTLED_STATES = new Set(['anonymous', 'authorized', 'revoked', 'stopped'])
/** States in which the account has no authorization: its updates actor stops. */
const UNAUTHORIZED_STATES = new Set(['anonymous', 'revoked', 'stopped', 'empty'])
const LOGIN_START_STATES = new Set(['anonymous', 'revoked', 'loggingIn.codeSent', 'loggingIn.passwordNeeded', 'loggingIn.signUpNeeded'])

/**
 * A Telegram account (one user session) run by the engine. Get one with `engine.account(id)`;
 * it loads from the store (or is created there) in the background: every method waits for that.
 */
export class Account {
  /** The account machine's snapshots (BehaviorSubject semantics: the current one on subscribe). */
  readonly state$: Observable<AccountSnapshot>
  /**
   * Everything the server pushed to this account (updates, updateShort, updatesCombined …), raw:
   * no ordering, no gap recovery, nothing committed. For handled updates use {@link Account.onUpdate}.
   */
  readonly updates$: Observable<tl.TypeUpdates>

  private readonly stateSubject: BehaviorSubject<AccountSnapshot>
  private readonly updatesSubject = new Subject<tl.TypeUpdates>()
  private actor: AccountActor | null = null
  private readonly loaded: Promise<void>
  private noticeSub: Subscription | null = null
  /** DCs (other than home) this authorization was imported to. */
  private readonly importedDcs = new Map<number, Promise<void>>()
  private record: AccountRecord | null = null
  private writes: Promise<void> = Promise.resolve()
  private stopped = false
  /** Bumped when the home DC moves: calls that failed across a move are retried once. */
  private epoch = 0
  /** This account's share of update delivery (its handlers, lanes and commits). */
  private readonly delivery: AccountDelivery
  /** The updates machine while authorized, else null. */
  private updates: AccountUpdates | null = null

  /** What the login helpers resolve with (one login flow at a time per account). */
  private readonly progress = new LoginProgress()
  /** @internal The machine's effects for this account (account-steps.ts). */
  readonly steps: StepPort
  /** Access hashes, usernames and phones of every user and chat this account's results carried. */
  readonly peers: PeerCache

  /** @internal Created by the engine. */
  constructor(
    /** The application's id for this account (e.g. the website's user id). */
    readonly id: string,
    private readonly host: AccountHost,
  ) {
    this.stateSubject = new BehaviorSubject<AccountSnapshot>({ state: 'loading', homeDcId: host.options.defaultDcId, userId: null, lastError: null })
    this.state$ = this.stateSubject.asObservable()
    this.updates$ = this.updatesSubject.asObservable()
    this.delivery = host.delivery.account(id)
    this.steps = this.stepPort()
    this.peers = new PeerCache(id, {
      store: host.options.store,
      nowMs: host.options.nowMs,
      track: (w) => host.track(w),
      warn: (message) => host.emit({ type: 'warning', atMs: host.options.nowMs(), accountId: id, message }),
    }, peerMemoryOf(host.options))
    this.loaded = this.load()
    // NB: a failed load surfaces on the next call; never as an unhandled rejection.
    this.loaded.catch(() => {})
  }

  /** What console.log and util.inspect show: the id and state, not the host (its options hold the api_hash). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Account { id: ${JSON.stringify(this.id)}, state: ${JSON.stringify(this.state.state)} }`
  }

  /** The current snapshot. */
  get state(): AccountSnapshot {
    return this.stateSubject.value
  }

  /** The DC that holds this account's authorization. */
  get homeDcId(): number {
    return this.stateSubject.value.homeDcId
  }

  /** Telegram user id once authorized, else null. */
  get userId(): bigint | null {
    return this.stateSubject.value.userId
  }

  /** True once logged in (and not migrating). */
  get authorized(): boolean {
    return this.stateSubject.value.state === 'authorized'
  }

  /**
   * Resolves when the account has loaded and its home DC is connected (keyed): state is
   * 'anonymous', 'authorized' or 'revoked'. Rejects with UsageError if it is stopped first.
   */
  async ready(): Promise<AccountSnapshot> {
    await this.loaded
    return this.until((s) => SETTLED_STATES.has(s.state) || s.state.startsWith('loggingIn.'), 'ready')
  }

  // ---- calls ------------------------------------------------------------------------------

  /**
   * Calls a Telegram API method on this account and resolves with its typed result.
   * Rejects only with typed errors: RpcError (FloodWaitError past the threshold), TimeoutError,
   * CancelledError, TransportError, ProtocolError, UsageError (stopped, bad request).
   * 303 migrations are followed and FLOOD_WAIT up to the engine's threshold is slept through.
   *
   * Refused at once, before anything is sent, with UsageError 'bad-argument' and `field` set: a
   * value TL cannot carry (int outside [-2^31, 2^31-1], long outside signed 64 bits or not a
   * bigint, a non-finite double, int128/int256 of the wrong length, a wrong JS type); a request
   * serialized to more than MAX_REQUEST_BYTES (one MTProto message, ~1 MiB less the envelope);
   * upload parts over 512 KiB, empty, or (saveBigFilePart, all but the last) not a multiple of
   * 1 KiB dividing 512 KiB; `timeout` outside (0, 2^31-1] ms.
   *
   * @example
   * const me = await account.invoke({ _: 'users.getFullUser', id: { _: 'inputUserSelf' } })
   */
  invoke<M extends tl.RpcMethod>(request: M, options: InvokeOptions = {}): Promise<ResultOf<M>> {
    // NB: typed through `any`: ResultOf over a generic M is too deep for tsc inside an async body.
    return this.invokeUntyped(request, options) as Promise<any>
  }

  private async invokeUntyped(request: tl.RpcMethod, options: InvokeOptions): Promise<unknown> {
    this.checkUsable('invoke')
    checkInvokeOptions(options)
    const body = checkRequest(request)
    await this.loaded
    return this.call(request, options, true, body)
  }

  private async call(request: tl.RpcMethod, options: InvokeOptions, retryAcrossMove: boolean, body?: Uint8Array): Promise<unknown> {
    this.checkUsable(request._)
    if (options.dcId !== undefined && !this.host.options.dcs.some((d) => d.id === options.dcId)) {
      throw new UsageError('bad-config', `${request._}: no endpoint is configured for DC ${options.dcId}`)
    }
    const dcId = options.dcId ?? this.homeDcId
    // NB: auth.importAuthorization is the carrying itself: waiting for importTo there waits on itself.
    if (dcId !== this.homeDcId && this.authorized && request._ !== 'auth.importAuthorization') await this.importTo(dcId)
    const epoch = this.epoch
    const started = this.host.options.nowMs()
    // NB: an authorized account handles 303 itself (USER_MIGRATE needs the authorization carried
    // over); an anonymous one lets the runtime follow it.
    const surface = this.authorized
    const opts: PortCallOptions = surface ? { migrate: 'surface' } : {}
    if (options.signal !== undefined) opts.signal = options.signal
    if (options.timeout !== undefined) opts.timeoutMs = options.timeout
    if (body !== undefined) opts.body = body
    try {
      const result = await this.host.port.invoke(this.id, dcId, request, opts)
      this.peers.absorb(result)
      this.settled(request._, dcId, started, undefined)
      // NB: the Updates inside a result (messages.sendMessage …) take the pushes' path.
      this.updates?.received(result)
      return result
    } catch (e) {
      const err = e as MtSwarmError
      this.settled(request._, dcId, started, err)
      if (!retryAcrossMove) throw err
      if (err instanceof MigrateError && surface) {
        this.host.emit({ type: 'rpc.migrated', atMs: this.host.options.nowMs(), accountId: this.id, method: request._, fromDcId: dcId, toDcId: err.dcId, errorMessage: err.message })
        if (err.scope === 'FILE' || err.scope === 'STATS') return this.call(request, { ...options, dcId: err.dcId }, false, body)
        if (dcId === this.homeDcId && this.epoch === epoch) this.actor?.send({ type: 'auth.error', dcId, errorMessage: err.message })
        const s = await this.until((x) => SETTLED_STATES.has(x.state) && !x.state.startsWith('migrating'), 'migration')
        if (s.state === 'authorized') return this.call(request, withoutDc(options), false, body)
      } else if (err instanceof RpcError && err.code === 401 && (this.epoch !== epoch || this.state.state.startsWith('migrating'))) {
        // The call raced a home-DC move: retry once where the authorization now is.
        const s = await this.until((x) => SETTLED_STATES.has(x.state), 'migration')
        if (s.state === 'authorized') return this.call(request, withoutDc(options), false, body)
      }
      throw err
    }
  }

  private settled(method: string, dcId: number, started: number, error: MtSwarmError | undefined): void {
    const now = this.host.options.nowMs()
    this.host.countRpc(error === undefined)
    this.host.emit({
      type: 'rpc.settled',
      atMs: now,
      accountId: this.id,
      dcId,
      method,
      durationMs: now - started,
      ok: error === undefined,
      ...(error === undefined ? {} : { error: error.message }),
    })
  }

  /** Carries the authorization to `dcId` (once): export on the home DC, import there. */
  private importTo(dcId: number): Promise<void> {
    let p = this.importedDcs.get(dcId)
    if (p === undefined) {
      p = transferAuthorization((request, on) => this.call(request, { dcId: on }, false), this.homeDcId, dcId).then(() => {})
      p.catch(() => this.importedDcs.delete(dcId))
      this.importedDcs.set(dcId, p)
    }
    return p
  }

  /**
   * The InputPeer of a user, chat or channel, for requests that take one: from the peer cache
   * (memory, then the store), else the network (contacts.resolveUsername, users.getUsers /
   * channels.getChannels with access hash 0, contacts.resolvePhone), whose answer is cached.
   * `ref`: a marked id (> 0 user, -id basic chat, -100… channel), `{ type, id }`, '@username',
   * '+phone', or an InputPeer (returned as is).
   * @throws UsageError 'bad-argument' for a malformed ref; RpcError when the server knows no such peer.
   * @example
   * await account.invoke({ _: 'messages.sendMessage', peer: await account.resolvePeer('@durov'), message: 'hi', randomId })
   */
  async resolvePeer(ref: PeerRef): Promise<tl.TypeInputPeer> {
    this.checkUsable('resolvePeer')
    await this.loaded
    // NB: through invokeUntyped, as invoke(): ResultOf over a generic method is too deep for tsc here.
    return resolvePeerRef(this.peers, ref, (request) => this.invokeUntyped(request, {}) as Promise<any>)
  }

  /** {@link resolvePeer} for a user, as an InputUser. @throws UsageError 'bad-argument' when `ref` is not a user. */
  async inputUser(ref: PeerRef): Promise<tl.TypeInputUser> {
    return inputUserOf(await this.resolvePeer(ref))
  }

  /** {@link resolvePeer} for a channel or supergroup, as an InputChannel. @throws UsageError 'bad-argument' otherwise. */
  async inputChannel(ref: PeerRef): Promise<tl.TypeInputChannel> {
    return inputChannelOf(await this.resolvePeer(ref))
  }

  // ---- updates ----------------------------------------------------------------------------------

  /**
   * Registers a handler for this account's updates — at least once, in order per chat, the state
   * committed only after the handlers of an update (and of every earlier one) resolved; see
   * {@link UpdateHandler}. Returns its unregister function.
   */
  onUpdate(handler: UpdateHandler): () => void {
    this.checkUsable('onUpdate')
    if (typeof handler !== 'function') throw UsageError.badArgument('handler', `onUpdate takes a function, got ${typeof handler}`)
    return this.delivery.onUpdate(handler)
  }

  /** Updates whose handlers kept failing, parked in the store (oldest first), decoded. */
  async deadLetters(): Promise<DeadLetter[]> {
    this.checkUsable('deadLetters')
    return (await this.host.options.store.listDeadLetters(this.id)).map(decodeDeadLetter)
  }

  /**
   * Runs the handlers once more for a parked update; on success it leaves the dead-letter list.
   * Rejects with what a handler threw (it stays parked), or UsageError 'bad-argument' for an unknown id.
   */
  async replayDeadLetter(id: string): Promise<void> {
    this.checkUsable('replayDeadLetter')
    const letter = (await this.host.options.store.listDeadLetters(this.id)).find((d) => d.id === id)
    if (letter === undefined) throw UsageError.badArgument('id', `no dead letter ${JSON.stringify(id.slice(0, 200))} for account ${this.id}`)
    const decoded = decodeDeadLetter(letter)
    await this.delivery.replay(decoded.id, decoded.update)
    await this.host.options.store.deleteDeadLetter(this.id, id)
  }

  /** Resolves when every update handed to handlers so far is handled and its state committed. */
  updatesSettled(): Promise<void> {
    this.updates?.flushBatch()
    return this.delivery.settled()
  }

  /** The updates machine's state ('idle', {active: …} …) or null when not authorized. */
  get updatesState(): unknown {
    return this.updates?.state ?? null
  }

  private startUpdates(parent: AccountActor): void {
    const u = new AccountUpdates(
      {
        accountId: this.id,
        store: this.host.options.store,
        selfId: () => this.userId ?? 0n,
        call: (request) => this.call(request, {}, true),
        inputChannel: (channelId) => this.peers.inputChannelOf(channelId),
        absorb: (value) => this.peers.absorb(value),
        knowsUser: (userId) => this.peers.knownInMemory('user', userId),
        warn: (message) => this.host.emit({ type: 'warning', atMs: this.host.options.nowMs(), accountId: this.id, message }),
        inspect: this.host.options.inspect,
      },
      this.delivery,
      this.host.options.updates,
      parent,
    )
    this.updates = u
    this.delivery.resume()
    const start = u.start().catch((e: unknown) => {
      this.host.emit({ type: 'warning', atMs: this.host.options.nowMs(), accountId: this.id, message: `updates could not start: ${String(e)}` })
    })
    this.host.track(start)
  }

  private async stopUpdates(): Promise<void> {
    const u = this.updates
    this.updates = null
    await u?.stop()
  }

  // ---- login helpers ------------------------------------------------------------------------

  /**
   * Step 1 of a phone login (https://core.telegram.org/api/auth): auth.sendCode. A PHONE_MIGRATE
   * moves the account's home DC and the code is requested there. Resolves with auth.sentCode.
   */
  async sendCode(phone: string): Promise<tl.auth.RawSentCode> {
    this.checkUsable('sendCode')
    if (typeof phone !== 'string' || !/^\+?[\d ()-]{5,20}$/.test(phone)) {
      // NB: not echoed: whatever was passed may be personal data (or a secret pasted in the wrong field).
      throw new UsageError('bad-argument', `sendCode: not a phone number (5 to 20 digits, spaces, dashes or parentheses, an optional leading +; got ${describeArgument(phone)})`)
    }
    const s = await this.ready()
    if (!LOGIN_START_STATES.has(s.state)) {
      throw new UsageError('wrong-state', `sendCode: the account is ${s.state}; log out first`, s.state)
    }
    if (s.state.startsWith('loggingIn.')) this.send({ type: 'login.cancel' })
    this.progress.reset()
    this.send({ type: 'login.start', phone: phoneSecret(phone.replace(/[^\d]/g, '')) })
    const end = await this.until((x) => x.state === 'loggingIn.codeSent' || SETTLED_STATES.has(x.state), 'sendCode')
    if (end.state === 'loggingIn.codeSent' && this.progress.sentCode !== null) return this.progress.sentCode
    throw this.failure('auth.sendCode', end)
  }

  /** Step 2: auth.signIn with the code. 2FA and unknown phones are results, not errors. */
  async signIn(code: string): Promise<SignInResult> {
    this.checkUsable('signIn')
    if (typeof code !== 'string' || code === '') throw new UsageError('bad-argument', 'signIn: the code must be a non-empty string')
    await this.loaded
    this.expectState('signIn', 'loggingIn.codeSent')
    this.progress.error = null
    this.send({ type: 'login.code', code: secret(code) })
    const end = await this.until(
      (x) => ['authorized', 'loggingIn.passwordNeeded', 'loggingIn.signUpNeeded', 'loggingIn.codeSent'].includes(x.state) || SETTLED_STATES.has(x.state),
      'signIn',
    )
    if (end.state === 'authorized' && this.progress.user !== null) return { status: 'authorized', user: this.progress.user }
    if (end.state === 'loggingIn.passwordNeeded') return { status: 'passwordNeeded', hint: this.progress.passwordHint }
    if (end.state === 'loggingIn.signUpNeeded') return { status: 'signUpRequired' }
    throw this.failure('auth.signIn', end)
  }

  /**
   * Step 3 when 2FA is on: SRP (https://core.telegram.org/api/srp) — account.getPassword, the
   * proof computed locally, auth.checkPassword. The password never leaves the process.
   */
  async checkPassword(password: string): Promise<tl.TypeUser> {
    this.checkUsable('checkPassword')
    if (typeof password !== 'string') throw new UsageError('bad-argument', 'checkPassword: the password must be a string')
    await this.loaded
    this.expectState('checkPassword', 'loggingIn.passwordNeeded')
    this.progress.error = null
    this.send({ type: 'login.password', password: secret(password) })
    const end = await this.until((x) => x.state === 'authorized' || x.state === 'loggingIn.passwordNeeded' || SETTLED_STATES.has(x.state), 'checkPassword')
    if (end.state === 'authorized' && this.progress.user !== null) return this.progress.user
    throw this.failure('auth.checkPassword', end)
  }

  /** Step 3 for a phone with no account: auth.signUp. */
  async signUp(firstName: string, lastName = ''): Promise<tl.TypeUser> {
    this.checkUsable('signUp')
    if (typeof firstName !== 'string' || firstName.trim() === '') throw new UsageError('bad-argument', 'signUp: firstName must be a non-empty string')
    await this.loaded
    this.expectState('signUp', 'loggingIn.signUpNeeded')
    this.progress.error = null
    this.send({ type: 'login.signUp', firstName, lastName })
    const end = await this.until((x) => x.state === 'authorized' || SETTLED_STATES.has(x.state), 'signUp')
    if (end.state === 'authorized' && this.progress.user !== null) return this.progress.user
    throw this.failure('auth.signUp', end)
  }

  /**
   * Logs in as a bot (auth.importBotAuthorization) from anonymous or revoked; a USER_MIGRATE moves
   * the home DC and the token is sent again there. Resolves with the bot's user.
   */
  async signInBot(token: string): Promise<tl.TypeUser> {
    this.checkUsable('signInBot')
    if (typeof token !== 'string' || !/^\d+:[\w-]+$/.test(token)) throw new UsageError('bad-argument', 'signInBot: not a bot token (id:secret)')
    const s = await this.ready()
    if (s.state !== 'anonymous' && s.state !== 'revoked') throw new UsageError('wrong-state', `signInBot: the account is ${s.state}`, s.state)
    this.progress.reset()
    this.send({ type: 'login.bot', token: secret(token) })
    const end = await this.until((x) => SETTLED_STATES.has(x.state), 'signInBot')
    if (end.state === 'authorized' && this.progress.user !== null) return this.progress.user
    throw this.failure('auth.importBotAuthorization', end)
  }

  /** auth.logOut, then the account is anonymous again (its keys stay; log in again with sendCode). */
  async logOut(): Promise<void> {
    this.checkUsable('logOut')
    await this.loaded
    this.expectState('logOut', 'authorized')
    this.progress.reset()
    this.send({ type: 'account.logOut' })
    const end = await this.until((x) => x.state !== 'loggingOut', 'logOut')
    if (end.state === 'anonymous') return
    throw this.failure('auth.logOut', end)
  }

  /** Stops this account's machine and closes its connections (pending calls reject with UsageError). */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    await this.loaded.catch(() => {})
    // NB: the machine's stop closes the connections it opened (closeDcs).
    this.actor?.send({ type: 'account.stop' })
    this.noticeSub?.unsubscribe()
    await this.stopUpdates()
    await this.peers.close()
    await this.writes
    this.stateSubject.complete()
    this.updatesSubject.complete()
  }

  // ---- sessions out ---------------------------------------------------------------------------

  /**
   * This authorized account's session as a string (`mtswarm:1:…`): home DC and its address, the
   * permanent auth key, the user id, the current server salt and the update state when there is
   * one. `engine.importSession(id, string)` brings it back in any engine — another process, another
   * machine — with no handshake and no login. With `{ passphrase }` the string is sealed (scrypt +
   * AES-256-GCM) and opening it needs the passphrase. NB: unsealed, the string IS the login: keep it
   * like a password. Rejects with UsageError 'wrong-state' unless the account is authorized.
   */
  async exportSession(options: ExportSessionOptions = {}): Promise<string> {
    this.checkUsable('exportSession')
    await this.loaded
    this.expectState('exportSession', 'authorized')
    const { store, dcs } = this.host.options
    return exportSessionString({ store, dcs, accountId: this.id, homeDcId: this.homeDcId, userId: this.userId! }, options)
  }

  // ---- the machine's effects (account-steps.ts calls them) -------------------------------------

  private stepPort(): StepPort {
    return {
      apiId: this.host.options.apiId,
      apiHash: this.host.options.apiHash,
      progress: this.progress,
      stepCall: (request, dcId) => this.stepCall(request, dcId),
      loggedIn: (user, homeDcId, via) => this.loggedIn(user, homeDcId, via),
      onAuthorized: (userId, homeDcId) => {
        const r = this.record
        if (r !== null && r.loginState === 'authorized' && r.userId === userId && r.homeDcId === homeDcId) return
        this.persist({ loginState: 'authorized', userId, homeDcId })
      },
      onRevoked: (reason) => {
        this.importedDcs.clear()
        this.host.emit({ type: 'auth.revoked', atMs: this.host.options.nowMs(), accountId: this.id, dcId: this.homeDcId, errorMessage: reason })
        this.persist({ loginState: 'revoked', userId: undefined })
      },
      onLoggedOut: () => {
        this.importedDcs.clear()
        this.persist({ loginState: 'anonymous', userId: undefined })
      },
      onImportLost: (dcId) => {
        this.importedDcs.delete(dcId)
      },
      openDc: (dcId, owner) => this.host.port.openConnection(this.id, dcId, owner),
      closeDcs: (dcIds) => this.host.port.closeAccount(this.id, dcIds),
    }
  }

  /** One RPC of a step: a 303 is surfaced (the machine moves the home DC), never followed. */
  private async stepCall(request: tl.RpcMethod, dcId: number): Promise<unknown> {
    this.checkUsable(request._)
    const started = this.host.options.nowMs()
    try {
      const result = await this.host.port.invoke(this.id, dcId, request, { migrate: 'surface' })
      this.settled(request._, dcId, started, undefined)
      // NB: the login's own user (auth.authorization.user) goes to the peer cache like any result's.
      this.peers.absorb(result)
      return result
    } catch (e) {
      const err = e as MtSwarmError
      this.settled(request._, dcId, started, err)
      if (err instanceof MigrateError) {
        this.host.emit({ type: 'rpc.migrated', atMs: this.host.options.nowMs(), accountId: this.id, method: request._, fromDcId: dcId, toDcId: err.dcId, errorMessage: err.message })
      }
      throw err
    }
  }

  // ---- internals --------------------------------------------------------------------------------

  private async load(): Promise<void> {
    const store = this.host.options.store
    let record = await store.getAccount(this.id)
    if (record === undefined) {
      const now = this.host.options.nowMs()
      record = { id: this.id, homeDcId: this.host.options.defaultDcId, loginState: 'anonymous', createdAtMs: now, updatedAtMs: now }
      await store.putAccount(record)
    }
    this.record = record
    if (this.stopped) return
    this.noticeSub = this.host.port.notices(this.id).subscribe({ next: (n) => this.onNotice(n) })
    this.startActor(record.homeDcId, record.loginState === 'authorized' ? (record.userId ?? null) : null)
  }

  private startActor(homeDcId: number, userId: bigint | null): void {
    const actor = createActor(this.host.logic, {
      id: `account:${this.id}`,
      input: { accountId: this.id, homeDcId, userId },
      ...(this.host.options.inspect === undefined ? {} : { inspect: this.host.options.inspect }),
    })
    this.actor = actor
    actor.subscribe({
      next: (s) => this.onSnapshot(actor, s),
      error: (e) => this.host.emit({ type: 'warning', atMs: this.host.options.nowMs(), accountId: this.id, message: `account machine crashed: ${String(e)}` }),
    })
    actor.start()
    actor.send({ type: 'account.start' })
  }

  private onSnapshot(actor: AccountActor, s: SnapshotFrom<AccountLogic>): void {
    if (this.actor !== actor) return
    const state = s.status === 'done' ? 'stopped' : stateString(s.value)
    const prev = this.stateSubject.value
    const next: AccountSnapshot = { state, homeDcId: s.context.homeDcId, userId: s.context.userId, lastError: s.context.lastError }
    if (next.homeDcId !== prev.homeDcId && prev.state !== 'loading') {
      this.epoch++
      this.host.emit({ type: 'account.migrated', atMs: this.host.options.nowMs(), accountId: this.id, fromDcId: prev.homeDcId, toDcId: next.homeDcId })
      this.persist({ homeDcId: next.homeDcId })
    }
    if (state !== prev.state) this.host.emit({ type: 'account.state', atMs: this.host.options.nowMs(), accountId: this.id, state })
    if (state === 'authorized' && this.updates === null && next.userId !== null) this.startUpdates(actor)
    else if (UNAUTHORIZED_STATES.has(state) && this.updates !== null) void this.stopUpdates()
    if (state !== prev.state || next.homeDcId !== prev.homeDcId || next.userId !== prev.userId || next.lastError !== prev.lastError) {
      this.stateSubject.next(next)
    }
  }

  private onNotice(n: AccountNotice): void {
    const atMs = this.host.options.nowMs()
    switch (n.type) {
      // NB: the account machine hears dc.ready / dc.down from its connection children themselves.
      case 'dc.ready':
        this.host.emit({ type: 'dc.ready', atMs, accountId: this.id, dcId: n.dcId })
        if (n.dcId === this.homeDcId) this.updates?.connectionUp(atMs)
        return
      case 'dc.down':
        this.host.emit({ type: 'dc.down', atMs, accountId: this.id, dcId: n.dcId, reason: n.reason })
        if (n.dcId === this.homeDcId) this.updates?.connectionDown(atMs)
        return
      case 'session.created':
        if (n.dcId === this.homeDcId) this.updates?.sessionCreated()
        return
      case 'connection.failed':
        this.host.emit({ type: 'dc.failed', atMs, accountId: this.id, dcId: n.dcId, reason: n.reason })
        return
      case 'key.created':
        this.host.emit({ type: 'handshake', atMs, accountId: this.id, dcId: n.dcId })
        return
      case 'rpc.migrated':
        this.host.emit({ type: 'rpc.migrated', atMs, accountId: this.id, method: n.method, fromDcId: n.fromDcId, toDcId: n.toDcId, errorMessage: n.errorMessage })
        return
      case 'auth.error':
        // NB: whichever DC it came from: the machine decides (only the home DC's revoke).
        this.actor?.send({ type: 'auth.error', dcId: n.dcId, errorMessage: n.errorMessage })
        return
      case 'updates':
        this.updates?.received(n.update)
        if (this.updatesSubject.observed) this.updatesSubject.next(n.update as tl.TypeUpdates)
        return
    }
  }

  private loggedIn(user: tl.TypeUser, homeDcId: number, via: LoginVia): void {
    this.host.emit({ type: 'login', atMs: this.host.options.nowMs(), accountId: this.id, userId: user.id, homeDcId, via })
  }

  /** The error a login helper rejects with when the machine did not reach the wanted state. */
  private failure(method: string, end: AccountSnapshot): MtSwarmError {
    if (this.progress.error !== null) return this.progress.error
    if (end.state === 'stopped') return new UsageError('stopped', `${method}: the account was stopped`, end.state)
    return RpcError.from(400, end.lastError ?? 'LOGIN_FAILED', method)
  }

  private expectState(what: string, state: string): void {
    const s = this.state.state
    if (s !== state) throw new UsageError('wrong-state', `${what}: the account is ${s}, not ${state}`, s)
  }

  private send(event: AccountEvent): void {
    if (this.actor === null) throw new UsageError('not-started', 'the account has not loaded')
    this.actor.send(event)
  }

  private checkUsable(what: string): void {
    this.host.checkRunning(what)
    if (this.stopped) throw new UsageError('stopped', `${what}: account ${this.id} was stopped`)
  }

  /** The first snapshot (current or next) that matches; rejects if the account stops first. */
  private until(pred: (s: AccountSnapshot) => boolean, what: string): Promise<AccountSnapshot> {
    const now = this.stateSubject.value
    if (pred(now)) return Promise.resolve(now)
    return new Promise((resolve, reject) => {
      const sub = this.stateSubject.subscribe({
        next: (s) => {
          if (!pred(s)) return
          queueMicrotask(() => sub.unsubscribe())
          resolve(s)
        },
        complete: () => reject(new UsageError('stopped', `${what}: account ${this.id} was stopped`)),
      })
    })
  }

  private persist(patch: Partial<Pick<AccountRecord, 'loginState' | 'userId' | 'homeDcId'>>): void {
    const base = this.record
    if (base === null) return
    const next: AccountRecord = { ...base, ...patch, updatedAtMs: this.host.options.nowMs() }
    if ('userId' in patch && patch.userId === undefined) delete (next as { userId?: bigint }).userId
    this.record = next
    const store = this.host.options.store
    const write = this.writes.then(() => store.putAccount(next))
    this.writes = write.catch((e: unknown) => {
      this.host.emit({ type: 'warning', atMs: this.host.options.nowMs(), accountId: this.id, message: `store write failed: ${String(e)}` })
    })
    this.host.track(this.writes)
  }
}
