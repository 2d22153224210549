// startTestDc: the project's MTProto server on loopback — N DCs sharing one RSA key, one world,
// one fault state and one stats object. Wires the parts together; the protocol work lives in
// connection.ts, handshake.ts and session.ts.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { TELEGRAM_DH_PRIME, parseRsaPrivateKey } from '@mtswarm/engine/crypto'
import { DcServer } from './dc-server.js'
import { Faults } from './faults.js'
import { SaltSchedule } from './salts.js'
import type { ServerContext } from './server-context.js'
import { TestDcStats } from './stats.js'
import type { DcAddress, TestDc, TestDcOptions } from './types.js'
import { defaultUpdates, pushDelivery } from './updates-push.js'
import { World, seededRandom } from './world/index.js'

/** The only host the test DC binds: it must never be reachable from outside the machine. */
export const LOOPBACK_HOST = '127.0.0.1'
/** Telegram's DH generator for its prime. */
export const DH_G = 3

/** Thrown for options the test DC refuses (a non-loopback host, a bad DC count). */
export class TestDcOptionsError extends Error {
  override readonly name = 'TestDcOptionsError'
}

/** A fresh 2048-bit RSA private key, PKCS#1 PEM. */
export function generateRsaKeyPem(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 })
  return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
}

/** Starts every DC and resolves once all listen. */
export async function startTestDc(options: TestDcOptions = {}): Promise<TestDc> {
  const host = options.host ?? LOOPBACK_HOST
  if (host !== LOOPBACK_HOST) throw new TestDcOptionsError(`the test DC binds ${LOOPBACK_HOST} only, not ${JSON.stringify(host)}`)
  const dcCount = options.dcCount ?? 3
  if (!Number.isInteger(dcCount) || dcCount < 1 || dcCount > 16) throw new TestDcOptionsError(`dcCount must be 1..16, got ${dcCount}`)
  const basePort = options.basePort ?? 0
  if (!Number.isInteger(basePort) || basePort < 0 || basePort + dcCount - 1 > 65535) throw new TestDcOptionsError(`bad basePort ${basePort}`)
  const seed = options.seed ?? 1
  const rsaKey = parseRsaPrivateKey(options.rsaPrivateKeyPem ?? generateRsaKeyPem())
  const clock = options.clock ?? Date.now
  const stats = new TestDcStats()
  const faults = new Faults(options.faults ?? {}, seed, stats)
  const now = (): number => clock() + faults.clockSkewMs
  const dcIds = Array.from({ length: dcCount }, (_, i) => i + 1)
  const world =
    options.world instanceof World
      ? options.world
      : new World({ clock: now, random: seededRandom(`world:${seed}`), dcIds, ...(options.world ?? {}) })
  const dcs: DcAddress[] = []
  const ctx: ServerContext = {
    dcs,
    world,
    stats,
    faults,
    salts: new SaltSchedule(String(seed), () => faults.saltPeriodMs),
    rsaKey,
    dhPrime: TELEGRAM_DH_PRIME,
    g: DH_G,
    now,
    random: (n) => new Uint8Array(randomBytes(n)),
    api: options.api,
    layers: options.layers,
    updates: options.updates ?? defaultUpdates,
  }
  const servers = new Map<number, DcServer>()
  try {
    for (const id of dcIds) {
      const server = new DcServer(id, ctx)
      servers.set(id, server)
      const port = await server.listen(host, basePort === 0 ? 0 : basePort + id - 1)
      dcs.push({ id, host, port })
    }
  } catch (e) {
    await Promise.all([...servers.values()].map((s) => s.close()))
    throw e
  }
  const unsubscribe = world.onUpdates((delivery) => {
    try {
      stats.updatesPushed += pushDelivery(delivery, world, servers, ctx.updates)
    } catch (e) {
      stats.bump(stats.errors, `updates-push:${e instanceof Error ? e.message.slice(0, 80) : String(e)}`)
    }
  })
  const publicKey = rsaKey.publicKey.keyObject
  let closing: Promise<void> | undefined
  return {
    dcs,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKeyPkcs1Pem: publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    fingerprint: rsaKey.publicKey.fingerprint,
    world,
    faults,
    stats,
    close() {
      closing ??= (async () => {
        unsubscribe()
        await Promise.all([...servers.values()].map((s) => s.close()))
      })()
      return closing
    },
  }
}
