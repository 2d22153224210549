// Snapshot-style tests of the generators on a small schema: the exact text of types, readers and
// writers (flags, flags.N?true, vectors, generics, Bool, bare vectors of bare constructors, Object).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { runCodegen } from './pipeline.js'

const API = `// LAYER 1
boolFalse#bc799737 = Bool;
boolTrue#997275b5 = Bool;
peerUser#59511722 user_id:long = Peer;
message#11111111 flags:# out:flags.1?true id:int peer:Peer text:flags.2?string ids:Vector<int> = Message;
---functions---
invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;
messages.get#22222222 peer:Peer ok:Bool = Vector<Message>;
`
const MTP = `rpc_error#2144ca19 error_code:int error_message:string = RpcError;
rpc_answer_dropped#a43ad8b7 msg_id:long seq_no:int bytes:int = RpcDropAnswer;
resPQ#05162463 nonce:int128 pq:string = ResPQ;
message msg_id:long bytes:int body:Object = Message;
msg_container#73f1f8dc messages:vector<%Message> = MessageContainer;
`

const out = runCodegen({ api: API, mtp: MTP, errors: { FLOOD_WAIT_X: { code: 420, description: 'wait' } } })

/** The text of one top-level function from a generated file. */
function fn(file: string, name: string): string {
  const m = new RegExp(`^function ${name}\\(.*?^}$`, 'ms').exec(out.files[file]!)
  assert.ok(m, `${name} not found in ${file}`)
  return m[0]
}

describe('generated code for a small schema', () => {
  test('types: interfaces, unions, namespaces, result map, ResultOf', () => {
    const t = out.files['types.ts']!
    assert.ok(
      t.includes(`  interface RawMessage {
    _: "message"
    out?: boolean
    id: number
    peer: tl.TypePeer
    text?: string
    ids: number[]
  }`),
    )
    assert.ok(t.includes('  type TypePeer =\n    | tl.RawPeerUser'))
    assert.ok(t.includes(`  namespace messages {
    interface RawGetRequest {
      _: "messages.get"
      peer: tl.TypePeer
      ok: boolean
    }
  }`))
    assert.ok(t.includes('    "messages.get": tl.TypeMessage[]'))
    assert.ok(t.includes('    "invokeWithLayer": unknown'))
    assert.ok(t.includes('  type GenericWrapper = "invokeWithLayer"'))
    // MTProto: binary strings are bytes, rpc_error.error_message stays text, Object is raw bytes.
    assert.ok(t.includes('    pq: Uint8Array'))
    assert.ok(t.includes('    errorMessage: string'))
    assert.ok(t.includes('    body: Uint8Array'))
    assert.ok(t.includes('    messages: mtp.RawMt_message[]'))
    assert.ok(t.includes('export type ResultOf<M extends { _: string }> ='))
    assert.ok(!t.includes('boolTrue'), 'Bool constructors are not objects')
  })

  test('reader: flags, true-flags, optional, boxed, vector', () => {
    assert.equal(
      fn('readers.ts', 'b1'),
      `function b1(r: TlReader): tl.RawMessage {
  const a0 = r.int32()
  const a1 = (a0 & 0x00000002) !== 0
  const a2 = r.int32()
  const a3 = o0(r)
  const a4 = a0 & 0x00000004 ? r.string() : undefined
  const a5 = v_int32(r)
  const o: tl.RawMessage = { _: "message", out: a1, id: a2, peer: a3, ids: a5 }
  if (a0 & 0x00000004) o.text = a4
  return o
}`,
    )
  })

  test('reader: a boxed field switches on its type\'s constructors, then falls back to the id table', () => {
    assert.equal(
      fn('readers.ts', 'o0'),
      `function o0(r: TlReader): tl.TypePeer {
  const id = r.int32()
  switch (id) {
    case 1498486562: return b0(r) // peerUser
  }
  return r.objectWithId(id)
}`,
    )
    assert.ok(
      out.files['readers.ts']!.includes(
        '\nfunction vo1(r: TlReader): tl.TypeMessage[] { const n = r.vectorLength(); const out = newArray<tl.TypeMessage>(n); for (let i = 0; i < n; i++) out[i] = o1(r); return out }\n',
      ),
    )
  })

  test('reader: message body is raw, sized by the preceding bytes field; container is a bare vector', () => {
    const { resolved } = out
    const mtp = resolved[1]!
    const message = mtp.entries.find((e) => e.jsName === 'mt_message')!
    const container = mtp.entries.find((e) => e.jsName === 'mt_msg_container')!
    assert.equal(
      fn('readers.ts', `b${message.index}`),
      `function b${message.index}(r: TlReader): mtp.RawMt_message {
  const a0 = r.int64()
  const a1 = r.int32()
  const a2 = r.raw(a1)
  return { _: "mt_message", msgId: a0, bytes: a1, body: a2 }
}`,
    )
    assert.match(fn('readers.ts', `b${container.index}`), new RegExp(`r\\.bareVector\\(b${message.index}\\)`))
  })

  test('writer: flags computed from presence, required fields checked, each value written with its field name', () => {
    assert.equal(
      fn('writers.ts', 'w1'),
      `function w1(w: TlWriter, o: tl.RawMessage): void {
  w.uint32(0x11111111)
  let f0 = 0
  if (o.out) f0 |= 0x00000002
  if (o.text != null) f0 |= 0x00000004
  w.int32(f0)
  w.int32((o.id ?? miss(w, "message", "id")), "message.id")
  w.object((o.peer ?? miss(w, "message", "peer")), "message.peer")
  if (f0 & 0x00000004) w.string((o.text ?? miss(w, "message", "text")), "message.text")
  wv_int32(w, (o.ids ?? miss(w, "message", "ids")), "message.ids")
}`,
    )
  })

  test('maps, result readers and metadata', () => {
    const r = out.files['readers.ts']!
    assert.ok(r.includes('readers.set(286331153, b1) // 0x11111111 message'))
    assert.ok(r.includes('resultReaders.set("messages.get", (r: TlReader) => vo1(r))'))
    assert.ok(r.includes('resultReaders.set("invokeWithLayer", (r: TlReader) => r.object())'))
    assert.ok(!r.includes('0x997275b5'), 'boolTrue is handled by TlReader.bool, not the map')
    const w = out.files['writers.ts']!
    assert.ok(w.includes('writers.set("message", w1)'))
    const meta = out.files['meta.ts']!
    assert.ok(meta.includes('export const LAYER = 1'))
    assert.ok(meta.includes('"mt_resPQ": 0x05162463,'))
    assert.ok(meta.includes('"FLOOD_WAIT_X": { code: 420, description: "wait" },'))
  })

  test('unknown types are rejected with the field named', () => {
    assert.throws(() => runCodegen({ api: 'a#1 x:Nope = A;', mtp: '' }), /a\.x: unknown type Nope/)
  })
})
