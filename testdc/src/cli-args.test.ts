// The testdc command line, parsed in-process: help, accounts made at start, refusals with usage.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { CliUsageError, USAGE, parseCliArgs } from './cli-args.js'

describe('testdc command line', () => {
  test('--help and -h ask for the usage text, which says how login codes are derived', () => {
    assert.deepEqual(parseCliArgs(['--help']), { help: true })
    assert.deepEqual(parseCliArgs(['--dcs', '2', '-h']), { help: true })
    assert.match(USAGE, /99966XYYYY lives on DC X and its code is X five times/)
  })

  test('defaults: three DCs on ephemeral ports, no accounts, seed 1', () => {
    assert.deepEqual(parseCliArgs([]), { help: false, dcCount: 3, basePort: 0, faults: {}, seed: 1, users: [] })
  })

  test('--faults takes the update faults as JSON', () => {
    const args = parseCliArgs(['--faults', '{"dropUpdatesProbability":0.1,"reorderUpdatesProbability":0.05,"updatesTooLongNext":2,"forgetSessionsNext":1,"floodWait":{"messages.sendMessage":3}}'])
    assert.deepEqual(args.help ? undefined : args.faults, {
      dropUpdatesProbability: 0.1,
      reorderUpdatesProbability: 0.05,
      updatesTooLongNext: 2,
      forgetSessionsNext: 1,
      floodWait: { 'messages.sendMessage': 3 },
    })
  })

  test('--user makes accounts: names default, a password may hold colons', () => {
    const args = parseCliArgs(['--user', '+9996610001:Alice:alice_1', '--user', '9996620002::bob_2:pa:ss', '--user', '9996630003'])
    assert.equal(args.help, false)
    assert.deepEqual(args.help ? [] : args.users, [
      { phone: '9996610001', firstName: 'Alice', username: 'alice_1' },
      { phone: '9996620002', firstName: 'User 0002', username: 'bob_2', password: 'pa:ss' },
      { phone: '9996630003', firstName: 'User 0003' },
    ])
  })

  for (const argv of [['--user', '12ab'], ['--user', '9996610001:A:1bad'], ['--dcs', '-1'], ['--port', '1.5'], ['--faults', '[1]'], ['--faults', '{'], ['--faults', '{"dropUpdatesProbabilty":0.1}'], ['--faults', '{"dropUpdatesProbability":1.5}'], ['--faults', '{"delayUpdatesMs":"20"}'], ['--key', '/nonexistent/key.pem'], ['--what'], ['extra']]) {
    test(`refuses ${argv.join(' ')} with the usage text`, () => {
      assert.throws(() => parseCliArgs(argv), (e: unknown) => e instanceof CliUsageError && e.message.endsWith(USAGE))
    })
  }
})
