// What every swarm scenario gets: the options, the DC process, the progress line, the shared key
// pool (an LMDB store whose accounts already hold auth keys on the DC) and the memoised peer
// comparison runs. Owns their lifetimes; knows nothing of any one scenario.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SessionStore } from '@mtswarm/storage'
import type { ProfileSummary, ScenarioCpu, ScenarioReport } from '../report/run-report.js'
import { runClient } from './client-run.js'
import type { ClientRunResult } from './client-protocol.js'
import { startCpuSpan } from './cpu.js'
import { DcProcess } from './dc-process.js'
import { HOME_DC, accountIds, oursRuntime, openStore } from './ours.js'
import type { ClientKind } from './peers.js'
import type { Progress } from './progress.js'

/** Command-line options the scenarios read. */
export interface BenchOptions {
  readonly quick: boolean
  /** --accounts N: overrides each scenario's main account count. */
  readonly accounts: number | undefined
  /** --peers N: clients per peer library in the comparison (default 20 quick, 50 full). */
  readonly peerClients: number | undefined
  /** --no-peers: skip GramJS and mtcute. */
  readonly noPeers: boolean
  readonly outDir: string
}

/** Account ids of the key pool. */
export const POOL_PREFIX = 'pool'

/** The comparison runs (ours, mtcute, GramJS in their own processes), by kind. */
export type Comparison = Partial<Record<ClientKind, ClientRunResult>> & { readonly errors: Partial<Record<ClientKind, string>> }

export class BenchContext {
  private poolStore: SessionStore | undefined
  /** Pool accounts holding keys, in the order they were keyed. */
  private readonly keyed: string[] = []
  private nextPoolIndex = 0
  private readonly poolDir = mkdtempSync(join(tmpdir(), 'mtswarm-bench-'))
  private comparison: Promise<Comparison> | undefined
  /** Set by the profile scenario; the report prints it in its own section. */
  profileSummary: ProfileSummary | undefined

  constructor(
    readonly options: BenchOptions,
    readonly dc: DcProcess,
    readonly progress: Progress,
  ) {}

  /** Quick or full value, unless --accounts overrides it. */
  accounts(quick: number, full: number): number {
    return this.options.accounts ?? (this.options.quick ? quick : full)
  }

  /** The key pool store (opened on first use). */
  async pool(): Promise<SessionStore> {
    this.poolStore ??= await openStore(join(this.poolDir, 'pool.lmdb'))
    return this.poolStore
  }

  /** Closes the pool store and opens it again from disk (a process restart, minus the process). */
  async reopenPool(): Promise<{ store: SessionStore; openMs: number }> {
    await this.poolStore?.close()
    this.poolStore = undefined
    const t0 = performance.now()
    const store = await this.pool()
    return { store, openMs: performance.now() - t0 }
  }



  /** Account ids never used before in this run (pool-<k>), for scenarios that key them in the pool store. */
  freshPoolIds(n: number): string[] {
    const ids = accountIds(POOL_PREFIX, n, this.nextPoolIndex)
    this.nextPoolIndex += n
    return ids
  }

  /** Records accounts of the pool store that now hold auth keys the DC knows. */
  markKeyed(ids: readonly string[]): void {
    this.keyed.push(...ids)
  }

  /**
   * Returns `n` accounts of the pool store that hold auth keys the DC knows, keying new ones
   * (handshakes through a throwaway runtime over the pool store) when there are not enough yet.
   */
  async ensureKeys(n: number): Promise<string[]> {
    if (n <= this.keyed.length) return this.keyed.slice(0, n)
    const store = await this.pool()
    const rt = oursRuntime(this.dc.hello, store)
    const missing = this.freshPoolIds(n - this.keyed.length)
    try {
      // NB: in batches, so a 10k pool does not open 10k handshakes at once.
      const BATCH = 500
      for (let i = 0; i < missing.length; i += BATCH) {
        const batch = missing.slice(i, i + BATCH)
        await Promise.all(batch.map((id) => rt.connection(id, HOME_DC).whenReady()))
        this.markKeyed(batch)
        this.progress.step(`key pool: ${this.keyed.length}/${n} accounts keyed`)
      }
    } finally {
      await rt.stop()
    }
    return this.keyed.slice(0, n)
  }

  /** Runs ours, mtcute and GramJS once each (memoised) with the same parameters. */
  compare(): Promise<Comparison> {
    this.comparison ??= (async () => {
      const out: Record<string, unknown> = {}
      const errors: Partial<Record<ClientKind, string>> = {}
      const kinds: ClientKind[] = this.options.noPeers ? ['ours'] : ['ours', 'mtcute', 'gramjs']
      const clients = this.options.peerClients ?? (this.options.quick ? 20 : 50)
      for (const kind of kinds) {
        try {
          out[kind] = await runClient(
            this.dc.hello,
            { kind, clients, inFlight: 64, manyInFlight: 4, seconds: this.options.quick ? 1.5 : 4, rounds: this.options.quick ? 2 : 3, dcPid: this.dc.pid },
            (t) => this.progress.step(`${kind}: ${t}`),
            this.options.quick ? 120_000 : 300_000,
            [],
            () => this.dc.stats(),
          )
        } catch (e) {
          errors[kind] = e instanceof Error ? e.message : String(e)
          this.progress.log(`comparison run ${kind} failed: ${errors[kind]?.split('\n')[0]}`)
        }
      }
      return { ...(out as Partial<Record<ClientKind, ClientRunResult>>), errors }
    })()
    return this.comparison
  }

  /** Starts a CPU span over this process and the DC process. */
  cpuSpan(): () => ScenarioCpu {
    return startCpuSpan(this.dc.pid)
  }

  async close(): Promise<void> {
    await this.poolStore?.close()
    rmSync(this.poolDir, { recursive: true, force: true })
  }
}

/** A scenario of the swarm bench. */
export interface Scenario {
  readonly name: string
  readonly title: string
  run(ctx: BenchContext): Promise<ScenarioReport>
}
