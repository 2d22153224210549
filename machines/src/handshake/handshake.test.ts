// Scenario tests for handshakeMachine: step actors replaced with fakes via `provide`, timers on
// SimulatedClock.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SimulatedClock, createActor, fromPromise, waitFor } from 'xstate'
import { secret, type Secret } from '../secret/secret.js'
import { recordActions } from '../testing/recorder.js'
import { revealDeep } from '../testing/reveal.js'
import {
  HANDSHAKE_STEP_TIMEOUT_MS,
  MAX_DH_GEN_RETRIES,
  MAX_HANDSHAKE_ATTEMPTS,
  handshakeBackoffMs,
} from './handshake.logic.js'
import type { HandshakeResult, SetClientDhParamsOutput } from './handshake.logic.js'
import { handshakeMachine } from './handshake.machine.js'
import type { ReqDhParamsInput, ReqPqInput, SetClientDhParamsInput } from './handshake.machine.js'

const RESULT: HandshakeResult = { authKey: secret(new Uint8Array(256).fill(7)), authKeyId: 42n, serverSalt: secret(9n), timeOffsetMs: -3 }
const never = () => new Promise<never>(() => {})
const flush = () => new Promise<void>((r) => setImmediate(r))

interface Fakes {
  reqPq?: (input: ReqPqInput) => Promise<{ carry: Secret<unknown> }>
  reqDhParams?: (input: ReqDhParamsInput) => Promise<{ carry: Secret<unknown> }>
  setClientDhParams?: (input: SetClientDhParamsInput) => Promise<SetClientDhParamsOutput>
}

function start(fakes: Fakes) {
  const calls: Array<[string, unknown]> = []
  const wrap = <I, O>(name: string, fn: (input: I) => Promise<O>) =>
    fromPromise<O, I>(({ input }) => {
      calls.push([name, input])
      return fn(input)
    })
  const rec = recordActions(['attemptFailed'] as const)
  const clock = new SimulatedClock()
  const machine = handshakeMachine.provide({
    actors: {
      reqPq: wrap('reqPq', fakes.reqPq ?? (async () => ({ carry: secret('resPq') }))),
      reqDhParams: wrap('reqDhParams', fakes.reqDhParams ?? (async () => ({ carry: secret('dhParams') }))),
      setClientDhParams: wrap(
        'setClientDhParams',
        fakes.setClientDhParams ?? (async () => ({ kind: 'dhGenOk', result: RESULT }) as const),
      ),
    },
    actions: rec.actions,
  })
  const actor = createActor(machine, { input: { dcId: 2 }, clock }).start()
  return { actor, calls, rec, clock }
}

describe('handshakeMachine', () => {
  test('reqPq → reqDhParams → setClientDhParams → done, carrying each step to the next', async () => {
    const { actor, calls } = start({})
    const s = await waitFor(actor, (x) => x.status === 'done')
    assert.deepEqual(s.output, { ok: true, result: RESULT })
    assert.deepEqual(revealDeep(calls), [
      ['reqPq', { dcId: 2, attempt: 1 }],
      ['reqDhParams', { dcId: 2, carry: 'resPq' }],
      ['setClientDhParams', { dcId: 2, carry: 'dhParams', retry: 0 }],
    ])
  })

  test('dh_gen_retry sends set_client_DH_params again with the retry state', async () => {
    let n = 0
    const { actor, calls } = start({
      setClientDhParams: async () =>
        n++ === 0 ? { kind: 'dhGenRetry', carry: secret('retry-1') } : { kind: 'dhGenOk', result: RESULT },
    })
    const s = await waitFor(actor, (x) => x.status === 'done')
    assert.equal(s.output?.ok, true)
    assert.deepEqual(
      calls.filter(([n]) => n === 'setClientDhParams').map(([, i]) => revealDeep(i)),
      [
        { dcId: 2, carry: 'dhParams', retry: 0 },
        { dcId: 2, carry: 'retry-1', retry: 1 },
      ],
    )
    assert.equal(calls.filter(([n]) => n === 'reqPq').length, 1)
  })

  test('endless dh_gen_retry fails after MAX_DH_GEN_RETRIES', async () => {
    const { actor } = start({ setClientDhParams: async () => ({ kind: 'dhGenRetry', carry: secret('again') }) })
    const s = await waitFor(actor, (x) => x.status === 'done')
    assert.deepEqual(s.output, {
      ok: false,
      failure: { kind: 'tooManyDhRetries', retries: MAX_DH_GEN_RETRIES, limit: MAX_DH_GEN_RETRIES },
      attempts: 1,
    })
  })

  test('a step timeout retries after backoff, up to the bound, then fails with a typed timeout', async () => {
    const { actor, calls, rec, clock } = start({ reqPq: never })
    for (let attempt = 1; attempt <= MAX_HANDSHAKE_ATTEMPTS; attempt++) {
      await flush()
      assert.equal(calls.length, attempt, `reqPq invoked for attempt ${attempt}`)
      clock.increment(HANDSHAKE_STEP_TIMEOUT_MS - 1)
      assert.equal(actor.getSnapshot().value, 'reqPq')
      clock.increment(1)
      if (attempt < MAX_HANDSHAKE_ATTEMPTS) {
        assert.equal(actor.getSnapshot().value, 'backoff')
        clock.increment(handshakeBackoffMs(attempt))
      }
    }
    const s = actor.getSnapshot()
    assert.equal(s.status, 'done')
    assert.deepEqual(s.output, {
      ok: false,
      failure: { kind: 'timeout', step: 'reqPq', afterMs: HANDSHAKE_STEP_TIMEOUT_MS },
      attempts: MAX_HANDSHAKE_ATTEMPTS,
    })
    assert.deepEqual(
      calls.map(([, i]) => i),
      [1, 2, 3].map((attempt) => ({ dcId: 2, attempt })),
    )
    assert.equal(rec.of('attemptFailed').length, MAX_HANDSHAKE_ATTEMPTS - 1)
  })

  test('a failed step (e.g. a security check) starts a new attempt from reqPq', async () => {
    let n = 0
    const { actor, calls, clock, rec } = start({
      reqDhParams: async () => {
        if (n++ === 0) throw new Error('bad dh_prime')
        return { carry: secret('dhParams') }
      },
    })
    await waitFor(actor, (x) => x.value === 'backoff')
    assert.deepEqual(rec.of('attemptFailed'), [
      { dcId: 2, attempt: 1, failure: { kind: 'stepFailed', step: 'reqDhParams', error: 'Error: bad dh_prime' } },
    ])
    clock.increment(handshakeBackoffMs(1))
    const s = await waitFor(actor, (x) => x.status === 'done')
    assert.equal(s.output?.ok, true)
    assert.deepEqual(
      calls.map(([n]) => n),
      ['reqPq', 'reqDhParams', 'reqPq', 'reqDhParams', 'setClientDhParams'],
    )
  })

  test('dh_gen_fail counts as a failed attempt', async () => {
    const { actor } = start({ setClientDhParams: async () => ({ kind: 'dhGenFail' }) })
    await waitFor(actor, (x) => x.value === 'backoff')
    assert.deepEqual(actor.getSnapshot().context.lastFailure, { kind: 'dhGenFail' })
  })

  test('abort ends in failed with the reason', () => {
    const { actor } = start({ reqPq: never })
    actor.send({ type: 'handshake.abort', reason: 'socket closed' })
    assert.deepEqual(actor.getSnapshot().output, {
      ok: false,
      failure: { kind: 'aborted', reason: 'socket closed' },
      attempts: 1,
    })
  })
})
