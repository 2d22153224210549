// The echo bot, runnable with one command:
//   npm run echo-bot                 # on the embedded test DC: a bot, a user who writes to it, a restart
//   npm run echo-bot -- --help
// Real Telegram: set API_ID, API_HASH (https://my.telegram.org), BOT_TOKEN, TG_PUBLIC_KEY (a PEM
// file from my.telegram.org) and MTSWARM_STORE_KEY (32 bytes, hex or base64: the store is sealed
// with it); the bot then runs until Ctrl-C, its store in ./echo-bot.mdb.
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createEngine, type Account, type Engine } from '@mtswarm/engine'
import { openLmdbStore } from '@mtswarm/storage'
import { startTestDc, type TestDc } from '@mtswarm/testdc'
import { runEchoBot } from './bot.js'

const USAGE = `Usage: npm run echo-bot [-- --messages N] [--help]

Without Telegram credentials: starts a test DC in this process, logs in a bot and a user, the user
writes N messages (default 6), the bot is stopped half-way and started again from its store, and
every echo is printed. Ends with one JSON line: sent, echoed, missed, repeated.

With API_ID, API_HASH, BOT_TOKEN, TG_PUBLIC_KEY and MTSWARM_STORE_KEY set: runs the bot on
Telegram until Ctrl-C (store: ./echo-bot.mdb).`

const { values } = (() => {
  try {
    return parseArgs({ options: { messages: { type: 'string', default: '6' }, help: { type: 'boolean', short: 'h' } }, strict: true })
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`)
    process.exit(2)
  }
})()
if (values.help === true) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}
const count = Number(values.messages)
if (!Number.isInteger(count) || count < 2 || count > 10_000) {
  process.stderr.write(`--messages: an integer in [2, 10000], got ${values.messages}\n\n${USAGE}\n`)
  process.exit(2)
}

if (process.env['BOT_TOKEN'] !== undefined && process.env['API_ID'] !== undefined) await realTelegram()
else await demo(count)

async function realTelegram(): Promise<void> {
  const engine = createEngine({
    apiId: Number(process.env['API_ID']),
    apiHash: process.env['API_HASH'] ?? '',
    store: await openLmdbStore({ path: 'echo-bot.mdb' }),
    publicKeys: [readFileSync(process.env['TG_PUBLIC_KEY'] ?? '', 'utf8')],
  })
  const bot = engine.account('echo-bot')
  runEchoBot(engine, bot)
  if ((await bot.ready()).state !== 'authorized') await bot.signInBot(process.env['BOT_TOKEN'] ?? '')
  process.on('SIGINT', () => void engine.stop())
}

async function demo(n: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mtswarm-echo-'))
  const storeKey = new Uint8Array(globalThis.crypto.getRandomValues(new Uint8Array(32)))
  const dc = await startTestDc({ dcCount: 1 })
  const { token } = dc.world.presetBot({ username: 'echo_demo_bot', firstName: 'Echo' })
  dc.world.presetUser({ phone: '9996610001', firstName: 'Ann' })
  const botEngine = (): Promise<Engine> =>
    openLmdbStore({ path: join(dir, 'bot.mdb'), encryptionKey: storeKey }).then((store) =>
      createEngine({ apiId: 1, apiHash: '0123456789abcdef0123456789abcdef', store, dcs: dc.dcs, publicKeys: [dc.publicKeyPem] }),
    )
  // The user is another client of the same DC (its own engine and store).
  const userEngine = createEngine({ apiId: 1, apiHash: '0123456789abcdef0123456789abcdef', store: await openLmdbStore({ path: join(dir, 'user.mdb'), encryptionKey: storeKey }), dcs: dc.dcs, publicKeys: [dc.publicKeyPem] })
  const echoes: string[] = []
  const ann = userEngine.account('ann')
  userEngine.onUpdate((u) => {
    const x = u.update
    if (x._ === 'updateNewMessage' && x.message._ === 'message' && x.message.out !== true) {
      echoes.push(x.message.message)
      process.stdout.write(`ann got the echo: ${x.message.message}\n`)
    }
  })
  await ann.sendCode('9996610001')
  await ann.signIn('11111')
  let engine = await botEngine()
  let bot: Account = engine.account('echo-bot')
  runEchoBot(engine, bot)
  await bot.signInBot(token)
  const botPeer = await ann.resolvePeer('@echo_demo_bot')
  const sent: string[] = []
  const say = async (text: string) => {
    sent.push(text)
    process.stdout.write(`ann says: ${text}\n`)
    await ann.invoke({ _: 'messages.sendMessage', peer: botPeer, message: text, randomId: BigInt(sent.length) })
  }
  const half = Math.floor(n / 2)
  for (let i = 0; i < half; i++) await say(`message ${i + 1}`)
  await waitFor(() => echoes.length >= half)
  process.stdout.write('-- the bot stops; ann keeps writing --\n')
  await engine.stop()
  for (let i = half; i < n; i++) await say(`message ${i + 1}`)
  process.stdout.write('-- the bot starts again from its store and catches up --\n')
  engine = await botEngine()
  bot = engine.account('echo-bot')
  runEchoBot(engine, bot)
  await bot.ready()
  await waitFor(() => echoes.length >= n)
  await new Promise((r) => setTimeout(r, 300)) // a repeat would show up here
  const missed = sent.filter((t) => !echoes.includes(t)).length
  const repeated = echoes.length - new Set(echoes).size
  process.stdout.write(`${JSON.stringify({ sent: sent.length, echoed: echoes.length, missed, repeated })}\n`)
  await Promise.all([engine.stop(), userEngine.stop()])
  await dc.close()
  await rm(dir, { recursive: true, force: true })
  process.exitCode = missed === 0 && repeated === 0 ? 0 : 1
}

async function waitFor(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for the echoes')
    await new Promise((r) => setTimeout(r, 20))
  }
}
