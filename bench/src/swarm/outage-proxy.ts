// A loopback TCP relay in front of each DC of the bench's test DC, that can cut the network: the
// updates scenario's outage. `cut()` destroys every relayed connection and closes the listeners,
// so a reconnect is refused (ECONNREFUSED, as when the host is unreachable) rather than accepted
// and dropped (which a client would count as a short-lived success); `restore()` listens again on
// the same ports.
// The same relay sits in front of every library's client, so each one sees the same outage and
// reconnects by its own rules. Lives in the bench's main process, so the relay's CPU is not
// counted as any client's. Knows nothing of the scenarios.
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import type { DcHello } from './dc-protocol.js'

/** A relay for every DC of a {@link DcHello}. */
export class OutageProxy {
  private readonly sockets = new Set<Socket>()
  private down = false

  private constructor(
    private readonly servers: readonly Server[],
    private readonly ports: readonly number[],
    /** The DC hello with each DC's address replaced by its relay's. */
    readonly hello: DcHello,
  ) {}

  /** Starts one relay per DC on an ephemeral loopback port. */
  static async start(target: DcHello): Promise<OutageProxy> {
    const servers: Server[] = []
    const dcs: DcHello['dcs'] = []
    // NB: the instance is needed inside the connection handler; bind it after construction.
    let proxy: OutageProxy | undefined
    for (const dc of target.dcs) {
      // NB: half-open on both sides, so an end from one side travels through before the other closes.
      const server = createServer({ allowHalfOpen: true }, (client) => proxy?.relay(client, dc.host, dc.port))
      await listen(server, 0)
      const addr = server.address()
      if (addr === null || typeof addr === 'string') throw new Error('relay has no TCP address')
      servers.push(server)
      dcs.push({ id: dc.id, host: '127.0.0.1', port: addr.port })
    }
    proxy = new OutageProxy(
      servers,
      dcs.map((d) => d.port),
      { ...target, dcs },
    )
    return proxy
  }

  private relay(client: Socket, host: string, port: number): void {
    if (this.down) {
      client.destroy()
      return
    }
    const upstream = createConnection({ host, port, allowHalfOpen: true })
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    for (const s of [client, upstream]) {
      this.sockets.add(s)
      s.once('close', () => this.sockets.delete(s))
      // NB: either side's error ends both; 'close' follows and cleans up.
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.once('close', () => upstream.destroy())
    upstream.once('close', () => client.destroy())
    client.pipe(upstream)
    upstream.pipe(client)
  }

  /** Cuts the network: every relayed connection is destroyed and new ones are refused until restore(). */
  async cut(): Promise<number> {
    if (this.down) return 0
    this.down = true
    const n = this.sockets.size
    const closed = this.servers.map((s) => new Promise<void>((r) => s.close(() => r())))
    for (const s of this.sockets) s.destroy()
    await Promise.all(closed)
    return n
  }

  /** Lets connections through again (listens on the same ports). */
  async restore(): Promise<void> {
    if (!this.down) return
    await Promise.all(this.servers.map((s, i) => listen(s, this.ports[i] as number)))
    this.down = false
  }

  async close(): Promise<void> {
    await this.cut()
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
}
