// The test DC as a user runs it — `testdc/src/cli.ts --dcs 3 --port P` in a process of its own —
// with GramJS over abridged, full and obfuscated2 and mtcute over intermediate: each logs in by
// the documented code rule (three of them crossing PHONE_MIGRATE to DC 2 or 3, one with 2FA),
// they message each other in a ring and each receives its message as a pushed update.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { InteropDriver, InteropDriverConfig } from './driver.js'
import { GramjsDriver } from './gramjs-driver.js'
import { MtcuteDriver } from './mtcute-driver.js'
import { startTestDcProcessOnFreePorts, type TestDcProcess } from './testdc-process.js'

const UPDATE_WAIT_MS = 15_000

/** One account per client: its phone's digit after 99966 is its home DC, its code that digit ×5. */
const ACCOUNTS = [
  { name: 'gramjs/full', phone: '9996610101', username: 'gus_full', make: (c: InteropDriverConfig) => new GramjsDriver(c, { transport: 'full' }) },
  {
    name: 'gramjs/abridged',
    phone: '9996620202',
    username: 'abe_abridged',
    password: 'two: factors',
    make: (c: InteropDriverConfig) => new GramjsDriver(c, { transport: 'abridged' }),
  },
  { name: 'gramjs/obfuscated2', phone: '9996630303', username: 'oli_obfuscated', make: (c: InteropDriverConfig) => new GramjsDriver(c, { transport: 'obfuscated' }) },
  { name: 'mtcute/intermediate', phone: '9996620404', username: 'mia_mtcute', make: (c: InteropDriverConfig) => new MtcuteDriver(c) },
] as const

describe('npm run testdc as a separate process', () => {
  let dc: TestDcProcess | undefined
  before(async () => {
    const users = ACCOUNTS.flatMap((a) => ['--user', `${a.phone}:${a.name.split('/')[0]}:${a.username}${'password' in a ? `:${a.password}` : ''}`])
    dc = await startTestDcProcessOnFreePorts(3, users)
  })
  after(async () => {
    if (dc !== undefined) assert.equal(await dc.stop(), 0, 'the CLI exits 0 on SIGTERM')
  })

  test('GramJS (abridged, full, obfuscated2) and mtcute log in, migrate, message each other and receive the messages as updates', { timeout: 90_000 }, async () => {
    assert.ok(dc !== undefined)
    const home = dc.info.dcs[0]
    assert.ok(home !== undefined && dc.info.dcs.length === 3)
    assert.ok(dc.info.dcs.every((d) => d.port < 32_768))
    const config: InteropDriverConfig = {
      host: home.host,
      port: home.port,
      dcId: home.id,
      publicKeyPem: dc.info.publicKeyPem,
      fingerprint: BigInt(dc.info.fingerprint),
      dcs: dc.info.dcs,
      apiId: 2040,
      apiHash: 'b18441a1ff607e10a989891a5462e627',
    }
    const drivers: InteropDriver[] = ACCOUNTS.map((a) => a.make(config))
    try {
      await Promise.all(drivers.map((d) => d.connect()))
      const code = (phone: string): string => phone.charAt(5).repeat(5)
      const users = await Promise.all(
        ACCOUNTS.map((a, i) =>
          (drivers[i] as InteropDriver).login({ phone: a.phone, code: code(a.phone), ...('password' in a ? { password: a.password } : {}) }),
        ),
      )
      assert.deepEqual(users.map((u) => u.username), ACCOUNTS.map((a) => a.username))
      // Every client started on DC 1; the ones homed elsewhere followed PHONE_MIGRATE there.
      assert.deepEqual(await Promise.all(drivers.map((d) => d.currentDc())), ACCOUNTS.map((a) => Number(a.phone.charAt(5))))
      // The operator can read each code the CLI sent on its stderr.
      for (const a of ACCOUNTS) assert.ok(dc.stderrLines.includes(`testdc: login code for ${a.phone} is ${code(a.phone)}`), `${a.name}: ${dc.stderrLines.join('\n')}`)

      // A ring: each sends to the next (mtcute back to GramJS/full), each is pushed its message.
      const texts = ACCOUNTS.map((a, i) => `from ${a.name} to ${ACCOUNTS[(i + 1) % ACCOUNTS.length]?.name}`)
      await Promise.all(ACCOUNTS.map((_, i) => (drivers[i] as InteropDriver).sendMessage(ACCOUNTS[(i + 1) % ACCOUNTS.length]?.username ?? '', texts[i] ?? '')))
      const received = await Promise.all(
        drivers.map((d, i) => {
          const from = (i + ACCOUNTS.length - 1) % ACCOUNTS.length
          return d.waitForMessage((m) => m.text === texts[from], UPDATE_WAIT_MS).then((m) => [m.text, m.out, m.senderId])
        }),
      )
      assert.deepEqual(
        received,
        drivers.map((_, i) => {
          const from = (i + ACCOUNTS.length - 1) % ACCOUNTS.length
          return [texts[from], false, users[from]?.id]
        }),
      )
    } finally {
      for (const d of drivers) await d.disconnect()
    }
  })
})
