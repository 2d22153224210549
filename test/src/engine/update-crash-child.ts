// Child process of the update crash test (not a test): an engine over an LMDB store whose one
// handler appends each private message it handles to a log file (the side effect), then resolves.
// The parent SIGKILLs it at random points; with MTSWARM_KILL_AFTER=N it SIGKILLs itself right
// after the Nth side effect, before the handler resolves (so before any commit can cover it).
// Usage: node --import tsx update-crash-child.ts <store> <log> <dcs-json> <phone> <run>
import { appendFileSync } from 'node:fs'
import { createEngine } from '@mtswarm/engine'
import { openLmdbStore } from '@mtswarm/storage'

const [storePath, logPath, dcsJson, phone, run] = process.argv.slice(2) as [string, string, string, string, string]
const killAfter = Number(process.env['MTSWARM_KILL_AFTER'] ?? 0)
const store = await openLmdbStore({ path: storePath, encryptionKey: new Uint8Array(32).fill(9) })
const engine = createEngine({
  apiId: 4242,
  apiHash: '0123456789abcdef0123456789abcdef',
  store,
  dcs: JSON.parse(dcsJson),
  publicKeys: [process.env['MTSWARM_DC_PUBLIC_KEY'] as string],
  updates: { gapTimeoutMs: 100 },
})
appendFileSync(logPath, `run\t${run}\n`)
engine.events$.subscribe((e) => {
  if (e.type === 'warning' || (e.type === 'rpc.settled' && e.method.startsWith('updates.'))) appendFileSync(logPath, `event\t${JSON.stringify(e, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`)
})
let effects = 0
engine.onUpdate(async (u) => {
  if (u.update._ !== 'updateNewMessage' || u.update.message._ !== 'message') return
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 3)))
  appendFileSync(logPath, `msg\t${u.chat}\t${u.update.message.id}\t${u.update.message.message}\n`)
  if (++effects === killAfter) process.kill(process.pid, 'SIGKILL')
})
const bot = engine.account('bot')
const s = await bot.ready()
if (s.state !== 'authorized') {
  await bot.sendCode(phone)
  await bot.signIn('11111')
}
// NB: ready once the updates machine knows its state: what is sent from now on must all arrive.
while (JSON.stringify(bot.updatesState ?? '').indexOf('active') < 0) await new Promise((r) => setTimeout(r, 10))
process.stdout.write('ready\n')
