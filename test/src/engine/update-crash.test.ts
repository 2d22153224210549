// At-least-once delivery across crashes: a child process handling updates over an LMDB store is
// SIGKILLed at random points — and, every other round, by its own handler right after the side
// effect and before the handler resolves, the window where a commit-on-dispatch library loses the
// update — while server-side senders keep writing to it. After the last restart the log of side
// effects holds every message, and inside each run every chat's messages are in order.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import type { TestDc } from '@mtswarm/testdc'
import { startDc } from './harness.js'

const ROUNDS = Number(process.env["ROUNDS"] ?? 8)
const SENDERS = 4
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const CHILD = fileURLToPath(new URL('./update-crash-child.ts', import.meta.url))

let dc: TestDc
let dir: string
before(async () => {
  dc = await startDc({ seed: 'update-crash' })
  dir = await mkdtemp(join(tmpdir(), 'mtswarm-update-crash-'))
})
after(async () => {
  await dc.close()
  if (process.env["KEEP"] === undefined) await rm(dir, { recursive: true, force: true })
  else console.log("kept", dir)
})

/** A seeded stream of numbers in [0, 1) (the test's own choices are repeatable). */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}

function startChild(storePath: string, logPath: string, phone: string, run: number, killAfter: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, storePath, logPath, JSON.stringify(dc.dcs), phone, String(run)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MTSWARM_DC_PUBLIC_KEY: dc.publicKeyPem, MTSWARM_KILL_AFTER: String(killAfter) },
  })
  let err = ''
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
  const ready = new Promise<void>((resolve) => child.stdout.setEncoding('utf8').on('data', (d: string) => d.includes('ready') && resolve()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  return { child, ready, exited, err: () => err }
}

interface Line {
  readonly run: number
  readonly chat: string
  readonly id: number
  readonly text: string
}

async function readLog(path: string): Promise<Line[]> {
  let run = -1
  const out: Line[] = []
  for (const line of (await readFile(path, 'utf8').catch(() => '')).split('\n')) {
    const f = line.split('\t')
    if (f[0] === 'run') run = Number(f[1])
    else if (f[0] === 'msg' && f.length === 4) out.push({ run, chat: f[1] as string, id: Number(f[2]), text: f[3] as string })
  }
  return out
}

test('SIGKILL at random points and between a side effect and its commit: every message handled at least once, in order per chat within each run', async () => {
  const random = rng(20261207)
  const storePath = join(dir, 'bot.lmdb')
  const logPath = join(dir, 'effects.log')
  const phone = '9996610901'
  const bot = dc.world.presetUser({ phone, firstName: 'Bot' })
  const senders = Array.from({ length: SENDERS }, (_, i) => dc.world.presetUser({ phone: `99966109${String(10 + i)}`, firstName: `S${i}` }))
  const sent: string[] = []
  let n = 0
  const sendSome = (count: number) => {
    for (let i = 0; i < count; i++) {
      const s = senders[Math.floor(random() * senders.length)]!
      const text = `m${n++}`
      dc.world.sendMessage(dc.world.loginAs(s.id), { type: 'user', id: bot.id }, text, BigInt(n))
      sent.push(text)
    }
  }
  const kills = { timer: 0, afterEffect: 0 }
  for (let round = 0; round < ROUNDS; round++) {
    const selfKill = round % 2 === 1
    const c = startChild(storePath, logPath, phone, round, selfKill ? 1 + Math.floor(random() * 15) : 0)
    await Promise.race([c.ready, c.exited])
    // Senders write while the child runs; it dies either by its own handler or by a timer.
    const sender = setInterval(() => sendSome(3), 5)
    const timer = setTimeout(() => c.child.kill('SIGKILL'), 100 + Math.floor(random() * 400))
    const end = await c.exited
    clearInterval(sender)
    clearTimeout(timer)
    assert.equal(end.signal, 'SIGKILL', `round ${round}: the child died otherwise (${end.code}): ${c.err()}`)
    if (selfKill && (await readLog(logPath)).some((l) => l.run === round)) kills.afterEffect++
    else kills.timer++
    sendSome(5) // while it is down
  }
  // The last run lives until every message has been handled.
  const last = startChild(storePath, logPath, phone, ROUNDS, 0)
  try {
    await Promise.race([last.ready, last.exited])
    const deadline = Date.now() + 60_000
    for (;;) {
      const seen = new Set((await readLog(logPath)).map((l) => l.text))
      if (sent.every((t) => seen.has(t))) break
      assert.ok(Date.now() < deadline, `still missing ${sent.filter((t) => !seen.has(t)).length} of ${sent.length} (${sent.filter((t) => !seen.has(t)).slice(0, 10).join(" ")}): ${last.err()}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  } finally {
    last.child.kill('SIGKILL')
    await last.exited
  }
  const log = await readLog(logPath)
  const seen = new Set(log.map((l) => l.text))
  assert.deepEqual(sent.filter((t) => !seen.has(t)), [], 'every message reached the handler')
  for (let run = 0; run <= ROUNDS; run++) {
    const byChat = new Map<string, number[]>()
    for (const l of log.filter((x) => x.run === run)) byChat.set(l.chat, [...(byChat.get(l.chat) ?? []), l.id])
    for (const [chat, ids] of byChat) assert.deepEqual(ids, [...ids].sort((a, b) => a - b), `run ${run}, ${chat}: in order`)
  }
  const duplicates = log.length - seen.size
  assert.ok(kills.afterEffect >= 2, `the handler killed itself after a side effect in ${kills.afterEffect} rounds`)
  // Report: how many redeliveries the crashes cost (bounded by what was in flight at each kill).
  process.stdout.write(`# update crash: ${sent.length} messages, ${log.length} side effects, ${duplicates} duplicates over ${ROUNDS} kills (${kills.afterEffect} after a side effect)\n`)
  assert.ok(duplicates <= ROUNDS * 200, `duplicates bounded: ${duplicates}`)
})
