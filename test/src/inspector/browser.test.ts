// The inspector page in a real browser (Debian's Chromium through playwright-core) against a real
// engine on the real test DC: accounts log in (some through PHONE_MIGRATE), calls run, and the page
// must keep up — fleet counts equal to the engine's own at every sample, a click selects exactly
// one row, an account's statechart lights its current state, its log shows the move, the main
// thread stays free, and nothing is served without the token.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { startInspector, type Account, type Engine, type Inspector } from '@mtswarm/engine'
import type { TestDc } from '@mtswarm/testdc'
import { engineOn, startDc } from '../engine/harness.js'

/** Accounts in the fleet: what fits about a minute on a loaded 2-core box (see README). */
const ACCOUNTS = Number(process.env['MTSWARM_INSPECTOR_ACCOUNTS'] ?? 300)
/** Every LOGIN_EVERY-th account logs in; one in MIGRATE_EVERY of those lives on DC 2 (PHONE_MIGRATE). */
const LOGIN_EVERY = 2
const MIGRATE_EVERY = 5
/** Calls made while the page is sampled (more than the old inspector's 2,000-actor cap). */
const RPC_CALLS = Number(process.env['MTSWARM_INSPECTOR_RPCS'] ?? 2_500)
/** The main thread may be blocked at most this long in any one second of the run. */
const MAX_BLOCKED_MS_PER_S = 200
const CHROMIUM = process.env['MTSWARM_CHROMIUM'] ?? '/usr/bin/chromium'
const SHOTS = new URL('../../../engine/src/inspector/screenshots/latest/', import.meta.url).pathname

let dc: TestDc
let insp: Inspector
let engine: Engine
let browser: BrowserContext
let page: Page
let profile: string
const accounts: Account[] = []

/** The engine's own count of its accounts per state. */
function engineCounts(): Record<string, number> {
  const out: Record<string, number> = {}
  for (const a of accounts) out[a.state.state] = (out[a.state.state] ?? 0) + 1
  return out
}

// NB: code that runs in the page is passed as text: this workspace compiles without DOM types.

/** The page's account card as a reader sees it: the spans on screen, their numbers. */
async function pageCounts(p: Page): Promise<Record<string, number>> {
  return p.evaluate(`(() => {
    const out = {}
    for (const s of document.querySelectorAll('#counts .count[data-kind="account"] span[data-state]')) {
      if (getComputedStyle(s).display !== 'none') out[s.dataset.state] = Number(s.querySelector('.n').textContent.replace(/,/g, ''))
    }
    return out
  })()`)
}

/** Waits until the page shows the engine's counts (it pushes every 100 ms); fails with both. */
async function countsAgree(p: Page, what: string): Promise<void> {
  let last: [Record<string, number>, Record<string, number>] = [{}, {}]
  for (let i = 0; i < 100; i++) {
    const [shown, own] = [await pageCounts(p), engineCounts()]
    last = [shown, own]
    if (JSON.stringify(Object.entries(shown).sort()) === JSON.stringify(Object.entries(own).sort())) return
    await p.waitForTimeout(100)
  }
  assert.fail(`${what}: page ${JSON.stringify(last[0])} ≠ engine ${JSON.stringify(last[1])}`)
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`)
  dc = await startDc({ dcCount: 2 })
  insp = await startInspector({ port: 0 })
  engine = engineOn(dc, undefined, { inspect: insp.inspect }).engine
  profile = mkdtempSync(join(tmpdir(), 'mtswarm-chromium-'))
  // A fresh profile per run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  page = browser.pages()[0] ?? (await browser.newPage())
  // Every long task of the page from its first script on.
  await page.addInitScript(`
    window.longTasks = []
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.longTasks.push({ start: e.startTime, ms: e.duration })
    }).observe({ type: 'longtask', buffered: true })
  `)
  mkdirSync(SHOTS, { recursive: true })
})

after(async () => {
  await browser?.close()
  await engine?.stop()
  await insp?.close()
  await dc?.close()
  if (profile) rmSync(profile, { recursive: true, force: true })
})

describe('the inspector page in Chromium, on a fleet on the test DC', () => {
  test('without the token the page and its event stream answer 401', async () => {
    const origin = new URL(insp.url).origin
    assert.equal((await page.goto(`${origin}/`))?.status(), 401)
    assert.equal((await page.goto(`${origin}/events`))?.status(), 401)
    assert.equal((await page.goto(`${origin}/?token=${'0'.repeat(32)}`))?.status(), 401)
  })

  test(`${ACCOUNTS} accounts: counts follow the engine, clicks select one row, the statechart and log follow the account`, async () => {
    await page.goto(insp.url)
    // Accounts appear, connect and key while the page watches.
    for (let i = 0; i < ACCOUNTS; i++) accounts.push(engine.account(`site-${String(i).padStart(5, '0')}`))
    await Promise.all(accounts.map((a) => a.ready()))
    await countsAgree(page, 'after every account keyed')

    // Every other account logs in; one in five of those has a DC 2 phone: PHONE_MIGRATE moves it.
    const loggingIn = accounts.filter((_, i) => i % LOGIN_EVERY === 0)
    await Promise.all(
      loggingIn.map(async (a, k) => {
        const home = k % MIGRATE_EVERY === 0 ? 2 : 1
        await a.sendCode(`99966${home}${String(k).padStart(4, '0')}`)
        const r = await a.signIn(String(home).repeat(5))
        if (r.status === 'signUpRequired') await a.signUp(`User ${k}`)
      }),
    )
    assert.ok(loggingIn.every((a) => a.state.state === 'authorized'))
    await countsAgree(page, 'after the logins')
    await page.screenshot({ path: join(SHOTS, 'fleet.png') })

    // Calls from every authorized account while the page is sampled and clicked.
    let calls = 0
    const traffic = (async () => {
      const window = 32
      const next = async (): Promise<void> => {
        while (calls < RPC_CALLS) {
          const a = loggingIn[calls++ % loggingIn.length]!
          await a.invoke({ _: 'help.getConfig' })
        }
      }
      await Promise.all(Array.from({ length: window }, next))
    })()
    let clicks = 0
    while (calls < RPC_CALLS) {
      await countsAgree(page, `during traffic (${calls} calls)`)
      const rows = await page.$$('#spacer .row')
      const row = rows[(clicks * 7) % rows.length]!
      const id = await row.getAttribute('data-id')
      await row.click()
      clicks++
      assert.deepEqual(await page.$$eval('#spacer .row.sel', (r) => r.map((x) => x.getAttribute('data-id'))), [id], 'one click, one selected row')
      await page.waitForTimeout(150)
    }
    await traffic
    assert.ok(clicks >= 3, `only ${clicks} samples during traffic`)
    await countsAgree(page, 'after the traffic')

    // An account that moved: its statechart lights `authorized`, its log shows the move.
    const moved = loggingIn[0]!
    assert.equal(moved.homeDcId, 2)
    await page.fill('#fId', `account:${moved.id}`)
    await page.waitForFunction(`document.querySelectorAll('#spacer .row').length === 1`)
    await page.click('#spacer .row')
    await page.waitForSelector('#chart g.state.active[data-state="authorized"]')
    const lit = await page.$$eval('#chart g.state.active', (g) => g.map((x) => x.getAttribute('data-state')))
    assert.deepEqual(lit, [moved.state.state])
    assert.equal(await page.textContent('#spacer .row span:nth-child(4)'), '2', 'the DC column shows the new home DC')
    const log = await page.$$eval('#events .to', (s) => s.map((x) => x.textContent))
    assert.ok(log.some((s) => s?.startsWith('migrating')), `no move in ${JSON.stringify(log)}`)
    // Its timeline: a lane per connection (DC 1, where it started, and DC 2), the move in its own lane.
    await page.waitForSelector('#timeline table.tl')
    const lanes = await page.$$eval('#timeline th', (th) => th.map((x) => x.textContent))
    assert.deepEqual(lanes.slice(0, 4), ['time', `account:${moved.id}`, `dc:${moved.id}/1`, `dc:${moved.id}/2`])
    const accountLane = await page.$$eval('#timeline tr td:nth-child(2).hit .to', (s) => s.map((x) => x.textContent))
    assert.ok(accountLane.some((s) => s?.startsWith('migrating')), `no move in the timeline: ${JSON.stringify(accountLane)}`)
    assert.ok((await page.$$('#timeline tr td:nth-child(4).hit')).length > 0, 'nothing in the DC 2 lane')
    assert.match((await page.textContent('#context'))!, /"homeDcId": 2/)
    assert.doesNotMatch((await page.textContent('#context'))!, /99966/, 'the phone stays redacted')
    await page.screenshot({ path: join(SHOTS, 'actor.png') })

    // Its connection is a child in the tree; following it shows the connection's own chart.
    await page.click('#tree a >> nth=0')
    await page.waitForSelector('#chart svg[data-machine="dcConnection"] g.state.active[data-state="online"]')

    const longTasks = await page.evaluate<{ start: number; ms: number }[]>('window.longTasks')
    const perSecond = new Map<number, number>()
    for (const t of longTasks) perSecond.set(Math.floor(t.start / 1000), (perSecond.get(Math.floor(t.start / 1000)) ?? 0) + t.ms)
    const worst = Math.max(0, ...perSecond.values())
    console.log(
      `inspector page: ${ACCOUNTS} accounts, ${RPC_CALLS} calls, ${clicks} samples; long tasks ${longTasks.length}, longest ${Math.round(Math.max(0, ...longTasks.map((t) => t.ms)))} ms, worst second blocked ${Math.round(worst)} ms; tracked ${insp.stats().actors}, seen ${insp.stats().seen}`,
    )
    assert.ok(worst <= MAX_BLOCKED_MS_PER_S, `main thread blocked ${Math.round(worst)} ms in one second`)
  })
})
