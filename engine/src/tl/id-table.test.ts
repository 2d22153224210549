import assert from 'node:assert/strict'
import { test } from 'node:test'
import { IdTable } from './id-table.js'
import { Rng } from './testing/random-values.js'

test('IdTable finds every stored id and nothing else', () => {
  const rng = new Rng(7)
  const ids = new Set<number>()
  while (ids.size < 3000) ids.add(rng.u32() | 0 || 1)
  const table = new IdTable([...ids].map((id) => [id, id ^ 0x5a5a] as const))
  for (const id of ids) assert.equal(table.get(id), id ^ 0x5a5a)
  let misses = 0
  for (let i = 0; i < 10_000; i++) {
    const id = rng.u32() | 0
    if (!ids.has(id)) {
      assert.equal(table.get(id), undefined)
      misses++
    }
  }
  assert.ok(misses > 9000)
  assert.throws(() => new IdTable([[0, 1]]), /reserved/)
})
