// The TL parser on hand-written snippets, and the CRC32 id of every entry of the pinned API layer
// and the MTProto schema recomputed from its canonical line.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { canonicalLine } from './canonical-id.js'
import { parseTlSchema, TlParseError } from './schema-parser.js'
import { defaultCodegen } from './testing/schemas.js'

describe('parseTlSchema', () => {
  test('comments, sections, flags, flags2, vectors, bare types, generics, builtins', () => {
    const s = parseTlSchema(`
      // LAYER 42
      int ? = Int;               /* built-ins are skipped */
      vector#1cb5c415 {t:Type} # [ t ] = Vector t;
      int128 4*[ int ] = Int128;
      /* multi-line
         comment */ boolTrue#997275b5 = Bool;
      user#12345678 flags:# self:flags.10?true id:long name:flags.1?string flags2:# tags:flags2.3?Vector<string> = User;
      message msg_id:long body:Object = Message;
      msg_container#73f1f8dc messages:vector<%Message> = MessageContainer;
      ---functions---
      invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;
      users.getUsers#0d91a548 id:Vector<InputUser> = Vector<User>;
      ---types---
      later#00000001 x:int128 y:int256 b:bytes d:double = Later;
    `)
    assert.equal(s.layer, 42)
    assert.deepEqual(
      s.entries.map((e) => [e.kind, e.name]),
      [
        ['constructor', 'boolTrue'],
        ['constructor', 'user'],
        ['constructor', 'message'],
        ['constructor', 'msg_container'],
        ['method', 'invokeWithLayer'],
        ['method', 'users.getUsers'],
        ['constructor', 'later'],
      ],
    )
    const user = s.entries[1]!
    assert.equal(user.id, 0x12345678)
    assert.equal(user.explicitId, true)
    assert.deepEqual(user.arguments[1], { name: 'self', type: 'true', condition: { field: 'flags', bit: 10 } })
    assert.deepEqual(user.arguments[5], { name: 'tags', type: 'Vector<string>', condition: { field: 'flags2', bit: 3 } })
    const message = s.entries[2]!
    assert.equal(message.explicitId, false)
    assert.equal(message.id, message.computedId)
    assert.equal(s.entries[3]!.arguments[0]!.type, 'vector<%Message>')
    const invoke = s.entries[4]!
    assert.deepEqual(invoke.generics, [{ name: 'X', type: 'Type' }])
    assert.equal(invoke.type, 'X')
    assert.equal(invoke.computedId, 0xda9b0d0d)
    assert.equal(s.entries[5]!.type, 'Vector<User>')
  })

  test('canonical line: no id, X:Type, ?true dropped, bytes as string, Vector<T> as Vector T', () => {
    const [e] = parseTlSchema('a.b#00000000 {X:Type} flags:# t:flags.0?true v:flags.1?Vector<bytes> s:bytes q:!X = Vector<X>;').entries
    assert.equal(
      canonicalLine(e!.name, e!.generics, e!.arguments, e!.type),
      'a.b X:Type flags:# v:flags.1?Vector bytes s:string q:!X = Vector X',
    )
  })

  test('syntax errors carry the line', () => {
    assert.throws(() => parseTlSchema('a#1 x:int = A;\nb#2 x = B;'), (e: unknown) => e instanceof TlParseError && e.line === 2)
    assert.throws(() => parseTlSchema('a#1 x:int = A'), TlParseError)
    assert.throws(() => parseTlSchema('a#1 x:flags.0?int = A;'), /condition field flags/)
    assert.throws(() => parseTlSchema('/* open'), TlParseError)
  })
})

/**
 * Entries whose explicit id is not CRC32 of their canonical line, each with the reason.
 * Anything else that mismatches fails the test.
 */
const KNOWN_ID_EXCEPTIONS: Readonly<Record<string, string>> = {
  // "*Legacy" constructors: Telegram renamed them (and their fields) but kept the wire id of the
  // original definition, so the CRC of today's text no longer matches.
  inputPeerPhotoFileLocationLegacy: 'renamed legacy constructor; keeps the original wire id',
  inputStickerSetThumbLegacy: 'renamed legacy constructor; keeps the original wire id',
  // The id was computed from "msg_container messages:vector message = MessageContainer", i.e. with the
  // bare constructor name instead of %Message; our canonical form keeps the text as written.
  mt_msg_container: 'CRC of "messages:vector message" (bare constructor named), not "vector %Message"',
}

describe('constructor ids of the pinned schemas', () => {
  test('every id equals CRC32 of its canonical line, except the documented ones', () => {
    const { api, mtp } = defaultCodegen()
    const mismatches: string[] = []
    let checked = 0
    for (const [prefix, schema] of [['', api], ['mt_', mtp]] as const) {
      for (const e of schema.entries) {
        checked++
        if (e.id === e.computedId) continue
        const name = prefix + e.name
        if (!(name in KNOWN_ID_EXCEPTIONS)) {
          mismatches.push(`${name}: #${e.id.toString(16)} but CRC32 gives ${e.computedId.toString(16)}`)
        }
      }
    }
    assert.deepEqual(mismatches, [])
    assert.ok(checked > 2400, `checked ${checked}`)
    // The exceptions list stays honest: each one really mismatches.
    const all = new Map([...api.entries.map((e) => [e.name, e] as const), ...mtp.entries.map((e) => ['mt_' + e.name, e] as const)])
    for (const name of Object.keys(KNOWN_ID_EXCEPTIONS)) {
      const e = all.get(name)
      assert.ok(e && e.id !== e.computedId, `${name} is listed as an exception but matches (or is gone)`)
    }
  })
})
