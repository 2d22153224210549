import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RANDOM_POOL_BYTES, createPooledRandom } from './random.js'

test('pooled random: exact lengths, fresh arrays, no repeats across refills and direct reads', () => {
  const random = createPooledRandom(256)
  const seen = new Set<string>()
  let total = 0
  // 64 small reads and a few large ones: crosses several refills (256-byte pool) and the direct path
  for (const n of [...Array.from({ length: 64 }, (_, i) => 8 + (i % 24)), 100, 1000, 0]) {
    const a = random(n)
    assert.equal(a.length, n)
    assert.ok(a instanceof Uint8Array && a.byteOffset === 0 && a.buffer.byteLength === n, 'a copy, not a view of the pool')
    if (n >= 8) {
      const hex = Buffer.from(a).toString('hex')
      assert.ok(!seen.has(hex), `repeated ${n}-byte output`)
      seen.add(hex)
    }
    total += n
  }
  assert.ok(total > 4 * 256)
})

test('pooled random: a returned array is not changed by later reads', () => {
  const random = createPooledRandom(64)
  const a = random(16)
  const copy = a.slice()
  for (let i = 0; i < 20; i++) random(16)
  assert.deepEqual(a, copy)
})

test('pooled random: bad sizes are RangeErrors', () => {
  const random = createPooledRandom()
  assert.throws(() => random(-1), RangeError)
  assert.throws(() => random(1.5), RangeError)
  assert.throws(() => createPooledRandom(8), RangeError)
  assert.equal(RANDOM_POOL_BYTES, 4096)
})
