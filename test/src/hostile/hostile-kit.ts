// What every malicious-server case shares: one runtime holding healthy accounts on the real test DC
// and victim accounts on a hostile server (DC 9), healthy traffic running throughout, and the
// measurements each case is judged by (event-loop stalls, memory, healthy calls, typed outcomes).
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { MtSwarmError, type Runtime } from '@mtswarm/engine'
import { encryptionKeyOf, type EncryptionKey } from '@mtswarm/engine/protocol'
import { createMemoryStore, type SessionStore } from '@mtswarm/storage'
import type { TestDc } from '@mtswarm/testdc'
import { runtimeFor, startDc } from '../engine/harness.js'
import { startHostileServer, type AnyTl, type ClientMessage, type HostileLink, type HostileServer } from './hostile-server.js'

/** The DC id the runtime reaches the hostile server under. */
export const HOSTILE_DC = 9
/** Longest event-loop stall any case may cause. */
export const MAX_STALL_MS = 50
/** Further runs of a case whose stall passed the bound (see {@link HostileKit.run}). */
const STALL_RERUNS = 2
/** Growth of heap + array buffers over the suite's baseline that no case may pass. */
export const MAX_MEMORY_GROWTH_BYTES = 256 * 1024 * 1024
/** A victim's call is given this long; a case never waits for more than twice it. */
export const VICTIM_TIMEOUT_MS = 2_500
const HEALTHY_ACCOUNTS = 3

/** An honest answer to help.getNearestDc, told apart from forged ones by `country`. */
export const honestNearest = (country = 'NL'): AnyTl => ({ _: 'nearestDc', country, thisDc: HOSTILE_DC, nearestDc: HOSTILE_DC })

/** Honest answers to what a client sends besides its calls (pings, future salts). */
export function answerService(m: ClientMessage, link: HostileLink): boolean {
  const obj = m.obj as { _: string; pingId?: bigint; num?: number } | undefined
  if (obj === undefined) return true
  if (obj._ === 'mt_ping_delay_disconnect' || obj._ === 'mt_ping') {
    link.answer(m.msgId, { _: 'mt_pong', msgId: m.msgId, pingId: obj.pingId ?? 0n })
    return true
  }
  if (obj._ === 'mt_get_future_salts') {
    const now = Math.floor(Date.now() / 1000)
    link.answer(m.msgId, { _: 'mt_future_salts', reqMsgId: m.msgId, now, salts: [{ _: 'mt_future_salt', validSince: now - 60, validUntil: now + 3600, salt: 0n }] })
    return true
  }
  return obj._ === 'mt_msgs_ack' || m.method !== 'help.getNearestDc'
}

/** The world of the suite: start it once, run cases, stop it. */
export class HostileKit {
  readonly store: SessionStore = createMemoryStore()
  dc!: TestDc
  hostile!: HostileServer
  rt!: Runtime
  private healthyRunning = true
  private healthyLoops: Promise<void>[] = []
  healthyDone = 0
  readonly healthyErrors: unknown[] = []
  private readonly delay = monitorEventLoopDelay({ resolution: 5 })
  private memBaseline = 0
  private memPeak = 0
  private sampler: NodeJS.Timeout | undefined
  /** Figures of the whole suite, for the note. */
  readonly figures = { cases: 0, framesSent: 0, longestStallMs: 0, peakMemoryGrowthBytes: 0 }
  private victims = 0

  async start(): Promise<void> {
    this.dc = await startDc()
    this.hostile = await startHostileServer()
    this.rt = runtimeFor(this.dc, {
      store: this.store,
      dcs: [...this.dc.dcs, { id: HOSTILE_DC, host: '127.0.0.1', port: this.hostile.port }],
      rpcTimeoutMs: VICTIM_TIMEOUT_MS,
    })
    // healthy accounts get their keys before anything hostile happens
    await Promise.all(Array.from({ length: HEALTHY_ACCOUNTS }, (_, i) => this.rt.invoke(`healthy-${i}`, 1, { _: 'help.getNearestDc' }, { timeoutMs: 60_000 })))
    this.healthyLoops = Array.from({ length: HEALTHY_ACCOUNTS }, (_, i) => this.healthyLoop(`healthy-${i}`))
    global.gc?.()
    const m = process.memoryUsage()
    this.memBaseline = m.heapUsed + m.arrayBuffers
    this.sampler = setInterval(() => {
      const u = process.memoryUsage()
      this.memPeak = Math.max(this.memPeak, u.heapUsed + u.arrayBuffers - this.memBaseline)
    }, 20)
    this.delay.enable()
  }

  private async healthyLoop(accountId: string): Promise<void> {
    while (this.healthyRunning) {
      try {
        await this.rt.invoke(accountId, 1, { _: 'help.getNearestDc' }, { timeoutMs: 10_000 })
        this.healthyDone++
      } catch (e) {
        if (this.healthyRunning) this.healthyErrors.push(e)
      }
      await new Promise((r) => setTimeout(r, 2))
    }
  }

  /** A new victim account id; with `withKey`, a key the hostile server knows is stored for it first. */
  async victim(withKey: boolean): Promise<{ id: string; key: EncryptionKey | undefined }> {
    const id = `victim-${++this.victims}`
    if (!withKey) return { id, key: undefined }
    const key = encryptionKeyOf(new Uint8Array(randomBytes(256)))
    this.hostile.addKey(key)
    await this.store.putAuthKey({ accountId: id, dcId: HOSTILE_DC, kind: 'perm', key: key.authKey, keyId: key.authKeyId, createdAtMs: Date.now() })
    return { id, key }
  }

  /**
   * Runs one case: `body` drives the victim; meanwhile healthy traffic runs. Then checks the
   * case's bounds: no stall over MAX_STALL_MS, memory under MAX_MEMORY_GROWTH_BYTES, healthy calls
   * went on (at least one more each round) and none failed.
   * NB: a stall over the bound is judged again on up to STALL_RERUNS more runs of the case (a fresh
   * victim each): work that holds the loop does it every time, while a machine busy with other
   * processes (or a GC pause of the healthy traffic) rarely lands in the same case three times in a
   * row. The smallest of the runs is the case's stall.
   */
  async run(name: string, body: () => Promise<void>): Promise<void> {
    const stalls = [await this.runOnce(name, body)]
    while (Math.min(...stalls) >= MAX_STALL_MS && stalls.length <= STALL_RERUNS) {
      stalls.push(await this.runOnce(`${name} (again)`, body))
    }
    assert.ok(Math.min(...stalls) < MAX_STALL_MS, `${name}: the event loop stalled ${stalls.map((s) => s.toFixed(1)).join(', ')} ms`)
  }

  private async runOnce(name: string, body: () => Promise<void>): Promise<number> {
    this.figures.cases++
    const framesBefore = this.hostile.stats.framesOut
    const healthyBefore = this.healthyDone
    const crashesBefore = this.rt.stats.connectionCrashes + this.rt.stats.rpcCrashes
    this.delay.reset()
    await body()
    // the healthy accounts must still be answering after the case
    const until = Date.now() + 10_000
    while (this.healthyDone < healthyBefore + HEALTHY_ACCOUNTS && Date.now() < until) await new Promise((r) => setTimeout(r, 10))
    const stallMs = this.delay.max / 1e6
    if (process.env['MTSWARM_HOSTILE_VERBOSE'] !== undefined) process.stderr.write(`${name}: stall ${stallMs.toFixed(1)} ms\n`)
    this.figures.longestStallMs = Math.max(this.figures.longestStallMs, stallMs)
    this.figures.peakMemoryGrowthBytes = Math.max(this.figures.peakMemoryGrowthBytes, this.memPeak)
    this.figures.framesSent += this.hostile.stats.framesOut - framesBefore
    assert.deepEqual(this.healthyErrors.map(String), [], `${name}: healthy accounts' calls failed`)
    // NB: hostile input must end in typed refusals; a crash means something untyped escaped
    assert.equal(this.rt.stats.connectionCrashes + this.rt.stats.rpcCrashes, crashesBefore, `${name}: a connection or call crashed`)
    assert.ok(this.healthyDone >= healthyBefore + HEALTHY_ACCOUNTS, `${name}: healthy accounts stopped answering`)
    assert.ok(this.memPeak < MAX_MEMORY_GROWTH_BYTES, `${name}: memory grew ${(this.memPeak / 2 ** 20).toFixed(0)} MiB`)
    return stallMs
  }

  /** The victim's call: its result, or the typed error it failed with (anything else fails the test). */
  async victimCall(id: string, country?: string): Promise<{ ok: true; country: string } | { ok: false; error: MtSwarmError }> {
    try {
      const r = (await this.rt.invoke(id, HOSTILE_DC, { _: 'help.getNearestDc' })) as { country: string }
      if (country !== undefined) assert.equal(r.country, country)
      return { ok: true, country: r.country }
    } catch (e) {
      assert.ok(e instanceof MtSwarmError, `untyped failure: ${String(e)}`)
      return { ok: false, error: e }
    }
  }

  /** Stops everything and prints the suite's figures under `label` (stderr: the runner shows it). */
  async stop(label: string): Promise<void> {
    this.delay.disable()
    clearInterval(this.sampler)
    this.healthyRunning = false
    await this.rt.stop()
    await Promise.allSettled(this.healthyLoops)
    await this.hostile.close()
    await this.dc.close()
    const f = this.figures
    process.stderr.write(
      `${label}: ${f.cases} cases, ${f.framesSent} frames sent, longest stall ${f.longestStallMs.toFixed(1)} ms, peak memory growth ${(f.peakMemoryGrowthBytes / 2 ** 20).toFixed(1)} MiB\n`,
    )
  }
}
