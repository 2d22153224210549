// Cross-check against an independent implementation: for random objects over every API constructor
// and method of layer 227, our bytes equal @mtcute/core 0.30.3's writer output, and mtcute's reader
// decodes them to the same values. mtcute is only loaded here (a dev-time oracle).
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { camelCase } from './codegen/model.js'
import { deserializeObject, serializeObject, type TlObject } from './index.js'
import { defaultCodegen, mtcuteTlDir } from './testing/schemas.js'
import { Rng, ValueFactory } from './testing/random-values.js'

const coreDir = join(mtcuteTlDir, '..')
const requireFromCore = createRequire(join(coreDir, 'index.js'))
const load = async (path: string): Promise<any> => import(pathToFileURL(path).href)

/** Path of a dependency's ESM entry (require.resolve would pick the CommonJS build). */
function esmEntry(pkg: string): string {
  let dir = dirname(requireFromCore.resolve(pkg))
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== pkg) {
    dir = dirname(dir)
  }
  const exp = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).exports['.']
  const entry = typeof exp.import === 'string' ? exp.import : exp.import.default
  return join(dir, entry)
}

interface LongLike {
  low: number
  high: number
  toString(): string
}

/** mtcute spells some `long` ids `int53` (plain numbers); collect them per constructor. */
function int53Fields(): Map<string, Set<string>> {
  const json = JSON.parse(readFileSync(join(mtcuteTlDir, 'api-schema.json'), 'utf8')) as {
    e: { name: string; arguments: { name: string; type: string }[] }[]
  }
  const out = new Map<string, Set<string>>()
  for (const e of json.e) {
    const set = new Set(e.arguments.filter((a) => a.type === 'int53').map((a) => camelCase(a.name)))
    if (set.size > 0) out.set(e.name, set)
  }
  return out
}

describe('interop with mtcute (layer 227)', async () => {
  const { __tlWriterMap } = await load(join(coreDir, 'tl/binary/writer.js'))
  const { __tlReaderMap } = await load(join(coreDir, 'tl/binary/reader.js'))
  const { TlBinaryWriter, TlBinaryReader } = await load(esmEntry('@mtcute/tl-runtime'))
  const Long = (await load(esmEntry('long'))).default as {
    fromBits(lo: number, hi: number): LongLike
    isLong(x: unknown): boolean
  }
  const int53 = int53Fields()

  /** Our value → mtcute's: bigint → Long, except int53 fields → number. Also clamps int53 in `ours`. */
  function toMtcute(v: unknown, int53Here = false): unknown {
    if (typeof v === 'bigint') {
      return int53Here ? Number(v) : Long.fromBits(Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)))
    }
    if (Array.isArray(v)) return v.map((x) => toMtcute(x, int53Here))
    if (v instanceof Uint8Array || v === null || typeof v !== 'object') return v
    const o = v as Record<string, unknown>
    const ints = int53.get(o._ as string)
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(o)) out[k] = toMtcute(x, ints?.has(k) ?? false)
    return out
  }

  /** mtcute's decoded value → ours, dropping undefined keys. */
  function fromMtcute(v: unknown): unknown {
    if (v !== null && typeof v === 'object' && Long.isLong(v)) return BigInt((v as LongLike).toString())
    if (Array.isArray(v)) return v.map(fromMtcute)
    if (v instanceof Uint8Array || v === null || typeof v !== 'object') return v
    const o = v as Record<string, unknown>
    const ints = int53.get(o._ as string)
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(o)) {
      if (x === undefined) continue
      out[k] = ints?.has(k) ? (Array.isArray(x) ? x.map((n) => BigInt(n as number)) : BigInt(x as number)) : fromMtcute(x)
    }
    return out
  }

  /** Our value with int53 fields clamped to the safe range mtcute can represent, undefined keys kept. */
  function clampInt53(v: unknown, here = false): unknown {
    if (typeof v === 'bigint') return here ? BigInt.asIntN(53, v) : v
    if (Array.isArray(v)) return v.map((x) => clampInt53(x, here))
    if (v instanceof Uint8Array || v === null || typeof v !== 'object') return v
    const o = v as Record<string, unknown>
    const ints = int53.get(o._ as string)
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(o)) out[k] = clampInt53(x, ints?.has(k) ?? false)
    return out
  }

  const dropUndefined = (v: unknown): unknown => fromMtcute(v)

  // NB: mtcute writes an optional vector that is empty as absent (flag bit clear); we write what we
  // are given (present-but-empty stays present, so server bytes re-encode identically). The test
  // therefore never hands mtcute an empty optional vector.
  const byName = new Map(defaultCodegen().resolved.flatMap((s) => s.entries.map((e) => [e.jsName, e] as const)))
  function noEmptyOptionalVectors(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(noEmptyOptionalVectors)
    if (v instanceof Uint8Array || v === null || typeof v !== 'object') return v
    const o = v as Record<string, unknown>
    const entry = byName.get(o._ as string)
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(o)) {
      const f = entry?.fields.find((f) => f.prop === k)
      const c = f?.condition
      // A bit shared with another field stays set by that field, so mtcute writes the [] too.
      const alone = c && entry!.fields.filter((g) => g.condition?.field === c.field && g.condition.bit === c.bit).length === 1
      out[k] = alone && f.type.kind === 'vector' && Array.isArray(x) && x.length === 0 ? undefined : noEmptyOptionalVectors(x)
    }
    return out
  }

  test('bytes identical and values decode identically, both directions', () => {
    const api = defaultCodegen().resolved[0]!
    const values = new ValueFactory(defaultCodegen().resolved, new Rng(0x1e7c))
    let objects = 0
    let decodedByMtcute = 0
    for (const entry of api.entries) {
      // mtcute leaves out `true#3fedd339` (never on the wire by itself).
      if (!(entry.jsName in __tlWriterMap)) continue
      for (const mode of ['random', 'all', 'random'] as const) {
        const ours = noEmptyOptionalVectors(clampInt53(values.object(entry, 0, mode))) as TlObject
        const ourBytes = serializeObject(ours)
        const theirBytes: Uint8Array = TlBinaryWriter.serializeObject(__tlWriterMap, toMtcute(ours) as { _: string })
        assert.deepEqual(ourBytes, theirBytes, `${entry.jsName} (${mode}): bytes differ from mtcute`)
        // mtcute's bytes through our reader.
        assert.deepEqual(dropUndefined(deserializeObject(theirBytes)), dropUndefined(ours), `${entry.jsName}: our read of mtcute bytes`)
        // Our bytes through mtcute's reader (it has readers for constructors only).
        if (entry.src.kind === 'constructor') {
          const theirs = TlBinaryReader.deserializeObject(__tlReaderMap, ourBytes)
          assert.deepEqual(fromMtcute(theirs), dropUndefined(ours), `${entry.jsName}: mtcute read of our bytes`)
          decodedByMtcute++
        }
        objects++
      }
    }
    assert.ok(objects >= 2000, `${objects} objects`)
    assert.ok(decodedByMtcute >= 1500, `${decodedByMtcute} decoded by mtcute`)
  })
})
