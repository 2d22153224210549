// A loopback listener that plays the server side of the auth-key handshake for one client and
// records what the client then sends in its first encrypted packet. Test tool for the interop
// drivers, not a DC: it answers nothing after dh_gen_ok and knows no API method.
// https://core.telegram.org/mtproto/auth_key · https://core.telegram.org/mtproto/mtproto-transports
import { createCipheriv, createDecipheriv, randomBytes, type Cipher, type Decipher } from 'node:crypto'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { crc32 } from 'node:zlib'
import {
  aesIgeDecrypt,
  aesIgeEncrypt,
  authKeyId,
  checkDhGroup,
  decryptMessagePayload,
  deriveTmpAes,
  dhPublicValue,
  dhSharedKey,
  initialServerSalt,
  newNonceHash,
  parseRsaPrivateKey,
  rsaPadDecrypt,
  sha1,
  TELEGRAM_DH_PRIME,
  type DhGroup,
  type RsaPrivateKey,
} from '@mtswarm/engine/crypto'
import type { SniffedTransport } from './transport-sniffer.js'

// Constructor ids, with their TL lines (https://core.telegram.org/schema/mtproto).
// req_pq_multi#be7e8ef1 nonce:int128 = ResPQ;
const REQ_PQ_MULTI = 0xbe7e8ef1
// resPQ#05162463 nonce:int128 server_nonce:int128 pq:string server_public_key_fingerprints:Vector<long> = ResPQ;
const RES_PQ = 0x05162463
// req_DH_params#d712e4be nonce:int128 server_nonce:int128 p:string q:string public_key_fingerprint:long encrypted_data:string = Server_DH_Params;
const REQ_DH_PARAMS = 0xd712e4be
// p_q_inner_data#83c95aec pq:string p:string q:string nonce:int128 server_nonce:int128 new_nonce:int256 = P_Q_inner_data;
export const P_Q_INNER_DATA = 0x83c95aec
// p_q_inner_data_dc#a9f55f95 pq:string p:string q:string nonce:int128 server_nonce:int128 new_nonce:int256 dc:int = P_Q_inner_data;
export const P_Q_INNER_DATA_DC = 0xa9f55f95
// server_DH_params_ok#d0e8075c nonce:int128 server_nonce:int128 encrypted_answer:string = Server_DH_Params;
const SERVER_DH_PARAMS_OK = 0xd0e8075c
// server_DH_inner_data#b5890dba nonce:int128 server_nonce:int128 g:int dh_prime:string g_a:string server_time:int = Server_DH_inner_data;
const SERVER_DH_INNER_DATA = 0xb5890dba
// set_client_DH_params#f5045f1f nonce:int128 server_nonce:int128 encrypted_data:string = Set_client_DH_params_answer;
const SET_CLIENT_DH_PARAMS = 0xf5045f1f
// client_DH_inner_data#6643b654 nonce:int128 server_nonce:int128 retry_id:long g_b:string = Client_DH_Inner_Data;
const CLIENT_DH_INNER_DATA = 0x6643b654
// dh_gen_ok#3bcbf734 nonce:int128 server_nonce:int128 new_nonce_hash1:int128 = Set_client_DH_params_answer;
const DH_GEN_OK = 0x3bcbf734
// msg_container#73f1f8dc messages:vector<message> = MessageContainer;
export const MSG_CONTAINER = 0x73f1f8dc
// invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;
export const INVOKE_WITH_LAYER = 0xda9b0d0d
// initConnection#c1cd5ea9 {X:Type} flags:# api_id:int device_model:string system_version:string app_version:string system_lang_code:string lang_pack:string lang_code:string proxy:flags.0?InputClientProxy params:flags.1?JSONValue query:!X = X;
export const INIT_CONNECTION = 0xc1cd5ea9
// invokeWithoutUpdates#bf9459b7 {X:Type} query:!X = X;
const INVOKE_WITHOUT_UPDATES = 0xbf9459b7
const VECTOR = 0x1cb5c415

// The pq sample from https://core.telegram.org/mtproto/samples-auth_key (p < q, both 32-bit primes).
const PQ = 0x17ed48941a08f981n
const DH_G = 3

/** An initConnection the client sent, minus its query. */
export interface RecordedInitConnection {
  readonly apiId: number
  readonly deviceModel: string
  readonly systemVersion: string
  readonly appVersion: string
  readonly systemLangCode: string
  readonly langPack: string
  readonly langCode: string
}

/** One message of the first encrypted packet (a container is flattened into several). */
export interface RecordedMessage {
  readonly constructorId: number
  /** For invokeWithLayer: its layer. */
  readonly layer: number | null
  readonly initConnection: RecordedInitConnection | null
  /** The innermost query's constructor id, under invokeWithLayer/initConnection/invokeWithoutUpdates. */
  readonly query: number
}

/** What one client did on a connection whose handshake completed. */
export interface RecordedSession {
  readonly transport: SniffedTransport
  readonly obfuscated: boolean
  readonly innerDataConstructor: number
  /** `dc` of p_q_inner_data_dc; null for plain p_q_inner_data. */
  readonly innerDataDc: number | null
  /** Salt of the first encrypted message, and the one the handshake implies. */
  readonly salt: bigint
  readonly initialSalt: bigint
  readonly messages: readonly RecordedMessage[]
}

/** A running recorder. `session` resolves at the first completed handshake + encrypted packet. */
export interface HandshakeRecorder {
  readonly port: number
  readonly session: Promise<RecordedSession>
  /** Connections accepted so far (a client may redo a failed handshake on a new one). */
  connections(): number
  close(): Promise<void>
}

/** Starts a recorder on 127.0.0.1 (ephemeral port) that holds `privateKeyPem`. */
export async function startHandshakeRecorder(privateKeyPem: string): Promise<HandshakeRecorder> {
  const key = parseRsaPrivateKey(privateKeyPem)
  const group = expectOk(checkDhGroup(TELEGRAM_DH_PRIME, DH_G), 'dh group')
  const sockets = new Set<Socket>()
  let accepted = 0
  let resolveSession: (session: RecordedSession) => void = () => {}
  let rejectSession: (err: Error) => void = () => {}
  const session = new Promise<RecordedSession>((resolve, reject) => {
    resolveSession = resolve
    rejectSession = reject
  })
  session.catch(() => {})
  const server = createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    const connection = new RecorderConnection(key, group, (frame) => socket.write(frame), resolveSession)
    socket.on('data', (chunk: Buffer) => {
      try {
        connection.feed(chunk)
      } catch (err) {
        // A malformed or unexpected step ends this connection only; the client may retry.
        socket.destroy()
        if (!(err instanceof RecorderStepError)) rejectSession(err instanceof Error ? err : new Error(String(err)))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    session,
    connections: () => accepted,
    close: async () => {
      rejectSession(new Error('recorder closed'))
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The client sent something this step does not accept. */
class RecorderStepError extends Error {
  override readonly name = 'RecorderStepError'
}

type Step =
  | { readonly at: 'reqPq' }
  | { readonly at: 'reqDhParams'; readonly nonce: Uint8Array; readonly serverNonce: Uint8Array }
  | {
      readonly at: 'setClientDhParams'
      readonly nonce: Uint8Array
      readonly serverNonce: Uint8Array
      readonly newNonce: Uint8Array
      readonly secret: Uint8Array
      readonly innerDataConstructor: number
      readonly innerDataDc: number | null
    }
  | {
      readonly at: 'encrypted'
      readonly authKey: Uint8Array
      readonly initialSalt: bigint
      readonly innerDataConstructor: number
      readonly innerDataDc: number | null
    }
  | { readonly at: 'done' }

class RecorderConnection {
  private readonly framer = new ServerFramer()
  private step: Step = { at: 'reqPq' }
  private messageSeq = 0

  constructor(
    private readonly key: RsaPrivateKey,
    private readonly group: DhGroup,
    private readonly write: (frame: Uint8Array) => void,
    private readonly onSession: (session: RecordedSession) => void,
  ) {}

  feed(chunk: Uint8Array): void {
    for (const payload of this.framer.push(chunk)) this.onPayload(payload)
  }

  private onPayload(payload: Uint8Array): void {
    const step = this.step
    if (step.at === 'done') return
    if (step.at === 'encrypted') {
      this.onEncrypted(step, payload)
      return
    }
    const body = plainBody(payload)
    const r = new Reader(body)
    const id = r.uint32()
    switch (step.at) {
      case 'reqPq': {
        if (id !== REQ_PQ_MULTI) throw new RecorderStepError(`expected req_pq_multi, got 0x${id.toString(16)}`)
        const nonce = r.raw(16)
        const serverNonce = new Uint8Array(randomBytes(16))
        const w = new Writer()
        w.uint32(RES_PQ).raw(nonce).raw(serverNonce).bytes(bigToBytes(PQ))
        w.uint32(VECTOR).int32(1).int64(BigInt.asIntN(64, this.key.publicKey.fingerprint))
        this.sendPlain(w.result())
        this.step = { at: 'reqDhParams', nonce, serverNonce }
        return
      }
      case 'reqDhParams': {
        if (id !== REQ_DH_PARAMS) throw new RecorderStepError(`expected req_DH_params, got 0x${id.toString(16)}`)
        r.raw(32) // nonce, server_nonce (checked inside the encrypted data)
        r.bytes()
        r.bytes()
        r.int64()
        const inner = expectOk(rsaPadDecrypt(this.key, r.bytes()), 'rsa_pad')
        const ir = new Reader(inner)
        const innerId = ir.uint32()
        if (innerId !== P_Q_INNER_DATA && innerId !== P_Q_INNER_DATA_DC) {
          throw new RecorderStepError(`unexpected inner data 0x${innerId.toString(16)}`)
        }
        ir.bytes()
        ir.bytes()
        ir.bytes()
        const nonce = ir.raw(16)
        const serverNonce = ir.raw(16)
        const newNonce = ir.raw(32)
        const dc = innerId === P_Q_INNER_DATA_DC ? ir.int32() : null
        if (!equal(nonce, step.nonce) || !equal(serverNonce, step.serverNonce)) throw new RecorderStepError('nonce mismatch')
        const secret = new Uint8Array(randomBytes(256))
        const answer = new Writer()
        answer.uint32(SERVER_DH_INNER_DATA).raw(nonce).raw(serverNonce).int32(this.group.g)
        answer.bytes(bigToBytes(this.group.p)).bytes(dhPublicValue(this.group, secret)).int32(Math.floor(Date.now() / 1000))
        const answerBytes = answer.result()
        const withHash = padTo16(concat(sha1(answerBytes), answerBytes))
        const tmp = deriveTmpAes(newNonce, serverNonce)
        const w = new Writer()
        w.uint32(SERVER_DH_PARAMS_OK).raw(nonce).raw(serverNonce).bytes(aesIgeEncrypt(withHash, tmp.key, tmp.iv))
        this.sendPlain(w.result())
        this.step = { at: 'setClientDhParams', nonce, serverNonce, newNonce, secret, innerDataConstructor: innerId, innerDataDc: dc }
        return
      }
      case 'setClientDhParams': {
        if (id !== SET_CLIENT_DH_PARAMS) throw new RecorderStepError(`expected set_client_DH_params, got 0x${id.toString(16)}`)
        r.raw(32)
        const tmp = deriveTmpAes(step.newNonce, step.serverNonce)
        const clear = aesIgeDecrypt(r.bytes(), tmp.key, tmp.iv)
        const cr = new Reader(clear.subarray(20))
        if (cr.uint32() !== CLIENT_DH_INNER_DATA) throw new RecorderStepError('expected client_DH_inner_data')
        cr.raw(32)
        cr.int64()
        const authKey = dhSharedKey(this.group, cr.bytes(), step.secret)
        const w = new Writer()
        w.uint32(DH_GEN_OK).raw(step.nonce).raw(step.serverNonce).raw(newNonceHash(step.newNonce, authKey, 1))
        this.sendPlain(w.result())
        this.step = {
          at: 'encrypted',
          authKey,
          initialSalt: initialServerSalt(step.newNonce, step.serverNonce),
          innerDataConstructor: step.innerDataConstructor,
          innerDataDc: step.innerDataDc,
        }
        return
      }
    }
  }

  private onEncrypted(step: Extract<Step, { at: 'encrypted' }>, payload: Uint8Array): void {
    const r = new Reader(payload)
    const keyId = r.int64()
    // NB: both clients drop a leading zero byte of g_ab (1 handshake in 256), so their key differs
    // from ours and they give up on dh_gen_ok; such a connection never gets here with our key id.
    if (keyId !== BigInt.asIntN(64, authKeyId(step.authKey))) throw new RecorderStepError('unknown auth_key_id')
    const msgKey = r.raw(16)
    const decrypted = decryptMessagePayload(step.authKey, msgKey, payload.subarray(24), 'client-to-server')
    if (!decrypted.ok) throw new RecorderStepError(`decrypt failed: ${decrypted.error.kind}`)
    const pr = new Reader(decrypted.plaintext)
    const salt = pr.int64()
    pr.int64() // session_id
    pr.int64() // msg_id
    pr.int32() // seq_no
    const length = pr.int32()
    const body = pr.raw(length)
    this.step = { at: 'done' }
    this.onSession({
      transport: this.framer.transport ?? 'full',
      obfuscated: this.framer.obfuscated,
      innerDataConstructor: step.innerDataConstructor,
      innerDataDc: step.innerDataDc,
      salt: BigInt.asUintN(64, salt),
      initialSalt: BigInt.asUintN(64, step.initialSalt),
      messages: flatten(body),
    })
  }

  private sendPlain(body: Uint8Array): void {
    const w = new Writer()
    // Server message ids are ≡ 1 mod 4 for responses (https://core.telegram.org/mtproto/description#message-identifier-msg-id).
    const msgId = (BigInt(Math.floor(Date.now() / 1000)) << 32n) | BigInt(this.messageSeq++ * 4 + 1)
    w.int64(0n).int64(msgId).int32(body.length).raw(body)
    this.write(this.framer.encode(w.result()))
  }
}

function flatten(body: Uint8Array): RecordedMessage[] {
  const r = new Reader(body)
  const id = r.uint32()
  if (id !== MSG_CONTAINER) return [describeMessage(body)]
  const count = r.int32()
  const out: RecordedMessage[] = []
  for (let i = 0; i < count; i++) {
    r.int64()
    r.int32()
    const length = r.int32()
    out.push(describeMessage(r.raw(length)))
  }
  return out
}

function describeMessage(body: Uint8Array): RecordedMessage {
  const r = new Reader(body)
  const constructorId = r.uint32()
  let layer: number | null = null
  let initConnection: RecordedInitConnection | null = null
  let query = constructorId
  for (;;) {
    if (query === INVOKE_WITH_LAYER) {
      layer = r.int32()
    } else if (query === INIT_CONNECTION) {
      const flags = r.int32()
      initConnection = {
        apiId: r.int32(),
        deviceModel: r.string(),
        systemVersion: r.string(),
        appVersion: r.string(),
        systemLangCode: r.string(),
        langPack: r.string(),
        langCode: r.string(),
      }
      // inputClientProxy#75588b3f address:string port:int; JSONValue params are not decoded.
      if ((flags & 1) !== 0) {
        r.uint32()
        r.string()
        r.int32()
      }
      if ((flags & 2) !== 0) throw new RecorderStepError('initConnection.params is not decoded by the recorder')
    } else if (query !== INVOKE_WITHOUT_UPDATES) {
      break
    }
    query = r.uint32()
  }
  return { constructorId, layer, initConnection, query }
}

/**
 * Server side of the unobfuscated and obfuscated2 transports (abridged, intermediate, padded
 * intermediate, full): splits the client's stream into payloads and frames our replies alike.
 */
class ServerFramer {
  transport: SniffedTransport | null = null
  obfuscated = false
  private buffer: Buffer = Buffer.alloc(0)
  private decipher: Decipher | null = null
  private cipher: Cipher | null = null
  private sendSeq = 0

  push(chunk: Uint8Array): Uint8Array[] {
    const incoming = this.decipher === null ? Buffer.from(chunk) : this.decipher.update(chunk)
    this.buffer = Buffer.concat([this.buffer, incoming])
    const payloads: Uint8Array[] = []
    if (this.transport === null && !this.detect()) return payloads
    for (let payload = this.nextPayload(); payload !== null; payload = this.nextPayload()) payloads.push(payload)
    return payloads
  }

  encode(payload: Uint8Array): Uint8Array {
    let frame: Buffer
    switch (this.transport) {
      case 'abridged': {
        const words = payload.length / 4
        const header = words < 0x7f ? Buffer.of(words) : Buffer.of(0x7f, words & 0xff, (words >> 8) & 0xff, (words >> 16) & 0xff)
        frame = Buffer.concat([header, payload])
        break
      }
      case 'intermediate':
      case 'padded-intermediate': {
        const header = Buffer.alloc(4)
        header.writeUInt32LE(payload.length)
        frame = Buffer.concat([header, payload])
        break
      }
      default: {
        const head = Buffer.alloc(8)
        head.writeUInt32LE(payload.length + 12, 0)
        head.writeUInt32LE(this.sendSeq++, 4)
        const body = Buffer.concat([head, payload])
        const crc = Buffer.alloc(4)
        crc.writeUInt32LE(crc32(body))
        frame = Buffer.concat([body, crc])
      }
    }
    return this.cipher === null ? frame : this.cipher.update(frame)
  }

  private detect(): boolean {
    const b = this.buffer
    if (b.length < 1) return false
    if (b[0] === 0xef) return this.take('abridged', 1)
    if (b.length < 4) return false
    const first = b.readUInt32LE(0)
    if (first === 0xeeeeeeee) return this.take('intermediate', 4)
    if (first === 0xdddddddd) return this.take('padded-intermediate', 4)
    if (b.length < 8) return false
    if (b.readUInt32LE(4) === 0) return this.take('full', 0)
    if (b.length < 64) return false
    const header = b.subarray(0, 64)
    const reversed = Buffer.from(header.subarray(8, 56)).reverse()
    this.decipher = createDecipheriv('aes-256-ctr', header.subarray(8, 40), header.subarray(40, 56))
    this.cipher = createCipheriv('aes-256-ctr', reversed.subarray(0, 32), reversed.subarray(32, 48))
    const plain = this.decipher.update(b)
    const tag = plain.readUInt32LE(56)
    const transport =
      tag === 0xefefefef ? 'abridged' : tag === 0xeeeeeeee ? 'intermediate' : tag === 0xdddddddd ? 'padded-intermediate' : null
    if (transport === null) throw new RecorderStepError(`unknown obfuscated2 tag 0x${tag.toString(16)}`)
    this.obfuscated = true
    this.transport = transport
    this.buffer = plain.subarray(64)
    return true
  }

  private take(transport: SniffedTransport, tagBytes: number): boolean {
    this.transport = transport
    this.buffer = this.buffer.subarray(tagBytes)
    return true
  }

  private nextPayload(): Uint8Array | null {
    const b = this.buffer
    let start: number
    let length: number
    let trailer = 0
    switch (this.transport) {
      case 'abridged': {
        if (b.length < 1) return null
        const short = b[0] ?? 0
        if (short < 0x7f) {
          start = 1
          length = short * 4
        } else {
          if (b.length < 4) return null
          start = 4
          length = b.readUIntLE(1, 3) * 4
        }
        break
      }
      case 'intermediate':
      case 'padded-intermediate':
        if (b.length < 4) return null
        start = 4
        length = b.readUInt32LE(0)
        break
      default:
        if (b.length < 4) return null
        start = 8
        length = b.readUInt32LE(0) - 12
        trailer = 4
    }
    if (b.length < start + length + trailer) return null
    const payload = new Uint8Array(b.subarray(start, start + length))
    this.buffer = b.subarray(start + length + trailer)
    return payload
  }
}

/** The body of a plain message; padded intermediate's random tail is cut by the length field. */
function plainBody(payload: Uint8Array): Uint8Array {
  const r = new Reader(payload)
  if (r.int64() !== 0n) throw new RecorderStepError('expected a plain message')
  r.int64()
  return r.raw(r.int32())
}

class Reader {
  private pos = 0
  private readonly view: DataView
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new RecorderStepError(`truncated: need ${n} at ${this.pos}/${this.buf.length}`)
  }
  uint32(): number {
    this.need(4)
    const v = this.view.getUint32(this.pos, true)
    this.pos += 4
    return v
  }
  int32(): number {
    this.need(4)
    const v = this.view.getInt32(this.pos, true)
    this.pos += 4
    return v
  }
  int64(): bigint {
    this.need(8)
    const v = this.view.getBigInt64(this.pos, true)
    this.pos += 8
    return v
  }
  raw(n: number): Uint8Array {
    this.need(n)
    const v = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return v
  }
  bytes(): Uint8Array {
    this.need(1)
    let length = this.buf[this.pos] ?? 0
    let header = 1
    if (length === 254) {
      this.need(4)
      length = (this.buf[this.pos + 1] ?? 0) | ((this.buf[this.pos + 2] ?? 0) << 8) | ((this.buf[this.pos + 3] ?? 0) << 16)
      header = 4
    }
    this.pos += header
    const v = this.raw(length)
    this.pos += (4 - ((header + length) % 4)) % 4
    return v
  }
  string(): string {
    return new TextDecoder().decode(this.bytes())
  }
}

class Writer {
  private readonly parts: Uint8Array[] = []
  uint32(v: number): this {
    const b = Buffer.alloc(4)
    b.writeUInt32LE(v >>> 0)
    this.parts.push(b)
    return this
  }
  int32(v: number): this {
    const b = Buffer.alloc(4)
    b.writeInt32LE(v)
    this.parts.push(b)
    return this
  }
  int64(v: bigint): this {
    const b = Buffer.alloc(8)
    b.writeBigInt64LE(BigInt.asIntN(64, v))
    this.parts.push(b)
    return this
  }
  raw(v: Uint8Array): this {
    this.parts.push(v)
    return this
  }
  bytes(v: Uint8Array): this {
    const header = v.length < 254 ? Buffer.of(v.length) : Buffer.of(254, v.length & 0xff, (v.length >> 8) & 0xff, (v.length >> 16) & 0xff)
    this.parts.push(header, v, new Uint8Array((4 - ((header.length + v.length) % 4)) % 4))
    return this
  }
  result(): Uint8Array {
    return concat(...this.parts)
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

function padTo16(data: Uint8Array): Uint8Array {
  return concat(data, new Uint8Array(randomBytes((16 - (data.length % 16)) % 16)))
}

function bigToBytes(value: bigint): Uint8Array {
  let hex = value.toString(16)
  if (hex.length % 2 === 1) hex = `0${hex}`
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b))
}

function expectOk<T>(result: { ok: true; value: T } | { ok: false; error: { kind: string } }, what: string): T {
  if (!result.ok) throw new RecorderStepError(`${what}: ${result.error.kind}`)
  return result.value
}
