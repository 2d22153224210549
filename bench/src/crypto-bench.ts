// Crypto throughput and latency: ours vs mtcute (@mtcute/wasm / @mtcute/core 0.30.3) vs GramJS
// (`telegram` 2.26.22): AES-IGE, a 1 KiB MTProto message, pq factorization, 2048-bit modexp, raw RSA.
// Then client-side handshake CPU per auth key, ours vs both (handshake-peers-bench.ts).
// Run: npm run bench -w @mtswarm/bench -- crypto [--runs N] [--each] [--handshake-keys K] [--no-handshake]
//   (or: node --import tsx bench/src/crypto-bench.ts --runs N)
import { createRequire } from 'node:module'
import { createCipheriv, randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
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
import { formatHandshakePeers, runHandshakePeersBench } from './handshake-peers-bench.js'

const require = createRequire(import.meta.url)
// GramJS ships CommonJS only.
const { IGE: GramIge } = require('telegram/crypto/IGE') as {
  IGE: new (key: Buffer, iv: Buffer) => { encryptIge(b: Buffer): Buffer; decryptIge(b: Buffer): Buffer }
}
const { Factorizator } = require('telegram/crypto/Factorizator') as {
  Factorizator: { factorize(pq: unknown): { p: unknown; q: unknown } }
}
const bigInteger = require('big-integer') as (v: string) => unknown

/** One measured line. `unit` says which way is better: MB/s and ops/s higher, µs lower. */
export interface BenchRow {
  what: string
  ours: number
  mtcute?: number
  gramjs?: number
  unit: 'MB/s' | 'ops/s' | 'µs'
}

/** Wall-clock budget of one timed batch; short enough that most batches run unpreempted. */
const BATCH_TARGET_US = 400
/**
 * Untimed calls per contender before measuring. NB: V8 optimizes hot JS and wasm on background
 * threads; on a loaded machine those jobs wait, and measuring too early times baseline code.
 */
const WARMUP_US = 250_000

interface Contender {
  name: string
  fn: (i: number) => void
  /** Calls per batch, calibrated so a batch takes about BATCH_TARGET_US. */
  calls: number
  /** Best (lowest) µs per call over all batches. */
  best: number
}

function batch(c: Contender, start: number): number {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < c.calls; i++) c.fn(start + i)
  return Number(process.hrtime.bigint() - t0) / 1e3 / c.calls
}

/**
 * µs per call for each function: calibrate, warm up, then `rounds` rounds that each run one
 * ~BATCH_TARGET_US batch of every contender in turn (interleaved, so load changes hit everyone
 * alike). Reports each contender's best batch: on a shared machine the fastest batch is the one the
 * scheduler left alone, and the minimum is the estimator least biased by other processes.
 */
function race(fns: Record<string, (i: number) => void>, rounds: number): Record<string, number> {
  const cs: Contender[] = Object.entries(fns).map(([name, fn]) => ({ name, fn, calls: 1, best: Infinity }))
  for (const c of cs) {
    // calibrate (this also warms the JIT up; the first batches of a process run slow)
    for (;;) {
      const us = batch(c, 0) * c.calls
      if (us >= BATCH_TARGET_US || c.calls >= 1 << 20) break
      c.calls = Math.min(1 << 20, c.calls * Math.max(2, Math.ceil(BATCH_TARGET_US / Math.max(us, 1))))
    }
  }
  for (let spent = 0; spent < WARMUP_US; spent += BATCH_TARGET_US) for (const c of cs) batch(c, 0)
  for (let r = 0; r < rounds; r++) {
    for (const c of cs) c.best = Math.min(c.best, batch(c, r * c.calls))
  }
  return Object.fromEntries(cs.map((c) => [c.name, c.best]))
}

/** Mean over `items` of each contender's best-of-`reps` µs per item (for slow, per-input work like pq). */
function racePerItem(fns: Record<string, { fn: (i: number) => void; items: number; reps: number }>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [name, { fn, items, reps }] of Object.entries(fns)) {
    fn(0)
    let total = 0
    for (let i = 0; i < items; i++) {
      let best = Infinity
      for (let r = 0; r < reps; r++) {
        const t0 = process.hrtime.bigint()
        fn(i)
        best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e3)
      }
      total += best
    }
    out[name] = total / items
  }
  return out
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

/** Runs every measurement once and returns the rows. */
export async function measureCrypto(): Promise<BenchRow[]> {
  initSync(readFileSync(require.resolve('@mtcute/wasm/mtcute-simd.wasm')))
  const mtcuteProvider = new NodeCryptoProvider()
  await mtcuteProvider.initialize()
  const rows: BenchRow[] = []
  // a fresh key per call, as MTProto has (one per message)
  const keys = Array.from({ length: 64 }, () => new Uint8Array(randomBytes(32)))
  const ivs = Array.from({ length: 64 }, () => new Uint8Array(randomBytes(32)))
  const gramKeys = keys.map((k) => Buffer.from(k))
  const gramIvs = ivs.map((v) => Buffer.from(v))

  for (const size of [1024, 65536]) {
    const data = new Uint8Array(randomBytes(size))
    const gramData = Buffer.from(data)
    const rounds = size === 1024 ? 60 : 30
    const enc = race(
      {
        ours: (i) => aesIgeEncrypt(data, keys[i & 63]!, ivs[i & 63]!),
        mtcute: (i) => ige256Encrypt(data, keys[i & 63]!, ivs[i & 63]!),
        gramjs: (i) => new GramIge(gramKeys[i & 63]!, gramIvs[i & 63]!).encryptIge(gramData),
      },
      rounds,
    )
    rows.push({ what: `AES-IGE encrypt ${size / 1024} KiB`, unit: 'MB/s', ours: mbps(size, enc.ours!), mtcute: mbps(size, enc.mtcute!), gramjs: mbps(size, enc.gramjs!) })
    const dec = race(
      {
        ours: (i) => aesIgeDecrypt(data, keys[i & 63]!, ivs[i & 63]!),
        mtcute: (i) => ige256Decrypt(data, keys[i & 63]!, ivs[i & 63]!),
        gramjs: (i) => new GramIge(gramKeys[i & 63]!, gramIvs[i & 63]!).decryptIge(gramData),
      },
      rounds,
    )
    rows.push({ what: `AES-IGE decrypt ${size / 1024} KiB`, unit: 'MB/s', ours: mbps(size, dec.ours!), mtcute: mbps(size, dec.mtcute!), gramjs: mbps(size, dec.gramjs!) })
    if (size !== 1024) continue
    // The round-trip target: encrypt then decrypt the same 1 KiB under a fresh key.
    const trip = race(
      {
        ours: (i) => aesIgeDecrypt(aesIgeEncrypt(data, keys[i & 63]!, ivs[i & 63]!), keys[i & 63]!, ivs[i & 63]!),
        mtcute: (i) => ige256Decrypt(ige256Encrypt(data, keys[i & 63]!, ivs[i & 63]!), keys[i & 63]!, ivs[i & 63]!),
        gramjs: (i) => new GramIge(gramKeys[i & 63]!, gramIvs[i & 63]!).decryptIge(new GramIge(gramKeys[i & 63]!, gramIvs[i & 63]!).encryptIge(gramData)),
      },
      rounds,
    )
    rows.push({ what: 'AES-IGE round trip 1 KiB (MB/s of plaintext)', unit: 'MB/s', ours: mbps(size, trip.ours!), mtcute: mbps(size, trip.mtcute!), gramjs: mbps(size, trip.gramjs!) })
  }

  // The ceiling for the native encryption path: OpenSSL aes-256-cbc alone (create, update, final).
  {
    const data = new Uint8Array(randomBytes(65536))
    const raw = race(
      {
        ours: (i) => {
          const c = createCipheriv('aes-256-cbc', keys[i & 63]!, ivs[i & 63]!.subarray(0, 16))
          c.setAutoPadding(false)
          c.update(data)
          c.final()
        },
      },
      30,
    )
    rows.push({ what: 'raw aes-256-cbc 64 KiB (ceiling of native encrypt)', unit: 'MB/s', ours: mbps(65536, raw.ours!) })
  }

  // 1 KiB MTProto 2.0 message: msg_key + KDF + IGE encrypt, then decrypt + msg_key check.
  const authKey = new Uint8Array(randomBytes(256))
  const plain = new Uint8Array(randomBytes(1024))
  const msg = race(
    {
      ours: () => {
        const { msgKey, ciphertext } = encryptMessagePayload(authKey, plain, 'client-to-server')
        const r = decryptMessagePayload(authKey, msgKey, ciphertext, 'client-to-server')
        if (!r.ok) throw new Error('message round-trip failed')
      },
      mtcute: () => {
        const msgKey = mtcuteProvider.sha256(new Uint8Array(Buffer.concat([authKey.subarray(88, 120), plain]))).subarray(8, 24)
        const ciphertext = createAesIgeForMessage(mtcuteProvider, authKey, msgKey, true).encrypt(plain)
        const back = createAesIgeForMessage(mtcuteProvider, authKey, msgKey, true).decrypt(ciphertext)
        const check = mtcuteProvider.sha256(new Uint8Array(Buffer.concat([authKey.subarray(88, 120), back]))).subarray(8, 24)
        if (check[0] !== msgKey[0]) throw new Error('mtcute round-trip failed')
      },
    },
    60,
  )
  rows.push({ what: '1 KiB message encrypt+decrypt', unit: 'ops/s', ours: 1e6 / msg.ours!, mtcute: 1e6 / msg.mtcute! })

  // pq factorization over 100 products of ~31-bit primes: mean over the inputs of each one's best run.
  const pqs = pqSamples(100)
  const pqBytes = pqs.map((v) => bigIntToBytes(v))
  const pq = racePerItem({
    ours: {
      fn: (i) => {
        if (!factorizePq(pqs[i]!).ok) throw new Error('pq failed')
      },
      items: pqs.length,
      reps: 5,
    },
    mtcute: { fn: (i) => factorizePQSync(mtcuteProvider, pqBytes[i]!), items: pqs.length, reps: 2 },
    // GramJS needs ~0.1 s per pq: the first 20 inputs only
    gramjs: { fn: (i) => Factorizator.factorize(bigInteger(pqs[i]!.toString())), items: 20, reps: 1 },
  })
  rows.push({ what: 'pq factorization (mean of 100; GramJS: of 20)', unit: 'µs', ours: pq.ours!, mtcute: pq.mtcute!, gramjs: pq.gramjs! })

  // 2048-bit modexp mod Telegram's prime: our dhModPow (OpenSSL, cached context) vs BigInt square-and-multiply.
  const p = TELEGRAM_DH_PRIME
  const exps = Array.from({ length: 20 }, () => bigIntFromBytes(randomBytes(256)) % p)
  const base = 3n
  dhModPow(base, exps[0]!, p) // builds the cached OpenSSL context (one primality check) outside the timing
  const pow = racePerItem({
    ours: { fn: (i) => dhModPow(base, exps[i]!, p), items: exps.length, reps: 3 },
    bigint: {
      fn: (i) => {
        let r = 1n
        let b = base
        let e = exps[i]!
        while (e > 0n) {
          if (e & 1n) r = (r * b) % p
          b = (b * b) % p
          e >>= 1n
        }
        return r
      },
      items: 4,
      reps: 1,
    },
  })
  rows.push({ what: '2048-bit modexp (vs plain BigInt in the mtcute column)', unit: 'µs', ours: pow.ours!, mtcute: pow.bigint! })

  // Raw RSA (e = 65537): node:crypto publicEncrypt(RSA_NO_PADDING) vs BigInt.
  const key = rsaPublicKeyFromComponents(p, 65537n) // any odd 2048-bit modulus serves for timing
  const block = new Uint8Array(randomBytes(255))
  const rsa = race({ ours: () => rsaRawEncrypt(key, block), bigint: () => rsaRawEncryptBigInt(key, block) }, 20)
  rows.push({ what: 'raw RSA e=65537 (vs BigInt in the mtcute column)', unit: 'µs', ours: rsa.ours!, mtcute: rsa.bigint! })
  return rows
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '-'.padStart(10)
  return (v >= 10000 ? v.toFixed(0) : v.toFixed(1)).padStart(10)
}

function ratio(ours: number, other: number | undefined, unit: BenchRow['unit']): string {
  if (other === undefined) return '-'.padStart(8)
  // Higher is better for MB/s and ops/s, lower for µs: print "how many times better ours is".
  const r = unit === 'µs' ? other / ours : ours / other
  return `${r.toFixed(2)}×`.padStart(8)
}

/** Formats rows as a table; ratio columns read "ours is N× better" (> 1 means ours wins). */
export function formatCryptoBench(rows: BenchRow[]): string {
  const lines = [
    `${'measurement'.padEnd(56)} ${'unit'.padEnd(5)} ${'ours'.padStart(10)} ${'mtcute'.padStart(10)} ${'gramjs'.padStart(10)} ${'vs mtc'.padStart(8)} ${'vs gram'.padStart(8)}`,
  ]
  for (const r of rows) {
    lines.push(
      `${r.what.padEnd(56)} ${r.unit.padEnd(5)} ${fmt(r.ours)} ${fmt(r.mtcute)} ${fmt(r.gramjs)} ${ratio(r.ours, r.mtcute, r.unit)} ${ratio(r.ours, r.gramjs, r.unit)}`,
    )
  }
  return lines.join('\n')
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b)
  const mid = v.length >> 1
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2
}

/** Cell-wise median of several runs of the same rows. */
export function medianRows(runs: BenchRow[][]): BenchRow[] {
  const cell = (i: number, k: 'ours' | 'mtcute' | 'gramjs'): number | undefined => {
    const vs = runs.map((r) => r[i]![k]).filter((v): v is number => v !== undefined)
    return vs.length === 0 ? undefined : median(vs)
  }
  return runs[0]!.map((row, i) => {
    const out: BenchRow = { what: row.what, unit: row.unit, ours: cell(i, 'ours')! }
    const mtcute = cell(i, 'mtcute')
    const gramjs = cell(i, 'gramjs')
    if (mtcute !== undefined) out.mtcute = mtcute
    if (gramjs !== undefined) out.gramjs = gramjs
    return out
  })
}

/** Process-wide warm-up before the first run: the first race would otherwise time baseline code. */
const PROCESS_WARMUP_MS = 2000

function warmUp(): void {
  initSync(readFileSync(require.resolve('@mtcute/wasm/mtcute-simd.wasm')))
  const key = new Uint8Array(randomBytes(32))
  const iv = new Uint8Array(randomBytes(32))
  const small = new Uint8Array(randomBytes(1024))
  const big = new Uint8Array(randomBytes(65536))
  const authKey = new Uint8Array(randomBytes(256))
  const ops = [
    () => aesIgeEncrypt(small, key, iv),
    () => aesIgeDecrypt(small, key, iv),
    () => aesIgeEncrypt(big, key, iv),
    () => aesIgeDecrypt(big, key, iv),
    () => ige256Encrypt(small, key, iv),
    () => ige256Decrypt(small, key, iv),
    () => ige256Encrypt(big, key, iv),
    () => ige256Decrypt(big, key, iv),
    () => encryptMessagePayload(authKey, small, 'client-to-server'),
  ]
  const end = performance.now() + PROCESS_WARMUP_MS
  while (performance.now() < end) for (const op of ops) for (let i = 0; i < 20; i++) op()
}

/**
 * Measures and prints everything in one process: `--runs N` (default 3) full passes, then their
 * cell-wise median. Prints the load average before and after: the numbers mean little without it.
 * Then, unless `--no-handshake`, the handshake section (`--handshake-keys K` measured opens per
 * library, default 20), measured after the table so its test DC process does not load the table.
 */
export async function runCryptoBench(argv: string[] = process.argv.slice(2)): Promise<void> {
  const at = argv.indexOf('--runs')
  const runs = at >= 0 ? Math.max(1, Number(argv[at + 1]) || 1) : 3
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').trim()
  warmUp()
  const all: BenchRow[][] = []
  for (let r = 0; r < runs; r++) {
    all.push(await measureCrypto())
    if (argv.includes('--each')) console.log(`run ${r + 1}/${runs}\n${formatCryptoBench(all[r]!)}\n`)
  }
  const loadAfter = readFileSync('/proc/loadavg', 'utf8').trim()
  console.log(`crypto bench: median of ${runs} run(s); each cell is its contender's best ~${BATCH_TARGET_US} µs batch (interleaved rounds)`)
  console.log(`loadavg before: ${loadBefore}   after: ${loadAfter}   (${availableParallelism()} cores)`)
  console.log(formatCryptoBench(medianRows(all)))
  if (argv.includes('--no-handshake')) return
  const hk = argv.indexOf('--handshake-keys')
  const keys = hk >= 0 ? Math.max(1, Number(argv[hk + 1]) || 20) : 20
  console.log('')
  console.log(formatHandshakePeers(await runHandshakePeersBench({ keys })))
}

if (import.meta.url === `file://${process.argv[1]}`) await runCryptoBench()
