// Shared helpers for the test DC's own tests: one RSA key per process (generation is the slow
// part of starting a test DC), and a client factory bound to a running test DC.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateRsaKeyPem } from '../test-dc.js'
import type { TestDc } from '../types.js'
import { TestClient, type TestClientOptions, type TestTransport } from './test-client.js'

let pem: string | undefined

/** Where test processes share one generated key (a test fixture, never a real server's key). */
const KEY_CACHE = join(tmpdir(), 'mtswarm-testdc-rsa-2048.pem')

/** A 2048-bit RSA key PEM, generated once and cached in the temp dir for later test processes. */
export function sharedRsaKeyPem(): string {
  if (pem !== undefined) return pem
  if (existsSync(KEY_CACHE)) {
    const cached = readFileSync(KEY_CACHE, 'utf8')
    if (cached.includes('PRIVATE KEY-----')) return (pem = cached)
  }
  pem = generateRsaKeyPem()
  const tmp = `${KEY_CACHE}.${process.pid}`
  writeFileSync(tmp, pem, { mode: 0o600 })
  renameSync(tmp, KEY_CACHE) // atomic: concurrent test files never read half a key
  return pem
}

/** Options for a test client of DC `dcId` (default 1) of `dc`. */
export function clientOptions(dc: TestDc, opts: { dcId?: number; transport?: TestTransport; timeoutMs?: number } = {}): TestClientOptions {
  const dcId = opts.dcId ?? 1
  const addr = dc.dcs.find((d) => d.id === dcId)
  if (addr === undefined) throw new RangeError(`no DC ${dcId}`)
  return {
    host: addr.host,
    port: addr.port,
    dcId,
    publicKeyPem: dc.publicKeyPem,
    ...(opts.transport === undefined ? {} : { transport: opts.transport }),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  }
}

/** Connects to `dc` and completes the handshake. */
export function keyedClient(dc: TestDc, opts: Parameters<typeof clientOptions>[1] = {}): Promise<TestClient> {
  return TestClient.connectWithKey(clientOptions(dc, opts))
}
