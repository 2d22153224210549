// The inspector page at fleet sizes a test cannot log in within its budget: N real account
// machines (their effects stubbed: no sockets, no DC) report to a real inspector, half of them
// keep moving (dc.ready / dc.down every tick), and Chromium watches the page for a while.
// Prints the page's long tasks, the JSON sent and whether the page's counts matched.
// Run: npx tsx test/src/inspector/page-scale.ts [accounts=10000] [--for=20]
import { chromium } from 'playwright-core'
import { createActor, type AnyActorRef } from 'xstate'
import { accountMachine } from '@mtswarm/machines'
import { startInspector } from '@mtswarm/engine'

const accounts = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10_000)
const forSec = Number(/--for=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 20)
const MOVES_PER_TICK = 500
const TICK_MS = 100

const insp = await startInspector({ port: 0 })
const logic = accountMachine.provide({ actions: { openDc: () => {} } })
const refs: AnyActorRef[] = []
const t0 = performance.now()
for (let i = 0; i < accounts; i++) {
  const a = createActor(logic, { id: `account:site-${i}`, inspect: insp.inspect, input: { accountId: `site-${i}`, homeDcId: 1 + (i % 3), authKeyIds: { [1 + (i % 3)]: BigInt(i + 1) } } })
  a.start()
  a.send({ type: 'account.start' })
  if (i % 2 === 0) a.send({ type: 'dc.ready', dcId: 1 + (i % 3) })
  refs.push(a)
}
console.log(`${accounts} account actors in ${Math.round(performance.now() - t0)} ms; heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MB`)

const browser = await chromium.launch({
  executablePath: process.env['MTSWARM_CHROMIUM'] ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
})
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
await page.addInitScript(`
  window.longTasks = []
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.longTasks.push({ start: e.startTime, ms: e.duration }) }).observe({ type: 'longtask', buffered: true })
`)
await page.goto(insp.url)

// Half the fleet keeps moving between anonymous and keying while the page watches.
let k = 0
const tick = setInterval(() => {
  for (let n = 0; n < MOVES_PER_TICK; n++) {
    const i = (k++ * 2) % accounts
    const a = refs[i]!
    const s = String(a.getSnapshot().value)
    a.send(s === 'anonymous' ? { type: 'dc.down', dcId: 1 + (i % 3) } : { type: 'dc.ready', dcId: 1 + (i % 3) })
  }
}, TICK_MS)
await page.waitForTimeout(forSec * 1000)
clearInterval(tick)
await page.waitForTimeout(1500)
const shown = (await page.evaluate(`(() => { const o = {}; for (const s of document.querySelectorAll('#counts .count[data-kind="account"] span[data-state]')) if (getComputedStyle(s).display !== 'none') o[s.dataset.state] = Number(s.querySelector('.n').textContent.replace(/,/g, '')); return o })()`)) as Record<string, number>
const own: Record<string, number> = {}
for (const a of refs) own[String(a.getSnapshot().value)] = (own[String(a.getSnapshot().value)] ?? 0) + 1
const clickAt = (await page.evaluate('performance.now()')) as number
await page.click('#spacer .row >> nth=3')
await page.waitForSelector('#chart g.state.active')
const tasks = (await page.evaluate('window.longTasks')) as { start: number; ms: number }[]
const same = (a: Record<string, number>, b: Record<string, number>) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort())
const perSecond = new Map<number, number>()
for (const t of tasks) perSecond.set(Math.floor(t.start / 1000), (perSecond.get(Math.floor(t.start / 1000)) ?? 0) + t.ms)
const ordered = [...tasks].sort((a, b) => b.ms - a.ms)
console.log(
  `${accounts} accounts, ${forSec} s, ${MOVES_PER_TICK} moves per ${TICK_MS} ms: long tasks ${tasks.length}, longest ${Math.round(ordered[0]?.ms ?? 0)} ms ` +
    `(next ${ordered.slice(1, 4).map((t) => Math.round(t.ms)).join(', ')}), worst second ${Math.round(Math.max(0, ...perSecond.values()))} ms, ` +
    `counts ${same(shown, own) ? 'match' : `differ: page ${JSON.stringify(shown)} actors ${JSON.stringify(own)}`}`,
)
if (process.env['MTSWARM_SCALE_VERBOSE']) console.log(`click at ${Math.round(clickAt)} ms; long tasks (start ms: duration ms): ${tasks.map((t) => `${Math.round(t.start)}: ${Math.round(t.ms)}`).join(', ')}`)
await browser.close()
for (const a of refs) a.stop()
await insp.close()
