// A live demo for the inspector page: real account / dcConnection / handshake / rpc machines with
// fake effects (timers stand in for sockets and the server). No network besides the loopback page.
// Run: npx tsx test/src/inspector/demo.ts [port] [--for=seconds]   then open the printed URL.
import { createActor, fromCallback, fromPromise } from 'xstate'
import { accountMachine, dcConnectionMachine, handshakeMachine, recordActions, rpcMachine } from '@mtswarm/machines'
import type { Secret, SetClientDhParamsOutput } from '@mtswarm/machines'
import { startInspector } from '@mtswarm/engine'

const port = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 0)
const forSec = Number(/--for=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 0)
const insp = await startInspector({ port })
console.log(`inspector: ${insp.url}`)

const later = (minMs: number, maxMs: number) => minMs + Math.floor(Math.random() * (maxMs - minMs))
/** A step that never answers (the handshake shows where it hangs, then times out). */
const hang = <T,>() => fromPromise<T, any>(() => new Promise<T>(() => {}))

// Sockets connect after a while; handshakes hang in one of their steps (the page shows where).
const handshake = handshakeMachine.provide({
  actors: { reqPq: hang<{ carry: Secret<unknown> }>(), reqDhParams: hang<{ carry: Secret<unknown> }>(), setClientDhParams: hang<SetClientDhParamsOutput>() },
})
const dcConnection = dcConnectionMachine.provide({
  actors: {
    socket: fromCallback(({ sendBack }) => {
      const t = setTimeout(() => sendBack({ type: 'socket.connected' }), later(100, 4_000))
      return () => clearTimeout(t)
    }),
    handshake,
  },
})
// The account's connections are its children (as the engine makes them).
const account = accountMachine.provide({
  actions: {
    openDc: ({ self }, p) => {
      const c = createActor(dcConnection, { parent: self, id: `dc:${p.accountId}/${p.dcId}`, input: { dcId: p.dcId, authKeyId: p.authKeyId } })
      c.start()
      c.send({ type: 'connection.open' })
    },
  },
})
for (let i = 0; i < 8; i++) {
  const keyed = i % 3 !== 0
  const a = createActor(account, {
    inspect: insp.inspect,
    systemId: `account:${i}`,
    input: { accountId: `acc${i}`, homeDcId: 1 + (i % 5), ...(keyed ? { authKeyIds: { [1 + (i % 5)]: BigInt(1000 + i) } } : {}) },
  })
  a.start()
  a.send({ type: 'account.start' })
}

// A stream of calls: most answered, some failing, some stuck in flight.
const rpc = rpcMachine.provide({ actions: recordActions(['enqueue', 'dequeue', 'dropAnswer', 'settle', 'notifyMigrated']).actions })
const methods = ['help.getConfig', 'messages.getDialogs', 'users.getFullUser', 'updates.getState', 'contacts.getContacts']
let requestId = 0
const tick = setInterval(() => {
  for (let k = 0; k < 6; k++) {
    const id = ++requestId
    const actor = createActor(rpc, {
      inspect: insp.inspect,
      input: { requestId: id, method: methods[id % methods.length]!, dcId: 1 + (id % 5) },
    }).start()
    const msgId = BigInt(id * 4)
    setTimeout(() => actor.send({ type: 'rpc.sent', msgId }), later(50, 600))
    if (id % 7 !== 0) setTimeout(() => actor.send({ type: 'rpc.acked', msgId }), later(600, 1_200))
    if (id % 11 === 0) setTimeout(() => actor.send({ type: 'rpc.errorReceived', msgId, errorCode: 400, errorMessage: 'PEER_ID_INVALID' }), later(1_200, 2_500))
    else if (id % 13 !== 0) setTimeout(() => actor.send({ type: 'rpc.resultReceived', msgId, result: { _: 'ok' } }), later(1_200, 4_000))
  }
}, 200)

const stop = async () => {
  clearInterval(tick)
  console.log(JSON.stringify(insp.stats()))
  await insp.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
if (forSec > 0) setTimeout(() => void stop(), forSec * 1_000)
