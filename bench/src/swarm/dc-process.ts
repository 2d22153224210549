// Spawns the bench's test DC in its own process (dc-child.ts under tsx), reads its JSON line, and
// talks to it over node IPC (faults, stats, drop all connections, preset users, messages written
// server-side). Also meters its CPU (/proc/<pid>/stat). Knows nothing of the scenarios.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { FaultConfig, TestDcStatsSnapshot } from '@mtswarm/testdc'
import { procCpuMs, procRssBytes } from './cpu.js'
import type { DcHello, DcRequest, DcResponse, MessageSend } from './dc-protocol.js'

const CHILD = fileURLToPath(new URL('./dc-child.ts', import.meta.url))
/** How long the DC may take to print its JSON line (RSA key generation + tsx startup on a busy box). */
const START_TIMEOUT_MS = 60_000
const REQUEST_TIMEOUT_MS = 30_000

/** process.hrtime in ms: CLOCK_MONOTONIC, comparable across processes on one machine. */
export function hrtimeMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}

/** A DC failed to start or to answer. */
export class DcProcessError extends Error {
  override readonly name = 'DcProcessError'
}

type Body<T> = T extends unknown ? Omit<T, 'id'> : never

/** The test DC running in a child process. */
export class DcProcess {
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private exited = false

  private constructor(
    private readonly child: ChildProcess,
    readonly hello: DcHello,
  ) {
    child.on('message', (raw: unknown) => {
      const res = raw as DcResponse
      const w = this.waiting.get(res.id)
      if (w === undefined) return
      this.waiting.delete(res.id)
      if (res.ok) w.resolve(res.result)
      else w.reject(new DcProcessError(res.error))
    })
    child.on('exit', () => {
      this.exited = true
      for (const w of this.waiting.values()) w.reject(new DcProcessError('DC process exited'))
      this.waiting.clear()
    })
  }

  /** Starts a DC process with `dcCount` DCs and the given faults; resolves once it listens. */
  static async start(options: { dcCount?: number; faults?: FaultConfig; seed?: number } = {}): Promise<DcProcess> {
    const args = ['--import', 'tsx', CHILD, '--dcs', String(options.dcCount ?? 3), '--seed', String(options.seed ?? 1)]
    if (options.faults !== undefined) args.push('--faults', JSON.stringify(options.faults))
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] })
    const hello = await new Promise<DcHello>((resolve, reject) => {
      let buf = ''
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new DcProcessError(`DC process printed no JSON line within ${START_TIMEOUT_MS} ms`))
      }, START_TIMEOUT_MS)
      child.stdout?.setEncoding('utf8')
      child.stdout?.on('data', (chunk: string) => {
        buf += chunk
        const nl = buf.indexOf('\n')
        if (nl < 0) return
        clearTimeout(timer)
        try {
          resolve(JSON.parse(buf.slice(0, nl)) as DcHello)
        } catch (e) {
          reject(new DcProcessError(`DC process printed a bad line: ${buf.slice(0, 200)}`))
        }
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new DcProcessError(`DC process exited with ${code} before listening`))
      })
    })
    child.stdout?.resume()
    return new DcProcess(child, hello)
  }

  get pid(): number {
    return this.child.pid ?? -1
  }

  /** utime+stime of the DC process so far, ms. */
  cpuMs(): number | undefined {
    return procCpuMs(this.pid)
  }

  rssBytes(): number | undefined {
    return procRssBytes(this.pid)
  }

  private request(body: Body<DcRequest>): Promise<unknown> {
    if (this.exited) return Promise.reject(new DcProcessError('DC process has exited'))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id)
        reject(new DcProcessError(`DC process did not answer ${body.cmd} within ${REQUEST_TIMEOUT_MS} ms`))
      }, REQUEST_TIMEOUT_MS)
      this.waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer)
          resolve(v)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      })
      this.child.send({ id, ...body } as DcRequest)
    })
  }

  setFaults(patch: FaultConfig): Promise<unknown> {
    return this.request({ cmd: 'faults', patch })
  }

  clearFaults(): Promise<unknown> {
    return this.request({ cmd: 'clearFaults' })
  }

  stats(): Promise<TestDcStatsSnapshot> {
    return this.request({ cmd: 'stats' }) as Promise<TestDcStatsSnapshot>
  }

  /**
   * Destroys every connection the DC accepted; resolves with how many there were and when, as
   * hrtime ms (the monotonic clock is system-wide, so compare with {@link hrtimeMs} here).
   */
  dropAll(): Promise<{ count: number; atMs: number }> {
    return this.request({ cmd: 'dropAll' }) as Promise<{ count: number; atMs: number }>
  }

  connections(): Promise<number> {
    return this.request({ cmd: 'connections' }) as Promise<number>
  }

  presetUsers(phones: readonly string[]): Promise<number> {
    return this.request({ cmd: 'presetUsers', phones }) as Promise<number>
  }

  /** Each phone's user id (decimal), creating the users that do not exist yet. */
  userIds(phones: readonly string[]): Promise<string[]> {
    return this.request({ cmd: 'userIds', phones }) as Promise<string[]>
  }

  /** Private messages written server-side (see the `sendMessages` request); resolves with how many. */
  sendMessages(sends: readonly MessageSend[]): Promise<number> {
    return this.request({ cmd: 'sendMessages', sends }) as Promise<number>
  }

  /** SIGTERM, then SIGKILL after 5 s. */
  async close(): Promise<void> {
    if (this.exited) return
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()))
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
}
