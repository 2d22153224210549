// Crypto throughput and latency: ours vs mtcute (@mtcute/wasm / @mtcute/core 0.30.3) vs GramJS
// (`telegram` 2.26.22): AES-IGE, a 1 KiB MTProto message, pq factorization, 2048-bit modexp, raw RSA.
// Run: npm run bench -w @mtswarm/bench -- crypto   (or: node --import tsx bench/src/crypto-bench.ts)
import { createRequire } from 'node:module'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import {
  TELEGRAM_DH_PRIME,
  aesIgeDecrypt,
  aesIgeEncrypt,
  bigIntFromBytes,
  bigIntToBytes,
  decryptMessagePayload,
  dhModPow,
  encryptMessagePayload,
  factorizePq,
  rsaPublicKeyFromComponents,
  rsaRawEncrypt,
  rsaRawEncryptBigInt,
} from '@mtswarm/engine/crypto'
import { createAesIgeForMessage, factorizePQSync } from '@mtcute/core/utils.js'
import { NodeCryptoProvider } from '@mtcute/node/utils.js'
import { ige256Decrypt, ige256Encrypt, initSync } from '@mtcute/wasm'

const require = createRequire(import.meta.url)
// GramJS ships CommonJS only.
const { IGE: GramIge } = require('telegram/crypto/IGE') as {
  IGE: new (key: Buffer, iv: Buffer) => { encryptIge(b: Buffer): Buffer; decryptIge(b: Buffer): Buffer }
}
const { Factorizator } = require('telegram/crypto/Factorizator') as {
  Factorizator: { factorize(pq: unknown): { p: unknown; q: unknown } }
}
const bigInteger = require('big-integer') as (v: string) => unknown

/** One measured line. */
export interface BenchRow {
  what: string
  ours: number
  mtcute?: number
  gramjs?: number
  unit: 'MB/s' | 'µs'
}

function timeIt(iterations: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.max(3, iterations >> 3); i++) fn(i)
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) fn(i)
  return Number(process.hrtime.bigint() - t0) / 1e3 / iterations // µs per call
}

function mbps(bytes: number, usPerCall: number): number {
  return bytes / usPerCall
}

function isPrime(n: bigint): boolean {
  if (n < 2n) return false
  for (let d = 2n; d * d <= n; d += d === 2n ? 1n : 2n) if (n % d === 0n) return false
  return true
}

/** 100 reproducible pq values: products of two ~31-bit primes (a 61..62-bit pq, like Telegram's). */
function pqSamples(count: number): bigint[] {
  let x = 0x9e3779b9
  const next31 = () => {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6b43a9b5) >>> 0
    return BigInt((x >>> 1) | 0x40000000)
  }
  const prime = () => {
    for (;;) {
      const c = next31() | 1n
      if (isPrime(c)) return c
    }
  }
  const out: bigint[] = []
  while (out.length < count) {
    const p = prime()
    const q = prime()
    if (p !== q) out.push(p * q)
  }
  return out
}

/** Runs every measurement and returns the rows. */
export async function measureCrypto(): Promise<BenchRow[]> {
  initSync(readFileSync(require.resolve('@mtcute/wasm/mtcute-simd.wasm')))
  const mtcuteProvider = new NodeCryptoProvider()
  await mtcuteProvider.initialize()
  const rows: BenchRow[] = []
  const keys = Array.from({ length: 64 }, () => new Uint8Array(randomBytes(32)))
  const iv = new Uint8Array(randomBytes(32))

  for (const size of [1024, 65536]) {
    const data = new Uint8Array(randomBytes(size))
    const n = size === 1024 ? 20000 : 400
    const enc = {
      ours: timeIt(n, (i) => aesIgeEncrypt(data, keys[i & 63]!, iv)),
      mtcute: timeIt(n, (i) => ige256Encrypt(data, keys[i & 63]!, iv)),
      gramjs: timeIt(Math.max(50, n >> 4), (i) => new GramIge(Buffer.from(keys[i & 63]!), Buffer.from(iv)).encryptIge(Buffer.from(data))),
    }
    rows.push({ what: `AES-IGE encrypt ${size / 1024} KiB`, unit: 'MB/s', ours: mbps(size, enc.ours), mtcute: mbps(size, enc.mtcute), gramjs: mbps(size, enc.gramjs) })
    const dec = {
      ours: timeIt(n, (i) => aesIgeDecrypt(data, keys[i & 63]!, iv)),
      mtcute: timeIt(n, (i) => ige256Decrypt(data, keys[i & 63]!, iv)),
      gramjs: timeIt(Math.max(50, n >> 4), (i) => new GramIge(Buffer.from(keys[i & 63]!), Buffer.from(iv)).decryptIge(Buffer.from(data))),
    }
    rows.push({ what: `AES-IGE decrypt ${size / 1024} KiB`, unit: 'MB/s', ours: mbps(size, dec.ours), mtcute: mbps(size, dec.mtcute), gramjs: mbps(size, dec.gramjs) })
  }

  // 1 KiB MTProto 2.0 message: msg_key + KDF + IGE encrypt, then decrypt + msg_key check.
  const authKey = new Uint8Array(randomBytes(256))
  const plain = new Uint8Array(randomBytes(1024))
  const oursMsg = timeIt(10000, () => {
    const { msgKey, ciphertext } = encryptMessagePayload(authKey, plain, 'client-to-server')
    const r = decryptMessagePayload(authKey, msgKey, ciphertext, 'client-to-server')
    if (!r.ok) throw new Error('message round-trip failed')
  })
  const mtcuteMsg = timeIt(10000, () => {
    const msgKey = mtcuteProvider.sha256(new Uint8Array(Buffer.concat([authKey.subarray(88, 120), plain]))).subarray(8, 24)
    const ciphertext = createAesIgeForMessage(mtcuteProvider, authKey, msgKey, true).encrypt(plain)
    const back = createAesIgeForMessage(mtcuteProvider, authKey, msgKey, true).decrypt(ciphertext)
    const check = mtcuteProvider.sha256(new Uint8Array(Buffer.concat([authKey.subarray(88, 120), back]))).subarray(8, 24)
    if (check[0] !== msgKey[0]) throw new Error('mtcute round-trip failed')
  })
  rows.push({ what: '1 KiB message encrypt+decrypt', unit: 'µs', ours: oursMsg, mtcute: mtcuteMsg })

  // pq factorization over 100 products of ~31-bit primes.
  const pqs = pqSamples(100)
  const pqBytes = pqs.map((v) => bigIntToBytes(v))
  const oursPq = timeIt(pqs.length, (i) => {
    const r = factorizePq(pqs[i % pqs.length]!)
    if (!r.ok) throw new Error('pq failed')
  })
  const mtcutePq = timeIt(pqs.length, (i) => factorizePQSync(mtcuteProvider, pqBytes[i % pqs.length]!))
  const gramPq = timeIt(20, (i) => Factorizator.factorize(bigInteger(pqs[i % pqs.length]!.toString())))
  rows.push({ what: 'pq factorization (mean of 100)', unit: 'µs', ours: oursPq, mtcute: mtcutePq, gramjs: gramPq })

  // 2048-bit modexp mod Telegram's prime: our dhModPow (OpenSSL, cached context) vs BigInt square-and-multiply.
  const p = TELEGRAM_DH_PRIME
  const exps = Array.from({ length: 20 }, () => bigIntFromBytes(randomBytes(256)) % p)
  const base = 3n
  dhModPow(base, exps[0]!, p) // builds the cached OpenSSL context (one primality check) outside the timing
  const oursPow = timeIt(40, (i) => dhModPow(base, exps[i % exps.length]!, p))
  const bigPow = timeIt(4, (i) => {
    let r = 1n
    let b = base
    let e = exps[i % exps.length]!
    while (e > 0n) {
      if (e & 1n) r = (r * b) % p
      b = (b * b) % p
      e >>= 1n
    }
    return r
  })
  rows.push({ what: '2048-bit modexp (vs plain BigInt in the mtcute column)', unit: 'µs', ours: oursPow, mtcute: bigPow })

  // Raw RSA (e = 65537): node:crypto publicEncrypt(RSA_NO_PADDING) vs BigInt.
  const key = rsaPublicKeyFromComponents(p, 65537n) // any odd 2048-bit modulus serves for timing
  const block = new Uint8Array(randomBytes(255))
  const rsaNative = timeIt(2000, () => rsaRawEncrypt(key, block))
  const rsaBig = timeIt(200, () => rsaRawEncryptBigInt(key, block))
  rows.push({ what: 'raw RSA e=65537 (vs BigInt in the mtcute column)', unit: 'µs', ours: rsaNative, mtcute: rsaBig })
  return rows
}

function fmt(v: number | undefined, unit: string): string {
  if (v === undefined) return '-'.padStart(10)
  return (unit === 'MB/s' ? v.toFixed(1) : v.toFixed(1)).padStart(10)
}

function ratio(ours: number, other: number | undefined, unit: string): string {
  if (other === undefined) return '-'.padStart(8)
  // Higher is better for MB/s, lower is better for µs: print "how many times better ours is".
  const r = unit === 'MB/s' ? ours / other : other / ours
  return `${r.toFixed(2)}×`.padStart(8)
}

/** Formats rows as a table; ratio columns read "ours is N× better" (> 1 means ours wins). */
export function formatCryptoBench(rows: BenchRow[]): string {
  const lines = [
    `${'measurement'.padEnd(56)} ${'unit'.padEnd(5)} ${'ours'.padStart(10)} ${'mtcute'.padStart(10)} ${'gramjs'.padStart(10)} ${'vs mtc'.padStart(8)} ${'vs gram'.padStart(8)}`,
  ]
  for (const r of rows) {
    lines.push(
      `${r.what.padEnd(56)} ${r.unit.padEnd(5)} ${fmt(r.ours, r.unit)} ${fmt(r.mtcute, r.unit)} ${fmt(r.gramjs, r.unit)} ${ratio(r.ours, r.mtcute, r.unit)} ${ratio(r.ours, r.gramjs, r.unit)}`,
    )
  }
  return lines.join('\n')
}

/** Measures and prints everything in one run. */
export async function runCryptoBench(): Promise<void> {
  console.log(formatCryptoBench(await measureCrypto()))
}

if (import.meta.url === `file://${process.argv[1]}`) await runCryptoBench()
