// One DC of the test DC: a node:net listener, its connections, its auth keys and sessions.
// Knows nothing of the world's rules; sessions and connections do the protocol work.
import { createServer, type Server, type Socket } from 'node:net'
import { Connection, type ConnectionHost } from './connection.js'
import type { AuthKeyRecord, ServerContext } from './server-context.js'
import { Session, type SessionHost } from './session.js'

/** Sessions kept per auth key; the least recently created beyond this are forgotten. */
export const MAX_SESSIONS_PER_KEY = 256

export class DcServer implements ConnectionHost, SessionHost {
  private readonly server: Server
  private readonly keys = new Map<bigint, AuthKeyRecord>()
  private readonly sessions = new Map<bigint, Map<bigint, Session>>()
  private readonly connections = new Set<Connection>()
  port = 0

  constructor(
    readonly dcId: number,
    readonly ctx: ServerContext,
  ) {
    this.server = createServer({ noDelay: true }, (socket: Socket) => {
      this.connections.add(new Connection(this, socket))
    })
    this.server.on('error', (e: NodeJS.ErrnoException) => ctx.stats.bump(ctx.stats.errors, `listener:${e.code ?? 'error'}`))
  }

  /** Starts listening; resolves with the bound port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e)
      this.server.once('error', onError)
      this.server.listen({ host, port, backlog: 8192 }, () => {
        this.server.off('error', onError)
        const address = this.server.address()
        this.port = typeof address === 'object' && address !== null ? address.port : port
        resolve(this.port)
      })
    })
  }

  key(authKeyId: bigint): AuthKeyRecord | undefined {
    return this.keys.get(authKeyId)
  }

  hasKey(authKeyId: bigint): boolean {
    return this.keys.has(authKeyId)
  }

  addKey(record: AuthKeyRecord): void {
    this.keys.set(record.enc.authKeyId, record)
  }

  dropKey(authKeyId: bigint): void {
    this.keys.delete(authKeyId)
    this.sessions.delete(authKeyId)
  }

  /** Every auth key this DC knows (for the state file; restore them with addKey). */
  authKeys(): AuthKeyRecord[] {
    return [...this.keys.values()]
  }

  /** Number of auth keys this DC knows. */
  get keyCount(): number {
    return this.keys.size
  }

  sessionsOf(authKeyId: bigint): Map<bigint, Session> {
    let m = this.sessions.get(authKeyId)
    if (m === undefined) {
      m = new Map()
      this.sessions.set(authKeyId, m)
    }
    return m
  }

  /** The sessions of an auth key, if it has any (unlike sessionsOf, creates nothing). */
  liveSessions(authKeyId: bigint): Iterable<Session> | undefined {
    return this.sessions.get(authKeyId)?.values()
  }

  sessionFor(key: AuthKeyRecord, sessionId: bigint): Session {
    const m = this.sessionsOf(key.enc.authKeyId)
    let s = m.get(sessionId)
    if (s !== undefined && this.ctx.faults.forgetSession()) {
      s.forget()
      m.delete(sessionId)
      s = undefined
    }
    if (s === undefined) {
      s = new Session(this, key, sessionId)
      m.set(sessionId, s)
      if (m.size > MAX_SESSIONS_PER_KEY) m.delete(m.keys().next().value as bigint)
    }
    return s
  }

  /**
   * Forgets every session of these auth keys (all keys when undefined), as a server restart
   * does; returns how many. See Session.forget.
   */
  forgetSessions(authKeyIds?: Iterable<bigint>): number {
    let n = 0
    const keys = authKeyIds === undefined ? [...this.sessions.keys()] : [...authKeyIds]
    for (const k of keys) {
      const m = this.sessions.get(k)
      if (m === undefined) continue
      for (const s of m.values()) s.forget()
      n += m.size
      m.clear()
    }
    return n
  }

  forget(conn: Connection): void {
    this.connections.delete(conn)
  }

  /** Stops listening and closes every connection. */
  close(): Promise<void> {
    for (const c of [...this.connections]) c.close()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}
