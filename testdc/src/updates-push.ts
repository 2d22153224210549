// Pushing the world's update deliveries to online sessions: the fan-out to every online session
// of the user, except the auth key that caused the change. What a delivery looks like in TL is the
// `updates` hook's (default `apiUpdatesHook`, the API's own converter); sessions encode at their layer.
// https://core.telegram.org/api/updates
import type { DcServer } from './dc-server.js'
import type { TlValue } from './types.js'
import type { UpdateDelivery, World } from './world/index.js'

/**
 * Sends one delivery to every online session of the user on every DC, except sessions of the
 * auth key that caused it (its caller gets the change in the RPC answer).
 */
export function pushDelivery(delivery: UpdateDelivery, world: World, dcs: ReadonlyMap<number, DcServer>, toTl: (d: UpdateDelivery, w: World) => TlValue | undefined): number {
  let pushed = 0
  let obj: TlValue | undefined
  let built = false
  for (const ctx of world.authKeysOf(delivery.userId)) {
    if (delivery.origin !== undefined && delivery.origin.dcId === ctx.dcId && delivery.origin.authKeyId === ctx.authKeyId) continue
    const dc = dcs.get(ctx.dcId)
    if (dc === undefined) continue
    for (const session of dc.sessionsOf(ctx.authKeyId).values()) {
      if (!session.online || session.updatesDisabled) continue
      if (!built) {
        obj = toTl(delivery, world)
        built = true
      }
      if (obj === undefined) return 0
      session.push(obj)
      pushed++
    }
  }
  return pushed
}
