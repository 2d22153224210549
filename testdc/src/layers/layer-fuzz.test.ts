// Random values through the adapter, both directions, seeded: every layer-227 constructor that
// 198 also has, down-converted and written at 198, is read back whole by GramJS; every 198 method,
// up-converted, is a valid 227 request in the generated reader's exact shape. The only failure
// allowed is a typed LayerConversionError for a 227-only (resp. 198-only) nested constructor.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { BinaryReader } from 'telegram/extensions/index.js'
import { TlError, deserializeObject, parseTlSchema, serializeObject, type TlObject } from '@mtswarm/engine/tl'
import { resolveSchema } from '../../../engine/src/tl/codegen/model.js'
import { defaultCodegen } from '../../../engine/src/tl/testing/schemas.js'
import { type FlagMode, Rng, ValueFactory } from '../../../engine/src/tl/testing/random-values.js'
import { LayerConversionError } from './layer-convert.js'
import { createLayerCodec } from './layer-codec.js'
import type { TlValue } from './schema-codec.js'
import { GRAMJS_LAYER, gramjsApiTl } from './schemas.js'

const SEED = 0x1a7e_f022
const MODES: FlagMode[] = ['all', 'none', 'random']
const codec = createLayerCodec(GRAMJS_LAYER)!
// GramJS's generator skips these core constructors (telegram/tl/generationHelpers.js CORE_TYPES).
const NOT_IN_GRAMJS = new Set(['true', 'error', 'null'])

describe('random values through the 198 adapter', () => {
  test('down: 227 constructors → 198 bytes GramJS reads whole', () => {
    const { resolved } = defaultCodegen()
    const values = new ValueFactory(resolved, new Rng(SEED))
    let written = 0
    let refused = 0
    for (const entry of resolved[0]!.entries) {
      if (entry.src.kind !== 'constructor' || NOT_IN_GRAMJS.has(entry.jsName)) continue
      for (const mode of MODES) {
        const value = values.object(entry, 0, mode) as TlValue
        let bytes: Uint8Array
        try {
          bytes = codec.writeObject(value)
        } catch (e) {
          assert.ok(e instanceof LayerConversionError && e.kind === 'unknown-constructor', `${entry.jsName} (${mode}): ${String(e)}`)
          refused++
          continue
        }
        const reader = new BinaryReader(Buffer.from(bytes))
        reader.tgReadObject()
        assert.equal(reader.tellPosition(), bytes.length, `${entry.jsName} (${mode}): GramJS left bytes unread`)
        written++
      }
    }
    // Most refusals are nested 227-only constructors (RichText, InputGroupCall …), by design.
    assert.ok(written > 3900, `written ${written}, refused ${refused}`)
  })

  test('up: 198 methods → valid 227 requests in the generated reader’s shape', () => {
    codec.resetNotes()
    const model = resolveSchema(parseTlSchema(gramjsApiTl()), { ns: 'tl', namePrefix: '' })
    const values = new ValueFactory([model], new Rng(SEED + 1))
    let converted = 0
    let refused = 0
    for (const entry of model.entries) {
      if (entry.src.kind !== 'method') continue
      for (const mode of MODES) {
        const value = values.object(entry, 0, mode) as TlValue
        // written as is by the 198 schema (what a 198 client sends)
        const bytes = codec.schema.serialize(value)
        let req: TlValue
        try {
          req = codec.readRequestAs227(bytes)
        } catch (e) {
          const methodOnly198 = e instanceof TlError && e.kind === 'unknown-constructor' && e.offset === 0
          const nestedOnly198 = e instanceof LayerConversionError && e.kind === 'unknown-constructor'
          assert.ok(methodOnly198 || nestedOnly198, `${entry.jsName} (${mode}): ${String(e)}`)
          refused++
          continue
        }
        assert.equal(req._, entry.jsName)
        assert.deepStrictEqual(deserializeObject(serializeObject(req as unknown as TlObject)), req, `${entry.jsName} (${mode})`)
        converted++
      }
    }
    // What 227 requires and 198 requests cannot say: typed defaults, each noted.
    assert.deepEqual(
      [...new Set(codec.upNotes().filter((n) => n.kind === 'default').map((n) => `${n.constructor}.${n.field}=${n.value}`))].sort(),
      ['channels.toggleForum.tabs=false', 'messages.getPollResults.pollHash=0n', 'phone.createConferenceCall.randomId=0', 'poll.hash=0n'],
    )
    // 198-only methods (users.getIsPremiumRequiredToContact, stats.getBroadcastRevenue* …) are refused.
    assert.ok(converted > 2040, `converted ${converted}, refused ${refused}`)
  })
})
