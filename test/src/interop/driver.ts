// The small async API both peer-client drivers (GramJS, mtcute) expose to interop tests, plus the
// config checks they share (loopback only, DC routing, typed errors). Knows nothing about either
// client library; the drivers adapt each library to this shape.

/** A DC the driver may connect to: the test DC's id for it and its loopback address. */
export interface DcAddress {
  readonly id: number
  readonly host: string
  readonly port: number
}

/** What a driver needs to reach the test DC. Every address must be loopback. */
export interface InteropDriverConfig {
  /** Address of the first DC the client connects to (its "home" before any migration). */
  readonly host: string
  readonly port: number
  readonly dcId: number
  /** The test DC's RSA public key, PEM (PKCS#1 `RSA PUBLIC KEY` or SPKI `PUBLIC KEY`). */
  readonly publicKeyPem: string
  /** MTProto fingerprint of that key (unsigned 64-bit); checked against `publicKeyPem`. */
  readonly fingerprint: bigint
  /** Every DC the client may be sent to (PHONE_MIGRATE_X, USER_MIGRATE_X); routed by id. */
  readonly dcs: readonly DcAddress[]
  readonly apiId: number
  readonly apiHash: string
}

/** A test phone's login: code, and the 2FA password when the account has one. */
export interface LoginCredentials {
  readonly phone: string
  readonly code: string
  readonly password?: string
}

/** The account a driver is logged in as. */
export interface LoggedInUser {
  readonly id: number
  readonly firstName: string | null
  readonly username: string | null
}

/** A username (`alice` or `@alice`), or a user id (number). */
export type PeerRef = string | number

/** A message as both drivers report it, built from the raw TL message. */
export interface InteropMessage {
  readonly id: number
  /** Text of a plain message; '' for service messages. */
  readonly text: string
  /** Sent by the logged-in account. */
  readonly out: boolean
  /** Sender's user id when known (from_id, or inferred for private chats). */
  readonly senderId: number | null
  /** The dialog the message belongs to (bare ids, not "marked" ones). */
  readonly chat: { readonly type: 'user' | 'chat' | 'channel'; readonly id: number }
}

/** Which peer library a driver wraps. */
export type InteropClientName = 'gramjs' | 'mtcute'

/** The API each peer-client driver exposes. One driver = one client = one account. */
export interface InteropDriver {
  readonly clientName: InteropClientName
  /** Handshake with the home DC and help.getConfig, through the client's normal startup. */
  connect(): Promise<void>
  /** Logs in through the client's normal login flow (sendCode, signIn, 2FA via SRP). */
  login(credentials: LoginCredentials): Promise<LoggedInUser>
  sendMessage(to: PeerRef, text: string): Promise<InteropMessage>
  /** Newest first, like messages.getHistory. */
  getHistory(peer: PeerRef, limit: number): Promise<InteropMessage[]>
  /**
   * Resolves with the first new message from updates (received since login) matching `predicate`;
   * a message handed out once is consumed. Rejects with {@link WaitTimeoutError}.
   */
  waitForMessage(predicate: (message: InteropMessage) => boolean, timeoutMs: number): Promise<InteropMessage>
  /** The DC the client currently treats as its home (changes after PHONE_MIGRATE_X). */
  currentDc(): Promise<number>
  /** Closes every connection and timer of the client; the driver is unusable afterwards. */
  disconnect(): Promise<void>
}

/** A driver was given a config it refuses (non-loopback address, key mismatch, unknown DC). */
export class InteropConfigError extends Error {
  override readonly name = 'InteropConfigError'
  constructor(
    message: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${message} (expected ${expected}, got ${actual})`)
  }
}

/** A driver step did not finish in time, or the client gave up. */
export class InteropStepError extends Error {
  override readonly name = 'InteropStepError'
  constructor(
    readonly step: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${step}: ${detail}`, options)
  }
}

/** waitForMessage saw no matching message in time. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError'
  constructor(
    readonly timeoutMs: number,
    /** Messages that did arrive in the meantime but did not match. */
    readonly seen: readonly InteropMessage[],
  ) {
    super(`no matching message within ${timeoutMs} ms (${seen.length} other message(s) seen)`)
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost'])

/** Whether `host` is one of the loopback spellings the drivers accept. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host)
}

/** Throws {@link InteropConfigError} unless `host` is loopback. */
export function assertLoopbackHost(host: string, what: string): void {
  if (!isLoopbackHost(host)) {
    throw new InteropConfigError(`${what} must be a loopback address`, '127.0.0.1, ::1 or localhost', host)
  }
}

/** Checks every address in the config (home DC and `dcs`); throws {@link InteropConfigError}. */
export function assertLoopbackConfig(config: InteropDriverConfig): void {
  assertLoopbackHost(config.host, `home DC ${config.dcId}`)
  assertPort(config.port, `home DC ${config.dcId}`)
  for (const dc of config.dcs) {
    assertLoopbackHost(dc.host, `DC ${dc.id}`)
    assertPort(dc.port, `DC ${dc.id}`)
  }
  const home = config.dcs.find((dc) => dc.id === config.dcId)
  if (home !== undefined && (home.host !== config.host || home.port !== config.port)) {
    throw new InteropConfigError(
      `dcs entry for home DC ${config.dcId} disagrees with host/port`,
      `${config.host}:${config.port}`,
      `${home.host}:${home.port}`,
    )
  }
}

function assertPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new InteropConfigError(`${what} port is invalid`, 'an integer in 1..65535', String(port))
  }
}

/**
 * Where the driver really connects for `dcId`: the `dcs` entry, or host/port for the home DC.
 * NB: the address the server advertises (help.getConfig dc_options) is deliberately ignored, so a
 * driver can never be steered off loopback.
 */
export function routeDc(config: InteropDriverConfig, dcId: number): DcAddress {
  const listed = config.dcs.find((dc) => dc.id === dcId)
  if (listed !== undefined) return listed
  if (dcId === config.dcId) return { id: config.dcId, host: config.host, port: config.port }
  throw new InteropConfigError(
    `no address for DC ${dcId}`,
    `one of ${[config.dcId, ...config.dcs.map((dc) => dc.id)].join(', ')}`,
    String(dcId),
  )
}

/**
 * Bounds driver steps (connect, login): each resolves with its promise, or rejects with
 * {@link InteropStepError} after its timeout or once the driver closes. Timers are unref'd: a
 * guard alone never keeps the process alive.
 */
export class StepGuard {
  private readonly aborts = new Set<(error: InteropStepError) => void>()

  async run<T>(promise: Promise<T>, timeoutMs: number, step: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    let abort: ((error: InteropStepError) => void) | undefined
    const stopped = new Promise<never>((_, reject) => {
      abort = reject
      timer = setTimeout(() => reject(new InteropStepError(step, `timed out after ${timeoutMs} ms`)), timeoutMs)
      timer.unref()
    })
    if (abort !== undefined) this.aborts.add(abort)
    try {
      return await Promise.race([promise, stopped])
    } finally {
      clearTimeout(timer)
      if (abort !== undefined) this.aborts.delete(abort)
    }
  }

  /** Rejects every step still running (the driver is disconnecting). */
  close(): void {
    for (const abort of this.aborts) abort(new InteropStepError('driver', 'disconnected while a step was running'))
    this.aborts.clear()
  }
}

/**
 * The buffer behind `waitForMessage`: messages pushed from updates, consumed by waiters.
 * Shared by both drivers so they behave the same.
 */
export class MessageInbox {
  private readonly buffered: InteropMessage[] = []
  private readonly waiters = new Set<{
    predicate: (message: InteropMessage) => boolean
    resolve: (message: InteropMessage) => void
    reject: (error: Error) => void
  }>()
  /** Every message ever pushed, for WaitTimeoutError diagnostics. */
  private readonly seen: InteropMessage[] = []

  push(message: InteropMessage): void {
    this.seen.push(message)
    for (const waiter of this.waiters) {
      if (waiter.predicate(message)) {
        this.waiters.delete(waiter)
        waiter.resolve(message)
        return
      }
    }
    this.buffered.push(message)
  }

  wait(predicate: (message: InteropMessage) => boolean, timeoutMs: number): Promise<InteropMessage> {
    const index = this.buffered.findIndex(predicate)
    if (index >= 0) {
      const [found] = this.buffered.splice(index, 1)
      if (found !== undefined) return Promise.resolve(found)
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (message: InteropMessage) => {
          clearTimeout(timer)
          resolve(message)
        },
        reject: (error: Error) => {
          clearTimeout(timer)
          reject(error)
        },
      }
      const timer = setTimeout(() => {
        this.waiters.delete(waiter)
        reject(new WaitTimeoutError(timeoutMs, [...this.seen]))
      }, timeoutMs)
      this.waiters.add(waiter)
    })
  }

  /** Rejects every pending waiter (the driver is disconnecting) so no timer outlives the client. */
  close(): void {
    for (const waiter of this.waiters) waiter.reject(new InteropStepError('waitForMessage', 'driver disconnected'))
    this.waiters.clear()
  }
}
