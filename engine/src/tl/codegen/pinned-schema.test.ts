// The pinned schema files (src/tl/schema/api.tl, errors.json) against the source they are refreshed
// from, and the error-list reader on both shapes it accepts. The CRC32 check of every pinned id is
// schema-parser.test.ts ('constructor ids of the pinned schemas'), which reads the same files.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parseTlSchema } from '../schema-parser.js'
import { defaultApiTl, defaultErrors, mtcuteTlDir } from '../testing/schemas.js'
import { pinnedApiTl, pinnedErrorsJson, rawErrorsFromJson } from './pinned-schema.js'

const sourceJson = (file: string): unknown => JSON.parse(readFileSync(join(mtcuteTlDir, file), 'utf8'))
const sourceVersion = (JSON.parse(readFileSync(join(mtcuteTlDir, '..', 'package.json'), 'utf8')) as { version: string }).version

describe('pinned API schema', () => {
  test('api.tl is exactly what schema:refresh makes from the installed source', () => {
    // A failure here means the source was bumped (or api.tl edited by hand): run schema:refresh.
    const expected = pinnedApiTl(sourceJson('api-schema.json') as Parameters<typeof pinnedApiTl>[0], sourceVersion)
    assert.equal(defaultApiTl(), expected)
  })

  test('every constructor and method of the source is pinned with the same id', () => {
    const source = sourceJson('api-schema.json') as { l: number; e: { name: string; id: number }[] }
    const pinned = parseTlSchema(defaultApiTl())
    assert.equal(pinned.layer, source.l)
    const byName = new Map(pinned.entries.map((e) => [e.name, e.id >>> 0]))
    const wrong: string[] = []
    for (const e of source.e) {
      if (e.name.startsWith('mtcute.')) continue
      if (byName.get(e.name) !== e.id >>> 0) wrong.push(`${e.name}: source #${(e.id >>> 0).toString(16)}, pinned ${byName.get(e.name)?.toString(16)}`)
    }
    assert.deepEqual(wrong, [])
    assert.ok(byName.size > 2400, `pinned ${byName.size} entries`)
  })

  test('errors.json is the source error list, sorted, one error per line', () => {
    const expected = rawErrorsFromJson(sourceJson('raw-errors.json'))
    assert.deepEqual(defaultErrors(), expected)
    assert.equal(pinnedErrorsJson(defaultErrors()), pinnedErrorsJson(expected))
    assert.deepEqual(defaultErrors().PHONE_CODE_INVALID, { code: 400, description: expected.PHONE_CODE_INVALID!.description })
  })
})

describe('rawErrorsFromJson', () => {
  test('reads mtcute raw-errors.json and the pinned shape alike, sorted by name', () => {
    const mtcute = { base: { BAD_REQUEST: 400 }, errors: { B_ERR: { code: 400, name: 'B_ERR', description: 'b' }, A_ERR: { code: 420, name: 'A_ERR' } } }
    const read = rawErrorsFromJson(mtcute)
    assert.deepEqual(read, { A_ERR: { code: 420, description: '' }, B_ERR: { code: 400, description: 'b' } })
    assert.deepEqual(Object.keys(read), ['A_ERR', 'B_ERR'])
    assert.deepEqual(rawErrorsFromJson(JSON.parse(pinnedErrorsJson(read))), read)
  })

  test('refuses a file that is not an error list', () => {
    assert.throws(() => rawErrorsFromJson({ errors: { X: { name: 'X' } } }), /X has no numeric code/)
    assert.throws(() => rawErrorsFromJson(null), /expected an object/)
  })
})
