// Runs updates-child.ts for one library in its own process and drives it: waits until its accounts
// are logged in, then per fan-in phase cues `go`, has the caller write the messages on the DC and
// returns the child's figures; for the outage, cues `back` and returns the catch-up times. Knows
// nothing of reports.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { FanInResult, OutageResult, ParentCue, UpdatesChildArgs, UpdatesChildMessage } from './updates-protocol.js'

const CHILD = fileURLToPath(new URL('./updates-child.ts', import.meta.url))

/** The child failed, exited or did not answer in time. */
export class UpdatesRunError extends Error {
  override readonly name = 'UpdatesRunError'
}

/** A running updates child with its accounts logged in. */
export class UpdatesChild {
  private readonly inbox: UpdatesChildMessage[] = []
  private wake: (() => void) | undefined
  private stderr = ''
  private exited: number | null | undefined

  private constructor(
    private readonly child: ChildProcess,
    private readonly onProgress: (text: string) => void,
  ) {
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (s: string) => {
      this.stderr = (this.stderr + s).slice(-4000)
    })
    child.on('message', (raw: unknown) => {
      const m = raw as UpdatesChildMessage
      if (m.type === 'progress') onProgress(m.text)
      else this.inbox.push(m)
      this.wake?.()
    })
    child.on('exit', (code) => {
      this.exited = code
      this.wake?.()
    })
  }

  /** Spawns the child and resolves once every account listens for updates. */
  static async start(args: UpdatesChildArgs, onProgress: (text: string) => void, timeoutMs: number): Promise<UpdatesChild> {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, BENCH_UPDATES_ARGS: JSON.stringify(args) },
    })
    const c = new UpdatesChild(child, onProgress)
    try {
      await c.next('ready', timeoutMs)
    } catch (e) {
      c.kill()
      throw e
    }
    return c
  }

  private async next<T extends UpdatesChildMessage['type']>(type: T, timeoutMs: number): Promise<Extract<UpdatesChildMessage, { type: T }>> {
    const end = performance.now() + timeoutMs
    for (;;) {
      const m = this.inbox.shift()
      if (m !== undefined) {
        if (m.type === 'failed') throw new UpdatesRunError(`child failed: ${m.error}`)
        if (m.type === type) return m as Extract<UpdatesChildMessage, { type: T }>
        continue
      }
      if (this.exited !== undefined) throw new UpdatesRunError(`child exited with ${this.exited}\n${this.stderr.trim()}`)
      const left = end - performance.now()
      if (left <= 0) throw new UpdatesRunError(`no '${type}' from the child within ${timeoutMs} ms\n${this.stderr.trim()}`)
      await new Promise<void>((r) => {
        const t = setTimeout(r, left)
        this.wake = () => {
          clearTimeout(t)
          r()
        }
      })
    }
  }

  private cue(c: ParentCue): void {
    if (this.child.connected) this.child.send(c)
  }

  /**
   * One fan-in phase: the child starts counting, `write` puts `expected` messages on the DC (texts
   * starting with `prefix`, to the first `accounts` accounts), the child answers once all are handled.
   */
  async fanIn(prefix: string, accounts: number, expected: number, write: () => Promise<void>, timeoutMs: number): Promise<FanInResult> {
    this.cue({ type: 'go', prefix, accounts, expected, timeoutMs })
    await this.next('going', 30_000)
    await write()
    return (await this.next('fanIn', timeoutMs + 30_000)).result
  }

  /** The network came back at `atMs` (hrtime ms) with `upTo` outage messages written before. */
  async back(atMs: number, upTo: number, timeoutMs: number): Promise<OutageResult> {
    this.cue({ type: 'back', atMs, upTo, timeoutMs })
    return (await this.next('outage', timeoutMs + 30_000)).result
  }

  /** Asks the child to close its clients and exit; kills it after 10 s. */
  async stop(): Promise<void> {
    if (this.exited !== undefined) return
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()))
    this.cue({ type: 'stop' })
    const t = setTimeout(() => this.kill(), 10_000)
    await exited
    clearTimeout(t)
  }

  kill(): void {
    this.child.kill('SIGKILL')
  }
}
