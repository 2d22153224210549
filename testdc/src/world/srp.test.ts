import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkPrimeSync } from 'node:crypto'
import { srpClientProof as engineClientProof } from '@mtswarm/engine/crypto'
import { TELEGRAM_SRP_G, TELEGRAM_SRP_P_HEX, engineSrpServer, type SrpParams } from './srp.js'
import { srpClientProof } from './srp-client.js'
import { seededRandom } from './seeded-random.js'

test('srp: p is a 2048-bit safe prime and g = 3 suits it', () => {
  const p = BigInt('0x' + TELEGRAM_SRP_P_HEX)
  assert.equal(p.toString(2).length, 2048)
  assert.ok(checkPrimeSync(p))
  assert.ok(checkPrimeSync((p - 1n) / 2n))
  // https://core.telegram.org/mtproto/auth_key: for g = 3, p mod 3 must be 2.
  assert.equal(TELEGRAM_SRP_G, 3)
  assert.equal(p % 3n, 2n)
})

test('srp: the server half accepts the independent client\'s proof for the right password only', () => {
  const random = seededRandom('srp-unit')
  const params: SrpParams = {
    salt1: random(40),
    salt2: random(16),
    g: TELEGRAM_SRP_G,
    p: new Uint8Array(Buffer.from(TELEGRAM_SRP_P_HEX, 'hex')),
  }
  const v = engineSrpServer.verifier('correct horse', params)
  assert.equal(v.length, 256)
  const round = engineSrpServer.start(params, v, random)
  const a = random(256)
  const good = srpClientProof('correct horse', params, round.B, a)
  assert.ok(engineSrpServer.check(params, v, round, good.A, good.M1))
  const bad = srpClientProof('correct horsf', params, round.B, a)
  assert.equal(engineSrpServer.check(params, v, round, bad.A, bad.M1), false)
  // A = 1 would make the session key guessable: refused whatever M1 says.
  const one = new Uint8Array(256)
  one[255] = 1
  assert.equal(engineSrpServer.check(params, v, round, one, good.M1), false)

  // The engine's own client agrees with the independent one on M1 for the same secret a.
  const engine = engineClientProof({ algo: params, srpB: round.B, srpId: 1n, password: 'correct horse' }, () => a)
  assert.ok(engine.ok)
  assert.deepEqual(engine.value.A, good.A)
  assert.deepEqual(engine.value.M1, good.M1)
})
