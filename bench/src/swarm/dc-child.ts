// The bench's test DC process: startTestDc with the API handlers (code login), the layer codecs
// (GramJS speaks layer 198) and the updates hook, plus a control channel over node IPC (faults,
// stats, drop every connection, preset users, private messages written server-side). Prints the
// testdc CLI's JSON line on stdout too. Run by dc-process.ts; knows nothing of the scenarios.
import { Server, type Socket } from 'node:net'
import { parseArgs } from 'node:util'
import type { FaultConfig } from '@mtswarm/testdc'
import type { DcRequest, DcResponse, MessageSend } from './dc-protocol.js'

// Every socket the DC accepts, so `dropAll` can cut them at once (the test DC keeps its own list
// private). NB: patched before the test DC module is loaded, on the prototype every listener uses.
const sockets = new Set<Socket>()
const emit = Server.prototype.emit
Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
  if (event === 'connection') {
    const socket = args[0] as Socket
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }
  return (emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean).call(this, event, ...args)
} as typeof Server.prototype.emit

const { values } = parseArgs({
  options: { dcs: { type: 'string' }, seed: { type: 'string' }, faults: { type: 'string' } },
  strict: true,
})

const { startTestDc, generateRsaKeyPem, createApiHandler, apiUpdatesHook, dcLayersHook } = await import('@mtswarm/testdc')
const { parseRsaPrivateKey } = await import('@mtswarm/engine/crypto')

/**
 * A fresh key whose fingerprint's top hex digit is not 0: mtcute files keys under 16 hex digits
 * but looks them up without leading zeros (see test/docs/interop.md), so such a key needs no patch.
 */
function keyForEveryPeer(): string {
  for (;;) {
    const pem = generateRsaKeyPem()
    if (BigInt.asUintN(64, parseRsaPrivateKey(pem).publicKey.fingerprint) >= 1n << 60n) return pem
  }
}

const dc = await startTestDc({
  dcCount: Number(values.dcs ?? 3),
  seed: values.seed ?? 1,
  rsaPrivateKeyPem: keyForEveryPeer(),
  faults: values.faults === undefined ? {} : (JSON.parse(values.faults) as FaultConfig),
  api: createApiHandler(),
  layers: dcLayersHook,
  updates: apiUpdatesHook,
})

const hello = { dcs: dc.dcs, publicKeyPem: dc.publicKeyPem, fingerprint: BigInt.asUintN(64, dc.fingerprint).toString() }
process.stdout.write(`${JSON.stringify(hello)}\n`)

/** Writes per event-loop turn in `sendMessages` (pushes of a batch are flushed before the next). */
const SEND_BATCH = 200
// One auth key per sender: world.loginAs binds a new key on every call.
const senders = new Map<bigint, ReturnType<typeof dc.world.loginAs>>()
let nextRandomId = 1n

async function sendMessages(sends: readonly MessageSend[]): Promise<number> {
  let written = 0
  for (const s of sends) {
    const from = BigInt(s.from)
    let ctx = senders.get(from)
    if (ctx === undefined) {
      ctx = dc.world.loginAs(from)
      senders.set(from, ctx)
    }
    const to = { type: 'user' as const, id: BigInt(s.to) }
    for (let k = 0; k < s.count; k++) {
      dc.world.sendMessage(ctx, to, `${s.prefix}${s.firstSeq + k}`, nextRandomId++)
      if (++written % SEND_BATCH === 0) await new Promise((r) => setImmediate(r))
    }
  }
  return written
}

function handle(req: DcRequest): unknown {
  switch (req.cmd) {
    case 'faults':
      dc.faults.set(req.patch)
      return dc.faults.config
    case 'clearFaults':
      dc.faults.clear()
      return null
    case 'stats':
      return dc.stats.snapshot()
    case 'dropAll': {
      const count = sockets.size
      // NB: CLOCK_MONOTONIC is system-wide, so the parent can compare this with its own hrtime.
      const atMs = Number(process.hrtime.bigint()) / 1e6
      for (const s of sockets) s.destroy()
      return { count, atMs }
    }
    case 'connections':
      return sockets.size
    case 'presetUsers': {
      let made = 0
      for (const phone of req.phones) {
        try {
          dc.world.presetUser({ phone, firstName: `U${phone.slice(-5)}` })
          made++
        } catch {
          // the phone already has a user: keep it
        }
      }
      return made
    }
    case 'memory':
      return process.memoryUsage()
    case 'userIds':
      return req.phones.map((phone) => (dc.world.userByPhone(phone) ?? dc.world.presetUser({ phone, firstName: `U${phone.slice(-5)}` })).id.toString())
    case 'sendMessages':
      return sendMessages(req.sends)
  }
}

process.on('message', (raw: unknown) => {
  const req = raw as DcRequest
  void (async () => {
    let res: DcResponse
    try {
      res = { id: req.id, ok: true, result: await handle(req) }
    } catch (e) {
      res = { id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) }
    }
    process.send?.(res)
  })()
})

let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  for (const s of sockets) s.destroy()
  void dc.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
process.on('disconnect', stop)
