// Session strings without a server: mtswarm's own round trip (plain and sealed), the checks that
// refuse a bad string, passphrase or field before anything is written, and the GramJS/Telethon
// layouts built byte by byte from their documented structure.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { secret } from '@mtswarm/machines'
import { UsageError } from '../errors/index.js'
import { writeMtswarmSession } from './mtswarm-format.js'
import { readSessionString } from './read-session.js'
import type { SessionData } from './session-data.js'

const KEY = Uint8Array.from({ length: 256 }, (_, i) => (i * 7 + 3) & 0xff)
const KEY_HEX = Buffer.from(KEY).toString('hex')
const KEY_B64 = Buffer.from(KEY).toString('base64')
const KEY_B64URL = Buffer.from(KEY).toString('base64url')

const FULL: SessionData = {
  format: 'mtswarm',
  dcId: 2,
  host: '127.0.0.1',
  port: 24302,
  authKey: secret(KEY),
  userId: 777000123n,
  serverSalt: secret(-0x1234_5678_9abc_def0n),
  updateState: { pts: 41, qts: 0, date: 1_700_000_000, seq: 9 },
}

function refused(field: string, pattern?: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof UsageError, `not a UsageError: ${String(e)}`)
    assert.equal(e.reason, 'bad-argument')
    assert.equal(e.field, field, e.message)
    if (pattern !== undefined) assert.match(e.message, pattern)
    for (const leak of [KEY_HEX, KEY_B64, KEY_B64URL]) assert.ok(!e.message.includes(leak.slice(0, 24)), 'the message quotes the key')
    return true
  }
}

/** What every reader must give back for FULL's fields. */
function sameSession(got: SessionData, want: SessionData): void {
  assert.equal(got.format, want.format)
  assert.equal(got.dcId, want.dcId)
  assert.equal(got.host, want.host)
  assert.equal(got.port, want.port)
  assert.deepEqual(got.authKey.reveal(), want.authKey.reveal())
  assert.equal(got.userId, want.userId)
  assert.equal(got.serverSalt?.reveal(), want.serverSalt?.reveal())
  assert.deepEqual(got.updateState, want.updateState)
}

describe('mtswarm session strings', () => {
  test('a plain string carries DC, address, key, user id, salt and update state back unchanged', async () => {
    const text = await writeMtswarmSession(FULL)
    assert.match(text, /^mtswarm:1:[A-Za-z0-9_-]+$/)
    sameSession(await readSessionString(text), FULL)
    // Self-describing: the record is JSON under the base64url.
    const record = JSON.parse(Buffer.from(text.slice('mtswarm:1:'.length), 'base64url').toString('utf8')) as Record<string, unknown>
    assert.deepEqual(Object.keys(record), ['v', 'dc', 'authKey', 'userId', 'serverSalt', 'updateState'])
    // Whitespace around a pasted string is ignored.
    sameSession(await readSessionString(`  ${text}\n`), FULL)
  })

  test('optional fields stay absent', async () => {
    const { serverSalt: _s, updateState: _u, ...bare } = FULL
    const back = await readSessionString(await writeMtswarmSession(bare))
    assert.equal(back.serverSalt, undefined)
    assert.equal(back.updateState, undefined)
    assert.equal(back.userId, FULL.userId)
  })

  test('a sealed string opens with its passphrase only; the key is nowhere in it', async () => {
    const text = await writeMtswarmSession(FULL, 'tr0ub4dor&3')
    const envelope = JSON.parse(Buffer.from(text.slice('mtswarm:1:'.length), 'base64url').toString('utf8')) as { v: number; sealed: Record<string, unknown> }
    assert.deepEqual(Object.keys(envelope.sealed).sort(), ['N', 'cipher', 'data', 'iv', 'kdf', 'p', 'r', 'salt', 'tag'])
    assert.equal(envelope.sealed.kdf, 'scrypt')
    assert.equal(envelope.sealed.cipher, 'aes-256-gcm')
    for (const leak of [KEY_HEX, KEY_B64, KEY_B64URL]) assert.ok(!text.includes(leak.slice(0, 16)))
    sameSession(await readSessionString(text, { passphrase: 'tr0ub4dor&3' }), FULL)
    await assert.rejects(readSessionString(text, { passphrase: 'tr0ub4dor&4' }), refused('passphrase', /does not open/))
    await assert.rejects(readSessionString(text), refused('passphrase', /sealed/))
    // Two seals of one record differ (fresh salt and nonce).
    assert.notEqual(await writeMtswarmSession(FULL, 'tr0ub4dor&3'), text)
  })

  test('an altered sealed string fails its tag', async () => {
    const text = await writeMtswarmSession(FULL, 'pass')
    const envelope = JSON.parse(Buffer.from(text.slice(10), 'base64url').toString('utf8')) as { v: number; sealed: { data: string } }
    const data = Buffer.from(envelope.sealed.data, 'base64url')
    data[5]! ^= 1
    envelope.sealed.data = data.toString('base64url')
    const altered = `mtswarm:1:${Buffer.from(JSON.stringify(envelope)).toString('base64url')}`
    await assert.rejects(readSessionString(altered, { passphrase: 'pass' }), refused('passphrase'))
  })

  test('a sealed string asking for an unbounded scrypt cost is refused before any work', async () => {
    const text = await writeMtswarmSession(FULL, 'pass')
    const envelope = JSON.parse(Buffer.from(text.slice(10), 'base64url').toString('utf8')) as { v: number; sealed: { N: number } }
    envelope.sealed.N = 2 ** 24
    const costly = `mtswarm:1:${Buffer.from(JSON.stringify(envelope)).toString('base64url')}`
    await assert.rejects(readSessionString(costly, { passphrase: 'pass' }), refused('session', /scrypt cost/))
  })

  test('a passphrase for a plain string is refused (it was believed sealed)', async () => {
    await assert.rejects(readSessionString(await writeMtswarmSession(FULL), { passphrase: 'x' }), refused('passphrase', /not sealed/))
  })

  test('bad strings and fields are refused with field "session", never echoing the string', async () => {
    const good = JSON.parse(Buffer.from((await writeMtswarmSession(FULL)).slice(10), 'base64url').toString('utf8')) as Record<string, unknown>
    const wrap = (o: unknown): string => `mtswarm:1:${Buffer.from(JSON.stringify(o)).toString('base64url')}`
    const cases: [string, string, RegExp][] = [
      ['empty', '', /empty/],
      ['other version', 'mtswarm:2:abc', /version/],
      ['not base64url', 'mtswarm:1:ab+c', /base64url/],
      ['not JSON', `mtswarm:1:${Buffer.from('{nope').toString('base64url')}`, /JSON/],
      ['short key', wrap({ ...good, authKey: Buffer.alloc(255).toString('base64url') }), /256 bytes/],
      ['dc id 0', wrap({ ...good, dc: { id: 0, host: '127.0.0.1', port: 1 } }), /DC id/],
      ['port 70000', wrap({ ...good, dc: { id: 2, host: '127.0.0.1', port: 70000 } }), /port/],
      ['bad host', wrap({ ...good, dc: { id: 2, host: 'a b', port: 443 } }), /address/],
      ['user id as a number', wrap({ ...good, userId: 777 }), /userId/],
      ['user id 0', wrap({ ...good, userId: '0' }), /user id/],
      ['negative pts', wrap({ ...good, updateState: { pts: -1, qts: 0, date: 0, seq: 0 } }), /pts/],
      ['unknown field', wrap({ ...good, extra: 1 }), /no field/],
      ['unknown layout', 'hello', /not a session string/],
      ['too long', `mtswarm:1:${'A'.repeat(9000)}`, /at most/],
    ]
    for (const [name, text, pattern] of cases) {
      await assert.rejects(readSessionString(text), refused('session', pattern), name)
    }
    await assert.rejects(readSessionString(42 as unknown as string), refused('session', /a session is a string/))
    await assert.rejects(readSessionString(wrap(good), { passphrase: '' }), refused('passphrase', /non-empty/))
  })

  test('util.inspect and JSON of a read session show no key and no salt', async () => {
    const s = await readSessionString(await writeMtswarmSession(FULL))
    const shown = [inspect(s, { depth: Infinity, showHidden: true }), JSON.stringify(s, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))]
    for (const text of shown) {
      assert.ok(text.includes('[redacted]'), text)
      assert.ok(!text.includes(String(FULL.serverSalt!.reveal())), text)
      assert.ok(!/\b(3|0x03), (10|0x0a), (17|0x11)\b/.test(text), 'key bytes shown')
      for (const leak of [KEY_HEX, KEY_B64, KEY_B64URL]) assert.ok(!text.includes(leak.slice(0, 16)), text)
    }
  })
})

/** GramJS's layout: dc:u8, address length:int16 BE, address, port:int16 BE, key; '1' + base64. */
function gramjsString(dcId: number, address: string, port: number, key: Uint8Array): string {
  const addr = Buffer.from(address, 'latin1')
  const head = Buffer.alloc(3)
  head.writeUInt8(dcId, 0)
  head.writeInt16BE(addr.length, 1)
  const portBytes = Buffer.alloc(2)
  portBytes.writeInt16BE(port, 0)
  return `1${Buffer.concat([head, addr, portBytes, key]).toString('base64')}`
}

/** Telethon's layout: struct '>B{4|16}sH256s', '1' + URL-safe base64. */
function telethonString(dcId: number, ip: Uint8Array, port: number, key: Uint8Array): string {
  const b = Buffer.alloc(1 + ip.length + 2)
  b.writeUInt8(dcId, 0)
  b.set(ip, 1)
  b.writeUInt16BE(port, 1 + ip.length)
  // Python's urlsafe_b64encode keeps the '=' padding.
  return `1${Buffer.concat([b, key]).toString('base64').replace(/\+/g, '-').replace(/\//g, '_')}`
}

describe('GramJS and Telethon string sessions', () => {
  test('a GramJS string gives its DC, address, port and key, and no user id', async () => {
    for (const address of ['127.0.0.1', '149.154.167.51', 'dc2.example.org', '2001:db8::1']) {
      const s = await readSessionString(gramjsString(2, address, 24302, KEY))
      assert.equal(s.format, 'gramjs', address)
      assert.equal(s.dcId, 2)
      assert.equal(s.host, address)
      assert.equal(s.port, 24302)
      assert.deepEqual(s.authKey.reveal(), KEY)
      assert.equal(s.userId, undefined)
    }
  })

  test("a Telethon string (IPv4: '1' + 352 base64 chars; IPv6) gives its DC, address, port and key", async () => {
    const v4 = telethonString(4, Uint8Array.of(149, 154, 167, 91), 443, KEY)
    assert.equal(v4.length, 1 + 352, "'1' then 352 base64 characters")
    const s4 = await readSessionString(v4)
    assert.deepEqual([s4.format, s4.dcId, s4.host, s4.port], ['telethon', 4, '149.154.167.91', 443])
    assert.deepEqual(s4.authKey.reveal(), KEY)
    const ip6 = Uint8Array.from(Buffer.from('20010db8000000000000000000000001', 'hex'))
    const s6 = await readSessionString(telethonString(1, ip6, 443, KEY))
    assert.deepEqual([s6.format, s6.dcId, s6.host, s6.port], ['telethon', 1, '2001:db8:0:0:0:0:0:1', 443])
  })

  test('a foreign string that fits no layout, or with a passphrase, is refused', async () => {
    await assert.rejects(readSessionString(`1${Buffer.alloc(300).toString('base64')}`), refused('session', /fits neither/))
    await assert.rejects(readSessionString(gramjsString(0, '127.0.0.1', 443, KEY)), refused('session', /DC id/))
    await assert.rejects(readSessionString(gramjsString(2, '127.0.0.1', 443, KEY.subarray(0, 200))), refused('session'))
    await assert.rejects(readSessionString(gramjsString(2, '127.0.0.1', 443, KEY), { passphrase: 'x' }), refused('passphrase', /never sealed/))
  })
})

/** TL bytes/string: a length byte (or 0xfe + 3 bytes), the data, zero padding to 4 bytes. */
function tlBytes(data: Uint8Array): Buffer {
  const head = data.length < 254 ? Buffer.of(data.length) : Buffer.of(0xfe, data.length & 0xff, (data.length >> 8) & 0xff, data.length >> 16)
  const body = Buffer.concat([head, data])
  return Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)])
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeInt32LE(n)
  return b
}

/** mtcute's DC option: [version 2, id, flags], ip:string, port:int — as TL bytes. */
function mtcuteDc(id: number, ip: string, port: number, flags = 0): Buffer {
  return tlBytes(Buffer.concat([Buffer.of(2, id, flags), tlBytes(Buffer.from(ip)), int32(port)]))
}

/** mtcute's string session v3: byte 3, flags:int, DC(s), [user id:long, is_bot:Bool], key:bytes. */
function mtcuteString(parts: { dc: Buffer; media?: Buffer; userId?: bigint; version?: number; trailing?: Buffer }): string {
  const flags = (parts.userId === undefined ? 0 : 1) | (parts.media === undefined ? 0 : 4)
  const self = parts.userId === undefined ? Buffer.alloc(0) : Buffer.concat([Buffer.from(new BigInt64Array([parts.userId]).buffer), int32(0xbc799737 | 0)])
  return Buffer.concat([
    Buffer.of(parts.version ?? 3),
    int32(flags),
    parts.dc,
    parts.media ?? Buffer.alloc(0),
    self,
    tlBytes(KEY),
    parts.trailing ?? Buffer.alloc(0),
  ]).toString('base64url')
}

describe('mtcute string sessions', () => {
  test('the primary DC, its address, the user id and the key are read; a media DC is skipped', async () => {
    const s = await readSessionString(mtcuteString({ dc: mtcuteDc(2, '149.154.167.50', 443), media: mtcuteDc(2, '149.154.167.222', 443, 2), userId: 5_550_001n }))
    assert.deepEqual([s.format, s.dcId, s.host, s.port, s.userId], ['mtcute', 2, '149.154.167.50', 443, 5_550_001n])
    assert.deepEqual(s.authKey.reveal(), KEY)
    const anonymousUser = await readSessionString(mtcuteString({ dc: mtcuteDc(1, '127.0.0.1', 24301) }))
    assert.equal(anonymousUser.userId, undefined, 'without flag 1 the import asks the server who the key is')
  })

  test('another version, a truncated string or bytes after the key are refused', async () => {
    await assert.rejects(readSessionString(mtcuteString({ dc: mtcuteDc(2, '1.2.3.4', 443), version: 2 })), refused('session', /version 2/))
    await assert.rejects(readSessionString(mtcuteString({ dc: mtcuteDc(2, '1.2.3.4', 443), trailing: Buffer.alloc(4) })), refused('session', /after its auth key/))
    const whole = mtcuteString({ dc: mtcuteDc(2, '1.2.3.4', 443), userId: 7n })
    await assert.rejects(readSessionString(whole.slice(0, 100)), refused('session', /does not parse/))
    await assert.rejects(readSessionString(whole, { passphrase: 'x' }), refused('passphrase', /never sealed/))
  })
})
