// A tiny MTProto client for tests and the bench: a real socket and a real transport codec, the
// engine's client handshake steps, and the engine's encrypted framing. Exposes the raw session
// (msg_id, seqno, salt, containers) so tests can break rules on purpose, plus a well-behaved
// `invoke` that follows bad_server_salt and bad_msg_notification 16/17 like a real client.
// Knows nothing of machines or the runtime; not for production use.
import { connect, type Socket } from 'node:net'
import { randomBytes } from 'node:crypto'
import { parseRsaPublicKey } from '@mtswarm/engine/crypto'
import {
  MessageIdGenerator,
  SeqNoCounter,
  clientHandshake,
  decodePlainMessage,
  decryptMessage,
  encodePlainMessage,
  encryptMessage,
  encryptionKeyOf,
  isContainer,
  packContainer,
  sessionIdFromRandom,
  unpackContainer,
  type AuthKeyCreated,
  type EncryptionKey,
} from '@mtswarm/engine/protocol'
import { TlReader, deserializeObject, readMethodResult, serializeObject, type TlObject, type mtp } from '@mtswarm/engine/tl'
import { createClientCodec, type ClientTransportName, type TransportCodec } from '@mtswarm/engine/transport'

/** Transports the test client speaks. */
export type TestTransport = ClientTransportName

export interface TestClientOptions {
  readonly host: string
  readonly port: number
  /** The DC id sent in p_q_inner_data_dc and the obfuscated2 header. */
  readonly dcId: number
  readonly publicKeyPem: string
  readonly transport?: TestTransport
  readonly random?: (n: number) => Uint8Array
  /** How long `next`/`invoke` wait by default (ms). */
  readonly timeoutMs?: number
}

/** One decrypted message from the server (container items come out one by one). */
export interface ReceivedMessage {
  readonly msgId: bigint
  readonly seqNo: number
  /** Decoded body; `mt_rpc_result.result` stays raw bytes. */
  readonly obj: TlObject
  readonly body: Uint8Array
  /** msg_id of the container it came in, if any. */
  readonly containerMsgId?: bigint
  /** Arrival order on this client (0, 1, 2 …). */
  readonly arrival: number
}

/** A wait that timed out. */
export class TestClientTimeoutError extends Error {
  override readonly name = 'TestClientTimeoutError'
}

/** The server answered an RPC with rpc_error. */
export class TestRpcError extends Error {
  override readonly name = 'TestRpcError'
  constructor(
    readonly code: number,
    readonly errorMessage: string,
  ) {
    super(`${code} ${errorMessage}`)
  }
}


interface Waiter {
  readonly pred: (m: ReceivedMessage) => boolean
  readonly resolve: (m: ReceivedMessage) => void
  readonly reject: (e: Error) => void
  readonly timer: NodeJS.Timeout
}

/** Messages kept for later `next` calls; the oldest go beyond this. */
const MAX_INBOX = 4096

export class TestClient {
  readonly random: (n: number) => Uint8Array
  readonly ids = new MessageIdGenerator({ role: 'client' })
  seq = new SeqNoCounter()
  sessionId: bigint
  salt = 0n
  key: EncryptionKey | undefined
  /** Transport error codes received (e.g. -404). */
  readonly transportErrors: number[] = []
  /** Everything decrypted so far, in arrival order (bounded). */
  readonly inbox: ReceivedMessage[] = []
  /** Resolves when the socket closed. */
  readonly closed: Promise<void>
  isClosed = false
  private readonly codec: TransportCodec
  private readonly plainQueue: Uint8Array[] = []
  private plainWaiter: ((p: Uint8Array) => void) | undefined
  private waiters: Waiter[] = []
  private readonly timeoutMs: number
  private arrivals = 0

  private constructor(
    readonly options: TestClientOptions,
    private readonly socket: Socket,
  ) {
    this.random = options.random ?? ((n) => new Uint8Array(randomBytes(n)))
    this.timeoutMs = options.timeoutMs ?? 10_000
    this.codec = createClientCodec(options.transport ?? 'intermediate', { dcId: options.dcId, random: this.random })
    this.sessionId = sessionIdFromRandom(this.random(8))
    socket.setNoDelay(true)
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.isClosed = true
        for (const w of this.waiters) {
          clearTimeout(w.timer)
          w.reject(new Error('connection closed'))
        }
        this.waiters = []
        resolve()
      })
    })
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => this.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)))
  }

  /** Opens a connection (no bytes sent yet). */
  static connect(options: TestClientOptions): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port })
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new TestClient(options, socket))
      })
    })
  }

  /** Connects and runs the handshake. */
  static async connectWithKey(options: TestClientOptions, opts: { expiresIn?: number } = {}): Promise<TestClient> {
    const c = await TestClient.connect(options)
    await c.handshake(opts)
    return c
  }

  private onData(chunk: Uint8Array): void {
    this.codec.push(chunk)
    for (let ev = this.codec.next(); ev !== null; ev = this.codec.next()) {
      if (ev.kind === 'transport-error') {
        this.transportErrors.push(ev.code)
        continue
      }
      if (ev.kind === 'decode-error') {
        this.socket.destroy()
        return
      }
      const p = ev.payload
      if (p.length >= 8 && new DataView(p.buffer, p.byteOffset, 8).getBigInt64(0, true) === 0n) {
        if (this.plainWaiter !== undefined) {
          const w = this.plainWaiter
          this.plainWaiter = undefined
          w(p)
        } else this.plainQueue.push(p)
        continue
      }
      this.onEncrypted(p)
    }
  }

  private onEncrypted(packet: Uint8Array): void {
    if (this.key === undefined) return
    const d = decryptMessage(this.key, packet.subarray(0, 24 + Math.floor((packet.length - 24) / 16) * 16), 'server-to-client')
    if (!d.ok) return
    const m = d.value
    if (isContainer(m.body)) {
      const items = unpackContainer(m.body, m.msgId)
      if (!items.ok) return
      for (const item of items.value) this.deliver({ msgId: item.msgId, seqNo: item.seqNo, body: item.body, containerMsgId: m.msgId })
      return
    }
    this.deliver(m)
  }

  private deliver(m: { msgId: bigint; seqNo: number; body: Uint8Array; containerMsgId?: bigint }): void {
    let obj: TlObject
    try {
      obj = deserializeObject(m.body)
    } catch {
      return
    }
    const msg: ReceivedMessage = { arrival: this.arrivals++, msgId: m.msgId, seqNo: m.seqNo, obj, body: m.body, ...(m.containerMsgId === undefined ? {} : { containerMsgId: m.containerMsgId }) }
    const i = this.waiters.findIndex((w) => w.pred(msg))
    if (i >= 0) {
      const w = this.waiters[i] as Waiter
      this.waiters.splice(i, 1)
      clearTimeout(w.timer)
      w.resolve(msg)
      return
    }
    this.inbox.push(msg)
    if (this.inbox.length > MAX_INBOX) this.inbox.shift()
  }

  /** The first message (already received or coming) matching `pred`; it is taken out of the inbox. */
  next(pred: (m: ReceivedMessage) => boolean = () => true, timeoutMs = this.timeoutMs): Promise<ReceivedMessage> {
    const i = this.inbox.findIndex(pred)
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as ReceivedMessage)
    if (this.isClosed) return Promise.reject(new Error('connection closed'))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer)
        reject(new TestClientTimeoutError(`no matching message within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiters.push({ pred, resolve, reject, timer })
    })
  }

  /** Messages of a type received so far (not consumed). */
  received(type: string): ReceivedMessage[] {
    return this.inbox.filter((m) => m.obj._ === type)
  }

  /** Writes raw bytes to the socket (already framed, or garbage on purpose). */
  writeRaw(bytes: Uint8Array): void {
    this.socket.write(bytes)
  }

  /** Frames and sends one transport payload. */
  sendPayload(payload: Uint8Array): void {
    this.socket.write(this.codec.encode(payload))
  }

  private nextPlain(): Promise<Uint8Array> {
    const q = this.plainQueue.shift()
    if (q !== undefined) return Promise.resolve(q)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.plainWaiter = undefined
        reject(new TestClientTimeoutError('handshake answer timed out'))
      }, this.timeoutMs)
      this.plainWaiter = (p) => {
        clearTimeout(timer)
        resolve(p)
      }
      void this.closed.then(() => {
        clearTimeout(timer)
        reject(new Error('connection closed during the handshake'))
      })
    })
  }

  private async plainCall(obj: TlObject): Promise<TlObject> {
    this.sendPayload(encodePlainMessage(this.ids.next(Date.now()), serializeObject(obj)))
    const packet = await this.nextPlain()
    const m = decodePlainMessage(packet, 'server')
    if (!m.ok) throw new Error(`bad plain answer: ${m.error.kind}`)
    return deserializeObject(m.value.body)
  }

  /** Runs the auth key handshake (engine client steps) and adopts the key, salt and time offset. */
  async handshake(opts: { expiresIn?: number } = {}): Promise<AuthKeyCreated> {
    const options = {
      publicKeys: [parseRsaPublicKey(this.options.publicKeyPem)],
      dcId: this.options.dcId,
      ...(opts.expiresIn === undefined ? {} : { expiresIn: opts.expiresIn }),
    }
    const s1 = clientHandshake.step1(this.random)
    const resPq = (await this.plainCall(s1.request)) as mtp.TypeResPQ
    const s2 = clientHandshake.step2(s1.state, resPq, options, this.random)
    if (!s2.ok) throw new Error(`handshake step 2: ${s2.error.kind}`)
    const dh = (await this.plainCall(s2.value.request)) as mtp.TypeServer_DH_Params
    const s3 = clientHandshake.step3(s2.value.state, dh, this.random, Date.now())
    if (!s3.ok) throw new Error(`handshake step 3: ${s3.error.kind}`)
    let state = s3.value.state
    let request = s3.value.request
    for (;;) {
      const answer = (await this.plainCall(request)) as mtp.TypeSet_client_DH_params_answer
      const f = clientHandshake.finish(state, answer, this.random)
      if (!f.ok) throw new Error(`handshake finish: ${f.error.kind}`)
      if (f.value.kind === 'done') {
        this.useKey(f.value.key.authKey, f.value.key.serverSalt, f.value.key.timeOffsetMs)
        return f.value.key
      }
      state = f.value.state
      request = f.value.request
    }
  }

  /** Uses an existing key on this connection (e.g. after a reconnect). */
  useKey(authKey: Uint8Array, salt: bigint, timeOffsetMs = 0): void {
    this.key = encryptionKeyOf(authKey)
    this.salt = salt
    this.ids.timeOffsetMs = timeOffsetMs
  }

  /** Starts a new session id with fresh seqno. */
  newSession(sessionId = sessionIdFromRandom(this.random(8))): void {
    this.sessionId = sessionId
    this.seq = new SeqNoCounter()
  }

  /** Encrypts and sends one message with explicit fields (defaults: next msg_id/seqno, current salt). */
  sendMessage(body: Uint8Array, opts: { contentRelated?: boolean; msgId?: bigint; seqNo?: number; salt?: bigint; sessionId?: bigint } = {}): { msgId: bigint; seqNo: number } {
    if (this.key === undefined) throw new Error('no auth key')
    const msgId = opts.msgId ?? this.ids.next(Date.now())
    const seqNo = opts.seqNo ?? this.seq.next(opts.contentRelated ?? true)
    const packet = encryptMessage(
      this.key,
      { salt: opts.salt ?? this.salt, sessionId: opts.sessionId ?? this.sessionId, msgId, seqNo, body },
      'client-to-server',
      this.random,
    )
    this.sendPayload(packet)
    return { msgId, seqNo }
  }

  /** Sends a TL object as one message. */
  send(obj: TlObject, opts: Parameters<TestClient['sendMessage']>[1] = {}): { msgId: bigint; seqNo: number } {
    return this.sendMessage(serializeObject(obj), opts)
  }

  /** Sends several objects in one msg_container; returns their msg_ids (and the container's). */
  sendContainer(objs: readonly TlObject[]): { msgIds: bigint[]; containerMsgId: bigint } {
    const now = Date.now()
    const items = objs.map((o) => {
      const body = serializeObject(o)
      const content = !(o._ === 'mt_msgs_ack')
      return { msgId: this.ids.next(now), seqNo: this.seq.next(content), body }
    })
    const sent = this.sendMessage(packContainer(items), { contentRelated: false })
    return { msgIds: items.map((i) => i.msgId), containerMsgId: sent.msgId }
  }

  /**
   * Calls a method and decodes its result. Follows bad_server_salt (new salt) and bad_msg 16/17
   * (time sync) by resending under a new msg_id, as a real client does; rpc_error → TestRpcError.
   */
  async invoke(request: TlObject, opts: { timeoutMs?: number; method?: string } = {}): Promise<unknown> {
    const method = opts.method ?? innermostMethod(request)
    for (let attempt = 0; attempt < 5; attempt++) {
      const { msgId } = this.send(request)
      const answer = await this.next(
        (m) =>
          (m.obj._ === 'mt_rpc_result' && m.obj.reqMsgId === msgId) ||
          ((m.obj._ === 'mt_bad_server_salt' || m.obj._ === 'mt_bad_msg_notification') && m.obj.badMsgId === msgId),
        opts.timeoutMs,
      )
      const obj = answer.obj
      if (obj._ === 'mt_bad_server_salt') {
        this.salt = obj.newServerSalt
        continue
      }
      if (obj._ === 'mt_bad_msg_notification') {
        if (obj.errorCode === 16 || obj.errorCode === 17) {
          this.ids.syncFromServerMsgId(answer.msgId, Date.now())
          continue
        }
        throw new Error(`bad_msg_notification ${obj.errorCode}`)
      }
      if (obj._ !== 'mt_rpc_result') throw new Error('unreachable')
      const result = readMethodResult(method, new TlReader(obj.result))
      if (typeof result === 'object' && result !== null && (result as { _?: string })._ === 'mt_rpc_error') {
        const e = result as mtp.RawMt_rpc_error
        throw new TestRpcError(e.errorCode, e.errorMessage)
      }
      return result
    }
    throw new Error(`gave up on ${method} after 5 attempts`)
  }

  /** ping → pong round trip; returns the pong. */
  async ping(pingId = 1n): Promise<mtp.RawMt_pong> {
    const { msgId } = this.send({ _: 'mt_ping', pingId })
    const m = await this.next((x) => x.obj._ === 'mt_pong' && x.obj.msgId === msgId)
    return m.obj as mtp.RawMt_pong
  }

  /** Closes the socket. */
  close(): Promise<void> {
    this.socket.destroy()
    return this.closed
  }
}

/** The method name readMethodResult needs: the innermost query of invokeWithLayer & co. */
export function innermostMethod(request: TlObject): string {
  let r = request as { _: string; query?: unknown }
  while (r.query !== undefined && typeof r.query === 'object' && r.query !== null) r = r.query as { _: string; query?: unknown }
  return r._
}
