// Updates: private messages written server-side by the DC (as if other users had sent them) fan in
// to logged-in accounts; each library's documented handler notes each message and resolves. Ours
// acknowledges: the update state is committed to LMDB only after the handler has resolved, and a
// phase ends when every message is handled and every account's state committed. Figures: updates
// delivered per second and per client CPU second, at 1 account, at the comparison's client count
// (ours and mtcute) and at the scenario's account count (ours); then a network outage (the relay in
// front of one more account is cut while messages keep coming) and the time from "back" until
// every message written before it is handled (ours: and committed). GramJS has no gap recovery:
// its fan-in is measured (raw event rate), not the outage.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { selfTimes, type CpuProfile } from '../report/cpu-profile.js'
import type { Metric } from '../report/run-report.js'
import type { BenchContext, Scenario } from '../swarm/context.js'
import type { MessageSend } from '../swarm/dc-protocol.js'
import { hrtimeMs } from '../swarm/dc-process.js'
import { OutageProxy } from '../swarm/outage-proxy.js'
import type { FanInResult, OutageResult, UpdatesKind } from '../swarm/updates-protocol.js'
import { UpdatesChild } from '../swarm/updates-run.js'
import { testPhone } from './login-storm.js'

/** Set to profile each fan-in phase (inspector; adds its own CPU to the figures, so opt-in). */
export const PROFILE_ENV = 'MTSWARM_BENCH_UPDATES_PROFILE'

/** Phone ranges on DC 1 (login-storm uses 0…N): each library's fan-in accounts, outage accounts, senders. */
const PHONES = { ours: 5000, mtcute: 7500, gramjs: 8200, outage: { ours: 8900, mtcute: 8901 }, senders: 9000 } as const
const SENDERS = 4
/** Messages per IPC request to the DC (its request timeout is 30 s; one request is well under 1 s). */
const WRITE_CHUNK = 2_000
/** Messages each (account, sender) pair gets per round, so accounts fill up side by side. */
const BURST = 5
/**
 * The outage stream: messages per second to the outage account, and the tick it is written in.
 * NB: the test DC keeps the last 1,000 updates per user (beyond that getDifference answers
 * differenceTooLong, and the messages are for getHistory, not for handlers): 20/s over a 30 s
 * outage stays well inside that.
 */
const STREAM_PER_S = 20
const STREAM_TICK_MS = 50

interface Sizes {
  readonly ours: readonly number[]
  readonly mtcute: readonly number[]
  readonly gramjs: readonly number[]
  readonly messages: number
  readonly outageMs: number
}

/** Writes `perAccount` messages to each of `to` from every sender, in IPC-sized chunks. */
async function writeFanIn(ctx: BenchContext, prefix: string, to: readonly string[], senders: readonly string[], perAccount: number): Promise<void> {
  const perPair = Math.ceil(perAccount / senders.length)
  let batch: MessageSend[] = []
  let inBatch = 0
  for (let first = 0; first < perPair; first += BURST) {
    const count = Math.min(BURST, perPair - first)
    for (const recipient of to)
      for (let s = 0; s < senders.length; s++) {
        // NB: the last sender tops up to exactly perAccount.
        const c = Math.min(count, perAccount - s * perPair - first)
        if (c <= 0) continue
        batch.push({ from: senders[s] as string, to: recipient, count: c, prefix: `${prefix}${s}.`, firstSeq: first })
        inBatch += c
        if (inBatch >= WRITE_CHUNK) {
          await ctx.dc.sendMessages(batch)
          batch = []
          inBatch = 0
        }
      }
  }
  if (batch.length > 0) await ctx.dc.sendMessages(batch)
}

/** A steady stream to `to` until stopped; `written()` is how many so far (texts o0, o1 …). */
function stream(ctx: BenchContext, from: string, to: string): { written: () => number; stop: () => Promise<void> } {
  let seq = 0
  let running = true
  const perTick = Math.max(1, Math.round((STREAM_PER_S * STREAM_TICK_MS) / 1000))
  const loop = (async () => {
    while (running) {
      await ctx.dc.sendMessages([{ from, to, count: perTick, prefix: 'o', firstSeq: seq }])
      seq += perTick
      await new Promise((r) => setTimeout(r, STREAM_TICK_MS))
    }
  })()
  return {
    written: () => seq,
    stop: async () => {
      running = false
      await loop
    },
  }
}

interface KindRun {
  readonly fanIn: Map<number, FanInResult>
  readonly outage: OutageResult | undefined
}

async function runKind(ctx: BenchContext, kind: UpdatesKind, counts: readonly number[], sizes: Sizes, proxy: OutageProxy, senders: readonly string[]): Promise<KindRun> {
  const max = Math.max(...counts)
  const phones = Array.from({ length: max }, (_, i) => testPhone(PHONES[kind] + i))
  // GramJS has no gap recovery: no outage account.
  const outagePhone = kind === 'gramjs' ? undefined : testPhone(PHONES.outage[kind])
  const ids = await ctx.dc.userIds(phones)
  const [outageId] = outagePhone === undefined ? [] : await ctx.dc.userIds([outagePhone])
  const dir = mkdtempSync(join(tmpdir(), `mtswarm-bench-updates-${kind}-`))
  const step = (t: string): void => ctx.progress.step(`${kind}: ${t}`)
  const profileDir = process.env[PROFILE_ENV] === '1' ? join(ctx.options.outDir, 'profile') : undefined
  const child = await UpdatesChild.start({ kind, phones, outagePhone, direct: ctx.dc.hello, relayed: proxy.hello, dir, profileDir }, step, ctx.options.quick ? 120_000 : 600_000)
  const fanIn = new Map<number, FanInResult>()
  try {
    // Warm-up, not reported: the first updates load and compile code paths (lazily imported modules,
    // JIT) that would otherwise land in the first measured phase's CPU.
    const warm = Math.max(1, Math.floor(Math.min(1_000, sizes.messages / 4) / max))
    step(`warm-up: ${warm * max} messages to ${max} account(s)`)
    await child.fanIn('w.', max, warm * max, () => writeFanIn(ctx, 'w.', ids, senders, warm), 120_000)
    let phaseNo = 0
    for (const a of counts) {
      const perAccount = Math.max(1, Math.floor(sizes.messages / a))
      const prefix = `f${phaseNo++}.`
      step(`fan-in: ${perAccount * a} messages to ${a} account(s)`)
      const r = await child.fanIn(prefix, a, perAccount * a, () => writeFanIn(ctx, prefix, ids.slice(0, a), senders, perAccount), 120_000)
      fanIn.set(a, r)
    }
    if (outageId === undefined) return { fanIn, outage: undefined }
    step(`outage: ${sizes.outageMs / 1000} s with messages coming`)
    const s = stream(ctx, senders[0] as string, outageId as string)
    let outage: OutageResult | undefined
    try {
      await new Promise((r) => setTimeout(r, 1_000))
      await proxy.cut()
      await new Promise((r) => setTimeout(r, sizes.outageMs))
      await proxy.restore()
      const atMs = hrtimeMs()
      outage = await child.back(atMs, s.written(), ctx.options.quick ? 10_000 : 90_000)
    } finally {
      await proxy.restore()
      await s.stop()
    }
    return { fanIn, outage }
  } finally {
    await child.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** "ours, 20 accounts: xstate 25 %, GC 14 % …" from a phase's profile, when one was taken. */
export function profileNote(dir: string, kind: UpdatesKind, accounts: number, handled: number): string | undefined {
  const file = join(dir, `updates-${kind}-${accounts}.cpuprofile`)
  if (!existsSync(file)) return undefined
  const st = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile)
  // NB: the inspector samples its own Profiler.stop (native `dispatch`): not the phase's work.
  const stopMs = st.functions.filter((f) => f.name === 'dispatch' && f.where === '(native)').reduce((a, f) => a + f.selfMs, 0)
  const busyMs = st.busyUs / 1000 - stopMs
  const areas = st.areas
    .map((a) => ({ name: a.name, ms: a.name === 'native (other)' ? a.selfMs - stopMs : a.selfMs }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 8)
    .map((a) => `${a.name} ${((a.ms * 100) / Math.max(1e-9, busyMs)).toFixed(0)} %`)
  return `profile ${kind}, ${accounts} account(s): ${((busyMs * 1000) / Math.max(1, handled)).toFixed(1)} µs sampled per update (wall-sampled: counts time descheduled); ${areas.join(', ')} (${file})`
}

const perCpuSecond = (r: FanInResult | undefined): number | undefined => (r === undefined || r.cpuMs <= 0 ? undefined : (r.handled * 1000) / r.cpuMs)
const perSecond = (r: FanInResult | undefined): number | undefined => (r === undefined ? undefined : (r.handled * 1000) / r.wallMs)
const cpuPer1000 = (r: FanInResult | undefined): number | undefined => (r === undefined || r.handled === 0 ? undefined : (r.cpuMs * 1000) / r.handled)

export const updatesScenario: Scenario = {
  name: 'updates',
  title: 'Updates delivered',
  async run(ctx: BenchContext) {
    const peerCount = ctx.options.peerClients ?? (ctx.options.quick ? 20 : 50)
    const main = ctx.accounts(200, 1000)
    const sizes: Sizes = {
      ours: [...new Set([1, peerCount, main])].sort((a, b) => a - b),
      mtcute: [...new Set([1, peerCount])].sort((a, b) => a - b),
      gramjs: [...new Set([1, peerCount])].sort((a, b) => a - b),
      messages: ctx.options.quick ? 4_000 : 20_000,
      outageMs: ctx.options.quick ? 3_000 : 30_000,
    }
    if (main > 2_500) throw new RangeError(`updates: at most 2,500 accounts (phones ${PHONES.ours}…), got ${main}`)
    if (peerCount > 700) throw new RangeError(`updates: at most 700 peer clients (phones ${PHONES.mtcute}…, ${PHONES.gramjs}…), got ${peerCount}`)
    const senders = await ctx.dc.userIds(Array.from({ length: SENDERS }, (_, i) => testPhone(PHONES.senders + i)))
    const proxy = await OutageProxy.start(ctx.dc.hello)
    const runs: Partial<Record<UpdatesKind, KindRun>> = {}
    const errors: string[] = []
    const end = ctx.cpuSpan()
    try {
      const kinds: UpdatesKind[] = ctx.options.noPeers ? ['ours'] : ['ours', 'mtcute', 'gramjs']
      for (const kind of kinds) {
        try {
          runs[kind] = await runKind(ctx, kind, sizes[kind], sizes, proxy, senders)
        } catch (e) {
          if (kind === 'ours') throw e
          errors.push(`${kind}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)
          ctx.progress.log(`updates: ${errors[errors.length - 1]}`)
        }
      }
    } finally {
      await proxy.close()
    }
    const cpu = end()
    const ours = runs.ours as KindRun
    const mt = runs.mtcute
    const gj = runs.gramjs
    const metrics: Metric[] = []
    for (const a of sizes.ours) {
      const o = ours.fanIn.get(a)
      const m = mt?.fanIn.get(a)
      const g = gj?.fanIn.get(a)
      const peers = (v: number | undefined, gv?: number): Metric['peers'] => {
        const out: NonNullable<Metric['peers']> = {
          ...(mt === undefined || !sizes.mtcute.includes(a) ? {} : { mtcute: v }),
          ...(gj === undefined || !sizes.gramjs.includes(a) ? {} : { gramjs: gv }),
        }
        return Object.keys(out).length === 0 ? undefined : out
      }
      const who = `${a} account${a === 1 ? '' : 's'}`
      metrics.push(
        { label: `${who}: updates delivered per second`, unit: '/s', better: 'higher', ours: perSecond(o), peers: peers(perSecond(m), perSecond(g)) },
        {
          label: `${who}: updates per client CPU second`,
          unit: '/CPU s',
          better: 'higher',
          ours: perCpuSecond(o),
          peers: peers(perCpuSecond(m), perCpuSecond(g)),
          ...(sizes.mtcute.includes(a) && mt !== undefined
            ? { target: { text: '≥ 2× mtcute (ours acknowledged + committed to LMDB)', met: perCpuSecond(o) === undefined || perCpuSecond(m) === undefined ? undefined : (perCpuSecond(o) as number) >= 2 * (perCpuSecond(m) as number) } }
            : {}),
        },
        { label: `${who}: client CPU per 1,000 updates`, unit: 'ms', better: 'lower', format: 'ms', ours: cpuPer1000(o), peers: peers(cpuPer1000(m), cpuPer1000(g)) },
        { label: `${who}: messages handled (of ${o?.expected ?? '?'})`, unit: '', better: 'higher', ours: o?.handled, peers: peers(m?.handled, g?.handled) },
        { label: `${who}: delivered twice`, unit: '', better: 'lower', ours: o?.duplicates, peers: peers(m?.duplicates, g?.duplicates) },
        { label: `${who}: update-state commits to LMDB`, unit: '', better: 'lower', ours: o?.commits },
      )
    }
    const secs = `${sizes.outageMs / 1000} s`
    metrics.push(
      { label: `outage ${secs}: back → every message handled`, unit: 'ms', better: 'lower', format: 'ms', ours: ours.outage?.handledMs, peers: mt === undefined ? undefined : { mtcute: mt.outage?.handledMs } },
      { label: `outage ${secs}: back → handled and committed`, unit: 'ms', better: 'lower', format: 'ms', ours: ours.outage?.committedMs },
      { label: `outage ${secs}: back → connection ready again`, unit: 'ms', better: 'lower', format: 'ms', ours: ours.outage?.reconnectedMs, peers: mt === undefined ? undefined : { mtcute: mt.outage?.reconnectedMs } },
      { label: `outage ${secs}: messages written after "back" handled by then`, unit: '', better: 'higher', ours: ours.outage?.handledAfterBack, peers: mt === undefined ? undefined : { mtcute: mt.outage?.handledAfterBack } },
      { label: `outage ${secs}: messages written before "back"`, unit: '', better: 'higher', ours: ours.outage?.upTo, peers: mt === undefined ? undefined : { mtcute: mt.outage?.upTo } },
      { label: `outage ${secs}: still missing at the end`, unit: '', better: 'lower', ours: ours.outage?.missing, peers: mt === undefined ? undefined : { mtcute: mt.outage?.missing } },
    )
    const incomplete = [...ours.fanIn.values(), ...(mt?.fanIn.values() ?? []), ...(gj?.fanIn.values() ?? [])].filter((r) => !r.complete)
    return {
      name: 'updates',
      title: 'Updates delivered',
      summary:
        `Private messages written on the DC by ${SENDERS} senders fan in to logged-in accounts; each library's documented handler (ours: engine.onUpdate; mtcute: onNewMessage; GramJS: addEventHandler with NewMessage) notes the message and resolves. ` +
        'Ours commits each account\'s update state to LMDB only after the handler resolved (at least once, across a crash); a phase ends when every message is handled and, for ours, every state committed. ' +
        'mtcute dispatches without waiting for its handler and keeps its pts in memory. CPU is the receiving process\'s only (the DC runs in its own process). ' +
        `The outage: one more account dials through a relay that is cut for ${secs} while ${STREAM_PER_S} messages/s keep coming, then restored; each library reconnects and catches up by its own rules (ours: the gap in pts, then getDifference).`,
      params: { accounts: sizes.ours.join(' / '), 'mtcute clients': sizes.mtcute.join(' / '), 'messages per phase': sizes.messages, senders: SENDERS, 'outage s': sizes.outageMs / 1000 },
      metrics,
      charts: [],
      cpu,
      notes: [
        'GramJS has no gap recovery (no getDifference after a gap or a reconnect): it would lose the outage\'s messages by design, so only its fan-in (raw event rate, NewMessage handler) is measured, and it has no target.',
        'The outage relay runs in the bench\'s main process: its CPU is nobody\'s client CPU.',
        ...errors.map((e) => `failed: ${e}`),
        ...(process.env[PROFILE_ENV] === '1'
          ? (['ours', 'mtcute', 'gramjs'] as const).flatMap((k) =>
              sizes[k].flatMap((a) => {
                const note = profileNote(join(ctx.options.outDir, 'profile'), k, a, runs[k]?.fanIn.get(a)?.handled ?? 0)
                return note === undefined ? [] : [note]
              }),
            )
          : []),
        ...(['ours', 'mtcute'] as const).flatMap((k) => {
          const o = runs[k]?.outage
          if (o === undefined || o.missing === 0) return []
          const reconnected = o.reconnectedMs === undefined ? 'no ready connection reported after "back"' : `connection ready ${o.reconnectedMs.toFixed(0)} ms after "back"`
          return [`${k} did not catch up after the outage within ${ctx.options.quick ? 10 : 90} s: ${o.missing} of ${o.upTo} messages written before "back" never reached the handler; ${reconnected}; ${o.handledAfterBack} messages written after "back" handled`]
        }),
        ...incomplete.map((r) => `incomplete: ${r.handled} of ${r.expected} messages at ${r.accounts} account(s) before the time limit`),
      ],
    }
  },
}
