// The "many idle connections" scenario: starts a test DC, opens `count` loopback connections,
// checks the server holds them all and still answers (req_pq_multi on a sample), then closes
// everything. Importable, and runnable as a script (prints one JSON line) so a test can run it
// in a child with a raised fd limit: `node --import tsx hold-connections.ts 5000 <key.pem>`.
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { randomBytes } from 'node:crypto'
import { resolve as resolvePath } from 'node:path'
import { fileURLToPath } from 'node:url'
import { encodePlainMessage, msgIdFromMs } from '@mtswarm/engine/protocol'
import { serializeObject } from '@mtswarm/engine/tl'
import { startTestDc } from '../test-dc.js'

/** What the scenario observed. */
export interface HoldResult {
  readonly requested: number
  /** Connections the server counted open at the peak. */
  readonly heldOnServer: number
  /** Sampled connections that got a resPQ back while all were held. */
  readonly answered: number
  readonly sampled: number
  /** Connections the server still counted open after the clients closed (should be 0). */
  readonly openAfterClose: number
}

const CONNECT_BATCH = 500
const SAMPLE = 20

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) return false
    await new Promise((r) => setTimeout(r, 10))
  }
  return true
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port })
    s.once('connect', () => {
      s.off('error', reject)
      s.on('error', () => {})
      resolve(s)
    })
    s.once('error', reject)
  })
}

/** Runs the scenario against a fresh single-DC test DC. */
export async function holdConnections(count: number, rsaPrivateKeyPem?: string): Promise<HoldResult> {
  const dc = await startTestDc({ dcCount: 1, ...(rsaPrivateKeyPem === undefined ? {} : { rsaPrivateKeyPem }) })
  const port = (dc.dcs[0] as { port: number }).port
  const sockets: Socket[] = []
  try {
    for (let i = 0; i < count; i += CONNECT_BATCH) {
      const n = Math.min(CONNECT_BATCH, count - i)
      sockets.push(...(await Promise.all(Array.from({ length: n }, () => open(port)))))
    }
    await waitUntil(() => dc.stats.connectionsOpen >= count, 10_000)
    const heldOnServer = dc.stats.connectionsOpen
    const step = Math.max(1, Math.floor(sockets.length / SAMPLE))
    const sample = sockets.filter((_, i) => i % step === 0).slice(0, SAMPLE)
    const answers = await Promise.all(
      sample.map(
        (s) =>
          new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), 5000)
            s.once('data', () => {
              clearTimeout(timer)
              resolve(true)
            })
            const body = serializeObject({ _: 'mt_req_pq_multi', nonce: new Uint8Array(randomBytes(16)) })
            const msg = encodePlainMessage(msgIdFromMs(Date.now()), body)
            const frame = new Uint8Array(8 + msg.length)
            const v = new DataView(frame.buffer)
            v.setUint32(0, 0xeeeeeeee, true)
            v.setUint32(4, msg.length, true)
            frame.set(msg, 8)
            s.write(frame)
          }),
      ),
    )
    for (const s of sockets) s.destroy()
    await waitUntil(() => dc.stats.connectionsOpen === 0, 10_000)
    return { requested: count, heldOnServer, answered: answers.filter(Boolean).length, sampled: sample.length, openAfterClose: dc.stats.connectionsOpen }
  } finally {
    for (const s of sockets) s.destroy()
    await dc.close()
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolvePath(process.argv[1])) {
  const count = Number(process.argv[2] ?? '5000')
  const pem = process.argv[3] === undefined ? undefined : readFileSync(process.argv[3], 'utf8')
  void holdConnections(count, pem).then((r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`)
    process.exit(0)
  })
}
