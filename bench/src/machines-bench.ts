// Cost of the XState actors: µs per RPC lifecycle (createActor+start → sent → acked → done) and
// retained heap per idle account actor with one ready DC connection child.
// Run: npm run bench -w @mtswarm/bench -- machines   (or: node --expose-gc --import tsx bench/src/machines-bench.ts)
import { performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createActor, createMachine, fromCallback, getInitialSnapshot, setup, spawnChild, transition } from 'xstate'
import type { AnyActorRef } from 'xstate'
import { accountMachine, dcConnectionMachine, rpcMachine } from '@mtswarm/machines'

const RPC_COUNT = 100_000
const ACCOUNT_COUNT = 10_000
/** NB: xstate copies a parent's `children` record on every spawn (O(n²) for n children). */
const SHARED_SYSTEM_ACCOUNT_COUNT = 2_000
const PURE_TRANSITION_COUNT = 20_000
const TARGET_US_PER_RPC = 10
const TARGET_BYTES_PER_ACCOUNT = 8 * 1024

const noop = () => {}
const quietRpc = rpcMachine.provide({
  actions: { enqueue: noop, dequeue: noop, dropAnswer: noop, settle: noop, notifyMigrated: noop },
})

/** xstate's Clock (not exported by name). */
interface Clock {
  setTimeout(fn: (...args: any[]) => void, timeout: number): any
  clearTimeout(id: any): void
}

/** A clock that never fires: isolates the machine cost from node's timer cost. */
const nullClock: Clock = { setTimeout: () => 0, clearTimeout: noop }

function gcFn(): () => void {
  const g = (globalThis as { gc?: () => void }).gc
  if (g) return g
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

function rpcLifecycles(count: number, clock: Clock | undefined): number {
  const t0 = performance.now()
  for (let i = 0; i < count; i++) {
    const actor = createActor(quietRpc, { input: { requestId: i, method: 'bench', dcId: 2 }, ...(clock ? { clock } : {}) })
    actor.start()
    const msgId = BigInt(i) << 2n
    actor.send({ type: 'rpc.sent', msgId })
    actor.send({ type: 'rpc.acked', msgId })
    actor.send({ type: 'rpc.resultReceived', msgId, result: i })
    if (actor.getSnapshot().status !== 'done') throw new Error('rpc did not settle')
  }
  return ((performance.now() - t0) * 1000) / count
}

/** Baseline: the smallest useful machine (3 states, 2 events), to separate XState's floor from ours. */
const tinyMachine = createMachine({ initial: 'a', states: { a: { on: { go: 'b' } }, b: { on: { go: 'c' } }, c: { type: 'final' } } })
function tinyLifecycles(count: number): number {
  const t0 = performance.now()
  for (let i = 0; i < count; i++) {
    const actor = createActor(tinyMachine, { clock: nullClock }).start()
    actor.send({ type: 'go' })
    actor.send({ type: 'go' })
  }
  return ((performance.now() - t0) * 1000) / count
}

/** CPU calibration: ms for 1e7 Math.sqrt adds (≈10–15 ms on an idle modern core). */
function calibrationMs(): number {
  let x = 0
  const t0 = performance.now()
  for (let i = 0; i < 1e7; i++) x += Math.sqrt(i)
  if (x < 0) throw new Error('unreachable')
  return performance.now() - t0
}

function rpcPureTransitions(count: number): number {
  const t0 = performance.now()
  for (let i = 0; i < count; i++) {
    let s = getInitialSnapshot(quietRpc, { requestId: i, method: 'bench', dcId: 2 })
    const msgId = BigInt(i) << 2n
    ;[s] = transition(quietRpc, s, { type: 'rpc.sent', msgId })
    ;[s] = transition(quietRpc, s, { type: 'rpc.acked', msgId })
    ;[s] = transition(quietRpc, s, { type: 'rpc.resultReceived', msgId, result: i })
    if (s.status !== 'done') throw new Error('rpc did not settle')
  }
  return ((performance.now() - t0) * 1000) / count
}

const quietConnection = dcConnectionMachine.provide({
  actors: { socket: fromCallback(({ sendBack }) => sendBack({ type: 'socket.connected' })) },
  actions: {
    storeSalt: noop,
    storeFutureSalts: noop,
    requestFutureSalts: noop,
    resendMessages: noop,
    requeueInFlight: noop,
    failMessages: noop,
    applyTimeOffset: noop,
    resetSession: noop,
    notifyNewSession: noop,
    sendPing: noop,
    flushAcks: noop,
    failHeldCalls: noop,
  },
})
// The account's connection is its child, as the engine makes it (openDc → a child machine).
const quietAccount = accountMachine.provide({
  actions: {
    saveAuthorization: noop,
    dropAuthorization: noop,
    openDc: ({ self }, p) => {
      const c = createActor(quietConnection, { parent: self, id: `dc:${p.accountId}/${p.dcId}`, input: { dcId: p.dcId, authKeyId: p.authKeyId } })
      c.start()
      c.send({ type: 'connection.open' })
    },
  },
})

/** The engine topology: one root actor (one actor system) owning every account as a child. */
const engineRoot = setup({
  types: { events: {} as { type: 'account.add'; accountId: string; n: number } },
  actors: { account: quietAccount },
}).createMachine({
  on: {
    'account.add': {
      actions: spawnChild('account', {
        id: ({ event }) => event.accountId,
        input: ({ event }) => ({
          accountId: event.accountId,
          homeDcId: 2,
          authKeyIds: { 2: BigInt(event.n + 1) },
          userId: BigInt(event.n + 1),
        }),
      }),
    },
  },
})

async function idleAccountBytesSharedSystem(count: number): Promise<number> {
  const gc = gcFn()
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setImmediate(r))
      gc()
    }
  }
  await settle()
  const before = process.memoryUsage().heapUsed
  const root = createActor(engineRoot, { clock: nullClock }).start()
  for (let i = 0; i < count; i++) {
    root.send({ type: 'account.add', accountId: `acc${i}`, n: i })
    root.getSnapshot().children[`acc${i}`]?.send({ type: 'account.start' })
  }
  await settle()
  const after = process.memoryUsage().heapUsed
  const sample = root.getSnapshot().children['acc0']?.getSnapshot()
  if (sample?.value !== 'authorized') throw new Error(`account not idle: ${JSON.stringify(sample?.value)}`)
  root.stop()
  return (after - before) / count
}

async function idleAccountBytes(count: number, clock: Clock | undefined): Promise<number> {
  const gc = gcFn()
  const actors: AnyActorRef[] = []
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setImmediate(r))
      gc()
    }
  }
  await settle()
  const before = process.memoryUsage().heapUsed
  for (let i = 0; i < count; i++) {
    const a = createActor(quietAccount, {
      input: { accountId: `acc${i}`, homeDcId: 2, authKeyIds: { 2: BigInt(i + 1) }, userId: BigInt(i + 1) },
      ...(clock ? { clock } : {}),
    })
    a.start()
    a.send({ type: 'account.start' })
    actors.push(a)
  }
  await settle()
  const after = process.memoryUsage().heapUsed
  const sample = actors[0]?.getSnapshot()
  const child = sample?.children['dc-2']?.getSnapshot()
  if (sample?.value !== 'authorized' || !child?.matches({ online: 'ready' })) {
    throw new Error(`accounts not idle-ready: ${JSON.stringify(sample?.value)} / ${JSON.stringify(child?.value)}`)
  }
  for (const a of actors) a.stop()
  return (after - before) / count
}

export interface MachinesBenchResult {
  calibrationMs: number
  usPerTinyLifecycle: number
  usPerRpcLifecycle: number
  usPerRpcLifecycleNullClock: number
  usPerRpcPureTransitions: number
  bytesPerIdleAccount: number
  bytesPerIdleAccountNullClock: number
  bytesPerIdleAccountSharedSystem: number
}

/** Runs both measurements and prints a small report. */
export async function runMachinesBench(): Promise<MachinesBenchResult> {
  rpcLifecycles(5_000, undefined) // warm-up
  rpcPureTransitions(5_000)
  tinyLifecycles(5_000)
  const result: MachinesBenchResult = {
    calibrationMs: calibrationMs(),
    usPerTinyLifecycle: tinyLifecycles(RPC_COUNT),
    usPerRpcLifecycle: rpcLifecycles(RPC_COUNT, undefined),
    usPerRpcLifecycleNullClock: rpcLifecycles(RPC_COUNT, nullClock),
    usPerRpcPureTransitions: rpcPureTransitions(PURE_TRANSITION_COUNT),
    bytesPerIdleAccount: await idleAccountBytes(ACCOUNT_COUNT, undefined),
    bytesPerIdleAccountNullClock: await idleAccountBytes(ACCOUNT_COUNT, nullClock),
    bytesPerIdleAccountSharedSystem: await idleAccountBytesSharedSystem(SHARED_SYSTEM_ACCOUNT_COUNT),
  }
  const ok = (v: number, target: number) => (v <= target ? 'ok' : 'OVER')
  console.log(`machines bench (node ${process.version}, xstate actors)`)
  console.log(`  cpu calibration: ${result.calibrationMs.toFixed(1)} ms for 1e7 sqrt (idle core ≈ 10–15 ms; more = loaded box)`)
  console.log(`  xstate floor: tiny 3-state machine, createActor+start+2 sends: ${result.usPerTinyLifecycle.toFixed(2)} µs`)
  console.log(
    `  rpc lifecycle, createActor+start → sent → acked → done, ${RPC_COUNT} RPCs:`,
  )
  console.log(
    `    real timers (the machine arms none: its deadline is the runtime's rpc.deadline event): ${result.usPerRpcLifecycle.toFixed(2)} µs/RPC  [target ${TARGET_US_PER_RPC}: ${ok(result.usPerRpcLifecycle, TARGET_US_PER_RPC)}]`,
  )
  console.log(`    null clock (machine cost only): ${result.usPerRpcLifecycleNullClock.toFixed(2)} µs/RPC`)
  console.log(`    pure transition() calls, no actor: ${result.usPerRpcPureTransitions.toFixed(2)} µs/RPC`)
  console.log(`  idle account (authorized) + one ready dcConnection child, ${ACCOUNT_COUNT} accounts:`)
  console.log(
    `    real timers: ${Math.round(result.bytesPerIdleAccount)} B/account  [target ${TARGET_BYTES_PER_ACCOUNT}: ${ok(result.bytesPerIdleAccount, TARGET_BYTES_PER_ACCOUNT)}]`,
  )
  console.log(`    null clock (no node timers): ${Math.round(result.bytesPerIdleAccountNullClock)} B/account`)
  console.log(
    `    children of one engine root (one actor system, ${SHARED_SYSTEM_ACCOUNT_COUNT} accounts), null clock: ${Math.round(result.bytesPerIdleAccountSharedSystem)} B/account`,
  )
  console.log('  (per account: account actor + dcConnection child + its invoked socket callback actor)')
  return result
}

if (import.meta.url === `file://${process.argv[1]}`) await runMachinesBench()
