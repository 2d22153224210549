// Login storm: N fresh accounts log in by code at once — handshake, auth.sendCode, auth.signIn
// with the test number's code (99966 1 YYYY on DC 1, code 11111) — until every one is authorized.
import type { tl } from '@mtswarm/engine/tl'
import type { Metric } from '../report/run-report.js'
import type { BenchContext, Scenario } from '../swarm/context.js'
import { HOME_DC, oursRuntime } from '../swarm/ours.js'
import { Sample } from '../swarm/stats.js'

/** Test phone i on DC 1 (https://core.telegram.org/api/auth#test-accounts: 99966XYYYY, code XXXXX). */
export function testPhone(i: number, dcId = HOME_DC): string {
  if (i < 0 || i > 9999) throw new RangeError(`test phone index must be 0..9999, got ${i}`)
  return `99966${dcId}${i.toString().padStart(4, '0')}`
}

export const loginStorm: Scenario = {
  name: 'login-storm',
  title: 'Login storm',
  async run(ctx: BenchContext) {
    const n = Math.min(10_000, ctx.accounts(100, 500))
    const phones = Array.from({ length: n }, (_, i) => testPhone(i))
    await ctx.dc.presetUsers(phones)
    // Fresh accounts in the pool store: once authorized they join the key pool.
    const store = await ctx.pool()
    const rt = oursRuntime(ctx.dc.hello, store)
    const ids = ctx.freshPoolIds(n)
    const authorized: string[] = []
    const before = await ctx.dc.stats()
    const done = new Sample(n)
    const failures: Record<string, number> = {}
    const code = String(HOME_DC).repeat(5)
    ctx.progress.step(`${n} code logins at once`)
    const ticker = setInterval(() => ctx.progress.step(`${done.length}/${n} authorized`), 250)
    const end = ctx.cpuSpan()
    const t0 = performance.now()
    await Promise.all(
      phones.map(async (phone, i) => {
        const id = ids[i]!
        try {
          const sendCode: tl.auth.RawSendCodeRequest = { _: 'auth.sendCode', phoneNumber: phone, apiId: 4, apiHash: 'bench', settings: { _: 'codeSettings' } }
          const sent = (await rt.invokeRaw(id, HOME_DC, sendCode, { migrate: 'surface' })) as tl.auth.RawSentCode
          const signIn: tl.auth.RawSignInRequest = { _: 'auth.signIn', phoneNumber: phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: code }
          const auth = (await rt.invokeRaw(id, HOME_DC, signIn, { migrate: 'surface' })) as tl.auth.TypeAuthorization
          if (auth._ !== 'auth.authorization') throw new Error(auth._)
          done.push(performance.now() - t0)
          authorized.push(id)
        } catch (e) {
          const name = e instanceof Error ? e.message : String(e)
          failures[name] = (failures[name] ?? 0) + 1
        }
      }),
    )
    const cpu = end()
    clearInterval(ticker)
    const after = await ctx.dc.stats()
    await rt.stop()
    ctx.markKeyed(authorized)
    const lat = done.summary()
    const failed = Object.values(failures).reduce((a, b) => a + b, 0)
    const calls = (m: string): number => (after.rpcCalls[m] ?? 0) - (before.rpcCalls[m] ?? 0)
    const metrics: Metric[] = [
      { label: `accounts authorized (of ${n})`, unit: '', better: 'higher', ours: done.length },
      { label: 'failed logins', unit: '', better: 'lower', ours: failed },
      { label: 'all authorized after', unit: 'ms', better: 'lower', format: 'ms', ours: cpu.wallMs },
      { label: 'logins per second', unit: '/s', better: 'higher', ours: (done.length * 1000) / cpu.wallMs },
      { label: 'authorized p50 (from start)', unit: 'ms', better: 'lower', format: 'ms', ours: lat.p50 },
      { label: 'authorized p99 (from start)', unit: 'ms', better: 'lower', format: 'ms', ours: lat.p99 },
      { label: 'our CPU per login (incl. handshake)', unit: 'ms', better: 'lower', format: 'ms', ours: cpu.oursMs / Math.max(1, done.length) },
      { label: 'DC CPU per login (incl. handshake)', unit: 'ms', better: 'lower', format: 'ms', ours: cpu.dcMs === undefined ? undefined : cpu.dcMs / Math.max(1, done.length) },
      { label: 'auth.sendCode / auth.signIn seen by the DC', unit: '', better: 'higher', ours: calls('auth.sendCode') + calls('auth.signIn') },
    ]
    return {
      name: 'login-storm',
      title: 'Login storm',
      summary:
        'N fresh accounts (in the LMDB pool store) each create an auth key, then auth.sendCode and auth.signIn with the test number\'s code, all at once. Peers are not run here (their login flows add their own extra calls; see test/docs/interop.md).',
      params: { accounts: n, phones: `${phones[0]}…${phones[n - 1]}`, store: 'LMDB' },
      metrics,
      charts: [],
      cpu,
      notes: [
        ...Object.entries(failures).map(([k, v]) => `${v} login(s) failed with ${k}`),
        'Every test number lives on DC 1, so no PHONE_MIGRATE happens here (the engine tests cover the migrate path).',
      ],
    }
  },
}
