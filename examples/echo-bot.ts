// A 10-line bot on mtswarm: log in with a bot token, answer every private message with its echo.
// Env: API_ID, API_HASH (https://my.telegram.org), BOT_TOKEN, TG_PUBLIC_KEY (PEM from my.telegram.org),
// MTSWARM_STORE_KEY (32 bytes, hex or base64: bot.mdb is sealed with it). Typechecked by `npm run typecheck`.
import { readFileSync } from 'node:fs'
import { createEngine } from '@mtswarm/engine'
import { openLmdbStore } from '@mtswarm/storage'
import type { tl } from '@mtswarm/engine/tl'

const engine = createEngine({ apiId: Number(process.env.API_ID), apiHash: process.env.API_HASH!, store: await openLmdbStore({ path: 'bot.mdb' }), publicKeys: [readFileSync(process.env.TG_PUBLIC_KEY!, 'utf8')] })
const bot = engine.account('echo-bot')
if ((await bot.ready()).state !== 'authorized') await bot.signInBot(process.env.BOT_TOKEN!)
bot.updates$.subscribe((u) => {
  if (u._ !== 'updates') return // (updateShortMessage & co carry no access hash; skipped here)
  for (const x of u.updates) {
    if (x._ !== 'updateNewMessage' || x.message._ !== 'message' || x.message.out || x.message.peerId._ !== 'peerUser') continue
    const userId = x.message.peerId.userId
    const from = u.users.find((usr): usr is tl.RawUser => usr._ === 'user' && usr.id === userId)
    void bot.invoke({ _: 'messages.sendMessage', peer: { _: 'inputPeerUser', userId, accessHash: from?.accessHash ?? 0n }, message: x.message.message, randomId: BigInt(Date.now()) })
  }
})
process.on('SIGINT', () => void engine.stop())
