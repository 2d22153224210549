// The whole engine with `inspect` set, against the real test DC: with an inspector every call runs
// in its own rpcMachine actor from the start (no common path), so this is the path those calls
// take — a login whose sendCode meets PHONE_MIGRATE (surfaced to the account machine, which
// moves), ordinary calls, a USER_MIGRATE the authorized account surfaces (and moves for), a FLOOD_WAIT slept through, a resend after
// bad_server_salt, a server error and a deadline. Every call settles exactly once with the
// right result, and the inspector sees each call's actor go through the transitions that got it
// there and end in a final state.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { InspectionEvent } from 'xstate'
import { FloodWaitError, RpcError, TimeoutError, UsageError, createEngine, type Engine } from '@mtswarm/engine'
import { createMemoryStore } from '@mtswarm/storage'
import type { TestDc } from '@mtswarm/testdc'
import { startDc } from './harness.js'

/** What the inspector saw of one rpc actor. */
interface RpcTrace {
  method: string
  /** State values in order (JSON), one per snapshot. */
  states: string[]
  /** Event types the actor received, in order. */
  events: string[]
  /** The DC the call was on, per snapshot. */
  dcIds: number[]
  status: string
  settlement: { ok: boolean; error?: { kind: string; errorCode?: number; errorMessage?: string } } | null
}

let dc: TestDc

before(async () => {
  dc = await startDc({ dcCount: 3 })
})
after(() => dc.close())

function inspected(): { engine: Engine; traces: Map<string, RpcTrace> } {
  const traces = new Map<string, RpcTrace>()
  const inspect = (e: InspectionEvent): void => {
    const id = (e.actorRef as unknown as { id: string }).id
    if (!id.startsWith('rpc:')) return
    let t = traces.get(id)
    if (t === undefined) {
      t = { method: '', states: [], events: [], dcIds: [], status: 'active', settlement: null }
      traces.set(id, t)
    }
    if (e.type === '@xstate.event') t.events.push(e.event.type)
    if (e.type === '@xstate.snapshot') {
      const s = e.snapshot as unknown as { value: unknown; status: string; context: { method: string; dcId: number; settlement: RpcTrace['settlement'] } }
      t.method = s.context.method
      t.states.push(JSON.stringify(s.value))
      t.dcIds.push(s.context.dcId)
      t.status = s.status
      t.settlement = s.context.settlement
    }
  }
  const engine = createEngine({
    apiId: 4242,
    apiHash: '0123456789abcdef0123456789abcdef',
    store: createMemoryStore(),
    dcs: dc.dcs,
    publicKeys: [dc.publicKeyPem],
    floodSleepThreshold: 5,
    inspect,
  })
  return { engine, traces }
}

const byMethod = (traces: Map<string, RpcTrace>, method: string): RpcTrace[] => [...traces.values()].filter((t) => t.method === method)

describe('the engine with an inspector', () => {
  test('every call is an rpc actor that ends final; each settles once with the right result', async () => {
    const user = dc.world.presetUser({ phone: '9996620301', firstName: 'Inspected' })
    const { engine, traces } = inspected()
    try {
      const acc = engine.account('inspected-1')
      await assert.rejects(acc.signIn('11111'), (e: unknown) => e instanceof UsageError && e.reason === 'wrong-state')

      // Login: sendCode on DC 1 gets PHONE_MIGRATE_2, surfaced to the account machine, which moves
      // its home DC and asks for the code again on DC 2.
      await acc.sendCode('+999 662 0301')
      assert.equal(acc.homeDcId, 2)
      await assert.rejects(acc.signIn('99999'), (e: unknown) => e instanceof RpcError && e.is('PHONE_CODE_INVALID'))
      const signedIn = await acc.signIn('22222')
      assert.equal(signedIn.status === 'authorized' && signedIn.user.id, user.id)

      // Ordinary calls, many at once.
      const nearest = await Promise.all(Array.from({ length: 20 }, () => acc.invoke({ _: 'help.getNearestDc' })))
      assert.ok(nearest.every((n) => n._ === 'nearestDc'))
      const self = await acc.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })
      assert.equal(self[0]?.id, user.id)

      // USER_MIGRATE_3 for the authorized account: its call surfaces the 303 (the machine's own final
      // transition, surfaceMigrate), the account carries its authorization to DC 3, the call is made there.
      const sub = engine.events$.subscribe((e) => {
        if (e.type === 'rpc.migrated' && e.errorMessage === 'USER_MIGRATE_3') dc.faults.set({ userMigrate: undefined })
      })
      dc.faults.set({ userMigrate: { [user.id.toString()]: 3 } })
      try {
        const moved = await acc.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })
        assert.equal(moved[0]?.id, user.id)
      } finally {
        sub.unsubscribe()
        dc.faults.set({ userMigrate: undefined })
      }
      assert.equal(acc.homeDcId, 3)

      // A FLOOD_WAIT under the threshold is slept through in the actor's waiting state.
      const floods = (): number => dc.stats.faults['floodWait'] ?? 0
      const floodsBefore = floods()
      dc.faults.set({ floodWait: { 'help.getConfig': 1 } })
      const lift = setInterval(() => {
        if (floods() > floodsBefore) dc.faults.set({ floodWait: undefined })
      }, 5)
      try {
        assert.equal((await acc.invoke({ _: 'help.getConfig' }))._, 'config')
      } finally {
        clearInterval(lift)
      }
      assert.equal(floods(), floodsBefore + 1)
      // One over it fails typed.
      dc.faults.set({ floodWait: { 'help.getConfig': 60 } })
      await assert.rejects(acc.invoke({ _: 'help.getConfig' }), (e: unknown) => e instanceof FloodWaitError && e.seconds === 60)
      dc.faults.set({ floodWait: undefined })

      // bad_server_salt: the call is resent and still answered once.
      const resendsBefore = engine.runtimeStats.resends
      dc.faults.set({ badServerSaltNext: 1 })
      const country = await acc.invoke({ _: 'help.getNearestDc' })
      assert.equal(country._, 'nearestDc')
      assert.ok(engine.runtimeStats.resends > resendsBefore, 'no resend happened')

      // The deadline: the runtime's timer sends rpc.deadline to the call's actor.
      dc.faults.set({ delayMs: 400 })
      await assert.rejects(acc.invoke({ _: 'help.getCountriesList', langCode: 'en', hash: 0 }, { timeout: 50 }), (e: unknown) => e instanceof TimeoutError && e.afterMs === 50)
      dc.faults.set({ delayMs: 0 })

      const stats = engine.runtimeStats
      assert.equal(stats.doubleSettles, 0)
      assert.equal(stats.rpcCrashes, 0)
      assert.equal(stats.callsStarted, stats.callsSettled + stats.callsFailed)
      // With an inspector every call is an actor from the start, and the inspector saw each one.
      assert.equal(stats.rpcActors, stats.callsStarted)
      assert.equal(traces.size, stats.callsStarted)
      const unfinished = [...traces].filter(([, t]) => t.status !== 'done').map(([id, t]) => `${id} ${t.method} ${t.states.at(-1)}`)
      assert.deepEqual(unfinished, [], 'rpc actors that never reached a final state')
      for (const [id, t] of traces) assert.equal(t.states[0], '{"active":"queued"}', `${id} did not start queued`)

      // The login's sendCode: one actor on DC 1 ends 'failed' with the surfaced 303 PHONE_MIGRATE_2
      // (never re-queued by the runtime), a second on DC 2 — the account machine's move — is answered.
      const sendCodes = byMethod(traces, 'auth.sendCode')
      assert.equal(sendCodes.length, 2)
      const [moved, answered] = sendCodes as [RpcTrace, RpcTrace]
      assert.deepEqual([moved.states.at(-1), [...new Set(moved.dcIds)], moved.settlement?.error], ['"failed"', [1], { kind: 'rpcError', errorCode: 303, errorMessage: 'PHONE_MIGRATE_2' }])
      assert.deepEqual([answered.states.at(-1), [...new Set(answered.dcIds)]], ['"done"', [2]])
      // The authorized account's call that met USER_MIGRATE_3: a final 'failed' with the 303, never re-queued.
      const surfaced = byMethod(traces, 'users.getUsers').filter((t) => t.settlement?.error?.errorCode === 303)
      assert.equal(surfaced.length, 1, 'one users.getUsers actor settles with the 303')
      assert.deepEqual([surfaced[0]!.states.at(-1), surfaced[0]!.settlement?.error], ['"failed"', { kind: 'rpcError', errorCode: 303, errorMessage: 'USER_MIGRATE_3' }])
      assert.ok(!surfaced[0]!.states.slice(1).includes('{"active":"queued"}'), 'the surfaced 303 was re-queued')
      assert.ok(new Set(surfaced[0]!.dcIds).size === 1, 'the surfaced call moved DC')
      assert.ok(byMethod(traces, 'users.getUsers').some((t) => t.states.at(-1) === '"done"' && t.dcIds.at(-1) === 3))
      // The wrong code: failed with the server's error; the right one: done.
      const signIns = byMethod(traces, 'auth.signIn')
      assert.deepEqual(signIns.map((t) => [t.states.at(-1), t.settlement?.error?.errorMessage ?? 'ok']), [['"failed"', 'PHONE_CODE_INVALID'], ['"done"', 'ok']])
      // The slept-through FLOOD_WAIT: inFlight → waiting → queued → … → done.
      const configs = byMethod(traces, 'help.getConfig')
      const slept = configs.find((t) => t.states.includes('{"active":"waiting"}'))
      assert.ok(slept, 'no getConfig actor went through waiting')
      assert.equal(slept.states.at(-1), '"done"')
      assert.ok(configs.some((t) => t.settlement?.error?.kind === 'floodWait'))
      // The resent call: rpc.resend took it from inFlight back to queued, then it was answered.
      const resent = byMethod(traces, 'help.getNearestDc').filter((t) => t.events.includes('rpc.resend'))
      assert.ok(resent.length >= 1, 'no actor received rpc.resend')
      for (const t of resent) assert.equal(t.states.at(-1), '"done"')
      // The deadline arrived as the machine's own event.
      const late = byMethod(traces, 'help.getCountriesList')
      assert.equal(late.length, 1)
      assert.ok(late[0]!.events.includes('rpc.deadline'))
      assert.deepEqual([late[0]!.states.at(-1), late[0]!.settlement?.error?.kind], ['"failed"', 'timeout'])
    } finally {
      dc.faults.set({ floodWait: undefined, delayMs: 0 })
      await engine.stop()
    }
  })
})
