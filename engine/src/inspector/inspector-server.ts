// The local inspector server: one page at `/`, a Server-Sent Events stream at `/events`, JSON at
// `/actors`, `/actor?id=` and `/timeline?id=`, statecharts at `/chart?machine=`. Loopback only, and every route
// wants the token printed with the URL. It knows nothing about the engine: it is fed XState
// inspection events through `inspect` and keeps plain records (actor-table.ts).
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { InspectionEvent } from 'xstate'
import { ActorTable, type ActorRecord, type ActorTableStats } from './actor-table.js'
import { INSPECTOR_PAGE_HTML } from './inspector-page.js'
import { statechartSvg } from './statechart.js'

/** Options of {@link startInspector}. */
export interface InspectorOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number
  /** Loopback address to bind: '127.0.0.1' (default), '::1' or 'localhost'. */
  readonly host?: string
  /** Finished actors kept for viewing (live ones are always tracked). Default 2,000. */
  readonly maxFinishedActors?: number
  /** Events kept per actor. Default 25. */
  readonly maxEventsPerActor?: number
  /** How often changes are pushed to viewers. Default {@link PUSH_INTERVAL_MS}. */
  readonly pushIntervalMs?: number
  /** The URL's token (default: 128 random bits, hex). Tests pass their own. */
  readonly token?: string
}

export interface InspectorStats extends ActorTableStats {
  /** Connected `/events` viewers. */
  readonly viewers: number
  /** Batches written to viewers. */
  readonly batchesSent: number
}

/** A running inspector. */
export interface Inspector {
  /** `http://127.0.0.1:<port>/?token=…`: open it in a browser. NB: the token is the only key. */
  readonly url: string
  /** Pass as `createActor(logic, { inspect })` / `createEngine({ inspect })`. Never throws. */
  readonly inspect: (event: InspectionEvent) => void
  /** Stops pushing, ends every viewer's stream and frees the port. Idempotent. */
  close(): Promise<void>
  stats(): InspectorStats
}

export const PUSH_INTERVAL_MS = 100
/** Changed actors per pushed batch; the rest go in the next one. */
export const MAX_BATCH_ACTORS = 2_000
/**
 * A new viewer's snapshot goes out in messages of this many actors, at most
 * SNAPSHOT_SLICES_PER_TICK per push tick: each message is its own task in the browser (parsing
 * 5,000 records at once held the page's main thread 260 ms at 10,000 accounts on a loaded box).
 */
export const SNAPSHOT_SLICE_ACTORS = 1_000
export const SNAPSHOT_SLICES_PER_TICK = 10
/** Viewers at once (each holds an open response). */
export const MAX_VIEWERS = 16
/** Unsent bytes a viewer may have queued before it misses batches (it gets a snapshot on drain). */
export const MAX_VIEWER_BACKLOG_BYTES = 4 * 1024 * 1024
const SSE_KEEPALIVE_MS = 15_000
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost'])

/**
 * One `/events` message. `reset` starts a snapshot (drop what you have), then `batch` messages
 * carry records to upsert (the snapshot's slices, then changes) and ids to remove.
 */
export interface InspectorMessage {
  readonly actors: readonly ActorRecord[]
  readonly removed: readonly string[]
  readonly counts: Record<string, Record<string, number>>
  readonly stats: ActorTableStats
  /** Snapshot records still to come to this viewer (0 once it has every actor). */
  readonly backlog: number
}

interface Viewer {
  readonly res: ServerResponse
  /** Missed batches (slow reader): gets a full snapshot once its socket drains. */
  stale: boolean
  /** Session ids of the snapshot not sent yet. */
  snapshot: string[]
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
  const token = options.token ?? randomBytes(16).toString('hex')
  if (!/^[\w-]{16,128}$/.test(token)) throw new RangeError('inspector token must be 16..128 characters of [A-Za-z0-9_-]')
  const tokenBytes = Buffer.from(token)
  const pushIntervalMs = options.pushIntervalMs ?? PUSH_INTERVAL_MS
  const table = new ActorTable({
    ...(options.maxFinishedActors === undefined ? {} : { maxFinishedActors: options.maxFinishedActors }),
    ...(options.maxEventsPerActor === undefined ? {} : { maxEventsPerActor: options.maxEventsPerActor }),
  })
  const viewers = new Set<Viewer>()
  let batchesSent = 0
  let closed = false

  const message = (actors: readonly ActorRecord[], removed: readonly string[], backlog: number): string =>
    JSON.stringify({ actors, removed, counts: table.counts(), stats: table.stats(), backlog } satisfies InspectorMessage)

  const write = (v: Viewer, event: string, data: string): void => {
    // NB: `write()` returning false only means "above highWaterMark" (any big batch); the backlog
    // size is what tells a slow reader apart.
    if (v.res.writableLength > MAX_VIEWER_BACKLOG_BYTES) v.stale = true
    else v.res.write(`event: ${event}\ndata: ${data}\n\n`)
  }

  const startSnapshot = (v: Viewer): void => {
    v.snapshot = [...table.ids()]
    write(v, 'reset', message([], [], v.snapshot.length))
  }

  const sendSnapshotSlice = (v: Viewer): void => {
    const ids = v.snapshot.splice(0, SNAPSHOT_SLICE_ACTORS)
    const recs = ids.map((id) => table.get(id)).filter((r): r is ActorRecord => r !== undefined)
    write(v, 'batch', message(recs, [], v.snapshot.length))
  }

  const push = (): void => {
    for (const v of viewers) for (let k = 0; k < SNAPSHOT_SLICES_PER_TICK && !v.stale && v.snapshot.length > 0; k++) sendSnapshotSlice(v)
    if (viewers.size === 0) {
      table.clearPending()
      return
    }
    if (table.pending === 0) return
    const { changed, removed } = table.drain(MAX_BATCH_ACTORS)
    const data = message(changed, removed, 0)
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
    const v: Viewer = { res, stale: false, snapshot: [] }
    viewers.add(v)
    startSnapshot(v)
    sendSnapshotSlice(v)
    res.on('drain', () => {
      if (!v.stale) return
      v.stale = false
      startSnapshot(v)
    })
    req.on('close', () => viewers.delete(v))
  }

  const actorDetail = (id: string): string | undefined => {
    const rec = table.get(id)
    if (rec === undefined) return undefined
    const ancestors: ActorRecord[] = []
    for (let p = rec.parent; p !== undefined; ) {
      const a = table.get(p)
      if (a === undefined) break
      ancestors.unshift(a)
      p = a.parent
    }
    const children = table.children(id).map((c) => ({ ...c, children: table.children(c.sessionId).length }))
    return JSON.stringify({ actor: rec, events: table.events(id), context: table.context(id) ?? null, ancestors, children })
  }

  const server = createServer((req, res) => {
    // NB: a page on another origin could reach a loopback port through a rebound DNS name; only
    // requests addressed to a loopback name are answered.
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1')
    if (!LOOPBACK_HOSTS.has(hostHeader)) return send(res, 403, 'text/plain', 'forbidden host\n')
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'GET only\n')
    const url = new URL(req.url ?? '/', 'http://localhost')
    // Any local user or process can reach a loopback port: the token is what keeps them out.
    const given = Buffer.from(url.searchParams.get('token') ?? '')
    if (given.length !== tokenBytes.length || !timingSafeEqual(given, tokenBytes)) return send(res, 401, 'text/plain', 'token required\n')
    switch (url.pathname) {
      case '/':
        return send(res, 200, 'text/html; charset=utf-8', INSPECTOR_PAGE_HTML)
      case '/events':
        return openStream(req, res)
      case '/actors':
        return send(res, 200, 'application/json', message(table.all(), [], 0))
      case '/actor': {
        const id = url.searchParams.get('id') ?? ''
        const body = actorDetail(id)
        if (body === undefined) return send(res, 404, 'application/json', JSON.stringify({ error: 'unknown actor', id }))
        return send(res, 200, 'application/json', body)
      }
      case '/timeline': {
        const timeline = table.timeline(url.searchParams.get('id') ?? '')
        if (timeline === undefined) return send(res, 404, 'application/json', JSON.stringify({ error: 'unknown actor' }))
        return send(res, 200, 'application/json', JSON.stringify(timeline))
      }
      case '/chart': {
        const machine = url.searchParams.get('machine') ?? ''
        statechartSvg(machine).then(
          (svg) => (svg === undefined ? send(res, 404, 'text/plain', 'unknown machine\n') : send(res, 200, 'image/svg+xml', svg)),
          () => send(res, 500, 'text/plain', 'chart failed\n'),
        )
        return
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
    url: `http://${urlHost}:${addr.port}/?token=${token}`,
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
  if (res.writableEnded) return
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}
