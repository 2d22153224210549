// One library's side of the updates scenario, in its own process so its CPU is its own: logs in
// the fan-in accounts (and the outage account, behind the relay), then follows the parent's cues:
// `go` counts one fan-in phase (the parent writes the messages on the DC meanwhile) and answers
// its wall time and this process's CPU; `back` times the catch-up after the outage. The handler
// is the same for every library: note the message in a set (the side effect), resolve.
// Parameters in BENCH_UPDATES_ARGS (JSON UpdatesChildArgs). Run by updates-run.ts.
import { mkdirSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { gramjsFleet, mtcuteFleet, oursFleet, type OnMessage, type UpdatesFleet } from './updates-clients.js'
import type { FanInResult, OutageResult, ParentCue, UpdatesChildArgs, UpdatesChildMessage } from './updates-protocol.js'

const args = JSON.parse(process.env['BENCH_UPDATES_ARGS'] ?? '{}') as UpdatesChildArgs
const send = (m: UpdatesChildMessage): void => void process.send?.(m)
const hrtimeMs = (): number => Number(process.hrtime.bigint()) / 1e6
const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** The phase being counted (fan-in), or null between phases. */
let phase: { prefix: string; accounts: number; seen: Set<string>; duplicates: number; expected: number; onAll: () => void } | null = null
const onFanIn: OnMessage = (account, text) => {
  const p = phase
  if (p === null || account >= p.accounts || !text.startsWith(p.prefix)) return
  const key = `${account}|${text}`
  if (p.seen.has(key)) p.duplicates++
  else {
    p.seen.add(key)
    if (p.seen.size === p.expected) p.onAll()
  }
}

/** The outage account's messages `o<k>` handled so far, and the catch-up being timed. */
const outageSeen = new Set<number>()
let outageWait: { upTo: number; onAll: () => void } | null = null
const onOutage: OnMessage = (_account, text) => {
  if (!text.startsWith('o')) return
  outageSeen.add(Number(text.slice(1)))
  const w = outageWait
  if (w !== null && allBelow(w.upTo)) w.onAll()
}
function allBelow(upTo: number): boolean {
  if (outageSeen.size < upTo) return false
  for (let k = 0; k < upTo; k++) if (!outageSeen.has(k)) return false
  return true
}

function fleetOf(hello: UpdatesChildArgs['direct'], store: string, onMessage: OnMessage): Promise<UpdatesFleet> {
  switch (args.kind) {
    case 'ours':
      return oursFleet(hello, join(args.dir, store), onMessage)
    case 'mtcute':
      return mtcuteFleet(hello, onMessage)
    case 'gramjs':
      return gramjsFleet(hello, onMessage)
  }
}

function timeout(ms: number): Promise<'timeout'> {
  return new Promise((r) => setTimeout(() => r('timeout'), ms).unref())
}

async function fanIn(fleet: UpdatesFleet, cue: Extract<ParentCue, { type: 'go' }>): Promise<FanInResult> {
  let onAll!: () => void
  const all = new Promise<'all'>((r) => (onAll = () => r('all')))
  global.gc?.()
  const profiler = args.profileDir === undefined ? undefined : new Session()
  if (profiler !== undefined) {
    profiler.connect()
    await profiler.post('Profiler.enable')
    await profiler.post('Profiler.start')
  }
  const commits0 = fleet.commits()
  const cpu0 = cpuMs()
  const t0 = performance.now()
  phase = { prefix: cue.prefix, accounts: cue.accounts, seen: new Set(), duplicates: 0, expected: cue.expected, onAll }
  send({ type: 'going' })
  const outcome = await Promise.race([all.then(() => fleet.settled()).then(() => 'all' as const), timeout(cue.timeoutMs)])
  const wallMs = performance.now() - t0
  const cpu = cpuMs() - cpu0
  if (profiler !== undefined && args.profileDir !== undefined) {
    // NB: stopped after the CPU reading: serialising the profile is not the phase's work.
    const { profile } = await profiler.post('Profiler.stop')
    profiler.disconnect()
    mkdirSync(args.profileDir, { recursive: true })
    writeFileSync(join(args.profileDir, `updates-${args.kind}-${cue.accounts}.cpuprofile`), JSON.stringify(profile))
  }
  const p = phase
  phase = null
  const commits1 = fleet.commits()
  return {
    accounts: cue.accounts,
    expected: cue.expected,
    handled: p.seen.size,
    duplicates: p.duplicates,
    wallMs,
    cpuMs: cpu,
    commits: commits0 === undefined || commits1 === undefined ? undefined : commits1 - commits0,
    complete: outcome === 'all',
  }
}

async function outage(fleet: UpdatesFleet, cue: Extract<ParentCue, { type: 'back' }>): Promise<OutageResult> {
  let onAll!: () => void
  const all = new Promise<'all'>((r) => (onAll = () => r('all')))
  outageWait = { upTo: cue.upTo, onAll }
  if (allBelow(cue.upTo)) onAll()
  const handled = await Promise.race([all, timeout(cue.timeoutMs)])
  const handledAt = hrtimeMs()
  outageWait = null
  let committedMs: number | undefined
  if (handled === 'all' && args.kind === 'ours') {
    await fleet.settled()
    committedMs = hrtimeMs() - cue.atMs
  }
  let missing = 0
  for (let k = 0; k < cue.upTo; k++) if (!outageSeen.has(k)) missing++
  let handledAfterBack = 0
  for (const k of outageSeen) if (k >= cue.upTo) handledAfterBack++
  const connectedAt = fleet.connectedAtMs()
  return {
    upTo: cue.upTo,
    handledMs: handled === 'all' ? handledAt - cue.atMs : undefined,
    committedMs,
    missing,
    reconnectedMs: connectedAt === undefined || connectedAt < cue.atMs ? undefined : connectedAt - cue.atMs,
    handledAfterBack,
  }
}

async function main(): Promise<void> {
  const progress = (text: string): void => send({ type: 'progress', text })
  const fleet = await fleetOf(args.direct, 'fan-in.lmdb', onFanIn)
  const fleets = [fleet]
  await fleet.login(args.phones, progress)
  let relayed: UpdatesFleet | undefined
  if (args.outagePhone !== undefined) {
    relayed = await fleetOf(args.relayed, 'outage.lmdb', onOutage)
    fleets.push(relayed)
    await relayed.login([args.outagePhone], progress)
  }
  const cues: ParentCue[] = []
  let wake: (() => void) | undefined
  process.on('message', (raw: unknown) => {
    cues.push(raw as ParentCue)
    wake?.()
  })
  send({ type: 'ready' })
  for (;;) {
    while (cues.length === 0) await new Promise<void>((r) => (wake = r))
    const cue = cues.shift() as ParentCue
    if (cue.type === 'stop') break
    if (cue.type === 'go') send({ type: 'fanIn', result: await fanIn(fleet, cue) })
    else {
      if (relayed === undefined) throw new Error('no outage account in this run')
      send({ type: 'outage', result: await outage(relayed, cue) })
    }
  }
  await Promise.all(fleets.map((f) => f.close()))
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    send({ type: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) })
    setTimeout(() => process.exit(1), 100)
  },
)
