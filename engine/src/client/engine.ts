// createEngine: the public entry point. Owns the runtime port, the accounts (by id), the account
// machine provided once with the engine's steps (account-steps.ts), events$ and stop(). Knows nothing of sockets
// or TL framing: the runtime does the I/O, accounts do the flows.
import { Subject, type Observable } from 'rxjs'
import { MAX_ACCOUNT_ID_LENGTH } from '@mtswarm/storage'
import { UsageError } from '../errors/index.js'
import type { tl } from '../tl/index.js'
import { importSessionInto, type ImportSessionOptions } from '../session/index.js'
import { Account, type AccountHost } from './account.js'
import { provideAccountLogic, type AccountLogic } from './account-steps.js'
import type { EngineEvent } from './engine-events.js'
import { logEvent } from './logger.js'
import { resolveEngineOptions, type EngineOptions, type ResolvedEngineOptions } from './options.js'
import { runtimePort, type RuntimePort, type RuntimeStats } from './runtime-adapter.js'
import { UpdateDelivery, type UpdateHandler } from '../updates/delivery.js'

/** Counters of one engine (plain numbers, read any time). */
export interface EngineCounters {
  /** Auth keys created (full handshakes). */
  readonly handshakes: number
  /** Logins completed through a login step (not accounts restored as authorized from the store). */
  readonly logins: number
  readonly rpcOk: number
  readonly rpcFailed: number
  /** Migrations followed (303). */
  readonly migrations: number
  /** Connections that went down and came back or gave up. */
  readonly dcDowns: number
  readonly accounts: number
}

// NB: the store keys accounts by id with ordered-binary, which uses bytes below 0x20 as separators
// (an id holding one could sort into a neighbour's key range), and as UTF-8, where every lone
// surrogate becomes U+FFFD (two different ids, one key). C1 controls are refused with C0 for the
// ids' sake in logs and the inspector.
const ACCOUNT_ID_CONTROL = /[\u0000-\u001f\u007f-\u009f]/
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * Refuses an account id the store cannot key faithfully: UsageError 'bad-argument', field 'id'.
 * A valid id is a string of 1..MAX_ACCOUNT_ID_LENGTH UTF-16 units (the store's limit) without
 * control characters or lone surrogates.
 */
export function checkAccountId(id: unknown): asserts id is string {
  if (typeof id !== 'string') throw UsageError.badArgument('id', `an account id is a string, got ${id === null ? 'null' : typeof id}`)
  if (id.length === 0 || id.length > MAX_ACCOUNT_ID_LENGTH) {
    throw UsageError.badArgument('id', `an account id has 1..${MAX_ACCOUNT_ID_LENGTH} characters, got ${id.length}`)
  }
  const bad = ACCOUNT_ID_CONTROL.exec(id) ?? LONE_SURROGATE.exec(id)
  if (bad !== null) {
    const code = bad[0].charCodeAt(0).toString(16).padStart(4, '0')
    throw UsageError.badArgument('id', `an account id cannot hold U+${code.toUpperCase()} (at ${bad.index}): control characters and lone surrogates are refused`)
  }
}

/** Where the engine is in its life. */
export type EngineState = 'running' | 'stopping' | 'stopped'

/**
 * Creates an engine: the runtime (connections, calls), the accounts it runs, and their events.
 * Nothing connects until an account is asked for. Every option is checked here: a bad one throws
 * {@link UsageError} with reason 'bad-config' and `field` naming it (`apiHash`, `dcs[1].port` …);
 * the rules are listed on `resolveEngineOptions` (client/options.ts).
 *
 * @example
 * const engine = createEngine({ apiId, apiHash, store: createMemoryStore(), publicKeys: [pem] })
 * const alice = engine.account('alice')
 * await alice.sendCode('+99966 1 0001'); await alice.signIn('11111')
 */
export function createEngine(options: EngineOptions): Engine {
  return new Engine(resolveEngineOptions(options))
}

/** See {@link createEngine}. */
export class Engine {
  /** Logs and metrics: handshakes, logins, settled RPCs with durations, migrations, connection faults. */
  readonly events$: Observable<EngineEvent>
  private readonly events = new Subject<EngineEvent>()
  private readonly port: RuntimePort
  private readonly accounts = new Map<string, Account>()
  private readonly logic: AccountLogic
  private readonly pendingWrites = new Set<Promise<unknown>>()
  private lifecycle: EngineState = 'running'
  private stopping: Promise<void> | null = null
  private readonly counts = { handshakes: 0, logins: 0, rpcOk: 0, rpcFailed: 0, migrations: 0, dcDowns: 0 }
  private readonly host: AccountHost
  private readonly delivery: UpdateDelivery

  /** @internal Use {@link createEngine}. */
  constructor(readonly options: ResolvedEngineOptions) {
    this.events$ = this.events.asObservable()
    this.port = runtimePort({
      store: options.store,
      dcs: options.dcs,
      publicKeys: options.publicKeys,
      client: {
        apiId: options.apiId,
        deviceModel: options.deviceModel,
        systemVersion: options.systemVersion,
        appVersion: options.appVersion,
        systemLangCode: options.langCode,
        langCode: options.langCode,
      },
      dcIdOffset: options.dcIdOffset,
      nowMs: options.nowMs,
      floodSleepThresholdSec: options.floodSleepThreshold,
      ...(options.rpcTimeoutMs === undefined ? {} : { rpcTimeoutMs: options.rpcTimeoutMs }),
      transport: options.transport,
      ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    })
    // NB: the steps find their account by id; an account stopped mid-step has none any more.
    this.logic = provideAccountLogic((id) => this.accounts.get(id)?.steps, randomSource)
    this.delivery = new UpdateDelivery(
      { concurrency: options.updates.concurrency, perAccountConcurrency: options.updates.perAccountConcurrency, retryDelaysMs: options.updates.retryDelaysMs },
      {
        store: options.store,
        nowMs: options.nowMs,
        track: (w) => this.track(w),
        warn: (accountId, message) => this.emit({ type: 'warning', atMs: options.nowMs(), accountId, message }),
        setTimeout: (fn, ms) => setTimeout(fn, ms),
      },
    )
    this.host = {
      options,
      port: this.port,
      delivery: this.delivery,
      logic: this.logic,
      emit: (e) => this.emit(e),
      track: (w) => this.track(w),
      checkRunning: (what) => this.checkRunning(what),
      countRpc: (ok) => {
        if (ok) this.counts.rpcOk++
        else this.counts.rpcFailed++
      },
    }
  }

  /** What console.log and util.inspect show: never `options` (they hold the api_hash and the store). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Engine { state: ${JSON.stringify(this.lifecycle)}, accounts: ${this.accounts.size} }`
  }

  /** 'running' until stop() is called. */
  get state(): EngineState {
    return this.lifecycle
  }

  /**
   * The account with this application-chosen id (e.g. your website's user id), created in the
   * store if new, loaded from it otherwise (an authorized account comes back authorized, with its
   * keys: no handshake, no login). Same id, same object. Throws UsageError after stop(), and
   * UsageError 'bad-argument' (field 'id') unless the id is a string of 1..MAX_ACCOUNT_ID_LENGTH
   * (200) UTF-16 units with no control character (U+0000–U+001F, U+007F–U+009F) and no lone
   * surrogate — see `checkAccountId`.
   */
  account(id: string): Account {
    this.checkRunning('account')
    checkAccountId(id)
    let acc = this.accounts.get(id)
    if (acc === undefined) {
      acc = new Account(id, this.host)
      this.accounts.set(id, acc)
    }
    return acc
  }

  /**
   * Registers a handler for the updates of every account (at least once, in order per chat; see
   * {@link UpdateHandler}); returns its unregister function. Register before accounts start: an
   * update that arrives while no handler is registered counts as handled.
   *
   * @example
   * engine.onUpdate(async ({ accountId, update }) => {
   *   if (update._ === 'updateNewMessage' && update.message._ === 'message') await save(accountId, update.message)
   * })
   */
  onUpdate(handler: UpdateHandler): () => void {
    this.checkRunning('onUpdate')
    if (typeof handler !== 'function') throw UsageError.badArgument('handler', `onUpdate takes a function, got ${typeof handler}`)
    return this.delivery.onUpdate(handler)
  }

  /** Update delivery counters: handled (tries), retries, dead letters parked, commits written. */
  get updateCounters(): { readonly handled: number; readonly retries: number; readonly deadLetters: number; readonly committed: number } {
    return { ...this.delivery.counters }
  }

  /** Ids of every account in the store (not only the ones loaded). */
  async storedAccountIds(): Promise<string[]> {
    this.checkRunning('storedAccountIds')
    return (await this.options.store.listAccounts()).map((a) => a.id)
  }

  /**
   * Writes a session string as the authorized account `id` and returns `engine.account(id)`: no
   * handshake, no login. Reads mtswarm's own strings (`account.exportSession()`, sealed ones need
   * `{ passphrase }`), mtcute's `exportSession()` strings, and GramJS and Telethon `StringSession`
   * strings; those two carry no user id, so their key is first asked
   * `users.getUsers([inputUserSelf])` on its DC (the import waits for the server; a key not logged
   * in is refused). The string's DC must be one of `dcs` at the same address (or
   * `{ address: 'engine' }`). An id the store holds is refused unless `{ replace: true }`.
   * Nothing is written for a string, passphrase or key that fails: UsageError 'bad-argument' with
   * field 'session' or 'passphrase'; 'wrong-state' for an existing id.
   *
   * @example
   * const alice = await engine.importSession('alice', process.env.ALICE_SESSION!, { passphrase })
   */
  async importSession(id: string, session: string, options: ImportSessionOptions = {}): Promise<Account> {
    this.checkRunning('importSession')
    checkAccountId(id)
    await importSessionInto(
      {
        store: this.options.store,
        dcs: this.options.dcs,
        nowMs: this.options.nowMs,
        whoAmI: async (accountId, dcId) => {
          try {
            const request: tl.users.RawGetUsersRequest = { _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }
            const users = (await this.port.invoke(accountId, dcId, request, {})) as tl.TypeUser[]
            return users[0]
          } finally {
            this.port.closeAccount(accountId, [dcId])
          }
        },
        unload: async (accountId) => {
          const loaded = this.accounts.get(accountId)
          if (loaded === undefined) return
          this.accounts.delete(accountId)
          await loaded.stop()
        },
      },
      id,
      session,
      options,
    )
    return this.account(id)
  }

  /** Counters since creation. */
  get counters(): EngineCounters {
    return { ...this.counts, accounts: this.accounts.size }
  }

  /** The runtime's own counters (resends, bad salts, sockets, flushes …). */
  get runtimeStats(): RuntimeStats {
    return this.port.stats
  }

  /**
   * Stops every account and connection (pending calls reject with UsageError 'stopped'), waits for
   * pending store writes, closes the store (unless `closeStoreOnStop: false`), completes events$.
   * Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.lifecycle = 'stopping'
      await Promise.all([...this.accounts.values()].map((a) => a.stop()))
      await this.port.stop()
      await Promise.allSettled([...this.pendingWrites])
      if (this.options.closeStoreOnStop) await this.options.store.close()
      this.lifecycle = 'stopped'
      this.events.complete()
    })()
    return this.stopping
  }

  private checkRunning(what: string): void {
    if (this.lifecycle !== 'running') throw new UsageError('stopped', `${what}: the engine is ${this.lifecycle}`)
  }

  private emit(e: EngineEvent): void {
    switch (e.type) {
      case 'handshake':
        this.counts.handshakes++
        break
      case 'login':
        this.counts.logins++
        break
      case 'rpc.migrated':
        this.counts.migrations++
        break
      case 'dc.down':
      case 'dc.failed':
        this.counts.dcDowns++
        break
    }
    if (this.options.logger !== undefined) {
      try {
        logEvent(this.options.logger, e)
      } catch {
        // NB: a logger that throws must not break the account or connection that emitted.
      }
    }
    if (this.events.observed) this.events.next(e)
  }

  private track(write: Promise<unknown>): void {
    this.pendingWrites.add(write)
    void write.finally(() => this.pendingWrites.delete(write))
  }
}

/** Randomness of the SRP proofs (the OS generator). */
function randomSource(n: number): Uint8Array {
  return new Uint8Array(globalThis.crypto.getRandomValues(new Uint8Array(n)))
}
