// The local inspector server: one page at `/`, a Server-Sent Events stream at `/events`, JSON at
// `/actors` and `/actor?id=`. Loopback only. It knows nothing about the engine: it is fed
// XState inspection events through `inspect` and keeps plain records (actor-table.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { InspectionEvent } from 'xstate'
import { ActorTable, type ActorRecord, type ActorTableStats } from './actor-table.js'
import { INSPECTOR_PAGE_HTML } from './inspector-page.js'

/** Options of {@link startInspector}. */
export interface InspectorOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number
  /** Loopback address to bind: '127.0.0.1' (default), '::1' or 'localhost'. */
  readonly host?: string
  /** Actors tracked at once (finished ones are evicted first). Default 2,000. */
  readonly maxActors?: number
  /** Events kept per actor. Default 25. */
  readonly maxEventsPerActor?: number
  /** How often changes are pushed to viewers. Default {@link PUSH_INTERVAL_MS}. */
  readonly pushIntervalMs?: number
}

export interface InspectorStats extends ActorTableStats {
  /** Connected `/events` viewers. */
  readonly viewers: number
  /** Batches written to viewers. */
  readonly batchesSent: number
}

/** A running inspector. */
export interface Inspector {
  /** `http://127.0.0.1:<port>/`: open it in a browser. */
  readonly url: string
  /** Pass as `createActor(logic, { inspect })` / `createEngine({ inspect })`. Never throws. */
  readonly inspect: (event: InspectionEvent) => void
  /** Stops pushing, ends every viewer's stream and frees the port. Idempotent. */
  close(): Promise<void>
  stats(): InspectorStats
}

export const PUSH_INTERVAL_MS = 100
/** Changed actors per pushed batch; the rest go in the next one. */
export const MAX_BATCH_ACTORS = 500
/** Viewers at once (each holds an open response). */
export const MAX_VIEWERS = 16
/** Unsent bytes a viewer may have queued before it misses batches (it gets a snapshot on drain). */
export const MAX_VIEWER_BACKLOG_BYTES = 4 * 1024 * 1024
const SSE_KEEPALIVE_MS = 15_000
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost'])

/** One `/events` message: `snapshot` (everything, on connect) or `batch` (changes). */
export interface InspectorMessage {
  readonly actors: readonly ActorRecord[]
  readonly removed: readonly string[]
  readonly counts: Record<string, Record<string, number>>
  readonly stats: ActorTableStats
}

interface Viewer {
  readonly res: ServerResponse
  /** Missed batches (slow reader): gets a full snapshot once its socket drains. */
  stale: boolean
}

/**
 * Starts the inspector's HTTP server on loopback.
 *
 * ```ts
 * const insp = await startInspector({ port: 0 })
 * const engine = createEngine({ ..., inspect: insp.inspect })
 * console.log(`inspector: ${insp.url}`)
 * ```
 */
export async function startInspector(options: InspectorOptions = {}): Promise<Inspector> {
  const host = options.host ?? '127.0.0.1'
  if (!LOOPBACK_HOSTS.has(host)) throw new RangeError(`inspector binds loopback only, got host ${host}`)
  const pushIntervalMs = options.pushIntervalMs ?? PUSH_INTERVAL_MS
  const table = new ActorTable({
    ...(options.maxActors === undefined ? {} : { maxActors: options.maxActors }),
    ...(options.maxEventsPerActor === undefined ? {} : { maxEventsPerActor: options.maxEventsPerActor }),
  })
  const viewers = new Set<Viewer>()
  let batchesSent = 0
  let closed = false

  const message = (actors: readonly ActorRecord[], removed: readonly string[]): string =>
    JSON.stringify({ actors, removed, counts: table.counts(), stats: table.stats() } satisfies InspectorMessage)

  const write = (v: Viewer, event: string, data: string): void => {
    // NB: `write()` returning false only means "above highWaterMark" (any big batch); the backlog
    // size is what tells a slow reader apart.
    if (v.res.writableLength > MAX_VIEWER_BACKLOG_BYTES) v.stale = true
    else v.res.write(`event: ${event}\ndata: ${data}\n\n`)
  }

  const push = (): void => {
    if (viewers.size === 0) {
      table.clearPending()
      return
    }
    if (table.pending === 0) return
    const { changed, removed } = table.drain(MAX_BATCH_ACTORS)
    const data = message(changed, removed)
    for (const v of viewers) if (!v.stale) write(v, 'batch', data)
    batchesSent++
  }
  const pushTimer = setInterval(push, pushIntervalMs)
  pushTimer.unref()
  const keepalive = setInterval(() => {
    for (const v of viewers) if (!v.stale) v.res.write(': keepalive\n\n')
  }, SSE_KEEPALIVE_MS)
  keepalive.unref()

  const openStream = (req: IncomingMessage, res: ServerResponse): void => {
    if (viewers.size >= MAX_VIEWERS) return void send(res, 503, 'text/plain', 'too many viewers\n')
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    })
    const v: Viewer = { res, stale: false }
    viewers.add(v)
    write(v, 'snapshot', message(table.all(), []))
    res.on('drain', () => {
      if (!v.stale) return
      v.stale = false
      write(v, 'snapshot', message(table.all(), []))
    })
    req.on('close', () => viewers.delete(v))
  }

  const server = createServer((req, res) => {
    // NB: a page on another origin could reach a loopback port through a rebound DNS name; only
    // requests addressed to a loopback name are answered.
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1')
    if (!LOOPBACK_HOSTS.has(hostHeader)) return send(res, 403, 'text/plain', 'forbidden host\n')
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'GET only\n')
    const url = new URL(req.url ?? '/', 'http://localhost')
    switch (url.pathname) {
      case '/':
        return send(res, 200, 'text/html; charset=utf-8', INSPECTOR_PAGE_HTML)
      case '/events':
        return openStream(req, res)
      case '/actors':
        return send(res, 200, 'application/json', message(table.all(), []))
      case '/actor': {
        const id = url.searchParams.get('id') ?? ''
        const rec = table.get(id)
        if (rec === undefined) return send(res, 404, 'application/json', JSON.stringify({ error: 'unknown actor', id }))
        return send(res, 200, 'application/json', JSON.stringify({ actor: rec, events: table.events(id) }))
      }
      default:
        return send(res, 404, 'text/plain', 'not found\n')
    }
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const addr = server.address() as AddressInfo
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address

  return {
    url: `http://${urlHost}:${addr.port}/`,
    inspect: (event) => {
      if (closed) return
      try {
        table.record(event)
      } catch {
        // An inspection hook must never break the actor that reported.
      }
    },
    stats: () => ({ ...table.stats(), viewers: viewers.size, batchesSent }),
    close: async () => {
      if (closed) return
      closed = true
      clearInterval(pushTimer)
      clearInterval(keepalive)
      for (const v of viewers) v.res.end()
      viewers.clear()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}
