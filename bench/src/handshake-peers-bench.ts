// Client-side CPU per auth key for ours, mtcute and GramJS against the bench's test DC (its own
// process, so the server's CPU is not on this process's clock): sequential opens, process.cpuUsage
// around each. Plus our pure-step figure from handshake-cpu-bench.ts. Knows nothing of the swarm
// scenarios; the crypto bench prints its section.
// Run alone: node --expose-gc --import tsx bench/src/handshake-peers-bench.ts [K]
import { DcProcess } from './swarm/dc-process.js'
import { HOME_DC, oursFactory } from './swarm/ours.js'
import { gramjsFactory, mtcuteFactory, type ClientKind, type PeerClient, type PeerFactory } from './swarm/peers.js'
import { runHandshakeCpuBench } from './handshake-cpu-bench.js'

/** One library's figures. CPU figures are absent when no measured open succeeded. */
export interface HandshakeKindFigures {
  readonly kind: ClientKind
  /** Measured opens that returned a client. */
  readonly opened: number
  /** Opens that failed or timed out (warm-up included). */
  readonly failures: number
  /** Mean client CPU (user + system of this process) per opened client, ms. */
  readonly meanMs?: number
  readonly medianMs?: number
  /** The first failure's message (or why the kind was given up). */
  readonly firstFailure?: string
}

/** Our handshake steps alone (runHandshakeCpuBench), or why they failed. */
export type HandshakeStepsFigures = { readonly keys: number; readonly meanMs: number; readonly medianMs: number } | { readonly error: string }

export interface HandshakePeersResult {
  /** Measured opens asked for per library. */
  readonly keys: number
  /** Unmeasured opens per library before them. */
  readonly warmup: number
  readonly kinds: readonly HandshakeKindFigures[]
  readonly steps: HandshakeStepsFigures
  /** Wall time of the whole section (DC start to stop), ms. */
  readonly wallMs: number
  /** Set when the test DC did not start (then `kinds` is empty). */
  readonly dcError?: string
}

export interface HandshakePeersOptions {
  /** Measured opens per library (default 20). */
  readonly keys?: number
  /** Unmeasured opens per library first (default 3). */
  readonly warmup?: number
  /** Handshakes for the pure-step figure (default 100). */
  readonly stepsKeys?: number
  /** Libraries to run, in this order (default ours, mtcute, gramjs). */
  readonly kinds?: readonly ClientKind[]
}

/** A single open that takes longer than this counts as a failure (its client is closed if it ever arrives). */
const OPEN_TIMEOUT_MS = 30_000
/** A library is given up after this many failed opens in a row. */
const MAX_FAILURES_IN_A_ROW = 3
/** Idle after each close, so socket teardown does not land in the next measured span. */
const SETTLE_MS = 10

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b)
  const mid = v.length >> 1
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2
}

/** Opens one client, or rejects after OPEN_TIMEOUT_MS (closing the client if it opens later). */
function openWithTimeout(factory: PeerFactory): Promise<PeerClient> {
  const opening = factory.open()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      opening.then((c) => c.close()).catch(() => {})
      reject(new Error(`open took over ${OPEN_TIMEOUT_MS} ms`))
    }, OPEN_TIMEOUT_MS)
  })
  return Promise.race([opening, timeout]).finally(() => clearTimeout(timer))
}

async function closeQuietly(c: PeerClient): Promise<void> {
  try {
    await c.close()
  } catch {
    // a client that fails to close has still been measured
  }
}

/** Sequential opens of one library: `warmup` unmeasured, then `keys` measured. Never throws. */
async function measureKind(kind: ClientKind, make: () => Promise<PeerFactory>, keys: number, warmup: number, stop: () => Promise<void>): Promise<HandshakeKindFigures> {
  let factory: PeerFactory
  try {
    factory = await make()
  } catch (e) {
    return { kind, opened: 0, failures: 1, firstFailure: `setup: ${messageOf(e)}` }
  }
  const samples: number[] = []
  let failures = 0
  let inARow = 0
  let firstFailure: string | undefined
  try {
    for (let i = 0; i < warmup + keys; i++) {
      const gc = (globalThis as { gc?: () => void }).gc
      gc?.() // the previous clients' garbage is not this open's
      await sleep(SETTLE_MS)
      const before = process.cpuUsage()
      let client: PeerClient
      try {
        client = await openWithTimeout(factory)
      } catch (e) {
        failures++
        firstFailure ??= messageOf(e)
        if (++inARow >= MAX_FAILURES_IN_A_ROW) {
          firstFailure = `${firstFailure} (gave up after ${inARow} failures in a row)`
          break
        }
        continue
      }
      const spent = process.cpuUsage(before)
      inARow = 0
      if (i >= warmup) samples.push((spent.user + spent.system) / 1000)
      await closeQuietly(client)
    }
  } finally {
    await stop().catch(() => {})
  }
  return {
    kind,
    opened: samples.length,
    failures,
    ...(samples.length === 0 ? {} : { meanMs: samples.reduce((a, b) => a + b, 0) / samples.length, medianMs: median(samples) }),
    ...(firstFailure === undefined ? {} : { firstFailure }),
  }
}

/**
 * Starts the test DC in its own process, then for each library in turn opens clients one at a
 * time (fresh connection + auth key + initConnection(help.getConfig)) and records this process's
 * CPU around each open; stops the DC, then runs our pure handshake steps. Never throws for a
 * library that fails: its figures carry the failure.
 */
export async function runHandshakePeersBench(options: HandshakePeersOptions = {}): Promise<HandshakePeersResult> {
  const keys = options.keys ?? 20
  const warmup = options.warmup ?? 3
  const kinds = options.kinds ?? (['ours', 'mtcute', 'gramjs'] as const)
  const t0 = performance.now()
  const figures: HandshakeKindFigures[] = []
  let dcError: string | undefined
  let dc: DcProcess | undefined
  try {
    dc = await DcProcess.start({ dcCount: 1 })
  } catch (e) {
    dcError = messageOf(e)
  }
  if (dc !== undefined) {
    const hello = dc.hello
    try {
      for (const kind of kinds) {
        let stop = async (): Promise<void> => {}
        const make = async (): Promise<PeerFactory> => {
          switch (kind) {
            case 'ours': {
              const f = oursFactory(hello)
              stop = () => f.runtime.stop()
              return f
            }
            case 'mtcute':
              return mtcuteFactory(hello, HOME_DC)
            case 'gramjs':
              return gramjsFactory(hello, HOME_DC)
          }
        }
        figures.push(await measureKind(kind, make, keys, warmup, () => stop()))
      }
    } finally {
      await dc.close()
    }
  }
  let steps: HandshakeStepsFigures
  try {
    const s = runHandshakeCpuBench(options.stepsKeys ?? 100)
    steps = { keys: s.keys, meanMs: s.clientCpuUsPerKey / 1000, medianMs: s.clientCpuUsMedian / 1000 }
  } catch (e) {
    steps = { error: messageOf(e) }
  }
  return { keys, warmup, kinds: figures, steps, wallMs: performance.now() - t0, ...(dcError === undefined ? {} : { dcError }) }
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '-'.padStart(10)
  return (v >= 10 ? v.toFixed(1) : v.toFixed(2)).padStart(10)
}

/** "peer / ours": how many times less CPU ours spends (> 1 means ours wins). */
function ratio(ours: number | undefined, other: number | undefined): string {
  if (ours === undefined || other === undefined || ours <= 0) return '-'.padStart(8)
  return `${(other / ours).toFixed(2)}×`.padStart(8)
}

/**
 * The section as printed by the crypto bench, in its table layout (label, unit, ours, mtcute,
 * GramJS, ratios). The steps rows put our pure-step figure against the peers' full-client figures.
 */
export function formatHandshakePeers(r: HandshakePeersResult): string {
  const by = (k: ClientKind): HandshakeKindFigures | undefined => r.kinds.find((f) => f.kind === k)
  const ours = by('ours')
  const mtc = by('mtcute')
  const gram = by('gramjs')
  const steps = 'error' in r.steps ? undefined : r.steps
  const row = (what: string, unit: string, o: number | undefined, m: number | undefined, g: number | undefined): string =>
    `${what.padEnd(56)} ${unit.padEnd(5)} ${fmt(o)} ${fmt(m)} ${fmt(g)} ${ratio(o, m)} ${ratio(o, g)}`
  const count = (f: HandshakeKindFigures | undefined): string => (f === undefined ? '-' : `${f.opened}/${r.keys}`).padStart(10)
  const lines = [
    `client-side handshake CPU per auth key, ours vs mtcute vs GramJS: ${r.keys} sequential opens per library after ${r.warmup} warm-up,`,
    `each a new connection + auth key + initConnection(help.getConfig); this process's CPU only (the test DC runs in its own process)`,
    `${'measurement'.padEnd(56)} ${'unit'.padEnd(5)} ${'ours'.padStart(10)} ${'mtcute'.padStart(10)} ${'gramjs'.padStart(10)} ${'vs mtc'.padStart(8)} ${'vs gram'.padStart(8)}`,
    row('handshake CPU per key, full client, mean', 'ms', ours?.meanMs, mtc?.meanMs, gram?.meanMs),
    row('handshake CPU per key, full client, median', 'ms', ours?.medianMs, mtc?.medianMs, gram?.medianMs),
    row(`ours steps only, no I/O, mean (vs peers' full client)`, 'ms', steps?.meanMs, mtc?.meanMs, gram?.meanMs),
    row(`ours steps only, no I/O, median (vs peers' full client)`, 'ms', steps?.medianMs, mtc?.medianMs, gram?.medianMs),
    `${'keys opened (measured)'.padEnd(56)} ${''.padEnd(5)} ${count(ours)} ${count(mtc)} ${count(gram)}`,
    `${'failed opens (incl. warm-up)'.padEnd(56)} ${''.padEnd(5)} ${[ours, mtc, gram].map((f) => (f === undefined ? '-' : String(f.failures)).padStart(10)).join(' ')}`,
  ]
  if (steps !== undefined) lines.push(`(steps only: ${steps.keys} handshakes against the in-memory server steps, only the client's steps on the clock)`)
  if (r.dcError !== undefined) lines.push(`test DC failed to start: ${r.dcError}`)
  if ('error' in r.steps) lines.push(`steps-only bench failed: ${r.steps.error}`)
  for (const f of r.kinds) if (f.firstFailure !== undefined) lines.push(`${f.kind}: ${f.failures} failed open(s), first: ${f.firstFailure}`)
  lines.push(`handshake section took ${(r.wallMs / 1000).toFixed(1)} s`)
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const keys = Number(process.argv[2] ?? 20) || 20
  console.log(formatHandshakePeers(await runHandshakePeersBench({ keys })))
}
