// A scripted hostile MTProto server on loopback, for testing the *client* against a server (or a
// man in the middle) that sends anything. It speaks every transport (detected as the test DC
// does), runs the real server side of the handshake unless the script intervenes, and, for keys it
// was given, decrypts what the client sends and lets the script answer with any bytes: honest
// answers, forged service messages, garbage. Knows nothing of what a test expects.
import { createServer, type Server, type Socket } from 'node:net'
import { randomBytes } from 'node:crypto'
import { parseRsaPrivateKey, TELEGRAM_DH_PRIME } from '@mtswarm/engine/crypto'
import {
  MessageIdGenerator,
  decodePlainMessage,
  decryptInner,
  decryptMessage,
  encryptInner,
  encodePlainMessage,
  encryptMessage,
  isContainer,
  serverHandshake,
  trimTransportPadding,
  unpackContainer,
  type EncryptionKey,
  type ServerAwaitingClientDh,
  type ServerAwaitingDhParams,
  type ServerHandshakeOptions,
} from '@mtswarm/engine/protocol'
import { createServerCodec, detectTransport, type TransportCodec } from '@mtswarm/engine/transport'
import { deserializeObject, serializeObject, type TlObject } from '@mtswarm/engine/tl'
import { sharedRsaKeyPem } from '@mtswarm/testdc/testing'

/** Any TL object, loosely typed: a hostile script builds objects the schema's types would refuse. */
export type AnyTl = { readonly _: string; readonly [field: string]: unknown }
const ser = (obj: AnyTl): Uint8Array => serializeObject(obj as unknown as TlObject)

/** One request the client sent in an encrypted message (containers unpacked, wrappers kept). */
export interface ClientMessage {
  readonly msgId: bigint
  readonly seqNo: number
  /** The decoded object (undefined if it did not decode). */
  readonly obj: TlObject | undefined
  /** The innermost query's `_` under invokeWithLayer/initConnection/invokeWithoutUpdates. */
  readonly method: string | undefined
  /** The encrypted message's salt and session id (a container's, for a message inside one). */
  readonly salt: bigint
  readonly sessionId: bigint
  /** The msg_id of the container that carried it, if one did. */
  readonly containerMsgId: bigint | undefined
}

/** Overrides for one encrypted message. */
export interface SealOptions {
  readonly msgId?: bigint
  readonly seqNo?: number
  readonly sessionId?: bigint
  readonly salt?: bigint
}

/** What a script may do on one connection. */
export interface HostileLink {
  /** The raw transport payload, framed by the connection's codec. */
  sendPayload(payload: Uint8Array): void
  /** Raw bytes straight onto the socket (no framing). */
  sendRaw(bytes: Uint8Array): void
  /** A 4-byte transport error (−404 …). */
  transportError(code: number): void
  /** A plain (handshake) message with this TL object. */
  sendPlain(obj: AnyTl): void
  /**
   * An encrypted message to the client under the connection's key and session. Defaults: a fresh
   * server msg_id, the next seqno (content-related unless `seqNo` says otherwise).
   */
  sendEncrypted(body: Uint8Array, opts?: SealOptions): Uint8Array
  /** The packet {@link sendEncrypted} would send, not sent (it still uses up a msg_id and seqno). */
  seal(body: Uint8Array, opts?: SealOptions): Uint8Array
  /** rpc_result for `reqMsgId` carrying `result` (a TL object or bytes as is). */
  answer(reqMsgId: bigint, result: AnyTl | Uint8Array): Uint8Array
  /** Next server msg_id ('response' ≡ 1 mod 4, 'other' ≡ 3 mod 4). */
  nextMsgId(kind?: 'response' | 'other'): bigint
  close(): void
  readonly sessionId: bigint | undefined
  /** The socket is gone (the client dropped it, or close()). */
  readonly closed: boolean
}

/** The script: every hook is optional; unset ones behave honestly (or stay silent, for messages). */
export interface HostileScript {
  /** The first bytes of a connection arrived: return 'silence' to never answer anything on it. */
  onConnect?(link: HostileLink): 'silence' | void
  /**
   * Handshake answers: called with the honest response of each step (resPQ, server_DH_params,
   * dh_gen_*) and returns what to send instead (an object, raw payload bytes, or 'silence').
   */
  onHandshakeAnswer?(step: 1 | 2 | 3, honest: AnyTl, link: HostileLink): AnyTl | Uint8Array | 'silence'
  /** Each message the client sent under a known key. */
  onMessage?(m: ClientMessage, link: HostileLink): void
  /**
   * DH parameters put into server_DH_inner_data in place of the honest ones (a bad prime or
   * generator, for instance); the answer is re-encrypted, so only the client's checks stand between.
   */
  dh?: { prime?: bigint; g?: number }
}

/** The server and what it saw. */
export interface HostileServer {
  readonly port: number
  /** Keys whose messages are decrypted (the client was given the same key). */
  addKey(key: EncryptionKey): void
  /** Replaces the script (for the next events on every connection). */
  setScript(script: HostileScript): void
  readonly stats: { connections: number; framesIn: number; framesOut: number; handshakesCompleted: number }
  /** Every frame sent so far on every connection, in order (for replays). */
  readonly sent: Uint8Array[]
  close(): Promise<void>
}

/** Big-endian bytes of a non-negative bigint (TL `bytes` for big numbers). */
function be(n: bigint): Uint8Array {
  const hex = n.toString(16)
  return Uint8Array.from(Buffer.from(hex.length % 2 === 0 ? hex : '0' + hex, 'hex'))
}

const INNER_WRAPPERS = new Set(['invokeWithLayer', 'initConnection', 'invokeWithoutUpdates', 'invokeAfterMsg', 'invokeAfterMsgs'])

function innerMethod(obj: TlObject | undefined): string | undefined {
  let o = obj as { _: string; query?: unknown } | undefined
  while (o !== undefined && INNER_WRAPPERS.has(o._)) o = o.query as { _: string; query?: unknown } | undefined
  return o?._
}

/** Starts a hostile server on a free loopback port. */
export async function startHostileServer(initial: HostileScript = {}): Promise<HostileServer> {
  let script = initial
  const keys = new Map<bigint, EncryptionKey>()
  const rsaKey = parseRsaPrivateKey(sharedRsaKeyPem())
  const stats = { connections: 0, framesIn: 0, framesOut: 0, handshakesCompleted: 0 }
  const sent: Uint8Array[] = []
  const sockets = new Set<Socket>()

  const server: Server = createServer((socket) => {
    stats.connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let codec: TransportCodec | undefined
    let padded = false
    let pending = new Uint8Array(0)
    let silent = false
    let key: EncryptionKey | undefined
    let sessionId: bigint | undefined
    let seq = 0
    const ids = new MessageIdGenerator({ role: 'server' })
    const handshakes = new Map<string, ServerAwaitingDhParams | ServerAwaitingClientDh>()
    const hsOptions = (): ServerHandshakeOptions => ({
      privateKeys: [rsaKey],
      dhPrime: TELEGRAM_DH_PRIME,
      g: 3,
    })

    const link: HostileLink = {
      sendPayload(payload) {
        if (codec === undefined || socket.destroyed) return
        const framed = codec.encode(payload)
        sent.push(payload)
        stats.framesOut++
        socket.write(framed)
      },
      sendRaw(bytes) {
        if (!socket.destroyed) socket.write(bytes)
      },
      transportError(code) {
        const b = new Uint8Array(4)
        new DataView(b.buffer).setInt32(0, code, true)
        link.sendPayload(b)
      },
      sendPlain(obj) {
        link.sendPayload(encodePlainMessage(ids.next(Date.now(), 'response'), ser(obj)))
      },
      seal(body, opts = {}) {
        if (key === undefined) throw new Error('no key on this connection yet')
        const seqNo = opts.seqNo ?? 2 * seq++ + 1
        return encryptMessage(
          key,
          { salt: opts.salt ?? 0n, sessionId: opts.sessionId ?? sessionId ?? 0n, msgId: opts.msgId ?? ids.next(Date.now()), seqNo, body },
          'server-to-client',
          (n) => randomBytes(n),
        )
      },
      sendEncrypted(body, opts = {}) {
        const packet = link.seal(body, opts)
        link.sendPayload(packet)
        return packet
      },
      answer(reqMsgId, result) {
        const bytes = result instanceof Uint8Array ? result : ser(result)
        return link.sendEncrypted(ser({ _: 'mt_rpc_result', reqMsgId, result: bytes }))
      },
      nextMsgId(kind = 'response') {
        return ids.next(Date.now(), kind)
      },
      close() {
        socket.destroy()
      },
      get sessionId() {
        return sessionId
      },
      get closed() {
        return socket.destroyed
      },
    }

    const handshakeAnswer = (step: 1 | 2 | 3, honest: AnyTl): void => {
      const out: AnyTl | Uint8Array | 'silence' = script.onHandshakeAnswer?.(step, honest, link) ?? honest
      if (out === 'silence') return
      if (out instanceof Uint8Array) return link.sendPayload(out)
      link.sendPlain(out)
    }

    const onPlain = (payload: Uint8Array): void => {
      const plain = decodePlainMessage(payload, 'client')
      if (!plain.ok) return
      let obj: TlObject
      try {
        obj = deserializeObject(plain.value.body)
      } catch {
        return
      }
      const nonceKey = (o: { nonce: Uint8Array }) => Buffer.from(o.nonce).toString('hex')
      if (obj._ === 'mt_req_pq_multi' || obj._ === 'mt_req_pq') {
        const { response, state } = serverHandshake.step1(obj, hsOptions(), (n) => randomBytes(n))
        handshakes.set(nonceKey(obj), state)
        return handshakeAnswer(1, response as unknown as AnyTl)
      }
      if (obj._ === 'mt_req_DH_params') {
        const state = handshakes.get(nonceKey(obj))
        if (state?.step !== 'server-awaiting-dh-params') return
        const r = serverHandshake.step2(state, obj, hsOptions(), (n) => randomBytes(n), Date.now())
        if (!r.ok) return
        handshakes.set(nonceKey(obj), r.value.state)
        const dh = script.dh
        let response = r.value.response as unknown as AnyTl
        if (dh !== undefined && response._ === 'mt_server_DH_params_ok') {
          const tmp = r.value.state.tmpAes
          const inner = decryptInner((response as unknown as { encryptedAnswer: Uint8Array }).encryptedAnswer, tmp)
          if (!inner.ok) return
          const forged = { ...(inner.value as unknown as AnyTl), ...(dh.prime === undefined ? {} : { dhPrime: be(dh.prime) }), ...(dh.g === undefined ? {} : { g: dh.g }) }
          response = { ...response, encryptedAnswer: encryptInner(forged as unknown as TlObject, tmp, (n) => randomBytes(n)) }
        }
        return handshakeAnswer(2, response)
      }
      if (obj._ === 'mt_set_client_DH_params') {
        const state = handshakes.get(nonceKey(obj))
        if (state?.step !== 'server-awaiting-client-dh') return
        const r = serverHandshake.step3(state, obj, () => 'ok')
        if (!r.ok) return
        if (r.value.kind === 'done') {
          stats.handshakesCompleted++
          keys.set(BigInt.asIntN(64, r.value.key.authKeyId), { authKey: r.value.key.authKey, authKeyId: r.value.key.authKeyId })
        }
        return handshakeAnswer(3, r.value.response as unknown as AnyTl)
      }
    }

    const onEncrypted = (payload: Uint8Array): void => {
      const id = new DataView(payload.buffer, payload.byteOffset, 8).getBigInt64(0, true)
      const k = keys.get(id)
      if (k === undefined) return link.transportError(-404)
      const d = decryptMessage(k, padded ? trimTransportPadding(payload) : payload, 'client-to-server')
      if (!d.ok) return
      key = k
      sessionId = d.value.sessionId
      const inContainer = isContainer(d.value.body)
      const items = inContainer
        ? unpackContainer(d.value.body, d.value.msgId)
        : { ok: true as const, value: [{ msgId: d.value.msgId, seqNo: d.value.seqNo, body: d.value.body }] }
      if (!items.ok) return
      for (const item of items.value) {
        let obj: TlObject | undefined
        try {
          obj = deserializeObject(item.body)
        } catch {
          obj = undefined
        }
        script.onMessage?.(
          {
            msgId: item.msgId,
            seqNo: item.seqNo,
            obj,
            method: innerMethod(obj),
            salt: d.value.salt,
            sessionId: d.value.sessionId,
            containerMsgId: inContainer ? d.value.msgId : undefined,
          },
          link,
        )
      }
    }

    socket.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      if (codec === undefined) {
        const all = new Uint8Array(pending.length + bytes.length)
        all.set(pending)
        all.set(bytes, pending.length)
        const d = detectTransport(all)
        if (d.kind === 'need-more') {
          pending = all
          return
        }
        codec = createServerCodec(d.transport, { random: (n) => randomBytes(n) })
        padded = d.transport === 'padded-intermediate'
        if (script.onConnect?.(link) === 'silence') silent = true
        codec.push(all)
      } else {
        codec.push(bytes)
      }
      for (let ev = codec.next(); ev !== null; ev = codec.next()) {
        if (ev.kind !== 'packet') continue
        stats.framesIn++
        if (silent) continue
        const payload = ev.payload
        if (payload.length >= 8 && new DataView(payload.buffer, payload.byteOffset, 8).getBigInt64(0, true) === 0n) onPlain(payload)
        else onEncrypted(payload)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('hostile server: no port')
  return {
    port: address.port,
    stats,
    sent,
    addKey(k) {
      keys.set(BigInt.asIntN(64, k.authKeyId), k)
    },
    setScript(s) {
      script = s
    },
    close() {
      for (const s of sockets) s.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
