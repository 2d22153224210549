// What the inspector costs the engine per call: one authorized account on the test DC runs
// help.getConfig 64 in flight without `inspect`, with a no-op `inspect` (the engine's own share:
// every call gets an rpcMachine actor) and with an inspector attached and one viewer reading its
// stream; it prints this process's CPU per call for each.
// Run: npx tsx test/src/inspector/inspector-cost.ts [calls=5000]
import { startInspector, type Engine } from '@mtswarm/engine'
import { engineOn, startDc } from '../engine/harness.js'

const CALLS = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5_000)
const IN_FLIGHT = 64

async function run(label: string, engine: Engine): Promise<void> {
  const acc = engine.account('cost-1')
  await acc.ready()
  await acc.sendCode('9996610001')
  const r = await acc.signIn('11111')
  if (r.status === 'signUpRequired') await acc.signUp('Cost')
  for (let i = 0; i < 200; i++) await acc.invoke({ _: 'help.getConfig' }) // warm-up
  let started = 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (started < CALLS) {
        started++
        await acc.invoke({ _: 'help.getConfig' })
      }
    }),
  )
  const cpu = process.cpuUsage(cpu0)
  const ms = performance.now() - t0
  console.log(`${label}: ${CALLS} calls in ${Math.round(ms)} ms, ${Math.round(CALLS / (ms / 1000))} calls/s, process CPU ${Math.round(((cpu.user + cpu.system) / CALLS) * 10) / 10} µs per call (client and test DC in one process)`)
}

const dc = await startDc({ dcCount: 2 })
try {
  const plain = engineOn(dc).engine
  await run('without inspector', plain)
  await plain.stop()
  // A no-op hook: what the engine itself pays once anything inspects (an rpcMachine actor per call).
  const noop = engineOn(dc, undefined, { inspect: () => {} }).engine
  await run('with a no-op inspect hook', noop)
  await noop.stop()
  const insp = await startInspector({ port: 0 })
  const viewer = new AbortController()
  const res = await fetch(insp.url.replace('/?', '/events?'), { signal: viewer.signal })
  void res.body?.pipeTo(new WritableStream()).catch(() => {})
  const inspected = engineOn(dc, undefined, { inspect: insp.inspect }).engine
  await run('with inspector + 1 viewer', inspected)
  await inspected.stop()
  viewer.abort()
  console.log(JSON.stringify(insp.stats()))
  await insp.close()
} finally {
  await dc.close()
}
