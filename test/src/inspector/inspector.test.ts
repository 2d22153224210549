// The local inspector end to end: real rpcMachine actors (effects faked with `provide`) report
// through `inspect`; the page, the `/events` stream and the JSON endpoints are read over HTTP.
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { describe, test } from 'node:test'
import { assign, createActor, setup } from 'xstate'
import { phoneSecret, recordActions, rpcMachine, secret } from '@mtswarm/machines'
import { startInspector, statePaths, summarizeEvent, type Inspector, type InspectorMessage } from '@mtswarm/engine'

const EFFECTS = ['enqueue', 'dequeue', 'dropAnswer', 'settle', 'notifyMigrated'] as const
const fakeRpc = () => rpcMachine.provide({ actions: recordActions(EFFECTS).actions })
/** One provided machine for every call (`provide()` costs milliseconds). */
const sharedRpc = fakeRpc()

function startRpc(insp: Inspector, requestId: number) {
  const actor = createActor(sharedRpc, { inspect: insp.inspect, input: { requestId, method: 'help.getConfig', dcId: 2 } })
  actor.start()
  return actor
}

/** `path` on the inspector, with its token (every route wants it). */
const at = (insp: Inspector, path: string): string => {
  const u = new URL(path, insp.url)
  u.searchParams.set('token', new URL(insp.url).searchParams.get('token') ?? '')
  return u.href
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const r = await fetch(url)
  return { status: r.status, body: (await r.json()) as T }
}

/** Reads `/events` until `done` holds for the merged actor table (or fails after `limitMs`). */
async function readStream(
  insp: Inspector,
  done: (actors: Map<string, InspectorMessage['actors'][number]>, kinds: string[]) => boolean,
  onOpen: () => void = () => {},
  limitMs = 5_000,
) {
  const ac = new AbortController()
  const timer = setTimeout(() => ac.abort(), limitMs)
  const res = await fetch(at(insp, 'events'), { signal: ac.signal })
  assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  const actors = new Map<string, InspectorMessage['actors'][number]>()
  const kinds: string[] = []
  let last: InspectorMessage | undefined
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buf = ''
  let opened = false
  try {
    for (;;) {
      const { value, done: end } = await reader.read()
      if (end) break
      buf += value
      let i: number
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i)
        buf = buf.slice(i + 2)
        const kind = /^event: (\w+)$/m.exec(block)?.[1]
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (kind === undefined || data === undefined) continue
        kinds.push(kind)
        last = JSON.parse(data) as InspectorMessage
        if (kind === 'reset') actors.clear()
        for (const a of last.actors) actors.set(a.sessionId, a)
        for (const id of last.removed) actors.delete(id)
        if (!opened) {
          opened = true
          onOpen()
        }
      }
      if (done(actors, kinds)) return { actors, kinds, last: last! }
    }
  } catch (e) {
    if (ac.signal.aborted) assert.fail(`stream did not reach the expected state; saw ${JSON.stringify([...actors.values()])}`)
    throw e
  } finally {
    clearTimeout(timer)
    ac.abort()
  }
  assert.fail('stream ended early')
}

describe('inspector server', () => {
  test('serves one self-contained page at / to holders of the token, 401 to anyone else', async () => {
    const insp = await startInspector({ port: 0 })
    try {
      assert.match(insp.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/)
      const r = await fetch(insp.url)
      assert.equal(r.status, 200)
      assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8')
      const html = await r.text()
      assert.match(html, /<title>mtswarm inspector<\/title>/)
      assert.match(html, /new EventSource\(q\('\/events'\)\)/)
      const origin = new URL(insp.url).origin
      for (const path of ['/', '/events', '/actors', '/actor?id=x:0', '/chart?machine=rpc', '/?token=', '/events?token=0123456789abcdef0123456789abcdef']) {
        const denied = await fetch(origin + path)
        assert.equal(denied.status, 401, path)
        assert.equal(await denied.text(), 'token required\n')
      }
      const other = await startInspector({ port: 0 })
      assert.notEqual(new URL(other.url).searchParams.get('token'), new URL(insp.url).searchParams.get('token'), 'a fresh token per inspector')
      await other.close()
      assert.doesNotMatch(html, /(src|href)\s*=\s*["']?(https?:)?\/\//i, 'no external resources')
      assert.doesNotMatch(html, /https?:\/\//, 'no absolute URLs at all')
      assert.equal((await fetch(at(insp, 'nope'))).status, 404)
    } finally {
      await insp.close()
    }
  })

  test('live rpc actors arrive over /events with their state values, and /actor has their events', async () => {
    const insp = await startInspector({ port: 0, pushIntervalMs: 10 })
    try {
      const actors: ReturnType<typeof startRpc>[] = []
      const seen = await readStream(
        insp,
        (m) => {
          const byReq = (n: number) => [...m.values()].find((a) => a.label.requestId === n)
          return byReq(1)?.state[0] === 'active.queued' && byReq(2)?.state[0] === 'active.inFlight.sent' && byReq(3)?.status === 'done'
        },
        () => {
          // Started only once the viewer is connected: the records must come as live batches.
          for (const n of [1, 2, 3]) actors.push(startRpc(insp, n))
          actors[1]!.send({ type: 'rpc.sent', msgId: 100n })
          actors[2]!.send({ type: 'rpc.sent', msgId: 104n })
          actors[2]!.send({ type: 'rpc.resultReceived', msgId: 104n, result: { _: 'config' } })
        },
      )
      assert.equal(seen.kinds[0], 'reset')
      assert.ok(seen.kinds.includes('batch'))
      const recs = [...seen.actors.values()].sort((a, b) => Number(a.label.requestId) - Number(b.label.requestId))
      assert.deepEqual(
        recs.map((a) => [a.kind, a.machine, a.status, a.state.join('|'), a.lastEvent, a.label.method, a.label.dcId]),
        [
          ['rpc', 'rpc', 'active', 'active.queued', 'xstate.init', 'help.getConfig', 2],
          ['rpc', 'rpc', 'active', 'active.inFlight.sent', 'rpc.sent', 'help.getConfig', 2],
          ['rpc', 'rpc', 'done', 'done', 'rpc.resultReceived', 'help.getConfig', 2],
        ],
      )
      assert.deepEqual(seen.last.counts.rpc, { 'active.queued': 1, 'active.inFlight.sent': 1, done: 1 })

      const { status, body } = await getJson<{ events: { type: string; detail: string; state: string }[] }>(
        at(insp, `actor?id=${encodeURIComponent(recs[2]!.sessionId)}`),
      )
      assert.equal(status, 200)
      assert.deepEqual(
        body.events.map((e) => [e.type, e.detail, e.state]),
        [
          ['xstate.init', '', 'active.queued'],
          ['rpc.sent', 'msgId=104', 'active.inFlight.sent'],
          ['rpc.resultReceived', 'msgId=104', 'done'],
        ],
      )
      assert.equal((await fetch(at(insp, 'actor?id=x:nope'))).status, 404)
      for (const a of actors) a.stop()
    } finally {
      await insp.close()
    }
  })

  test('a parent and its invoked child: kinds from machine ids, parent links, stop recorded', async () => {
    const insp = await startInspector({ port: 0 })
    try {
      const parent = setup({ actors: { rpc: fakeRpc() } }).createMachine({
        id: 'account',
        initial: 'calling',
        states: {
          calling: {
            invoke: { id: 'rpc:9', src: 'rpc', input: { requestId: 9, method: 'auth.sendCode', dcId: 1 } },
            on: { 'login.done': 'authorized' },
          },
          authorized: {},
        },
      })
      const acc = createActor(parent, { inspect: insp.inspect, systemId: 'account:1' }).start()
      acc.send({ type: 'login.done' })
      const { body } = await getJson<InspectorMessage>(at(insp, 'actors'))
      const accRec = body.actors.find((a) => a.kind === 'account')
      const rpcRec = body.actors.find((a) => a.kind === 'rpc')
      assert.ok(accRec !== undefined && rpcRec !== undefined)
      assert.equal(accRec.systemId, 'account:1')
      assert.deepEqual(accRec.state, ['authorized'])
      assert.equal(rpcRec.id, 'rpc:9')
      assert.equal(rpcRec.parent, accRec.sessionId)
      assert.equal(rpcRec.status, 'stopped', 'leaving the invoking state stops the child')
      assert.deepEqual(body.counts.account, { authorized: 1 })
      assert.deepEqual(body.counts.rpc, { stopped: 1 })
      acc.stop()
    } finally {
      await insp.close()
    }
  })

  test('bounds: every live actor stays tracked; finished ones beyond maxFinishedActors go (oldest first) and stay counted', async () => {
    const insp = await startInspector({ port: 0, maxFinishedActors: 3, maxEventsPerActor: 4 })
    try {
      const finished = [1, 2, 3, 4, 5].map((n) => startRpc(insp, n))
      for (const a of finished) a.send({ type: 'rpc.cancel' })
      assert.ok(finished.every((a) => a.getSnapshot().status === 'done'))
      const live = [6, 7, 8, 9, 10, 11, 12, 13].map((n) => startRpc(insp, n))
      let s = insp.stats()
      assert.equal(s.actors, 11)
      assert.equal(s.seen, 13)
      assert.equal(s.evicted, 2)
      const { body } = await getJson<InspectorMessage>(at(insp, 'actors'))
      const kept = body.actors.map((a) => Number(a.label.requestId)).sort((a, b) => a - b)
      assert.deepEqual(kept, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], 'the two oldest finished calls went first')
      // Evicted finished calls stay counted in their final state.
      assert.deepEqual(body.counts.rpc, { cancelled: 5, 'active.queued': 8 })

      for (let i = 0; i < 30; i++) live[0]!.send({ type: 'rpc.sent', msgId: BigInt(1000 + i * 4) })
      const one = body.actors.find((a) => a.label.requestId === 6)!
      const ev = await getJson<{ events: { type: string }[] }>(at(insp, `actor?id=${one.sessionId}`))
      assert.equal(ev.body.events.length, 4)

      // 500 more live calls: all tracked, none dropped; only finishing ones make room.
      const more = Array.from({ length: 500 }, (_, i) => startRpc(insp, 100 + i))
      s = insp.stats()
      assert.equal(s.actors, 511)
      assert.equal(s.evicted, 2)
      for (const a of more) a.send({ type: 'rpc.cancel' })
      s = insp.stats()
      assert.equal(s.actors, 3 + live.length)
      assert.equal(s.evicted, 502)
      for (const a of [...finished, ...live, ...more]) a.stop()
    } finally {
      await insp.close()
    }
  })

  test('the actor view: context with secrets redacted, labels as they are now, children, a timeline, the statechart', async () => {
    const insp = await startInspector({ port: 0 })
    try {
      const parent = setup({
        types: { context: {} as { accountId: string; homeDcId: number; phone: unknown; code: unknown; userId: bigint; key: Uint8Array } },
        actors: { rpc: fakeRpc() },
      }).createMachine({
        id: 'account',
        context: { accountId: 'site-7', homeDcId: 1, phone: phoneSecret('99966 1 0042'), code: secret('12345'), userId: 77n, key: new Uint8Array(256) },
        initial: 'calling',
        states: {
          calling: {
            invoke: { id: 'rpc:9', src: 'rpc', input: { requestId: 9, method: 'auth.sendCode', dcId: 1 } },
            on: { moved: { actions: assign({ homeDcId: 2 }) } },
          },
        },
      })
      const acc = createActor(parent, { inspect: insp.inspect, systemId: 'account:site-7' }).start()
      acc.send({ type: 'moved' })
      const { body } = await getJson<InspectorMessage>(at(insp, 'actors'))
      const rec = body.actors.find((a) => a.kind === 'account')!
      assert.equal(rec.label.homeDcId, 2, 'the label follows the context')
      const detail = await getJson<{ context: Record<string, unknown>; children: { id: string; machine: string }[] }>(at(insp, `actor?id=${rec.sessionId}`))
      assert.deepEqual(detail.body.context, { accountId: 'site-7', homeDcId: 2, phone: '[redacted …0042]', code: '[redacted]', userId: '77', key: '<256 bytes>' })
      assert.deepEqual(
        detail.body.children.map((c) => [c.id, c.machine]),
        [['rpc:9', 'rpc']],
      )
      const timeline = await getJson<{ lanes: { name: string }[]; entries: { lane: number; type: string; state: string }[] }>(at(insp, `timeline?id=${rec.sessionId}`))
      assert.deepEqual(
        timeline.body.lanes.map((l) => l.name),
        ['account:site-7', 'rpc:9'],
      )
      assert.deepEqual(
        timeline.body.entries.map((e) => [e.lane, e.type, e.state]),
        // In the order they happened: XState starts the invoked child before the parent's first snapshot.
        [
          [1, 'xstate.init', 'active.queued'],
          [0, 'xstate.init', 'calling'],
          [0, 'moved', 'calling'],
        ],
      )
      assert.equal((await fetch(at(insp, 'timeline?id=x:nope'))).status, 404)
      const chart = await fetch(at(insp, 'chart?machine=rpc'))
      assert.equal(chart.headers.get('content-type'), 'image/svg+xml')
      const svg = await chart.text()
      assert.ok(svg.includes('data-state="active.inFlight.sent"') && svg.includes('class="edge"'))
      assert.equal((await fetch(at(insp, 'chart?machine=nope'))).status, 404)
      acc.stop()
    } finally {
      await insp.close()
    }
  })

  test('any machine is a kind of its own (a machine added later is counted and charted); helpers are other', async () => {
    const insp = await startInspector({ port: 0 })
    try {
      const updates = createActor(setup({}).createMachine({ id: 'updates', initial: 'idle', states: { idle: {} } }), { inspect: insp.inspect }).start()
      const { body } = await getJson<InspectorMessage>(at(insp, 'actors'))
      assert.deepEqual(body.counts.updates, { idle: 1 })
      assert.equal(body.actors.find((a) => a.machine === 'updates')?.kind, 'updates')
      updates.stop()
    } finally {
      await insp.close()
    }
  })

  test('close() ends viewers and frees the port; only loopback hosts are accepted', async () => {
    const insp = await startInspector({ port: 0 })
    const port = Number(new URL(insp.url).port)
    const ac = new AbortController()
    const res = await fetch(at(insp, 'events'), { signal: ac.signal })
    assert.equal(res.status, 200)
    assert.equal(insp.stats().viewers, 1)
    await insp.close()
    await insp.close()
    await assert.rejects(fetch(insp.url))
    const again = createServer()
    await new Promise<void>((resolve, reject) => again.once('error', reject).listen(port, '127.0.0.1', resolve))
    await new Promise<void>((resolve) => again.close(() => resolve()))
    ac.abort()
    await assert.rejects(startInspector({ host: '0.0.0.0' }), RangeError)

    // A request addressed to a non-loopback name (DNS rebinding) is refused.
    const insp2 = await startInspector({ port: 0 })
    try {
      const { request } = await import('node:http')
      const status = await new Promise<number>((resolve, reject) => {
        const u = new URL(insp2.url)
        request({ host: u.hostname, port: u.port, path: '/', headers: { host: 'evil.example:80' } }, (r) => {
          r.resume()
          resolve(r.statusCode ?? 0)
        })
          .on('error', reject)
          .end()
      })
      assert.equal(status, 403)
    } finally {
      await insp2.close()
    }
  })
})

describe('inspector records', () => {
  test('statePaths flattens nested and parallel state values', () => {
    assert.deepEqual(statePaths('idle'), ['idle'])
    assert.deepEqual(statePaths({ active: { inFlight: 'sent' } }), ['active.inFlight.sent'])
    assert.deepEqual(statePaths({ ready: { keepalive: 'waiting', acks: 'idle' } }), ['ready.keepalive.waiting', 'ready.acks.idle'])
  })

  test('summarizeEvent keeps scalars, shows boxed secrets as redacted and leaves out objects', () => {
    assert.equal(
      summarizeEvent({ type: 'login.code', code: secret('12345'), phone: phoneSecret('99966 1 0042'), authKey: new Uint8Array(4), msgId: 5n, errorCode: 400, reason: 'badServerSalt', dcId: 2, result: { _: 'x' } }),
      'code=[redacted] phone=[redacted …0042] msgId=5 errorCode=400 reason=badServerSalt dcId=2',
    )
    assert.ok(summarizeEvent({ type: 't', errorMessage: 'E'.repeat(500) }).length <= 161)
  })
})
