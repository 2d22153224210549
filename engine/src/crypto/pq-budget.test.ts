// factorizePq under budgets smaller than the defaults: the paths no real pq reaches (every
// multiplier group failing, a spent reverse-cycle budget, a pq left unsplit) are reached by
// shrinking the budget, and the work counters show exactly which groups and steps ran.
// Gold pq: 0x17ED48941A08F981 = 1229739323 · 1402015859, https://core.telegram.org/mtproto/samples-auth_key
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { factorizePq, type PqBudget, type PqWork } from './pq.js'

const GOLD = 0x17ed48941a08f981n
/** Two primes whose product (2^62.9) is too big for the last multiplier group (165·N ≥ 2^70). */
const BIG = 2_900_000_017n * 2_900_000_053n

function run(pq: bigint, budget: PqBudget): { result: ReturnType<typeof factorizePq>; work: PqWork } {
  const work: PqWork = { squfofRounds: 0, reverseSteps: 0, pollardSteps: 0 }
  return { result: factorizePq(pq, work, budget), work }
}

describe('factorizePq under a tighter budget', () => {
  test('one round per group: every multiplier group runs once, then pq-not-factored', () => {
    const { result, work } = run(GOLD, { roundsPerGroup: 1, pollardSteps: 0 })
    assert.deepEqual(result, { ok: false, error: { kind: 'pq-not-factored', expected: 'a product of two primes', actual: GOLD } })
    // 16 multipliers in groups of 4, all with k·N < 2^70 but 1155: 4 groups, one round each
    assert.deepEqual(work, { squfofRounds: 4, reverseSteps: 0, pollardSteps: 0 })
  })

  test('a group whose every multiplier overflows k·N < 2^70 is skipped', () => {
    const { result, work } = run(BIG, { roundsPerGroup: 1, pollardSteps: 0 })
    assert.equal(!result.ok && result.error.kind, 'pq-not-factored')
    assert.equal(work.squfofRounds, 3, 'the last group (165 · 2^62.9 ≥ 2^70) ran no round')
    // and with the default budget the same pq splits
    const full = run(BIG, {})
    assert.deepEqual(full.result, { ok: true, value: { p: 2_900_000_017n, q: 2_900_000_053n } })
  })

  test('no reverse-cycle budget: every square form is passed over, the forward rounds run out', () => {
    const none = run(GOLD, { reverseSteps: 0, pollardSteps: 0 })
    assert.equal(!none.result.ok && none.result.error.kind, 'pq-not-factored')
    assert.equal(none.work.reverseSteps, 0)
    const five = run(GOLD, { reverseSteps: 5, pollardSteps: 0 })
    assert.equal(!five.result.ok && five.result.error.kind, 'pq-not-factored')
    assert.equal(five.work.reverseSteps, 5, 'the reverse cycle stops exactly at its budget')
    // every group's forward bound was spent in both: more rounds than the default run's 19,088
    assert.equal(none.work.squfofRounds, five.work.squfofRounds)
    assert.ok(none.work.squfofRounds > run(GOLD, {}).work.squfofRounds)
  })

  test('the fallback gets exactly its own budget when SQUFOF gives up', () => {
    const { result, work } = run(GOLD, { roundsPerGroup: 1, pollardSteps: 100 })
    assert.equal(!result.ok && result.error.kind, 'pq-not-factored')
    assert.deepEqual(work, { squfofRounds: 4, reverseSteps: 0, pollardSteps: 100 })
  })

  test('without a work record of its own, the budgets still hold (the default counters start at 0)', () => {
    const result = factorizePq(GOLD, undefined, { roundsPerGroup: 1, pollardSteps: 0 })
    assert.equal(!result.ok && result.error.kind, 'pq-not-factored')
  })

  test('the default budget splits the gold pq with the exact work of today', () => {
    const { result, work } = run(GOLD, {})
    assert.deepEqual(result, { ok: true, value: { p: 1_229_739_323n, q: 1_402_015_859n } })
    assert.deepEqual(work, { squfofRounds: 19_088, reverseSteps: 25_600, pollardSteps: 0 })
  })
})
