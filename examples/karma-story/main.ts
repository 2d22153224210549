// `npm start [-- --users N] [--store PATH] [--faults] [--seed N] [--events N] [--rerun]`: the seed
// story end to end on the embedded test DC — N site users authorize their own Telegram accounts
// through the engine, an admin makes one private chat per group, a seeded karma stream joins each
// user who passes the threshold to their group's chat (by their own session, exactly once) and the
// admin greets them; then the world is checked. Wiring and reporting only: the story is story.ts,
// the engine is @mtswarm/engine, the server is the test DC. --inspect serves the live inspector. MTSWARM_TRACE=<accountId> prints that
// account's engine events on stderr. `npm start -- --help` prints the usage, with where the store key
// comes from.
import { parseArgs } from 'node:util'
import {
  MtSwarmError,
  RpcError,
  TimeoutError,
  TransportError,
  createEngine,
  startInspector,
  type Account,
  type Engine,
  type Inspector,
} from '@mtswarm/engine'
import type { tl } from '@mtswarm/engine/tl'
import {
  STORE_KEY_ENV,
  STORE_KEY_FILE_ENV,
  StoreError,
  createMemoryStore,
  openLmdbStore,
  type LmdbStoreOptions,
  type SessionStore,
} from '@mtswarm/storage'
import { type FaultConfig, startTestDc, type TestDc, TestDcStateError } from '@mtswarm/testdc'
import { sharedRsaKeyPem } from '@mtswarm/testdc/testing'
import { startProgress } from './progress.js'
import { GROUPS, KARMA_THRESHOLD, adminPhone, makeKarmaEvents, makeUsers, type Group, type SiteUser } from './story.js'

/** Faults turned on by --faults: transport and session trouble the engine must ride through. */
export const START_FAULTS: FaultConfig = {
  dropProbability: 0.002,
  duplicateProbability: 0.01,
  reorderProbability: 0.01,
  badServerSaltNext: 3,
  saltPeriodMs: 2000,
  jitterMs: 3,
}
/** Calls in flight at once from the story (logins, joins). */
const CONCURRENCY = 256
/** Attempts per story step when the failure is transient (transport, timeout). */
const STEP_ATTEMPTS = 3
const DEFAULT_DC_ID = 1
const DC_COUNT = 3

const USAGE = `usage: npm start -- [--users N] [--store PATH] [--faults] [--seed N] [--events N] [--rerun] [--inspect] [--help]

  --users N     site users who authorize their own accounts (default 100)
  --store PATH  keep the engine's sessions in an LMDB store at PATH (default: in memory), and the
                embedded test DC's state next to it in PATH.testdc, so a second run reuses both.
                The store is sealed (auth keys, accounts, DC options: AES-256-GCM). Its key comes
                from \$${STORE_KEY_ENV} (64 hex chars or base64), else the file named by
                \$${STORE_KEY_FILE_ENV}, else PATH.key, created (mode 0600) on first use.
                NB: a key file beside the store only protects against the store file leaking
                alone; keep the key elsewhere (or in the environment) for more. An older
                plaintext store at PATH is re-sealed when opened.
  --faults      inject transport and session faults the engine must ride through
  --seed N      seed of the story's randomness (default 1)
  --events N    karma events (default 20 per user)
  --rerun       a second pass: a new engine on the same store, which must log nobody in again
  --inspect     serve the live inspector on loopback (its URL, with the token, is printed first;
                port from MTSWARM_INSPECT_PORT, else a free one) and keep it open after the story
                until Ctrl-C
`

/**
 * How --store PATH is opened: sealed, with the key from the environment when it names one, else
 * from PATH.key, which is created on first use.
 */
function startStoreOptions(path: string, env: Readonly<Record<string, string | undefined>>): LmdbStoreOptions {
  const fromEnv = (env[STORE_KEY_ENV] ?? '') !== '' || (env[STORE_KEY_FILE_ENV] ?? '') !== ''
  return { path, verify: 'none', env, ...(fromEnv ? {} : { keyFile: `${path}.key`, createKeyFile: true }) }
}

interface Args {
  help: boolean
  users: number
  store: string | undefined
  faults: boolean
  seed: number
  events: number
  rerun: boolean
  inspect: boolean
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      users: { type: 'string' },
      store: { type: 'string' },
      faults: { type: 'boolean' },
      seed: { type: 'string' },
      events: { type: 'string' },
      rerun: { type: 'boolean' },
      inspect: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  const int = (name: string, v: string | undefined, dflt: number, min: number): number => {
    if (v === undefined) return dflt
    const n = Number(v)
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`)
    return n
  }
  const users = int('users', values.users, 100, 1)
  return {
    help: values.help === true,
    users,
    store: values.store,
    faults: values.faults === true,
    seed: int('seed', values.seed, 1, 0),
    events: int('events', values.events, users * 20, 0),
    rerun: values.rerun === true,
    inspect: values.inspect === true,
  }
}

/** What the website keeps between passes: chats, invites, karma, who was joined and greeted. */
interface Site {
  readonly users: SiteUser[]
  readonly chats: Map<Group, { chatId: bigint; hash: string }>
  readonly karma: number[]
  readonly joined: Set<number>
  readonly greeted: Set<number>
}

/** The site as saved in the test DC's state file (`--store PATH` → PATH.testdc) between processes. */
interface SavedSite {
  readonly users: number
  readonly seed: number
  /** Passes run so far: the next pass draws its karma stream with this seed offset. */
  readonly passes: number
  readonly chats: ReadonlyArray<readonly [Group, { chatId: bigint; hash: string }]>
  readonly karma: readonly number[]
  readonly joined: readonly number[]
  readonly greeted: readonly number[]
}

function saveSite(site: Site, args: Args, passes: number): SavedSite {
  return { users: args.users, seed: args.seed, passes, chats: [...site.chats], karma: site.karma, joined: [...site.joined], greeted: [...site.greeted] }
}

interface PassFigures {
  label: string
  accounts: number
  loginSeconds: number
  handshakes: number
  logins: number
  reused: number
  twoFa: number
  migrated: number
  joins: number
  greetings: number
  rpcOk: number
  rpcFailed: number
  seconds: number
  p50: number
  p99: number
  heapPerAccount: number
  resends: number
  badSalts: number
  dcDowns: number
  /** Connection drops by reason (digits folded to N), most frequent first. */
  dropReasons: [string, number][]
}

async function limited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** Retries a story step on transient failures (the engine already resent inside; this is the site's retry). */
async function step<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (e) {
      const transient = e instanceof TransportError || e instanceof TimeoutError || (e instanceof RpcError && e.code === 500)
      if (!transient || attempt >= STEP_ATTEMPTS) throw e
    }
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

function heapUsed(): number {
  ;(globalThis as { gc?: () => void }).gc?.()
  return process.memoryUsage().heapUsed
}

/** Logs `acc` in as `user` (code, 2FA), or reuses its stored authorization. */
async function authorize(acc: Account, phone: string, password: string | undefined, f: PassFigures): Promise<void> {
  const s = await acc.ready()
  if (s.state === 'authorized') {
    try {
      await acc.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })
      f.reused++
      return
    } catch (e) {
      if (!(e instanceof RpcError && e.code === 401)) throw e
      // The server no longer knows this authorization (a fresh test DC): log in again.
      await waitState(acc, (x) => x !== 'authorized')
    }
  }
  await step(() => acc.sendCode(phone))
  const r = await acc.signIn(phone.charAt(5).repeat(5))
  if (r.status === 'passwordNeeded') {
    if (password === undefined) throw new Error(`${phone}: 2FA asked for a user without a password`)
    await acc.checkPassword(password)
    f.twoFa++
  } else if (r.status === 'signUpRequired') {
    await acc.signUp('Site', phone)
  }
}

function waitState(acc: Account, pred: (state: string) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const sub = acc.state$.subscribe((s) => {
      if (!pred(s.state)) return
      queueMicrotask(() => sub.unsubscribe())
      resolve()
    })
  })
}

/** The live inspector, with --inspect. */
let inspector: Inspector | undefined

async function runPass(label: string, args: Args, dc: TestDc, site: Site, seedOffset: number): Promise<PassFigures> {
  const store: SessionStore = args.store === undefined ? createMemoryStore() : await openLmdbStore(startStoreOptions(args.store, process.env))
  const heap0 = heapUsed()
  const engine: Engine = createEngine({
    apiId: 20_000,
    apiHash: '0123456789abcdef0123456789abcdef',
    store,
    dcs: dc.dcs,
    defaultDcId: DEFAULT_DC_ID,
    publicKeys: [dc.publicKeyPem],
    deviceModel: 'mtswarm npm start',
    ...(inspector === undefined ? {} : { inspect: inspector.inspect }),
  })
  const t0 = performance.now()
  let durations = new Float64Array(4096)
  let n = 0
  const f: PassFigures = {
    label,
    accounts: site.users.length + 1,
    loginSeconds: 0,
    handshakes: 0,
    logins: 0,
    reused: 0,
    twoFa: 0,
    migrated: 0,
    joins: 0,
    greetings: 0,
    rpcOk: 0,
    rpcFailed: 0,
    seconds: 0,
    p50: 0,
    p99: 0,
    heapPerAccount: 0,
    resends: 0,
    badSalts: 0,
    dcDowns: 0,
    dropReasons: [],
  }
  const dropReasons = new Map<string, number>()
  engine.events$.subscribe((e) => {
    if (e.type === 'dc.down' || e.type === 'dc.failed') {
      const reason = e.reason.replace(/\d+/g, 'N')
      dropReasons.set(reason, (dropReasons.get(reason) ?? 0) + 1)
    }
    if (process.env.MTSWARM_TRACE === (e as { accountId?: string }).accountId) process.stderr.write(`${(performance.now() - t0).toFixed(0).padStart(6)} ${JSON.stringify(e, (_k, v) => (typeof v === "bigint" ? String(v) : v))}\n`)
    if (e.type === 'rpc.settled') {
      if (n === durations.length) {
        const bigger = new Float64Array(n * 2)
        bigger.set(durations)
        durations = bigger
      }
      durations[n++] = e.durationMs
    } else if (e.type === 'account.migrated') f.migrated++
  })
  let phase = 'login'
  let ready = 0
  let karmaDone = 0
  const progress = startProgress(() => {
    const c = engine.counters
    const total = phase === 'login' ? f.accounts : site.users.length
    const done = phase === 'login' ? ready : karmaDone
    return {
      phase: `${label}:${phase}`,
      done,
      total: phase === 'karma' ? Math.max(1, args.events) : total,
      detail: `handshakes ${c.handshakes} logins ${c.logins} joins ${f.joins} rpc ${c.rpcOk + c.rpcFailed}`,
    }
  })
  try {
    // 1. Every site user (and the admin) authorizes their own account.
    const admin = engine.account('site-admin')
    await step(() => authorize(admin, adminPhone(DEFAULT_DC_ID), undefined, f))
    ready++
    await limited(site.users, CONCURRENCY, async (u) => {
      await authorize(engine.account(u.accountId), u.phone, u.password, f)
      ready++
    })
    f.loginSeconds = (performance.now() - t0) / 1000

    // 2. The admin makes one private chat per group and exports its invite link (once per site).
    for (const g of GROUPS) {
      if (site.chats.has(g)) continue
      const created = await step(() => admin.invoke({ _: 'messages.createChat', users: [], title: `mtswarm ${g}` }))
      const chat = (created.updates as tl.RawUpdates).chats[0]
      if (chat === undefined) throw new Error('messages.createChat returned no chat')
      const invite = await step(() => admin.invoke({ _: 'messages.exportChatInvite', peer: { _: 'inputPeerChat', chatId: chat.id } }))
      if (invite._ !== 'chatInviteExported') throw new Error(`exportChatInvite returned ${invite._}`)
      site.chats.set(g, { chatId: chat.id, hash: invite.link.slice(invite.link.lastIndexOf('+') + 1) })
    }

    // 3. The karma stream: a user who passes the threshold joins by their own session, once.
    progress.now()
    phase = 'karma'
    const inFlight = new Set<Promise<void>>()
    const failures: unknown[] = []
    const join = async (u: SiteUser): Promise<void> => {
      const chat = site.chats.get(u.group)!
      const acc = engine.account(u.accountId)
      await step(async () => {
        try {
          await acc.invoke({ _: 'messages.importChatInvite', hash: chat.hash })
        } catch (e) {
          // A resent import the server had already applied: the user is in, which is the point.
          if (!(e instanceof RpcError && e.is('USER_ALREADY_PARTICIPANT'))) throw e
        }
      })
      site.joined.add(u.index)
      f.joins++
      await step(() =>
        admin.invoke({
          _: 'messages.sendMessage',
          peer: { _: 'inputPeerChat', chatId: chat.chatId },
          message: `Welcome, ${u.name}! Your karma passed ${KARMA_THRESHOLD}.`,
          // NB: one random_id per greeting, so a resend can never greet twice.
          randomId: (BigInt(args.seed) << 32n) | BigInt(u.index + 1),
        }),
      )
      site.greeted.add(u.index)
      f.greetings++
    }
    const events = makeKarmaEvents(args.events, site.users.length, args.seed + seedOffset)
    const pending = new Set<number>()
    for (const ev of events) {
      site.karma[ev.userIndex] = (site.karma[ev.userIndex] ?? 0) + ev.delta
      karmaDone++
      if (site.karma[ev.userIndex]! < KARMA_THRESHOLD || site.joined.has(ev.userIndex) || pending.has(ev.userIndex)) continue
      pending.add(ev.userIndex)
      const p: Promise<void> = join(site.users[ev.userIndex]!).then(
        () => void inFlight.delete(p),
        (e: unknown) => {
          inFlight.delete(p)
          failures.push(e)
        },
      )
      inFlight.add(p)
      // NB: backpressure on the stream: at most CONCURRENCY joins in flight. Race only the
      // unsettled ones (racing settled promises would spin the microtask queue forever).
      while (inFlight.size >= CONCURRENCY) await Promise.race(inFlight)
      if (failures.length > 0) break
    }
    await Promise.all(inFlight)
    if (failures.length > 0) throw failures[0]

    f.seconds = (performance.now() - t0) / 1000
    const sorted = durations.slice(0, n).sort()
    f.p50 = percentile(sorted, 50)
    f.p99 = percentile(sorted, 99)
    f.heapPerAccount = Math.max(0, heapUsed() - heap0) / f.accounts
  } finally {
    progress.stop()
    const c = engine.counters
    f.handshakes = c.handshakes
    f.logins = c.logins
    f.rpcOk = c.rpcOk
    f.rpcFailed = c.rpcFailed
    f.dcDowns = c.dcDowns
    f.dropReasons = [...dropReasons].sort((a, b) => b[1] - a[1])
    f.resends = engine.runtimeStats.resends
    f.badSalts = engine.runtimeStats.badServerSalts
    await engine.stop()
  }
  return f
}

function printPass(f: PassFigures, out: (s: string) => void): void {
  const rpcs = f.rpcOk + f.rpcFailed
  out(`${f.label}: ${f.accounts} accounts ready in ${f.loginSeconds.toFixed(2)} s (${(f.accounts / Math.max(f.loginSeconds, 1e-3)).toFixed(1)} accounts/s)`)
  out(`  ${f.handshakes} handshakes, ${f.logins} logins (${f.twoFa} with 2FA, ${f.migrated} moved by PHONE_MIGRATE), ${f.reused} sessions reused from the store`)
  out(`  ${f.joins} joins, ${f.greetings} greetings`)
  out(
    `  ${rpcs} RPCs (${f.rpcFailed} answered with an error, e.g. SESSION_PASSWORD_NEEDED), ${(rpcs / Math.max(f.seconds, 1e-3)).toFixed(0)} RPC/s, ` +
      `latency p50 ${f.p50.toFixed(1)} ms p99 ${f.p99.toFixed(1)} ms`,
  )
  out(`  heap ${(f.heapPerAccount / 1024).toFixed(1)} KiB per account; recovered: ${f.resends} resends, ${f.badSalts} bad server salts, ${f.dcDowns} connection drops${
    f.dropReasons.length === 0 ? '' : ` (${f.dropReasons.slice(0, 3).map(([r, n]) => `${n} ${r}`).join(', ')})`
  }`)
}

/** The world after the story: each qualifying user in their group's chat exactly once, nobody else. */
function checkWorld(dc: TestDc, site: Site): { ok: boolean; lines: string[] } {
  const lines: string[] = []
  const problems: string[] = []
  const world = dc.world
  const joinsBy = new Map<string, number>()
  for (const m of world.membershipLog()) {
    if (m.kind !== 'join' || m.peer.type !== 'chat') continue
    const k = `${m.peer.id}/${m.userId}`
    joinsBy.set(k, (joinsBy.get(k) ?? 0) + 1)
  }
  let qualifying = 0
  let below = 0
  for (const u of site.users) {
    const id = world.userByPhone(u.phone)?.id
    if (id === undefined) {
      problems.push(`${u.accountId}: no such user in the world`)
      continue
    }
    const qualifies = (site.karma[u.index] ?? 0) >= KARMA_THRESHOLD || site.joined.has(u.index)
    if (qualifies) qualifying++
    else below++
    for (const g of GROUPS) {
      const chat = site.chats.get(g)
      if (chat === undefined) continue
      const member = world.membersOf({ type: 'chat', id: chat.chatId }).includes(id)
      const joins = joinsBy.get(`${chat.chatId}/${id}`) ?? 0
      const should = qualifies && g === u.group
      if (should && (!member || joins !== 1)) problems.push(`${u.accountId} (${g}): member=${member}, joins=${joins}; expected member once`)
      if (!should && (member || joins !== 0)) problems.push(`${u.accountId}: in ${g} but ${qualifies ? `belongs to ${u.group}` : 'below the threshold'}`)
    }
    if (qualifies && !site.greeted.has(u.index)) problems.push(`${u.accountId}: joined but not greeted`)
  }
  if (problems.length === 0) {
    lines.push(`check: OK — ${qualifying} qualifying users each in their group's chat exactly once (and greeted); ${below} below the threshold in none`)
  } else {
    lines.push(`check: FAILED — ${problems.length} problem(s):`)
    for (const p of problems.slice(0, 20)) lines.push(`  ${p}`)
  }
  return { ok: problems.length === 0, lines }
}

async function main(): Promise<number> {
  let args: Args
  try {
    args = parse(process.argv.slice(2))
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}`)
    return 2
  }
  if (args.help) {
    process.stdout.write(USAGE)
    return 0
  }
  if (args.inspect) {
    inspector = await startInspector({ port: Number(process.env['MTSWARM_INSPECT_PORT'] ?? 0) })
    process.stdout.write(`inspector: ${inspector.url}\n`)
  }
  // With --store, the embedded test DC keeps its state (keys, logins, world, the site) next to the
  // engine's store, so a second run reuses both; saved on exit, also on SIGINT.
  const statePath = args.store === undefined ? undefined : `${args.store}.testdc`
  let site: Site | undefined
  let passesDone = 0
  let dc: TestDc
  try {
    dc = await startTestDc({
      dcCount: DC_COUNT,
      seed: args.seed,
      rsaPrivateKeyPem: sharedRsaKeyPem(),
      faults: args.faults ? START_FAULTS : {},
      ...(statePath === undefined
        ? {}
        : { statePath, appState: () => (site === undefined ? dc.restored?.app : saveSite(site, args, passesDone)) }),
    })
  } catch (e) {
    if (!(e instanceof TestDcStateError)) throw e
    process.stderr.write(`${e.message}\n`)
    return 2
  }
  process.once('SIGINT', () => {
    process.stderr.write(`\ninterrupted${statePath === undefined ? '' : `: saving the test DC state to ${statePath}`}\n`)
    void dc.close().finally(() => process.exit(130))
  })
  const out = (s: string): void => void process.stdout.write(`${s}\n`)
  try {
    const users = makeUsers(args.users, args.seed, dc.dcs.map((d) => d.id), DEFAULT_DC_ID)
    const saved = dc.restored?.app as SavedSite | undefined
    if (saved !== undefined && (saved.users !== args.users || saved.seed !== args.seed)) {
      process.stderr.write(
        `test DC state file ${statePath}: written by a run with --users ${saved.users} --seed ${saved.seed}; run with those, or delete it to start fresh\n`,
      )
      return 2
    }
    for (const spec of [
      { phone: adminPhone(DEFAULT_DC_ID), firstName: 'Site', lastName: 'Admin' },
      ...users.map((u) => ({ phone: u.phone, firstName: u.name, ...(u.password === undefined ? {} : { password: u.password }) })),
    ]) {
      if (dc.world.userByPhone(spec.phone) === undefined) dc.world.presetUser(spec)
    }
    site = {
      users,
      chats: new Map(saved?.chats ?? []),
      karma: saved === undefined ? users.map(() => 0) : [...saved.karma],
      joined: new Set(saved?.joined ?? []),
      greeted: new Set(saved?.greeted ?? []),
    }
    passesDone = saved?.passes ?? 0
    out(
      `mtswarm start — ${args.users} site users on ${DC_COUNT} test DCs (seed ${args.seed}, ${args.events} karma events, threshold ${KARMA_THRESHOLD}, ` +
        `faults ${args.faults ? 'on' : 'off'}, store ${args.store ?? 'memory'})`,
    )
    const r = dc.restored
    if (r !== undefined) {
      out(`test DC state: restored from ${r.path} (${r.authKeys} auth keys, ${r.users} users, ${site.joined.size} joined; saved ${r.generation} time(s) before)`)
    } else if (statePath !== undefined) {
      out(`test DC state: none at ${statePath}, starting empty (saved there on exit)`)
    }
    const passes = [await runPass('run', args, dc, site, passesDone)]
    passesDone++
    if (args.rerun) {
      passes.push(await runPass('rerun', args, dc, site, passesDone))
      passesDone++
    }
    for (const p of passes) printPass(p, out)
    const faults = Object.entries(dc.stats.faults)
    out(`test DC faults fired: ${faults.length === 0 ? 'none' : faults.map(([k, v]) => `${k} ${v}`).join(', ')}`)
    const check = checkWorld(dc, site)
    for (const l of check.lines) out(l)
    if (inspector !== undefined) {
      out(`inspector: still open at ${inspector.url} — Ctrl-C ends`)
      await new Promise<never>(() => {})
    }
    return check.ok ? 0 : 1
  } catch (e) {
    if (e instanceof StoreError) {
      process.stderr.write(`\nthe store refused: ${e.message}\n`)
      return 2
    }
    process.stderr.write(`\nstory failed: ${e instanceof MtSwarmError ? `${e.name} (${e.kind}): ${e.message}` : String((e as Error)?.stack ?? e)}\n`)
    return 1
  } finally {
    await dc.close()
  }
}

process.exitCode = await main()
