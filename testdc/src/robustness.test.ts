// The test DC under hostile input: seeded random and mutated frames on fresh connections and on an
// established session, an oversized length prefix, and 5,000 concurrent loopback connections.
// After each, a well-behaved client is still served and no server bug (internal error) was hit.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, test } from 'node:test'
import { encodePlainMessage, encryptMessage, msgIdFromMs } from '@mtswarm/engine/protocol'
import { serializeObject, type tl } from '@mtswarm/engine/tl'
import { startTestDc } from './test-dc.js'
import { clientOptions, keyedClient, sharedRsaKeyPem } from './testing/fixtures.js'
import { holdConnections, type HoldResult } from './testing/hold-connections.js'
import { TestClient } from './testing/test-client.js'
import type { TestDc } from './types.js'
import { seededRandom } from './world/index.js'

const FRESH_CONNECTIONS = 250
const FRAMES_PER_FRESH_CONNECTION = 20
const SESSION_FRAMES = 5_000
const HELD_CONNECTIONS = 5_000

function serverBugs(dc: TestDc): string[] {
  return Object.keys(dc.stats.errors).filter((k) => k.startsWith('internal:') || k.startsWith('call-crashed') || k.startsWith('updates-push'))
}

async function wellBehaved(dc: TestDc): Promise<void> {
  const c = await keyedClient(dc)
  try {
    assert.equal((await c.ping(42n)).pingId, 42n)
    assert.equal(((await c.invoke({ _: 'help.getConfig' })) as tl.RawConfig)._, 'config')
  } finally {
    await c.close()
  }
}

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port })
    s.on('error', () => {})
    s.once('connect', () => resolve(s))
    s.once('error', reject)
  })
}

describe('test DC robustness', () => {
  let dc: TestDc
  const rnd = seededRandom('robustness')
  const below = (n: number) => new DataView(rnd(4).buffer).getUint32(0, true) % n
  before(async () => {
    dc = await startTestDc({ rsaPrivateKeyPem: sharedRsaKeyPem(), dcCount: 1 })
  })
  after(() => dc.close())

  test(`${FRESH_CONNECTIONS * FRAMES_PER_FRESH_CONNECTION} random and mutated frames on fresh connections`, async () => {
    const port = (dc.dcs[0] as { port: number }).port
    const pq = encodePlainMessage(msgIdFromMs(Date.now()), serializeObject({ _: 'mt_req_pq_multi', nonce: rnd(16) }))
    const frameOf = (mode: number): Uint8Array => {
      if (mode === 0) return rnd(1 + below(300)) // no framing at all
      const payload = mode === 3 ? mutate(pq) : rnd(below(80) * 4 + (below(4) === 0 ? below(4) : 0))
      if (mode === 1 || mode === 3) {
        const f = new Uint8Array(4 + payload.length)
        new DataView(f.buffer).setUint32(0, payload.length, true)
        f.set(payload, 4)
        return f
      }
      const words = Math.floor(payload.length / 4)
      const f = new Uint8Array(1 + words * 4)
      f[0] = Math.min(words, 0x7e)
      f.set(payload.subarray(0, Math.min(words, 0x7e) * 4), 1)
      return f
    }
    const mutate = (b: Uint8Array): Uint8Array => {
      const out = b.slice()
      const n = 1 + below(4)
      for (let i = 0; i < n; i++) {
        const at = below(out.length)
        out[at] = (out[at] as number) ^ (1 + below(255))
      }
      return below(5) === 0 ? out.subarray(0, below(out.length)) : out
    }
    const BATCH = 50
    for (let i = 0; i < FRESH_CONNECTIONS; i += BATCH) {
      await Promise.all(
        Array.from({ length: BATCH }, async () => {
          const mode = below(4)
          const s = await rawSocket(port)
          const closed = new Promise<void>((r) => s.once('close', () => r()))
          const tag = mode === 1 || mode === 3 ? Uint8Array.of(0xee, 0xee, 0xee, 0xee) : mode === 2 ? Uint8Array.of(0xef) : new Uint8Array(0)
          if (tag.length > 0) s.write(tag)
          for (let f = 0; f < FRAMES_PER_FRESH_CONNECTION; f++) if (!s.destroyed) s.write(frameOf(mode))
          await Promise.race([closed, new Promise((r) => setTimeout(r, 200))])
          s.destroy()
          await closed
        }),
      )
    }
    assert.ok(Object.keys(dc.stats.errors).length > 0, 'the bad input was seen and counted')
    assert.deepEqual(serverBugs(dc), [])
    await wellBehaved(dc)
  })

  test(`${SESSION_FRAMES} mutated frames on an established session`, async () => {
    let c = await keyedClient(dc)
    const key = c.key
    assert.ok(key)
    const sessionId = c.sessionId

    for (let i = 0; i < SESSION_FRAMES; i++) {
      if (c.isClosed) {
        const salt = c.salt
        c = await TestClient.connect(clientOptions(dc))
        c.useKey(key.authKey, salt)
        c.newSession(sessionId)

      }
      const kind = below(6)
      const body = kind === 5 ? rnd(4 * (1 + below(40))) : serializeObject({ _: 'mt_ping', pingId: BigInt(i) })
      const packet = encryptMessage(
        key,
        { salt: c.salt, sessionId, msgId: c.ids.next(Date.now()), seqNo: kind === 4 ? below(1000) : c.seq.next(true), body },
        'client-to-server',
        rnd,
      )
      let out: Uint8Array
      if (kind === 0) {
        out = packet.slice()
        const at = 24 + below(packet.length - 24)
        out[at] = (out[at] as number) ^ (1 + below(255)) // ciphertext: msg_key mismatch
      } else if (kind === 1) {
        out = packet.slice()
        const at = below(8)
        out[at] = (out[at] as number) ^ (1 + below(255)) // auth_key_id: unknown key
      } else if (kind === 2) {
        out = packet.subarray(0, 4 * below(packet.length / 4)) // truncated
      } else if (kind === 3) {
        out = new Uint8Array(packet.length + 4 * (1 + below(8)))
        out.set(packet)
        out.set(rnd(out.length - packet.length), packet.length) // trailing junk
      } else {
        out = packet // random seqno, or a random (validly encrypted) body
      }
      c.sendPayload(out)
      if (i % 500 === 0) await new Promise((r) => setImmediate(r))
    }
    await c.close()
    assert.ok((dc.stats.errors['decrypt:msg-key-mismatch'] ?? 0) > 0)
    assert.ok((dc.stats.transportErrors[-404] ?? 0) > 0)
    assert.deepEqual(serverBugs(dc), [])
    // the same key on a new connection and a brand new client are both served
    const again = await TestClient.connect(clientOptions(dc))
    again.useKey(key.authKey, c.salt)
    try {
      assert.equal((await again.ping(7n)).pingId, 7n)
    } finally {
      await again.close()
    }
    await wellBehaved(dc)
  })

  test('an oversized length prefix closes only that connection', async () => {
    const port = (dc.dcs[0] as { port: number }).port
    const good = await keyedClient(dc)
    const s = await rawSocket(port)
    try {
      const closed = new Promise<void>((r) => s.once('close', () => r()))
      const frame = new Uint8Array(8)
      const v = new DataView(frame.buffer)
      v.setUint32(0, 0xeeeeeeee, true)
      v.setUint32(4, 0x7ffffff0, true)
      s.write(frame)
      await closed
      assert.ok((dc.stats.errors['transport:frame-too-large'] ?? 0) >= 1)
      assert.equal((await good.ping(1n)).pingId, 1n)
    } finally {
      s.destroy()
      await good.close()
    }
  })

  test(`${HELD_CONNECTIONS} concurrent loopback connections are held`, async () => {
    const needed = 2 * HELD_CONNECTIONS + 1024 // both ends live in one process
    const limit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim())
    let result: HoldResult
    if (Number.isFinite(limit) && limit >= needed) {
      result = await holdConnections(HELD_CONNECTIONS, sharedRsaKeyPem())
    } else {
      // NB: the fd limit is too low here; run the scenario in a child that raises its own limit.
      const dir = mkdtempSync(join(tmpdir(), 'testdc-hold-'))
      const keyPath = join(dir, 'key.pem')
      writeFileSync(keyPath, sharedRsaKeyPem())
      const script = fileURLToPath(new URL('./testing/hold-connections.ts', import.meta.url))
      const child = spawnSync('sh', ['-c', `ulimit -n ${needed + 4096} && exec "${process.execPath}" --import tsx "${script}" ${HELD_CONNECTIONS} "${keyPath}"`], {
        encoding: 'utf8',
      })
      rmSync(dir, { recursive: true, force: true })
      assert.equal(child.status, 0, child.stderr)
      result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as HoldResult
    }
    assert.equal(result.heldOnServer, HELD_CONNECTIONS)
    assert.equal(result.answered, result.sampled)
    assert.equal(result.openAfterClose, 0)
  })
})
