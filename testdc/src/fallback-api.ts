// The built-in API handler of the test DC: help.getConfig (every DC of this test DC at its real
// loopback address), help.getNearestDc, and Telegram's INPUT_METHOD_INVALID for everything else.
// Knows nothing of the world's rules; the real handlers (testdc/src/api) sit in front of it.
// https://core.telegram.org/method/help.getConfig · https://core.telegram.org/api/datacenter
import { constructorIdOf, type tl } from '@mtswarm/engine/tl'
import { inputMethodInvalid } from './rpc-codec.js'
import type { ApiCall } from './types.js'

/** How long a client may cache the config (seconds). */
export const CONFIG_EXPIRES_S = 3600

function unknownMethod(method: string): never {
  let id = 0
  try {
    id = constructorIdOf(method)
  } catch {
    // a layer codec produced a name our schema does not know
  }
  throw inputMethodInvalid(id)
}

/** help.getConfig for this test DC: test_mode, this_dc, every DC on 127.0.0.1. */
export function testDcConfig(call: ApiCall): tl.RawConfig {
  return buildTestDcConfig({ thisDc: call.dcId, dcs: call.dcs, now: call.world.now() })
}

/** The config object itself, from the DC list and the server's unix time (seconds). */
export function buildTestDcConfig(opts: {
  thisDc: number
  dcs: readonly { id: number; host: string; port: number }[]
  now: number
}): tl.RawConfig {
  const { thisDc, dcs, now } = opts
  return {
    _: 'config',
    testMode: true,
    date: now,
    expires: now + CONFIG_EXPIRES_S,
    thisDc,
    dcOptions: dcs.map((dc) => ({ _: 'dcOption', id: dc.id, ipAddress: dc.host, port: dc.port })),
    dcTxtDomainName: 'localhost',
    chatSizeMax: 200,
    megagroupSizeMax: 200_000,
    forwardedCountMax: 100,
    onlineUpdatePeriodMs: 210_000,
    offlineBlurTimeoutMs: 5_000,
    offlineIdleTimeoutMs: 30_000,
    onlineCloudTimeoutMs: 300_000,
    notifyCloudDelayMs: 30_000,
    notifyDefaultDelayMs: 1_500,
    pushChatPeriodMs: 60_000,
    pushChatLimit: 2,
    editTimeLimit: 172_800,
    revokeTimeLimit: 2_147_483_647,
    revokePmTimeLimit: 2_147_483_647,
    ratingEDecay: 2_419_200,
    stickersRecentLimit: 200,
    channelsReadMediaPeriod: 604_800,
    callReceiveTimeoutMs: 20_000,
    callRingTimeoutMs: 90_000,
    callConnectTimeoutMs: 30_000,
    callPacketTimeoutMs: 10_000,
    meUrlPrefix: 'https://t.me/',
    captionLengthMax: 1024,
    messageLengthMax: 4096,
    webfileDcId: dcs[0]?.id ?? thisDc,
  } as tl.RawConfig
}

/** The built-in handler: the fallback every `api` hook gets. */
export async function fallbackApi(call: ApiCall): Promise<unknown> {
  switch (call.method) {
    case 'help.getConfig':
      return testDcConfig(call)
    case 'help.getNearestDc':
      return { _: 'nearestDc', country: 'ZZ', thisDc: call.dcId, nearestDc: call.dcId } satisfies tl.RawNearestDc
    default:
      return unknownMethod(call.method)
  }
}
