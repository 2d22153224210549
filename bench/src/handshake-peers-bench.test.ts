// The handshake section's formatter: every library's figures, the peer / ours ratios (full client
// and steps only), and failures. Fixed numbers; nothing is measured here.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { formatHandshakePeers, type HandshakePeersResult } from './handshake-peers-bench.js'

const base: HandshakePeersResult = {
  keys: 20,
  warmup: 3,
  kinds: [
    { kind: 'ours', opened: 20, failures: 0, meanMs: 16, medianMs: 14 },
    { kind: 'mtcute', opened: 20, failures: 0, meanMs: 64, medianMs: 56 },
    { kind: 'gramjs', opened: 20, failures: 0, meanMs: 96, medianMs: 70 },
  ],
  steps: { keys: 100, meanMs: 8, medianMs: 7 },
  wallMs: 12_345,
}

const rowOf = (out: string, label: string): string => {
  const line = out.split('\n').find((l) => l.startsWith(label))
  assert.ok(line !== undefined, `no row starting with ${label}:\n${out}`)
  return line
}

describe('formatHandshakePeers', () => {
  test('full-client rows: every library and peer / ours ratios', () => {
    const out = formatHandshakePeers(base)
    const header = rowOf(out, 'measurement')
    for (const k of ['ours', 'mtcute', 'gramjs', 'vs mtc', 'vs gram']) assert.ok(header.includes(k), k)
    assert.deepEqual(rowOf(out, 'handshake CPU per key, full client, mean').split(/\s{2,}/).slice(1), ['ms', '16.0', '64.0', '96.0', '4.00×', '6.00×'])
    assert.deepEqual(rowOf(out, 'handshake CPU per key, full client, median').split(/\s{2,}/).slice(1), ['ms', '14.0', '56.0', '70.0', '4.00×', '5.00×'])
    assert.match(rowOf(out, 'keys opened'), /20\/20\s+20\/20\s+20\/20$/)
    assert.match(out, /took 12\.3 s/)
  })

  test('steps-only rows put ours (no I/O) against the peers\' full-client figures', () => {
    const out = formatHandshakePeers(base)
    assert.deepEqual(rowOf(out, 'ours steps only, no I/O, mean').split(/\s{2,}/).slice(1), ['ms', '8.00', '64.0', '96.0', '8.00×', '12.00×'])
    assert.deepEqual(rowOf(out, 'ours steps only, no I/O, median').split(/\s{2,}/).slice(1), ['ms', '7.00', '56.0', '70.0', '8.00×', '10.00×'])
  })

  test('a library that failed to open shows dashes, its failure count and message', () => {
    const out = formatHandshakePeers({
      ...base,
      kinds: [base.kinds[0]!, base.kinds[1]!, { kind: 'gramjs', opened: 0, failures: 3, firstFailure: 'GramJS gave up connecting (gave up after 3 failures in a row)' }],
      steps: { error: 'step2: bad nonce' },
    })
    assert.match(rowOf(out, 'handshake CPU per key, full client, mean'), /16\.0\s+64\.0\s+-\s+4\.00×\s+-$/)
    assert.match(rowOf(out, 'ours steps only, no I/O, mean'), /ms\s+-\s+64\.0\s+-\s+-\s+-$/)
    assert.match(rowOf(out, 'keys opened'), /0\/20$/)
    assert.match(rowOf(out, 'failed opens'), /0\s+0\s+3$/)
    assert.match(out, /^gramjs: 3 failed open\(s\), first: GramJS gave up connecting/m)
    assert.match(out, /^steps-only bench failed: step2: bad nonce$/m)
  })

  test('a DC that did not start is reported', () => {
    const out = formatHandshakePeers({ ...base, kinds: [], dcError: 'DC process exited with 1 before listening' })
    assert.match(out, /^test DC failed to start: DC process exited with 1 before listening$/m)
    assert.match(rowOf(out, 'handshake CPU per key, full client, mean'), /ms\s+-\s+-\s+-\s+-\s+-$/)
  })
})
