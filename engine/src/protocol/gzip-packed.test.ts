import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { GZIP_PACKED_ID, deserializeObject, serializeObject } from '../tl/index.js'
import { GZIP_MIN_BYTES, gzipPacked, maybeGzipPacked } from './gzip-packed.js'
import { seededRandom } from '../crypto/test-random.js'

const idOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(0, true)

describe('gzip_packed', () => {
  const big = serializeObject({ _: 'help.getConfig' } as never)
  const text = serializeObject({ _: 'mt_rpc_error', errorCode: 400, errorMessage: 'A'.repeat(2000) })

  test('gzipPacked wraps, and the TL reader unpacks it transparently', () => {
    const packed = gzipPacked(text)
    assert.equal(idOf(packed), GZIP_PACKED_ID)
    assert.deepEqual(deserializeObject(packed), deserializeObject(text))
  })

  test('maybeGzipPacked: small bodies and incompressible bodies stay as they are', () => {
    assert.equal(maybeGzipPacked(big), big)
    const noise = seededRandom('noise')(GZIP_MIN_BYTES * 2)
    assert.equal(maybeGzipPacked(noise), noise)
    const packed = maybeGzipPacked(text)
    assert.notEqual(packed, text)
    assert.ok(packed.length < text.length)
    assert.equal(idOf(packed), GZIP_PACKED_ID)
  })
})
