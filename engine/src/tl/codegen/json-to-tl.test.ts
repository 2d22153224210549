// The mtcute JSON → TL text converter, on a small input and against the real mtp-schema.json.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parseTlSchema } from '../schema-parser.js'
import { defaultCodegen, mtcuteTlDir } from '../testing/schemas.js'
import { type JsonSchema, jsonSchemaToTl } from './json-to-tl.js'

describe('jsonSchemaToTl', () => {
  test('renders flags, vectors, bare vectors, generics, int53, vector results; drops mtcute.*', () => {
    const json: JsonSchema = {
      l: 7,
      e: [
        {
          kind: 'class',
          name: 'user',
          id: 0x12345678,
          type: 'User',
          arguments: [
            { name: 'flags', type: '#' },
            { name: 'self', type: 'true', typeModifiers: { predicate: 'flags.10' } },
            { name: 'id', type: 'int53' },
            { name: 'names', type: 'string', typeModifiers: { predicate: 'flags.1', isVector: true } },
          ],
        },
        {
          kind: 'class',
          name: 'salts',
          id: 1,
          type: 'Salts',
          arguments: [{ name: 'salts', type: 'future_salt', typeModifiers: { isBareVector: true, isBareType: true } }],
        },
        {
          kind: 'method',
          name: 'invokeWithLayer',
          id: 0xda9b0d0d,
          type: 'X',
          generics: [{ name: 'X', type: 'Type' }],
          arguments: [
            { name: 'layer', type: 'int' },
            { name: 'query', type: '!X' },
          ],
        },
        { kind: 'method', name: 'users.getIds', id: 0xff, type: 'long', typeModifiers: { isVector: true }, arguments: [] },
        { kind: 'method', name: 'mtcute.customMethod', id: 0, type: 'bytes', arguments: [] },
      ],
    }
    assert.equal(
      jsonSchemaToTl(json),
      [
        '// LAYER 7',
        'user#12345678 flags:# self:flags.10?true id:long names:flags.1?Vector<string> = User;',
        'salts#00000001 salts:vector<future_salt> = Salts;',
        '---functions---',
        'invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;',
        'users.getIds#000000ff = Vector<long>;',
        '',
      ].join('\n'),
    )
  })

  test('mtcute mtp-schema.json agrees with our mtproto.tl on every entry it has', () => {
    const json = JSON.parse(readFileSync(join(mtcuteTlDir, 'mtp-schema.json'), 'utf8')) as JsonSchema
    const fromJson = parseTlSchema(jsonSchemaToTl(json, { stripPrefix: 'mt_' }))
    const ours = new Map(defaultCodegen().mtp.entries.map((e) => [e.name, e]))
    assert.ok(fromJson.entries.length >= 40)
    for (const e of fromJson.entries) {
      const o = ours.get(e.name)
      assert.ok(o, `${e.name} missing from mtproto.tl`)
      assert.equal(o.id, e.id, e.name)
      assert.equal(o.type, e.type, e.name)
      assert.deepEqual(o.arguments, e.arguments, e.name)
    }
  })
})
