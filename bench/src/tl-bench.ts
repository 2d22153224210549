// TL serialize/deserialize throughput: ours vs mtcute (@mtcute/core 0.30.3, same layer 227) vs GramJS
// (`telegram`, layer 198: its own objects of the same shape, since it lacks layer-227 ids).
// Run: npm run bench -w @mtswarm/bench -- tl   (or: node --import tsx bench/src/tl-bench.ts)
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { deserializeObject, serializeObject, type TlObject, type tl } from '@mtswarm/engine/tl'

const require = createRequire(import.meta.url)

/** ESM entry of a package (require.resolve would give the CommonJS build). */
function esmEntry(pkg: string, from = require): string {
  let dir = dirname(from.resolve(pkg))
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== pkg) {
    dir = dirname(dir)
  }
  const exp = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).exports['.']
  return join(dir, typeof exp.import === 'string' ? exp.import : exp.import.default)
}
const load = async (path: string): Promise<any> => import(pathToFileURL(path).href)

// ---- the two payloads -------------------------------------------------------------------------

export function sendMessage(): tl.messages.RawSendMessageRequest {
  return {
    _: 'messages.sendMessage',
    peer: { _: 'inputPeerUser', userId: 1234567890n, accessHash: -6148914691236517206n },
    message: 'Hello from mtswarm! Your karma passed the threshold, welcome to the group.',
    randomId: 0x1122334455667788n,
    entities: [{ _: 'messageEntityBold', offset: 0, length: 5 }],
  }
}

export function messagesMessages(): tl.messages.RawMessages {
  const users: tl.RawUser[] = []
  for (let i = 0; i < 10; i++) {
    users.push({
      _: 'user',
      id: 1000000n + BigInt(i),
      accessHash: 0x5555555555555555n + BigInt(i),
      firstName: `User${i}`,
      lastName: 'Example',
      username: `user_${i}`,
      phone: `7999000${String(i).padStart(4, '0')}`,
      photo: { _: 'userProfilePhoto', photoId: 9000n + BigInt(i), dcId: 2 },
      status: { _: 'userStatusRecently' },
      contact: i % 2 === 0,
    })
  }
  const chats: tl.TypeChat[] = [
    { _: 'chat', id: 777n, title: 'Web-masters', photo: { _: 'chatPhotoEmpty' }, participantsCount: 42, date: 1700000000, version: 3 },
    {
      _: 'channel',
      id: 888n,
      accessHash: 0x7777777777777777n,
      title: 'Customers',
      username: 'customers',
      photo: { _: 'chatPhotoEmpty' },
      date: 1700000000,
      megagroup: true,
    },
  ]
  const messages: tl.RawMessage[] = []
  for (let i = 0; i < 100; i++) {
    messages.push({
      _: 'message',
      id: 5000 + i,
      out: i % 3 === 0,
      fromId: { _: 'peerUser', userId: 1000000n + BigInt(i % 10) },
      peerId: { _: 'peerChat', chatId: 777n },
      date: 1700000000 + i * 60,
      message: `Message number ${i}: the quick brown fox jumps over the lazy dog.`,
      entities: i % 4 === 0 ? [{ _: 'messageEntityBold', offset: 0, length: 7 }] : undefined,
    } as tl.RawMessage)
  }
  return { _: 'messages.messages', messages, topics: [], chats, users } as tl.messages.RawMessages
}

// ---- conversions for the peers ----------------------------------------------------------------

/** mtcute spells some ids `int53` (numbers) and other longs as `Long`. */
function mtcuteConverter(int53: Map<string, Set<string>>, Long: any): (v: unknown, here?: boolean) => unknown {
  const conv = (v: unknown, here = false): unknown => {
    if (typeof v === 'bigint') return here ? Number(v) : Long.fromBits(Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)))
    if (Array.isArray(v)) return v.map((x) => conv(x, here))
    if (v instanceof Uint8Array || v === null || typeof v !== 'object') return v
    const o = v as Record<string, unknown>
    const set = int53.get(o._ as string)
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(o)) if (x !== undefined) out[k] = conv(x, set?.has(k) ?? false)
    return out
  }
  return conv
}

/** GramJS: `messages.messages` → Api.messages.Messages, bigint → big-integer. */
function gramjsConverter(Api: any, bigInt: any): (v: unknown) => unknown {
  const conv = (v: unknown): unknown => {
    if (typeof v === 'bigint') return bigInt(v.toString())
    if (Array.isArray(v)) return v.map(conv)
    if (v instanceof Uint8Array) return Buffer.from(v)
    if (v === null || typeof v !== 'object') return v
    const o = v as Record<string, unknown>
    const name = o._ as string
    const parts = name.split('.')
    const last = parts.pop()!
    const cls = parts.reduce((ns, p) => ns[p], Api)[last.charAt(0).toUpperCase() + last.slice(1)]
    if (typeof cls !== 'function') throw new Error(`GramJS has no ${name}`)
    const args: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(o)) if (k !== '_' && x !== undefined) args[k] = conv(x)
    return new cls(args)
  }
  return conv
}

// ---- timing -----------------------------------------------------------------------------------

const ROUND_MS = Number(process.env.TL_BENCH_ROUND_MS ?? 250)
const ROUNDS = Number(process.env.TL_BENCH_ROUNDS ?? 5)

/** This process's CPU time in ms (user + system): unlike wall time, not inflated by other processes. */
function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Iterations per CPU-second of `fn` over one round of ROUND_MS of CPU time (batches of 20). */
function round(fn: () => unknown): number {
  let n = 0
  const start = cpuMs()
  let now = start
  while (now - start < ROUND_MS) {
    for (let i = 0; i < 20; i++) fn()
    n += 20
    now = cpuMs()
  }
  return (n * 1000) / (now - start)
}

/**
 * Best-of-ROUNDS ops/s for each contender, rounds interleaved (a, b, c, a, b, c, …) so that noise
 * from other processes hits every contender alike. The first round of each is a JIT warm-up.
 */
function compare(fns: readonly ((() => unknown) | undefined)[]): (number | undefined)[] {
  const best: (number | undefined)[] = fns.map(() => undefined)
  for (let r = 0; r <= ROUNDS; r++) {
    fns.forEach((fn, i) => {
      if (fn === undefined) return
      const v = round(fn)
      if (r > 0) best[i] = Math.max(best[i] ?? 0, v)
    })
  }
  return best
}

export interface TlBenchRow {
  payload: string
  op: 'serialize' | 'deserialize'
  ours: number
  /** undefined: the peer cannot do it (mtcute has no readers for method requests). */
  mtcute: number | undefined
  gramjs: number | undefined
}

export async function runTlBench(): Promise<TlBenchRow[]> {
  const coreIndex = require.resolve('@mtcute/core')
  const coreDir = dirname(coreIndex)
  const fromCore = createRequire(coreIndex)
  const { __tlWriterMap } = await load(join(coreDir, 'tl/binary/writer.js'))
  const { __tlReaderMap } = await load(join(coreDir, 'tl/binary/reader.js'))
  const { TlBinaryWriter, TlBinaryReader } = await load(esmEntry('@mtcute/tl-runtime', fromCore))
  const Long = (await load(esmEntry('long', fromCore))).default
  const schema = JSON.parse(readFileSync(join(coreDir, 'tl/api-schema.json'), 'utf8')) as {
    e: { name: string; arguments: { name: string; type: string }[] }[]
  }
  const camel = (s: string): string => s.replace(/_([a-z0-9])/gi, (_, c: string) => c.toUpperCase())
  const int53 = new Map(schema.e.map((e) => [e.name, new Set(e.arguments.filter((a) => a.type === 'int53').map((a) => camel(a.name)))]))
  const toMtcute = mtcuteConverter(int53, Long)
  const { Api } = require('telegram')
  const bigInt = require('big-integer')
  const { BinaryReader } = require('telegram/extensions')
  const toGramjs = gramjsConverter(Api, bigInt)

  const rows: TlBenchRow[] = []
  for (const [payload, make] of [
    ['messages.sendMessage request', sendMessage],
    ['messages.messages (100 msgs, 10 users, 2 chats)', messagesMessages],
  ] as const) {
    const ours = make() as TlObject
    const ourBytes = serializeObject(ours)
    const theirs = toMtcute(ours) as { _: string }
    const theirBytes: Uint8Array = TlBinaryWriter.serializeObject(__tlWriterMap, theirs)
    if (Buffer.compare(Buffer.from(ourBytes), Buffer.from(theirBytes)) !== 0) throw new Error(`${payload}: bytes differ from mtcute`)
    let gram: any
    let gramBytes: Buffer | undefined
    try {
      gram = toGramjs(ours)
      gramBytes = gram.getBytes()
      new BinaryReader(gramBytes).tgReadObject()
    } catch (e) {
      console.error(`GramJS skipped for ${payload}: ${(e as Error).message}`)
      gram = undefined
    }
    const [sOurs, sMtcute, sGram] = compare([
      () => serializeObject(ours),
      () => TlBinaryWriter.serializeObject(__tlWriterMap, theirs),
      gram ? () => gram.getBytes() : undefined,
    ])
    rows.push({ payload, op: 'serialize', ours: sOurs!, mtcute: sMtcute, gramjs: sGram })
    const mtcuteCanRead = __tlReaderMap[new DataView(theirBytes.buffer, theirBytes.byteOffset).getUint32(0, true)]
    const [dOurs, dMtcute, dGram] = compare([
      () => deserializeObject(ourBytes),
      mtcuteCanRead ? () => TlBinaryReader.deserializeObject(__tlReaderMap, theirBytes) : undefined,
      gramBytes ? () => new BinaryReader(gramBytes).tgReadObject() : undefined,
    ])
    rows.push({ payload, op: 'deserialize', ours: dOurs!, mtcute: dMtcute, gramjs: dGram })
  }
  return rows
}

export function formatTlBench(rows: readonly TlBenchRow[]): string {
  const fmt = (n: number | undefined): string => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'))
  const ratio = (a: number, b: number | undefined): string => (b === undefined ? 'n/a' : `${(a / b).toFixed(2)}×`)
  const lines = [
    'payload | op | mtswarm ops/s | mtcute ops/s | GramJS ops/s (layer 198) | vs mtcute | vs GramJS',
    '---|---|---:|---:|---:|---:|---:',
  ]
  for (const r of rows) {
    lines.push(`${r.payload} | ${r.op} | ${fmt(r.ours)} | ${fmt(r.mtcute)} | ${fmt(r.gramjs)} | ${ratio(r.ours, r.mtcute)} | ${ratio(r.ours, r.gramjs)}`)
  }
  lines.push(
    '',
    `ops per CPU-second (process.cpuUsage), best of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms each; node ${process.version}.`,
    'mtcute has no readers for method requests (n/a). GramJS encodes its own layer-198 objects of the same shape.',
  )
  return lines.join('\n')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatTlBench(await runTlBench()))
}
