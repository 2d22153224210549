// Drives mtcute (`@mtcute/node` 0.30.3, layer 227) against the test DC through its normal public
// flows. Owns the two knobs mtcute needs (a transport that dials our loopback ports, our RSA key in
// its key index); knows nothing about the test DC's internals.
import {
  IntermediatePacketCodec,
  MemoryStorage,
  ObfuscatedPacketCodec,
  PaddedIntermediatePacketCodec,
  TcpTransport,
  TelegramClient,
  type BaseTelegramClient,
  type IPacketCodec,
  type ITelegramConnection,
  type Message,
  type TelegramTransport,
  type tl,
} from '@mtcute/node'
import {
  addPublicKey,
  findKeyByFingerprints,
  LogManager,
  NodeCryptoProvider,
  type BasicDcOption,
} from '@mtcute/node/utils.js'
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
import { fingerprintAsHex, pemFingerprint, toPkcs1Pem } from './rsa-key.js'

/** mtcute packet codecs: `intermediate` is its default, `obfuscated` wraps intermediate. */
export type MtcuteTransport = 'intermediate' | 'padded-intermediate' | 'obfuscated'

/** Knobs beyond {@link InteropDriverConfig}; the defaults suit the test DC. */
export interface MtcuteDriverOptions {
  readonly transport?: MtcuteTransport
  /**
   * mtcute `testMode`: the DC id in p_q_inner_data_dc becomes 10000 + id (Telegram's test DCs).
   * Default false: the plain id.
   */
  readonly testMode?: boolean
  /** Upper bound for connect() and login(), ms. */
  readonly stepTimeoutMs?: number
  /** Called with every address the client actually opens a socket to (tests use it). */
  readonly onDial?: (target: DcAddress) => void
}

const DEFAULT_STEP_TIMEOUT_MS = 15_000
const UPDATES_LOOP_POLL_MS = 5

type TlPublicKey = NonNullable<ReturnType<typeof findKeyByFingerprints>>

/**
 * Adds the test DC's key to mtcute's process-wide key index, after checking `fingerprint` against
 * the PEM. mtcute parses PKCS#1 only, so SPKI input is converted first.
 * NB: `addPublicKey` files the key under its 16-digit hex fingerprint, but the handshake looks keys
 * up by `Long#toString(16)`, which drops leading zeros (utils/crypto/keys.js). For a fingerprint
 * below 2^60 the key is also filed under the short spelling, in the same index object.
 */
export async function trustMtcuteServerKey(publicKeyPem: string, fingerprint: bigint): Promise<void> {
  const computed = pemFingerprint(publicKeyPem)
  if (computed !== fingerprint) {
    throw new InteropConfigError('fingerprint does not match publicKeyPem', `0x${computed.toString(16)}`, `0x${fingerprint.toString(16)}`)
  }
  addPublicKey(new NodeCryptoProvider(), toPkcs1Pem(publicKeyPem))
  const stored = fingerprintAsHex(fingerprint, true)
  const looked = fingerprintAsHex(fingerprint, false)
  if (looked === stored || findKeyByFingerprints([looked]) !== null) return
  const key = findKeyByFingerprints([stored])
  if (key === null) throw new InteropStepError('mtcute key', `addPublicKey did not file ${stored}`)
  const index = await mtcuteKeyIndex()
  index[looked] = key
  if (findKeyByFingerprints([looked]) !== key) {
    throw new InteropStepError('mtcute key', `could not file ${looked} in the index the handshake reads`)
  }
}

/**
 * The object `findKeyByFingerprints` reads (tl/binary/rsa-keys.js). It is not in the package's
 * exports map, so it is imported by file URL next to the package's own ESM entry: the same module
 * instance mtcute's ESM build uses.
 */
async function mtcuteKeyIndex(): Promise<Record<string, TlPublicKey>> {
  const entry = import.meta.resolve('@mtcute/core')
  const module = (await import(new URL('./tl/binary/rsa-keys.js', entry).href)) as {
    __publicKeyIndex?: Record<string, TlPublicKey>
  }
  if (module.__publicKeyIndex === undefined) {
    throw new InteropStepError('mtcute key', `no __publicKeyIndex next to ${entry}`)
  }
  return module.__publicKeyIndex
}

/** Dials the driver's loopback address for the DC id, whatever address mtcute was given. */
class LoopbackTransport implements TelegramTransport {
  private readonly tcp = new TcpTransport()

  constructor(
    private readonly config: InteropDriverConfig,
    private readonly codec: MtcuteTransport,
    private readonly onDial: ((target: DcAddress) => void) | undefined,
  ) {}

  async connect(dc: BasicDcOption): Promise<ITelegramConnection> {
    const target = routeDc(this.config, dc.id)
    this.onDial?.(target)
    return this.tcp.connect({ ...dc, ipAddress: target.host, port: target.port })
  }

  packetCodec(): IPacketCodec {
    switch (this.codec) {
      case 'intermediate':
        return new IntermediatePacketCodec()
      case 'padded-intermediate':
        return new PaddedIntermediatePacketCodec()
      case 'obfuscated':
        return new ObfuscatedPacketCodec(new IntermediatePacketCodec())
    }
  }
}

/** {@link InteropDriver} over an mtcute `TelegramClient` (MemoryStorage, updates on). */
export class MtcuteDriver implements InteropDriver {
  readonly clientName = 'mtcute'
  private readonly client: TelegramClient
  private readonly inbox = new MessageInbox()
  private readonly steps = new StepGuard()
  private readonly stepTimeoutMs: number
  private readonly errors: Error[] = []
  private self: LoggedInUser | null = null

  constructor(
    private readonly config: InteropDriverConfig,
    options: MtcuteDriverOptions = {},
  ) {
    assertLoopbackConfig(config)
    this.stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS
    const home: BasicDcOption = { id: config.dcId, ipAddress: config.host, port: config.port }
    this.client = new TelegramClient({
      apiId: config.apiId,
      apiHash: config.apiHash,
      storage: new MemoryStorage(),
      defaultDcs: { main: home, media: home },
      testMode: options.testMode ?? false,
      transport: new LoopbackTransport(config, options.transport ?? 'intermediate', options.onDial),
      logLevel: LogManager.OFF,
      initConnectionOptions: {
        deviceModel: 'mtswarm-interop',
        systemVersion: '1.0',
        appVersion: '1.0',
      },
    })
    // With a listener attached, mtcute reports background errors here instead of logging them.
    this.client.onError.add((err) => {
      this.errors.push(err)
    })
    this.client.onNewMessage.add((message) => {
      this.inbox.push(this.normalize(message))
    })
  }

  async connect(): Promise<void> {
    await trustMtcuteServerKey(this.config.publicKeyPem, this.config.fingerprint)
    // mtcute's connect() only starts dialing; the first RPC waits for the handshake. mtcute itself
    // calls help.getConfig lazily (ConfigManager, e.g. on PHONE_MIGRATE), so ask for it here.
    await this.steps.run(
      (async () => {
        await this.client.connect()
        await this.client.call({ _: 'help.getConfig' })
      })(),
      this.stepTimeoutMs,
      'mtcute connect',
    ).catch((err: unknown) => {
      throw new InteropStepError('mtcute connect', this.describe(err), { cause: err })
    })
  }

  async login(credentials: LoginCredentials): Promise<LoggedInUser> {
    const { password } = credentials
    const user = await this.steps.run(
      this.client.start({
        phone: credentials.phone,
        code: credentials.code,
        // NB: @mtcute/node prompts on stdin when `password` is missing; never let it.
        password:
          password ??
          (() => {
            throw new InteropStepError('mtcute login', 'the account has 2FA but no password was given')
          }),
        codeSentCallback: () => {},
      }),
      this.stepTimeoutMs,
      'mtcute login',
    ).catch((err: unknown) => {
      throw new InteropStepError('mtcute login', this.describe(err), { cause: err })
    })
    // NB: start() resolves before mtcute's updates loop listens (notifyLoggedIn starts it without
    // awaiting: updates.getState + getDifference first), and an update pushed in that window is
    // dropped. waitForMessage promises updates from login on, so wait until the loop is active.
    await this.steps
      .run(this.updatesLoopActive(), this.stepTimeoutMs, 'mtcute updates loop')
      .catch((err: unknown) => {
        throw new InteropStepError('mtcute login', this.describe(err), { cause: err })
      })
    this.self = { id: user.id, firstName: user.firstName, username: user.username }
    return this.self
  }

  async sendMessage(to: PeerRef, text: string): Promise<InteropMessage> {
    return this.normalize(await this.client.sendText(to, text))
  }

  async getHistory(peer: PeerRef, limit: number): Promise<InteropMessage[]> {
    const messages = await this.client.getHistory(peer, { limit })
    return messages.map((message) => this.normalize(message))
  }

  waitForMessage(predicate: (message: InteropMessage) => boolean, timeoutMs: number): Promise<InteropMessage> {
    return this.inbox.wait(predicate, timeoutMs)
  }

  currentDc(): Promise<number> {
    return this.client.getPrimaryDcId()
  }

  /** The session as mtcute's own `exportSession()` writes it (its string session format). */
  exportSession(): Promise<string> {
    return this.client.exportSession()
  }

  async disconnect(): Promise<void> {
    this.inbox.close()
    this.steps.close()
    await this.client.destroy()
  }

  /** Resolves once mtcute's updates manager has loaded its state and listens for server updates. */
  private async updatesLoopActive(): Promise<void> {
    const updates = (this.client._client as Partial<BaseTelegramClient>).updates
    if (updates === undefined) throw new InteropStepError('mtcute updates loop', 'the client has no updates manager')
    while (!updates.updatesLoopActive) await new Promise((resolve) => setTimeout(resolve, UPDATES_LOOP_POLL_MS))
  }

  private normalize(message: Message): InteropMessage {
    const raw = message.raw
    const chat = peerOf(raw.peerId)
    const out = raw.out === true
    const from = raw.fromId === undefined ? null : peerOf(raw.fromId)
    let senderId: number | null = from?.type === 'user' ? from.id : null
    if (senderId === null && chat.type === 'user') senderId = out ? (this.self?.id ?? null) : chat.id
    return { id: raw.id, text: raw._ === 'message' ? raw.message : '', out, senderId, chat }
  }

  private describe(err: unknown): string {
    const text = err instanceof Error ? err.message : String(err)
    const background = this.errors.map((e) => e.message).join('; ')
    return background === '' ? text : `${text} [background: ${background}]`
  }
}

function peerOf(peer: tl.TypePeer): InteropMessage['chat'] {
  switch (peer._) {
    case 'peerUser':
      return { type: 'user', id: peer.userId }
    case 'peerChat':
      return { type: 'chat', id: peer.chatId }
    case 'peerChannel':
      return { type: 'channel', id: peer.channelId }
  }
}
