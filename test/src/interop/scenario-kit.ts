// The interop scenario's fixture: a two-DC test DC with the real API handlers, the layer
// codecs and the API updates hook, every API call recorded (DC, layer, method, outcome), preset
// accounts, and driver factories for GramJS and mtcute. Knows nothing of either client's internals.
import { type ApiCall, apiUpdatesHook, createApiHandler, dcLayersHook, startTestDc, type TestDc, type WorldUser } from '@mtswarm/testdc'
import { sharedRsaKeyPem } from '@mtswarm/testdc/testing'
import type { InteropClientName, InteropDriver, InteropDriverConfig } from './driver.js'
import { GramjsDriver } from './gramjs-driver.js'
import { MtcuteDriver } from './mtcute-driver.js'

/** One API call as the test DC saw it (after unwrapping invokeWithLayer/initConnection). */
export interface RecordedCall {
  readonly dcId: number
  readonly layer: number
  readonly method: string
  readonly authKeyId: bigint
  /** 'ok', or the rpc_error message the handler threw (e.g. PHONE_MIGRATE_2). */
  readonly outcome: string
}

/** A preset account of the scenario and how to log it in. */
export interface ScenarioAccount {
  readonly user: WorldUser
  readonly phone: string
  readonly code: string
  readonly password?: string
}

export interface ScenarioDc {
  readonly dc: TestDc
  readonly calls: RecordedCall[]
  /** Driver config: the client starts on DC 1 and may be routed to DC 2. */
  readonly config: InteropDriverConfig
  close(): Promise<void>
}

/** Set MTSWARM_INTEROP_TRACE=1 to print every API call the test DC answers (debugging aid). */
const TRACE = process.env['MTSWARM_INTEROP_TRACE'] === '1'

/** Starts a two-DC test DC wired as the scenario needs it, recording every API call. */
export async function startScenarioDc(): Promise<ScenarioDc> {
  const api = createApiHandler()
  const calls: RecordedCall[] = []
  const record = (call: ApiCall, outcome: string): void => {
    calls.push({ dcId: call.dcId, layer: call.layer, method: call.method, authKeyId: call.authKeyId, outcome })
    if (TRACE) console.log(`[dc ${call.dcId} L${call.layer} key ${call.authKeyId.toString(16).slice(-6)}] ${call.method} → ${outcome}`)
  }
  const dc = await startTestDc({
    rsaPrivateKeyPem: sharedRsaKeyPem(),
    dcCount: 2,
    layers: dcLayersHook,
    updates: apiUpdatesHook,
    api: async (call, fallback) => {
      try {
        const result = await api(call, fallback)
        record(call, 'ok')
        return result
      } catch (err) {
        record(call, errorName(err))
        throw err
      }
    },
  })
  const home = dc.dcs[0]
  if (home === undefined) throw new Error('the test DC started without DC 1')
  const config: InteropDriverConfig = {
    host: home.host,
    port: home.port,
    dcId: home.id,
    publicKeyPem: dc.publicKeyPem,
    fingerprint: BigInt.asUintN(64, dc.fingerprint),
    dcs: dc.dcs,
    apiId: 2040,
    apiHash: 'b18441a1ff607e10a989891a5462e627',
  }
  return {
    dc,
    calls,
    config,
    close: async () => {
      if (TRACE) console.log('[dc stats]', JSON.stringify(dc.stats.snapshot()))
      await dc.close()
    },
  }
}

/**
 * Presets an account on `dc`: phone 99966XYYYY is homed on DC X and its code is X five times
 * (the world's test-phone rule).
 */
export function presetAccount(
  dc: TestDc,
  spec: { homeDc: number; suffix: string; firstName: string; username: string; password?: string },
): ScenarioAccount {
  const phone = `99966${spec.homeDc}${spec.suffix}`
  const user = dc.world.presetUser({
    phone,
    firstName: spec.firstName,
    username: spec.username,
    ...(spec.password === undefined ? {} : { password: spec.password }),
  })
  return {
    user,
    phone,
    code: String(spec.homeDc).repeat(5),
    ...(spec.password === undefined ? {} : { password: spec.password }),
  }
}

/**
 * A fresh driver of `client` against the scenario DC (starting on DC 1). Default transports are
 * each client's own default (GramJS: full TCP, mtcute: intermediate); `obfuscated` picks
 * obfuscated2 (over abridged for GramJS, over intermediate for mtcute).
 */
export function makeDriver(
  client: InteropClientName,
  config: InteropDriverConfig,
  transport: 'default' | 'obfuscated' = 'default',
): InteropDriver {
  if (client === 'gramjs') return new GramjsDriver(config, { transport: transport === 'obfuscated' ? 'obfuscated' : 'full' })
  return new MtcuteDriver(config, { transport: transport === 'obfuscated' ? 'obfuscated' : 'intermediate' })
}

/** The layer each client declares in invokeWithLayer. */
export const CLIENT_LAYER: Record<InteropClientName, number> = { gramjs: 198, mtcute: 227 }

/** How many of each kind of resource keep the event loop alive now (sockets, servers, timers). */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>()
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1)
  return counts
}

/**
 * Resources keeping the event loop alive beyond `baseline`, once they had up to `waitMs` to go
 * (closed sockets need a few ticks): `[]` when everything the scenario opened has closed, i.e. a
 * process holding only the scenario would exit by itself.
 */
export async function leftoverResources(baseline: ReadonlyMap<string, number>, waitMs: number): Promise<string[]> {
  const deadline = Date.now() + waitMs
  for (;;) {
    const extra: string[] = []
    for (const [kind, count] of activeResources()) {
      const more = count - (baseline.get(kind) ?? 0)
      if (more > 0) extra.push(`${kind} ×${more}`)
    }
    if (extra.length === 0 || Date.now() >= deadline) return extra
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function errorName(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') return err.message
  return String(err)
}
