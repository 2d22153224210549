// The interpreted codec against the generated one on layer 227 (and the MTProto schema): same bytes
// for random values of every constructor and method, and each reads the other's bytes to the same
// values. Then every constructor and method of GramJS's layer 198 round-trips through it, and
// GramJS itself re-encodes what we wrote to the same bytes.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { BinaryReader } from 'telegram/extensions/index.js'
import { tlobjects } from 'telegram/tl/AllTLObjects.js'
import {
  TlError,
  TlReader,
  TlWriter,
  deserializeObject,
  parseTlSchema,
  readMethodResult,
  serializeObject,
  type TlObject,
} from '@mtswarm/engine/tl'
// Test support from the engine (not package exports): the resolved model codegen uses, and its
// seeded random-value generator, so values are shaped exactly as the generated readers return them.
import { resolveSchema } from '../../../engine/src/tl/codegen/model.js'
import { defaultCodegen, defaultMtpTl } from '../../../engine/src/tl/testing/schemas.js'
import { type FlagMode, Rng, ValueFactory } from '../../../engine/src/tl/testing/random-values.js'
import { SchemaCodec, type TlValue } from './schema-codec.js'
import { GRAMJS_LAYER, gramjsApiTl, ourApiTl } from './schemas.js'

const SEED = 0x1a7e_0227
const MODES: FlagMode[] = ['all', 'none', 'random']
const { resolved } = defaultCodegen()
const api227 = new SchemaCodec(parseTlSchema(ourApiTl()))
const mtp = new SchemaCodec(parseTlSchema(defaultMtpTl()), {
  namePrefix: 'mt_',
  stringsAsBytes: { except: ['rpc_error.error_message'] },
})

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('interpreted codec vs generated codec (layer 227 + MTProto)', () => {
  for (const [schema, codec] of [
    [resolved[0]!, api227],
    [resolved[1]!, mtp],
  ] as const) {
    test(`${schema.ns}: every entry × 3 flag modes, byte-identical and mutually readable`, () => {
      const values = new ValueFactory(resolved, new Rng(SEED))
      let checked = 0
      for (const entry of schema.entries) {
        // gzip_packed is unpacked on read by both; covered below.
        if (entry.jsName === 'mt_gzip_packed') continue
        assert.ok(codec.entries.has(entry.jsName), `${entry.jsName} missing from the interpreted codec`)
        assert.equal(codec.entries.get(entry.jsName)!.id, entry.src.id, `${entry.jsName}: id`)
        for (const mode of MODES) {
          const value = values.object(entry, 0, mode) as TlValue
          const ours = serializeObject(value as unknown as TlObject)
          const interp = codec.serialize(value)
          assert.equal(hex(interp), hex(ours), `${entry.jsName} (${mode}): bytes differ (seed ${SEED})`)
          assert.deepStrictEqual(codec.deserialize(ours), value, `${entry.jsName} (${mode}): interpreted read`)
          assert.deepStrictEqual(deserializeObject(interp), value, `${entry.jsName} (${mode}): generated read`)
          checked++
        }
      }
      assert.equal(checked, (schema.entries.length - (schema.ns === 'mtp' ? 1 : 0)) * MODES.length)
    })
  }

  test('method results: same bytes and values as readMethodResult for every 227 method', () => {
    const values = new ValueFactory(resolved, new Rng(SEED + 1))
    let checked = 0
    for (const entry of resolved[0]!.entries) {
      if (entry.src.kind !== 'method' || entry.result === undefined) continue
      const value = values.value(entry.result, 'tl', 1, 'random')
      const w = new TlWriter()
      api227.writeResult(entry.jsName, w, value)
      const bytes = w.result()
      assert.deepStrictEqual(readMethodResult(entry.jsName, new TlReader(bytes)), value, entry.jsName)
      assert.deepStrictEqual(api227.readResult(entry.jsName, new TlReader(bytes)), value, entry.jsName)
      checked++
    }
    assert.ok(checked > 600, `only ${checked} methods`)
  })

  test('gzip_packed is unpacked transparently (objects and results)', async () => {
    const { gzipSync } = await import('node:zlib')
    const user = { _: 'user', id: 7n, firstName: 'Ann' } as const
    const full = api227.deserialize(api227.serialize(user as unknown as TlValue))
    const packed = serializeObject({ _: 'mt_gzip_packed', packedData: new Uint8Array(gzipSync(serializeObject(full as unknown as TlObject))) })
    assert.deepStrictEqual(api227.deserialize(packed), full)
    assert.deepStrictEqual(api227.readResult('account.updateProfile', new TlReader(packed)), full)
  })
})

describe('TlError behaviour matches the generated codec', () => {
  const cases: Array<[string, () => Uint8Array]> = [
    ['unknown constructor', () => new Uint8Array([1, 2, 3, 4])],
    ['truncated', () => serializeObject({ _: 'user', id: 1n } as unknown as TlObject).subarray(0, 10)],
    ['bad vector id', () => {
      const b = serializeObject({ _: 'messages.messages', messages: [], chats: [], topics: [], users: [] } as unknown as TlObject)
      b[4] = 0
      return b
    }],
    ['length overflow', () => {
      // auth.sendCode whose phone_number claims 65535 bytes
      const id = serializeObject({ _: 'auth.sendCode', phoneNumber: '', apiId: 1, apiHash: '', settings: { _: 'codeSettings' } } as unknown as TlObject)
      return new Uint8Array([...id.subarray(0, 4), 0xfe, 0xff, 0xff, 0x00, 1, 2, 3, 4])
    }],
  ]
  for (const [name, make] of cases) {
    test(`reading: ${name}`, () => {
      const bytes = make()
      const a = captureError(() => deserializeObject(bytes))
      const b = captureError(() => api227.deserialize(bytes))
      assert.ok(a instanceof TlError && b instanceof TlError, `${name}: both throw TlError`)
      assert.equal(b.kind, a.kind)
      assert.equal(b.offset, a.offset)
      assert.equal(b.constructorId, a.constructorId)
    })
  }

  test('writing: missing required field, unknown name, non-array vector, wrong primitive', () => {
    const objs = [
      { _: 'user' },
      { _: 'inputPeerUser', userId: 1n },
      { _: 'noSuchThing' },
      { _: 'users.getUsers', id: 5 },
      { _: 'inputPeerUser', userId: 1, accessHash: 2n },
      { _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: 'x', randomId: 1n, entities: [{ _: 'nope' }] },
    ]
    for (const o of objs) {
      const a = captureError(() => serializeObject(o as unknown as TlObject))
      const b = captureError(() => api227.serialize(o as TlValue))
      assert.ok(a instanceof TlError && b instanceof TlError, JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)))
      assert.equal(b.kind, a.kind)
      assert.equal(b.field, a.field)
      assert.equal(b.offset, a.offset)
    }
  })
})

describe('layer 198 (GramJS schema) through the interpreted codec', () => {
  const schema198 = parseTlSchema(gramjsApiTl())
  const codec198 = new SchemaCodec(schema198, { layer: GRAMJS_LAYER })
  const model198 = resolveSchema(schema198, { ns: 'tl', namePrefix: '' })

  test('every constructor and method round-trips, and GramJS re-encodes our bytes identically', () => {
    const values = new ValueFactory([model198], new Rng(SEED + 198))
    let checked = 0
    let gramjsChecked = 0
    const notInGramjs = new Set<string>()
    const reencodedDifferently = new Set<string>()
    for (const entry of model198.entries) {
      for (const mode of MODES) {
        const value = values.object(entry, 0, mode) as TlValue
        const bytes = codec198.serialize(value)
        assert.equal(bytes.length % 4, 0)
        const back = codec198.deserialize(bytes)
        assert.deepStrictEqual(back, value, `${entry.jsName} (${mode}) did not round-trip (seed ${SEED + 198})`)
        assert.equal(hex(codec198.serialize(back)), hex(bytes), `${entry.jsName} (${mode}): re-encoding differs`)
        checked++
        if (entry.src.kind === 'constructor' && !(entry.src.id in tlobjects)) notInGramjs.add(entry.jsName)
        else if (entry.src.kind === 'constructor') {
          const reader = new BinaryReader(Buffer.from(bytes))
          const obj = reader.tgReadObject()
          assert.equal(reader.tellPosition(), bytes.length, `${entry.jsName} (${mode}): GramJS left bytes unread`)
          // GramJS patches Message/MessageService/MessageEmpty (telegram/tl/patched/index.js) into its
          // custom message class, which rewrites peers when re-encoding: compare everything else.
          if (!containsConstructor(value, GRAMJS_PATCHED) && hex(obj.getBytes()) !== hex(bytes)) {
            reencodedDifferently.add(entry.jsName)
          }
          gramjsChecked++
        }
      }
    }
    assert.equal(checked, model198.entries.length * MODES.length)
    // GramJS's generator skips these core constructors (telegram/tl/generationHelpers.js CORE_TYPES).
    assert.deepEqual([...notInGramjs], ['true', 'error', 'null'])
    assert.deepEqual([...reencodedDifferently], [])
    assert.equal(gramjsChecked, (model198.entries.filter((e) => e.src.kind === 'constructor').length - 3) * MODES.length)
  })
})

const GRAMJS_PATCHED = new Set(['message', 'messageService', 'messageEmpty'])

function containsConstructor(v: unknown, names: ReadonlySet<string>): boolean {
  if (Array.isArray(v)) return v.some((x) => containsConstructor(x, names))
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return false
  if (names.has((v as TlValue)._)) return true
  return Object.values(v).some((x) => containsConstructor(x, names))
}

function captureError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  return undefined
}
