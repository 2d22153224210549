// A TCP socket with a transport codec: frames outgoing packets, unframes incoming bytes into
// packets / transport errors, and reports connect and close once each. Knows nothing of MTProto
// messages or machines (the socket actor in dc-connection.ts turns these calls into events),
// except where the packet ends on a padding transport (trimTransportPadding).
import { connect } from 'node:net'
import type { DcEndpoint, ResolvedRuntimeOptions } from './options.js'
import { trimTransportPadding, transportPads } from '../protocol/index.js'
import { createClientCodec } from '../transport/index.js'

/** What the socket reports. Each runs at most once except `packet` and `transportError`. */
export interface SocketHandlers {
  connected(): void
  packet(payload: Uint8Array): void
  transportError(code: number): void
  closed(reason: string): void
}

/** An open (or opening) socket. */
export interface SocketLink {
  /** Frames and writes these packets in one go (corked: one syscall for a flush). */
  write(packets: readonly Uint8Array[]): void
  /** Closes without reporting `closed` (the owner asked for it). Idempotent. */
  close(): void
}

/** Connects to `endpoint` with the runtime's transport. */
export function openSocket(endpoint: DcEndpoint, options: ResolvedRuntimeOptions, on: SocketHandlers): SocketLink {
  const codec = createClientCodec(options.transport, { dcId: endpoint.id, random: options.random })
  const padded = transportPads(options.transport)
  const socket = connect({ host: endpoint.host, port: endpoint.port })
  socket.setNoDelay(true)
  let done = false
  const finish = (reason: string): void => {
    if (done) return
    done = true
    on.closed(reason)
  }
  socket.once('connect', () => {
    if (!done) on.connected()
  })
  socket.on('data', (chunk: Buffer) => {
    if (done) return
    codec.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    for (let ev = codec.next(); ev !== null && !done; ev = codec.next()) {
      if (ev.kind === 'packet') on.packet(padded ? trimTransportPadding(ev.payload) : ev.payload)
      else if (ev.kind === 'transport-error') on.transportError(ev.code)
      else if (ev.fatal) {
        socket.destroy()
        finish(`transport decode error: ${ev.error.kind}`)
      }
    }
  })
  socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message))
  socket.on('close', () => finish('closed by peer'))
  return {
    write(packets) {
      if (done || packets.length === 0) return
      socket.cork()
      for (const p of packets) socket.write(codec.encode(p))
      socket.uncork()
    },
    close() {
      done = true
      socket.destroy()
    },
  }
}
