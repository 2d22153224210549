import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkPrimeSync } from 'node:crypto'
import { TELEGRAM_SRP_G, TELEGRAM_SRP_P_HEX, bytesToBigInt, telegramSrpServer, type SrpParams } from './srp.js'
import { srpClientProof } from './srp-client.js'
import { seededRandom } from './seeded-random.js'

test('srp: p is a 2048-bit safe prime and g = 3 generates the prime-order subgroup', () => {
  const p = BigInt('0x' + TELEGRAM_SRP_P_HEX)
  assert.equal(p.toString(2).length, 2048)
  assert.ok(checkPrimeSync(p))
  assert.ok(checkPrimeSync((p - 1n) / 2n))
  // https://core.telegram.org/mtproto/auth_key: for g = 3, p mod 3 must be 2.
  assert.equal(TELEGRAM_SRP_G, 3)
  assert.equal(p % 3n, 2n)
})

test('srp: the server accepts the proof for the right password only', () => {
  const random = seededRandom('srp-unit')
  const params: SrpParams = {
    salt1: random(40),
    salt2: random(16),
    g: TELEGRAM_SRP_G,
    p: new Uint8Array(Buffer.from(TELEGRAM_SRP_P_HEX, 'hex')),
  }
  const v = telegramSrpServer.verifier('correct horse', params)
  assert.equal(v.length, 256)
  const b = random(256)
  const B = telegramSrpServer.serverPublic(params, v, b)
  const a = random(256)
  const good = srpClientProof('correct horse', params, B, a)
  assert.ok(telegramSrpServer.check(params, v, b, B, good.A, good.M1))
  const bad = srpClientProof('correct horsf', params, B, a)
  assert.equal(telegramSrpServer.check(params, v, b, B, bad.A, bad.M1), false)
  // A = 1 (or 0, or p-1) would make the session key guessable: rejected outright.
  const one = new Uint8Array(256)
  one[255] = 1
  assert.equal(telegramSrpServer.check(params, v, b, B, one, good.M1), false)
  assert.ok(bytesToBigInt(good.A) > 1n)
})
