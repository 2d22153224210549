// One TCP connection to a test DC: detects the transport from the first bytes (engine codecs),
// unframes packets, routes them (auth_key_id 0 → handshake, known key → its session, unknown key
// → transport error -404), and sends through the delivery faults (delay, jitter, duplicate,
// reorder, drop). Every failure on the connection is contained here, typed and counted.
// https://core.telegram.org/mtproto/mtproto-transports
import type { Socket } from 'node:net'
import { decryptMessage, trimTransportPadding } from '@mtswarm/engine/protocol'
import {
  createServerCodec,
  detectTransport,
  type Obfuscated2ServerCodec,
  type TransportCodec,
} from '@mtswarm/engine/transport'
import { HandshakeResponder } from './handshake.js'
import { countError, type AuthKeyRecord, type ServerContext } from './server-context.js'
import type { Session, SessionLink } from './session.js'

/** Transport error sent for a packet under an unknown auth key. */
export const TRANSPORT_ERROR_NO_KEY = -404
/** Bytes buffered before the transport is known (obfuscated2 needs 64). */
const MAX_DETECT_BYTES = 64

/** What a connection needs from its DC. */
export interface ConnectionHost {
  readonly dcId: number
  readonly ctx: ServerContext
  key(authKeyId: bigint): AuthKeyRecord | undefined
  hasKey(authKeyId: bigint): boolean
  addKey(record: AuthKeyRecord): void
  sessionFor(key: AuthKeyRecord, sessionId: bigint): Session
  forget(conn: Connection): void
}

function int32Le(v: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setInt32(0, v, true)
  return out
}

/** Longest a reorder fault holds a frame back when nothing else is sent (ms). */
export const REORDER_HOLD_MAX_MS = 1_000

export class Connection implements SessionLink {
  closed = false
  private codec: TransportCodec | undefined
  private pending: Uint8Array = new Uint8Array(0)
  private paddedTransport = false
  private framesIn = 0
  private readonly handshake: HandshakeResponder
  private disconnectTimer: NodeJS.Timeout | undefined
  private disconnectDelayMs: number | undefined
  private readonly timers = new Set<NodeJS.Timeout>()
  /** Outgoing payloads waiting for their delivery time (delay fault), in order. */
  private readonly delayed: { due: number; payload: Uint8Array }[] = []
  private delayTimer: NodeJS.Timeout | undefined
  private held: Uint8Array | undefined
  private heldTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly host: ConnectionHost,
    private readonly socket: Socket,
  ) {
    const ctx = host.ctx
    ctx.stats.connectionsOpen++
    ctx.stats.connectionsTotal++
    socket.setNoDelay(true)
    this.handshake = new HandshakeResponder({
      ctx,
      dcId: host.dcId,
      hasKey: (id) => host.hasKey(id),
      addKey: (r) => host.addKey(r),
      sendPlain: (payload) => this.sendPlain(payload),
      fail: (kind) => this.fail(kind),
    })
    socket.on('data', (chunk: Buffer) => {
      try {
        this.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
      } catch (e) {
        // NB: a bug in the server must not take the process down; it closes this connection only.
        countError(ctx.stats, `internal:${e instanceof Error ? e.message.slice(0, 80) : String(e)}`)
        this.close()
      }
    })
    socket.on('error', (e: NodeJS.ErrnoException) => countError(ctx.stats, `socket:${e.code ?? 'error'}`))
    socket.on('close', () => this.cleanup())
  }

  private get ctx(): ServerContext {
    return this.host.ctx
  }

  private onData(chunk: Uint8Array): void {
    if (this.closed) return
    if (this.codec === undefined) {
      const all = new Uint8Array(this.pending.length + chunk.length)
      all.set(this.pending)
      all.set(chunk, this.pending.length)
      const d = detectTransport(all)
      if (d.kind === 'need-more') {
        if (all.length >= MAX_DETECT_BYTES) return this.fail('transport:undetectable')
        this.pending = all
        return
      }
      this.pending = new Uint8Array(0)
      this.codec = createServerCodec(d.transport, { random: (n) => this.ctx.random(n) })
      this.paddedTransport = d.transport === 'padded-intermediate'
      this.codec.push(all)
    } else {
      this.codec.push(chunk)
    }
    const codec = this.codec
    for (let ev = codec.next(); ev !== null && !this.closed; ev = codec.next()) {
      if (this.framesIn === 0) this.countTransport(codec)
      if (ev.kind === 'decode-error') {
        // An oversized length prefix, a bad crc/seqno or tag: only this connection goes.
        return this.fail(`transport:${ev.error.kind}`)
      }
      if (ev.kind === 'transport-error') {
        countError(this.ctx.stats, 'transport:client-sent-error-code')
        continue
      }
      this.framesIn++
      this.ctx.stats.framesIn++
      if (this.ctx.faults.dropConnection(this.framesIn)) return this.close()
      this.onPacket(ev.payload)
    }
    if (codec.closed && !this.closed) this.fail('transport:closed')
  }

  private countTransport(codec: TransportCodec): void {
    const inner = codec.name === 'obfuscated2' ? (codec as Obfuscated2ServerCodec).innerName : null
    const name = inner === null ? codec.name : `obfuscated2/${inner}`
    this.ctx.stats.bump(this.ctx.stats.transports, name)
    if (inner === 'padded-intermediate') this.paddedTransport = true
  }

  private onPacket(payload: Uint8Array): void {
    if (payload.length < 8) return this.fail('packet:too-short')
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
    const authKeyId = view.getBigInt64(0, true)
    if (authKeyId === 0n) return this.handshake.receive(payload)
    const key = this.host.key(authKeyId)
    if (key === undefined || (key.expiresAtMs !== undefined && key.expiresAtMs <= this.ctx.now())) {
      // https://core.telegram.org/mtproto/mtproto-transports#transport-errors
      this.ctx.stats.bump(this.ctx.stats.transportErrors, TRANSPORT_ERROR_NO_KEY)
      return this.sendPayload(int32Le(TRANSPORT_ERROR_NO_KEY))
    }
    // padded intermediate hands up to 15 random bytes after the message: cut back to 16-byte blocks
    const packet = this.paddedTransport ? trimTransportPadding(payload) : payload
    const decrypted = decryptMessage(key.enc, packet, 'client-to-server')
    if (!decrypted.ok) return countError(this.ctx.stats, `decrypt:${decrypted.error.kind}`)
    const session = this.host.sessionFor(key, decrypted.value.sessionId)
    session.receive(decrypted.value, this)
  }

  private sendPlain(payload: Uint8Array): void {
    const delay = this.ctx.faults.handshakeDelayMs
    if (delay <= 0) return this.sendPayload(payload)
    this.ctx.stats.bump(this.ctx.stats.faults, 'handshakeDelay')
    const t = setTimeout(() => {
      this.timers.delete(t)
      this.sendPayload(payload)
    }, delay)
    this.timers.add(t)
  }

  /** Sends one transport payload through the delivery faults. */
  sendPayload(payload: Uint8Array): void {
    if (this.closed || this.codec === undefined) return
    const faults = this.ctx.faults
    const out: Uint8Array[] = []
    if (this.held === undefined && faults.reorderFrame()) {
      this.held = payload
      // NB: the held frame waits for the next outgoing one to overtake it, but never longer than
      // REORDER_HOLD_MAX_MS: on a quiet connection it would otherwise stall the calls it answers.
      const t = setTimeout(() => {
        this.timers.delete(t)
        if (this.heldTimer === t) this.releaseHeld()
      }, REORDER_HOLD_MAX_MS)
      this.timers.add(t)
      this.heldTimer = t
      return
    }
    out.push(payload)
    if (faults.duplicateFrame()) out.push(payload)
    for (const p of out) this.schedule(p)
    this.releaseHeld()
  }

  /** Sends the frame a reorder fault held back (after the one that overtook it, or on timeout). */
  private releaseHeld(): void {
    const held = this.held
    if (held === undefined) return
    this.held = undefined
    if (this.heldTimer !== undefined) {
      clearTimeout(this.heldTimer)
      this.timers.delete(this.heldTimer)
      this.heldTimer = undefined
    }
    if (!this.closed) this.schedule(held)
  }

  private schedule(payload: Uint8Array): void {
    const delay = this.ctx.faults.outgoingDelayMs()
    if (delay <= 0 && this.delayed.length === 0) return this.write(payload)
    const now = Date.now()
    const last = this.delayed[this.delayed.length - 1]
    this.delayed.push({ due: Math.max(now + delay, last?.due ?? 0), payload })
    this.armDelayTimer()
  }

  private armDelayTimer(): void {
    if (this.delayTimer !== undefined || this.delayed.length === 0) return
    const first = this.delayed[0] as { due: number }
    this.delayTimer = setTimeout(() => {
      this.delayTimer = undefined
      const now = Date.now()
      while (this.delayed.length > 0 && (this.delayed[0] as { due: number }).due <= now) {
        this.write((this.delayed.shift() as { payload: Uint8Array }).payload)
      }
      this.armDelayTimer()
    }, Math.max(0, first.due - Date.now()))
  }

  private write(payload: Uint8Array): void {
    if (this.closed || this.codec === undefined || this.socket.destroyed) return
    const framed = this.codec.encode(payload)
    this.ctx.stats.framesOut++
    this.socket.write(framed)
  }

  /** ping_delay_disconnect: close after `ms` unless re-armed (undefined: the last delay again). */
  armDisconnect(ms: number | undefined): void {
    if (ms !== undefined) this.disconnectDelayMs = ms
    if (this.disconnectDelayMs === undefined) return
    if (this.disconnectTimer !== undefined) clearTimeout(this.disconnectTimer)
    this.disconnectTimer = setTimeout(() => {
      this.disconnectTimer = undefined
      this.ctx.stats.bump(this.ctx.stats.errors, 'ping-delay-disconnect')
      this.close()
    }, this.disconnectDelayMs)
  }

  private fail(kind: string): void {
    countError(this.ctx.stats, kind)
    this.close()
  }

  /** Closes the socket now (pending delayed frames are dropped). */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.socket.destroy()
    this.cleanup()
  }

  private cleanupDone = false
  private cleanup(): void {
    if (this.cleanupDone) return
    this.cleanupDone = true
    this.closed = true
    this.ctx.stats.connectionsOpen--
    if (this.disconnectTimer !== undefined) clearTimeout(this.disconnectTimer)
    if (this.delayTimer !== undefined) clearTimeout(this.delayTimer)
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    this.delayed.length = 0
    this.host.forget(this)
  }
}
