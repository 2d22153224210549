// Drives GramJS (`telegram` 2.26.x, layer 198) against the test DC through its normal public flows.
// Owns the two knobs GramJS needs (a connection class that reaches our loopback ports, our RSA key
// in its key map); knows nothing about the test DC's internals.
import { Api, TelegramClient } from 'telegram'
import { _serverKeys } from 'telegram/crypto/RSA.js'
import { Raw } from 'telegram/events/index.js'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { readBigIntFromBuffer } from 'telegram/Helpers.js'
import {
  Connection,
  ConnectionTCPAbridged,
  ConnectionTCPFull,
  ConnectionTCPObfuscated,
} from 'telegram/network/connection/index.js'
import { MemorySession, StringSession } from 'telegram/sessions/index.js'
import {
  assertLoopbackConfig,
  InteropConfigError,
  InteropStepError,
  MessageInbox,
  routeDc,
  StepGuard,
  type DcAddress,
  type InteropDriver,
  type InteropDriverConfig,
  type InteropMessage,
  type LoggedInUser,
  type LoginCredentials,
  type PeerRef,
} from './driver.js'
import { fingerprintAsSignedDecimal, rsaFingerprint, rsaPublicKeyParts } from './rsa-key.js'

/** GramJS transports: `full` is its Node default, `obfuscated` is obfuscated2 over abridged. */
export type GramjsTransport = 'full' | 'abridged' | 'obfuscated'

/** Knobs beyond {@link InteropDriverConfig}; the defaults suit the test DC. */
export interface GramjsDriverOptions {
  readonly transport?: GramjsTransport
  /** GramJS `connectionRetries` (its default is Infinity, which never gives up). */
  readonly connectionRetries?: number
  /** GramJS `retryDelay` between connection attempts, ms. */
  readonly retryDelayMs?: number
  /** Upper bound for connect() and login(), ms. */
  readonly stepTimeoutMs?: number
  /** Called with every address the client actually opens a socket to (tests use it). */
  readonly onDial?: (target: DcAddress) => void
}

const DEFAULT_CONNECTION_RETRIES = 2
const DEFAULT_RETRY_DELAY_MS = 200
const DEFAULT_STEP_TIMEOUT_MS = 15_000

type GramjsConnectionClass = typeof Connection
type GramjsConnectionParams = ConstructorParameters<GramjsConnectionClass>[0]

const BASE_CONNECTIONS: Record<GramjsTransport, GramjsConnectionClass> = {
  full: ConnectionTCPFull,
  abridged: ConnectionTCPAbridged,
  obfuscated: ConnectionTCPObfuscated,
}

/**
 * Adds the test DC's key to GramJS's process-wide key map (`_serverKeys` in crypto/RSA.js, keyed by
 * the signed decimal fingerprint), after checking `fingerprint` against the PEM. Idempotent.
 */
export function trustGramjsServerKey(publicKeyPem: string, fingerprint: bigint): void {
  const parts = rsaPublicKeyParts(publicKeyPem)
  const computed = rsaFingerprint(parts)
  if (computed !== fingerprint) {
    throw new InteropConfigError('fingerprint does not match publicKeyPem', `0x${computed.toString(16)}`, `0x${fingerprint.toString(16)}`)
  }
  _serverKeys.set(fingerprintAsSignedDecimal(fingerprint), {
    n: readBigIntFromBuffer(Buffer.from(parts.n), false, false),
    e: Number(BigInt(`0x${Buffer.from(parts.e).toString('hex')}`)),
  })
}

/**
 * A GramJS connection class that ignores the ip/port GramJS picks (it always dials port 80 on Node,
 * and 443 for DCs from help.getConfig) and dials the driver's address for the DC id instead.
 */
function loopbackConnectionClass(
  base: GramjsConnectionClass,
  config: InteropDriverConfig,
  onDial: ((target: DcAddress) => void) | undefined,
): GramjsConnectionClass {
  return class LoopbackConnection extends base {
    constructor(params: GramjsConnectionParams) {
      const target = routeDc(config, params.dcId)
      onDial?.(target)
      super({ ...params, ip: target.host, port: target.port })
    }
  }
}

/** {@link InteropDriver} over a GramJS `TelegramClient`. */
export class GramjsDriver implements InteropDriver {
  readonly clientName = 'gramjs'
  private readonly client: TelegramClient
  private readonly session: MemorySession
  private readonly inbox = new MessageInbox()
  private readonly steps = new StepGuard()
  private readonly stepTimeoutMs: number
  private self: LoggedInUser | null = null

  constructor(
    private readonly config: InteropDriverConfig,
    options: GramjsDriverOptions = {},
  ) {
    assertLoopbackConfig(config)
    trustGramjsServerKey(config.publicKeyPem, config.fingerprint)
    this.stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS
    // NB: not StringSession: its save() (run right after the handshake) writes the port as an
    // int16 and throws RangeError for ports above 32767, i.e. for most ephemeral ports.
    this.session = new MemorySession()
    // NB: GramJS connects to session.serverAddress but never to session.port; the connection class
    // below supplies the port. A `::1` host switches GramJS to the IPv6 entries of dc_options.
    this.session.setDC(config.dcId, config.host, config.port)
    this.client = new TelegramClient(this.session, config.apiId, config.apiHash, {
      connection: loopbackConnectionClass(BASE_CONNECTIONS[options.transport ?? 'full'], config, options.onDial),
      baseLogger: new Logger(LogLevel.NONE),
      connectionRetries: options.connectionRetries ?? DEFAULT_CONNECTION_RETRIES,
      retryDelay: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
      deviceModel: 'mtswarm-interop',
      systemVersion: '1.0',
      appVersion: '1.0',
      langCode: 'en',
      systemLangCode: 'en',
    })
    this.client.setParseMode(undefined)
  }

  async connect(): Promise<void> {
    // TelegramClient.connect: handshake, then invokeWithLayer(198, initConnection(help.getConfig)).
    const connected = await this.steps.run(this.client.connect(), this.stepTimeoutMs, 'gramjs connect')
    if (!connected) throw new InteropStepError('gramjs connect', 'GramJS gave up connecting (or was already connected)')
  }

  async login(credentials: LoginCredentials): Promise<LoggedInUser> {
    let failure: unknown
    const started = this.client.start({
      phoneNumber: credentials.phone,
      phoneCode: async () => credentials.code,
      ...(credentials.password === undefined ? {} : { password: async () => credentials.password ?? '' }),
      // GramJS retries forever unless onError answers "stop"; keep the real error.
      onError: async (err) => {
        failure ??= err
        return true
      },
    })
    try {
      await this.steps.run(started, this.stepTimeoutMs, 'gramjs login')
    } catch (err) {
      throw new InteropStepError('gramjs login', describe(failure ?? err), { cause: failure ?? err })
    }
    // users.getUsers([inputUserSelf]); also primes GramJS's self peer, which update dispatch needs.
    const me = await this.client.getMe()
    this.self = {
      id: toNumber(me.id),
      firstName: me.firstName ?? null,
      username: me.username ?? null,
    }
    this.client.addEventHandler((update: unknown) => this.onUpdate(update), new Raw({}))
    return this.self
  }

  async sendMessage(to: PeerRef, text: string): Promise<InteropMessage> {
    const sent: Api.Message | undefined = await this.client.sendMessage(to, { message: text })
    // NB: GramJS finds the sent message through updateMessageID(random_id) + updateNewMessage in the
    // Updates result (client/messageParse.js _getResponseMessage), or updateShortSentMessage.
    if (sent === undefined) {
      throw new InteropStepError('gramjs sendMessage', 'the result held no updateMessageID/updateNewMessage pair for our random_id')
    }
    return this.normalize(sent)
  }

  async getHistory(peer: PeerRef, limit: number): Promise<InteropMessage[]> {
    const messages = await this.client.getMessages(peer, { limit })
    return messages.map((message) => this.normalize(message))
  }

  waitForMessage(predicate: (message: InteropMessage) => boolean, timeoutMs: number): Promise<InteropMessage> {
    return this.inbox.wait(predicate, timeoutMs)
  }

  async currentDc(): Promise<number> {
    return this.session.dcId
  }

  /**
   * The session as GramJS's own `StringSession` would save it (DC id, address, port, auth key):
   * what a GramJS user hands to another library. NB: save() writes the port as an int16, so the
   * DC must listen below 32768.
   */
  stringSession(): string {
    const saved = new StringSession('')
    saved.setDC(this.session.dcId, this.session.serverAddress, this.session.port)
    saved.setAuthKey(this.session.authKey)
    return saved.save()
  }

  async disconnect(): Promise<void> {
    this.inbox.close()
    this.steps.close()
    await this.client.destroy()
  }

  private onUpdate(update: unknown): void {
    if (update instanceof Api.UpdateNewMessage) {
      this.inbox.push(this.normalize(update.message))
    } else if (update instanceof Api.UpdateShortMessage) {
      const selfId = this.self?.id ?? null
      this.inbox.push({
        id: update.id,
        text: update.message,
        out: update.out === true,
        senderId: update.out === true ? selfId : toNumber(update.userId),
        chat: { type: 'user', id: toNumber(update.userId) },
      })
    } else if (update instanceof Api.UpdateShortChatMessage) {
      this.inbox.push({
        id: update.id,
        text: update.message,
        out: update.out === true,
        senderId: toNumber(update.fromId),
        chat: { type: 'chat', id: toNumber(update.chatId) },
      })
    }
  }

  private normalize(message: Api.TypeMessage): InteropMessage {
    if (message instanceof Api.MessageEmpty) {
      return { id: message.id, text: '', out: false, senderId: null, chat: { type: 'user', id: 0 } }
    }
    const chat = peerOf(message.peerId)
    const out = message.out === true
    const from = message.fromId === undefined || message.fromId === null ? null : peerOf(message.fromId)
    let senderId: number | null = from?.type === 'user' ? from.id : null
    if (senderId === null && chat.type === 'user') senderId = out ? (this.self?.id ?? null) : chat.id
    return {
      id: message.id,
      text: message instanceof Api.Message ? message.message : '',
      out,
      senderId,
      chat,
    }
  }
}

function peerOf(peer: Api.TypePeer): InteropMessage['chat'] {
  if (peer instanceof Api.PeerUser) return { type: 'user', id: toNumber(peer.userId) }
  if (peer instanceof Api.PeerChat) return { type: 'chat', id: toNumber(peer.chatId) }
  return { type: 'channel', id: toNumber(peer.channelId) }
}

function toNumber(id: { toString(): string }): number {
  return Number(id.toString())
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const rpc = (err as { errorMessage?: unknown }).errorMessage
    return typeof rpc === 'string' ? `${rpc} (${err.message})` : err.message
  }
  return String(err)
}

