// startTestDc: the project's MTProto server on loopback — N DCs sharing one RSA key, one world,
// one fault state and one stats object. Wires the parts together; the protocol work lives in
// connection.ts, handshake.ts and session.ts.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { TELEGRAM_DH_PRIME, parseRsaPrivateKey } from '@mtswarm/engine/crypto'
import { apiUpdatesHook, createApiHandler } from './api/index.js'
import { DcServer } from './dc-server.js'
import { Faults } from './faults.js'
import { dcLayersHook } from './layers/index.js'
import { SaltSchedule } from './salts.js'
import { STATE_FILE_VERSION, TestDcStateError, readStateFile, writeStateFile, type TestDcState } from './state-file.js'
import type { ServerContext } from './server-context.js'
import { TestDcStats } from './stats.js'
import type { DcAddress, RestoredTestDcState, TestDc, TestDcOptions } from './types.js'
import { UpdatePusher } from './updates-push.js'
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
  const dcIds = Array.from({ length: dcCount }, (_, i) => i + 1)
  const statePath = options.statePath
  const saved = statePath === undefined ? undefined : await readStateFile(statePath)
  if (saved !== undefined && statePath !== undefined) {
    if (options.world instanceof World) throw new TestDcOptionsError('statePath restores its own world: pass world options, not a World')
    if (saved.dcIds.join(',') !== dcIds.join(',')) throw new TestDcStateError(statePath, `saved with DCs ${saved.dcIds.join(', ')}, asked for ${dcIds.join(', ')}`)
    if (options.rsaPrivateKeyPem !== undefined && options.rsaPrivateKeyPem !== saved.rsaPrivateKeyPem) {
      throw new TestDcStateError(statePath, 'saved with another RSA key than rsaPrivateKeyPem')
    }
  }
  const rsaPem = saved?.rsaPrivateKeyPem ?? options.rsaPrivateKeyPem ?? generateRsaKeyPem()
  const rsaKey = parseRsaPrivateKey(rsaPem)
  const clock = options.clock ?? Date.now
  const stats = new TestDcStats()
  const faults = new Faults(options.faults ?? {}, seed, stats)
  const now = (): number => clock() + faults.clockSkewMs
  // NB: a restored world draws from a new stream, else it would hand out the first run's ids again.
  const worldSeed = saved === undefined ? `world:${seed}` : `world:${seed}/gen${saved.generation}`
  const world =
    options.world instanceof World
      ? options.world
      : new World({ clock: now, random: seededRandom(worldSeed), dcIds, ...(options.world ?? {}) })
  if (saved !== undefined && statePath !== undefined) {
    try {
      world.restore(saved.world)
    } catch (e) {
      throw new TestDcStateError(statePath, `its world does not fit (${(e as Error).message})`)
    }
  }
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
    // The whole world by default: what a client can do against Telegram it can do here.
    api: options.api ?? createApiHandler(),
    layers: options.layers ?? dcLayersHook,
    updates: options.updates ?? apiUpdatesHook,
  }
  const servers = new Map<number, DcServer>()
  try {
    for (const id of dcIds) {
      const server = new DcServer(id, ctx)
      servers.set(id, server)
      for (const record of saved?.keys.find((k) => k.dcId === id)?.records ?? []) server.addKey(record)
      const port = await server.listen(host, basePort === 0 ? 0 : basePort + id - 1)
      dcs.push({ id, host, port })
    }
  } catch (e) {
    await Promise.all([...servers.values()].map((s) => s.close()))
    throw e
  }
  const pusher = new UpdatePusher(ctx, servers)
  const unsubscribe = world.onUpdateBatches((deliveries) => {
    try {
      stats.updatesPushed += pusher.pushBatch(deliveries)
    } catch (e) {
      stats.bump(stats.errors, `updates-push:${e instanceof Error ? e.message.slice(0, 80) : String(e)}`)
    }
  })
  const restored: RestoredTestDcState | undefined =
    saved === undefined || statePath === undefined
      ? undefined
      : {
          path: statePath,
          savedAtMs: saved.savedAtMs,
          generation: saved.generation,
          authKeys: saved.keys.reduce((n, k) => n + k.records.length, 0),
          users: world.stats().users,
          app: saved.app,
        }
  const saveState = async (path: string): Promise<void> => {
    const at = now()
    const state: TestDcState = {
      version: STATE_FILE_VERSION,
      savedAtMs: at,
      rsaPrivateKeyPem: rsaPem,
      seed: String(seed),
      generation: (saved?.generation ?? 0) + 1,
      dcIds,
      keys: [...servers].map(([dcId, s]) => ({
        dcId,
        records: s.authKeys().filter((r) => r.expiresAtMs === undefined || r.expiresAtMs > at),
      })),
      world: world.snapshot(),
      app: options.appState?.(),
    }
    await writeStateFile(path, state)
  }
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
    restored,
    forgetSessions(who) {
      let n = 0
      if (who === 'all') {
        for (const s of servers.values()) n += s.forgetSessions()
      } else {
        for (const key of world.authKeysOf(who)) n += servers.get(key.dcId)?.forgetSessions([key.authKeyId]) ?? 0
      }
      stats.bump(stats.faults, 'forgetSessions', n)
      return n
    },
    close() {
      closing ??= (async () => {
        unsubscribe()
        pusher.close()
        await Promise.all([...servers.values()].map((s) => s.close()))
        if (statePath !== undefined) await saveState(statePath)
      })()
      return closing
    },
  }
}
