// Client-side CPU per auth key: our handshake steps (req_pq_multi → finish) run against the
// in-memory server steps, with only the client's steps on the clock (process.cpuUsage around each
// client call; the server's work is excluded). Peers' handshakes are measured against the real
// test DC by the `handshake-storm` scenario (client process CPU per key).
import { generateKeyPairSync } from 'node:crypto'
import { createPooledRandom } from '@mtswarm/engine'
import {
  TELEGRAM_DH_PRIME,
  parseRsaPrivateKey,
  type RsaPrivateKey,
} from '@mtswarm/engine/crypto'
import { clientHandshake, serverHandshake, type ServerHandshakeOptions } from '@mtswarm/engine/protocol'
import { deserializeObject, serializeObject, type TlObject } from '@mtswarm/engine/tl'

export interface HandshakeCpuResult {
  keys: number
  /** Mean client CPU (user + system) per auth key, microseconds. */
  clientCpuUsPerKey: number
  /** Median of the per-key client CPU, microseconds. */
  clientCpuUsMedian: number
}

// The runtime's default random source (a pooled CSPRNG), as a real client uses.
const random = createPooledRandom()
// Bytes through TL, as they would travel (the client decodes what the server wrote).
const wire = <T>(obj: T): T => deserializeObject(serializeObject(obj as TlObject)) as T

function cpuUs(): number {
  const u = process.cpuUsage()
  return u.user + u.system
}

/** Runs `keys` complete handshakes; returns the client's CPU per key. */
export function runHandshakeCpuBench(keys = 50): HandshakeCpuResult {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 })
  const serverKey: RsaPrivateKey = parseRsaPrivateKey(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string)
  const server: ServerHandshakeOptions = { privateKeys: [serverKey], dhPrime: TELEGRAM_DH_PRIME, g: 3, dcId: 2 }
  const client = { publicKeys: [serverKey.publicKey], dcId: 2 }
  const perKey: number[] = []
  for (let i = 0; i < keys + 3; i++) {
    let spent = 0
    let t = cpuUs()
    const s1 = clientHandshake.step1(random)
    spent += cpuUs() - t
    const r1 = serverHandshake.step1(wire(s1.request), server, random)
    t = cpuUs()
    const s2 = clientHandshake.step2(s1.state, wire(r1.response), client, random)
    spent += cpuUs() - t
    if (!s2.ok) throw new Error(`step2: ${s2.error.kind}`)
    const r2 = serverHandshake.step2(r1.state, wire(s2.value.request), server, random, Date.now())
    if (!r2.ok) throw new Error(`server step2: ${r2.error.kind}`)
    t = cpuUs()
    const s3 = clientHandshake.step3(s2.value.state, wire(r2.value.response), random, Date.now())
    spent += cpuUs() - t
    if (!s3.ok) throw new Error(`step3: ${s3.error.kind}`)
    const r3 = serverHandshake.step3(r2.value.state, wire(s3.value.request))
    if (!r3.ok || r3.value.kind !== 'done') continue // dh_gen_retry/fail: not a key; not counted
    t = cpuUs()
    const done = clientHandshake.finish(s3.value.state, wire(r3.value.response), random)
    spent += cpuUs() - t
    if (!done.ok) throw new Error(`finish: ${done.error.kind}`)
    if (i >= 3) perKey.push(spent) // the first keys pay for DH context creation and JIT warm-up
  }
  perKey.sort((a, b) => a - b)
  const mean = perKey.reduce((a, b) => a + b, 0) / perKey.length
  return { keys: perKey.length, clientCpuUsPerKey: Math.round(mean), clientCpuUsMedian: perKey[perKey.length >> 1] ?? 0 }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(runHandshakeCpuBench(Number(process.argv[2] ?? 50))))
}
