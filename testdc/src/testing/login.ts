// Binds a test client's auth key to a world user the way a login would (sendCode + signIn on
// the world directly), for tests that need an authorized key without the API handlers.
import type { TestDc } from '../types.js'
import type { WorldUser } from '../world/index.js'
import type { TestClient } from './test-client.js'

/** Logs `client` (connected to `dcId`) in as the preset user with `phone`; returns the user. */
export function bindClientToUser(dc: TestDc, client: TestClient, dcId: number, phone: string): WorldUser {
  if (client.key === undefined) throw new Error('client has no auth key')
  const ctx = { dcId, authKeyId: client.key.authKeyId }
  const sent = dc.world.sendCode(ctx, phone)
  const code = dc.world.lastCodeFor(phone)
  if (code === undefined) throw new Error('no login code')
  const res = dc.world.signIn(ctx, phone, sent.phoneCodeHash, code)
  if (res.kind !== 'authorized') throw new Error('sign-in did not authorize')
  return res.user
}
