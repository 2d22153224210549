// Runs client-child.ts for one client library (ours, mtcute, GramJS) in its own process against
// the bench's DC, relays its progress, returns its figures. Knows nothing of reports.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ChildArgs, ChildMessage, ClientRunResult, DcTraffic } from './client-protocol.js'
import type { DcHello } from './dc-protocol.js'

const CHILD = fileURLToPath(new URL('./client-child.ts', import.meta.url))

/** A client run failed or timed out. */
export class ClientRunError extends Error {
  override readonly name = 'ClientRunError'
}

/** The DC counters a mark snapshots. */
export type TrafficSnapshot = DcTraffic

/**
 * Spawns one client run; `onProgress` gets its progress lines. Killed after `timeoutMs`. With
 * `snapshot`, the DC's counters are read at each phase boundary the child marks, and the result
 * carries each phase's traffic.
 */
export function runClient(
  hello: DcHello,
  args: ChildArgs,
  onProgress: (text: string) => void,
  timeoutMs: number,
  nodeFlags: readonly string[] = [],
  snapshot?: () => Promise<TrafficSnapshot>,
): Promise<ClientRunResult> {
  const marks = new Map<string, TrafficSnapshot>()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', ...nodeFlags, '--import', 'tsx', CHILD], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, BENCH_CLIENT_ARGS: JSON.stringify(args), BENCH_DC_HELLO: JSON.stringify(hello) },
    })
    let stderr = ''
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (s: string) => {
      stderr = (stderr + s).slice(-4000)
    })
    let result: ClientRunResult | undefined
    let failure: string | undefined
    const timer = setTimeout(() => {
      failure = `timed out after ${timeoutMs} ms`
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('message', (raw: unknown) => {
      const m = raw as ChildMessage
      if (m.type === 'progress') onProgress(m.text)
      else if (m.type === 'mark') {
        const ack = (): void => {
          if (child.connected) child.send({ type: 'marked' })
        }
        if (snapshot === undefined) ack()
        else
          snapshot().then(
            (s) => {
              marks.set(m.name, s)
              ack()
            },
            ack,
          )
      } else if (m.type === 'result') result = { ...m.result, dcTraffic: trafficOf(marks) }
      else failure = m.error
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (result !== undefined) resolve(result)
      else reject(new ClientRunError(`${args.kind}: ${failure ?? `exited with ${code}`}\n${stderr.trim()}`))
    })
  })
}

/** Per-phase deltas from `<phase>:start` / `<phase>:end` snapshots. */
export function trafficOf(marks: ReadonlyMap<string, TrafficSnapshot>): Record<string, DcTraffic> {
  const out: Record<string, DcTraffic> = {}
  for (const [name, start] of marks) {
    if (!name.endsWith(':start')) continue
    const phase = name.slice(0, -':start'.length)
    const end = marks.get(`${phase}:end`)
    if (end === undefined) continue
    out[phase] = {
      framesIn: end.framesIn - start.framesIn,
      framesOut: end.framesOut - start.framesOut,
      messagesIn: end.messagesIn - start.messagesIn,
      messagesOut: end.messagesOut - start.messagesOut,
    }
  }
  return out
}
