// The peer clients the bench compares against, each reduced to what the bench needs: open one
// client on the test DC (handshake + help.getConfig through the library's own startup), make one
// cheap call, close. GramJS (`telegram` 2.26.22, layer 198) and mtcute (@mtcute/node 0.30.3,
// layer 227), used unmodified except for trusting the test DC's key and dialing its loopback port
// (the same two knobs as test/src/interop's drivers; see test/docs/interop.md for why).
import { createPublicKey } from 'node:crypto'
import type { DcHello } from './dc-protocol.js'

/** The clients the bench knows. */
export type ClientKind = 'ours' | 'mtcute' | 'gramjs'
export const PEER_KINDS = ['mtcute', 'gramjs'] as const
export type PeerKind = (typeof PEER_KINDS)[number]

/** One open peer client. */
export interface PeerClient {
  /** help.getNearestDc (the same cheap call our scenarios make). */
  call(): Promise<unknown>
  close(): Promise<void>
}

/** Opens peer clients of one kind on DC `dcId` of `hello`. */
export interface PeerFactory {
  open(): Promise<PeerClient>
}

const API_HASH = '0123456789abcdef0123456789abcdef'
const API_ID = 4

function rsaParts(pem: string): { n: Buffer; e: Buffer } {
  const jwk = createPublicKey(pem).export({ format: 'jwk' })
  if (jwk.n === undefined || jwk.e === undefined) throw new TypeError('not an RSA public key')
  return { n: Buffer.from(jwk.n, 'base64url'), e: Buffer.from(jwk.e, 'base64url') }
}

function addressOf(hello: DcHello, dcId: number): { host: string; port: number } {
  const dc = hello.dcs.find((d) => d.id === dcId)
  if (dc === undefined) throw new RangeError(`the test DC has no DC ${dcId}`)
  return dc
}

/**
 * A maker of GramJS clients on `hello`'s test DC: its key trusted, every DC id pinned to its
 * loopback address, a MemorySession homed on the DC asked for, logging off.
 */
export async function gramjsOnTestDc(hello: DcHello): Promise<(dcId: number) => import('telegram').TelegramClient> {
  const { TelegramClient } = await import('telegram')
  const { _serverKeys } = await import('telegram/crypto/RSA.js')
  const { Logger, LogLevel } = await import('telegram/extensions/Logger.js')
  const { readBigIntFromBuffer } = await import('telegram/Helpers.js')
  const { ConnectionTCPFull } = await import('telegram/network/connection/index.js')
  const { MemorySession } = await import('telegram/sessions/index.js')
  const { n, e } = rsaParts(hello.publicKeyPem)
  // GramJS keys its trusted-key map by the fingerprint as a signed decimal string.
  _serverKeys.set(BigInt.asIntN(64, BigInt(hello.fingerprint)).toString(), {
    n: readBigIntFromBuffer(n, false, false),
    e: Number(BigInt(`0x${e.toString('hex')}`)),
  })
  // GramJS dials port 80 (or 443 for DCs from getConfig) whatever the session says: pin each DC id
  // to its loopback address in the connection class, which GramJS also uses to reconnect.
  class LoopbackConnection extends ConnectionTCPFull {
    constructor(params: ConstructorParameters<typeof ConnectionTCPFull>[0]) {
      const a = addressOf(hello, params.dcId)
      super({ ...params, ip: a.host, port: a.port })
    }
  }
  return (dcId) => {
    const home = addressOf(hello, dcId)
    const session = new MemorySession()
    session.setDC(dcId, home.host, home.port)
    return new TelegramClient(session, API_ID, API_HASH, {
      connection: LoopbackConnection,
      baseLogger: new Logger(LogLevel.NONE),
      connectionRetries: 2,
      retryDelay: 200,
      deviceModel: 'mtswarm-bench',
      systemVersion: 'node',
      appVersion: '0.1.0',
      langCode: 'en',
      systemLangCode: 'en',
    })
  }
}

/** GramJS clients on `dcId`: TCPFull (its Node default), MemorySession, no retries past 2. */
export async function gramjsFactory(hello: DcHello, dcId: number): Promise<PeerFactory> {
  const { Api } = await import('telegram')
  const newClient = await gramjsOnTestDc(hello)
  return {
    async open() {
      const client = newClient(dcId)
      // connect(): handshake, then invokeWithLayer(initConnection(help.getConfig)).
      if (!(await client.connect())) throw new Error('GramJS gave up connecting')
      return {
        call: () => client.invoke(new Api.help.GetNearestDc()),
        close: () => client.destroy(),
      }
    },
  }
}

/**
 * A maker of mtcute clients on `hello`'s test DC: its key trusted, every DC id dialed at its
 * loopback address, intermediate transport (its default), MemoryStorage, logging off.
 */
export async function mtcuteOnTestDc(hello: DcHello): Promise<(dcId: number) => import('@mtcute/node').TelegramClient> {
  const { MemoryStorage, TcpTransport, IntermediatePacketCodec, TelegramClient } = await import('@mtcute/node')
  const { addPublicKey, LogManager, NodeCryptoProvider } = await import('@mtcute/node/utils.js')
  // NB: mtcute parses PKCS#1 only. dc-child.ts picks a key whose fingerprint has no leading zero
  // hex digit, so mtcute's lookup spelling matches the one addPublicKey files.
  addPublicKey(new NodeCryptoProvider(), createPublicKey(hello.publicKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString())
  const transport = {
    tcp: new TcpTransport(),
    connect(dc: { id: number; ipAddress: string; port: number }) {
      const a = addressOf(hello, dc.id)
      return this.tcp.connect({ ...dc, ipAddress: a.host, port: a.port } as never)
    },
    packetCodec: () => new IntermediatePacketCodec(),
  }
  return (dcId) => {
    const home = addressOf(hello, dcId)
    const main = { id: dcId, ipAddress: home.host, port: home.port }
    return new TelegramClient({
      apiId: API_ID,
      apiHash: API_HASH,
      storage: new MemoryStorage(),
      defaultDcs: { main, media: main },
      transport: transport as never,
      logLevel: LogManager.OFF,
      initConnectionOptions: { deviceModel: 'mtswarm-bench', systemVersion: 'node', appVersion: '0.1.0' },
    })
  }
}

/** mtcute clients on `dcId` (see mtcuteOnTestDc). */
export async function mtcuteFactory(hello: DcHello, dcId: number): Promise<PeerFactory> {
  const newClient = await mtcuteOnTestDc(hello)
  return {
    async open() {
      const client = newClient(dcId)
      client.onError.add(() => {})
      await client.connect()
      // connect() only dials; the first call waits for the handshake (wrapped in initConnection).
      await client.call({ _: 'help.getConfig' })
      return {
        call: () => client.call({ _: 'help.getNearestDc' }),
        close: () => client.destroy(),
      }
    },
  }
}
