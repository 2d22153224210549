// The echo bot: every private text message the account receives is answered with its echo.
// Handlers run at least once per update, so the reply's random_id is derived from the update's
// stable id: a redelivery after a crash sends the same random_id, which Telegram (and the test
// DC) treat as the same message — the echo goes out once.
import { createHash } from 'node:crypto'
import type { Account, DeliveredUpdate, Engine } from '@mtswarm/engine'
import type { tl } from '@mtswarm/engine/tl'

/** A random_id that is the same for every delivery of one update (signed 64 bits, as TL long). */
export function randomIdFor(updateId: string): bigint {
  return createHash('sha256').update(updateId).digest().readBigInt64LE(0)
}

/** The incoming private text message in an update, or undefined. */
export function incomingPrivateText(u: DeliveredUpdate): { userId: bigint; text: string } | undefined {
  const x = u.update
  if (x._ !== 'updateNewMessage' || x.message._ !== 'message' || x.message.out === true) return undefined
  if (x.message.peerId._ !== 'peerUser' || x.message.message === '') return undefined
  return { userId: x.message.peerId.userId, text: x.message.message }
}

/**
 * Makes `bot` echo every private message it receives (registered on the engine, for this
 * account only). Resolves the sender through the peer cache (memory, the store, then the
 * network). Returns the unregister function.
 */
export function runEchoBot(engine: Engine, bot: Account): () => void {
  return engine.onUpdate(async (u) => {
    if (u.accountId !== bot.id) return
    const msg = incomingPrivateText(u)
    if (msg === undefined) return
    const peer: tl.TypeInputPeer = await bot.resolvePeer({ type: 'user', id: msg.userId })
    await bot.invoke({ _: 'messages.sendMessage', peer, message: msg.text, randomId: randomIdFor(u.id) })
  })
}
