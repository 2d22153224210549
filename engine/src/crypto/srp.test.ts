import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { pbkdf2Sync, randomBytes } from 'node:crypto'
import { computeSrpParams } from '@mtcute/core/utils.js'
import { bigIntToBytes, toHex } from './bytes.js'
import { TELEGRAM_DH_PRIME } from './dh.js'
import { sha256 } from './hash.js'
import { srpClientProof, srpPasswordHash, srpServerStart, srpServerVerify, srpVerifier } from './srp.js'
import type { SrpAlgo } from './srp.js'
import { seededRandom } from './test-random.js'

const algo: SrpAlgo = {
  salt1: new Uint8Array(Buffer.from('4a9d1c7e03b2ffee', 'hex')),
  salt2: new Uint8Array(Buffer.from('0011223344556677', 'hex')),
  g: 3,
  p: bigIntToBytes(TELEGRAM_DH_PRIME, 256),
}

// mtcute's client-side SRP (independent implementation) with a node:crypto provider.
const mtcuteCrypto = {
  sha256: (d: Uint8Array) => sha256(d),
  pbkdf2: async (pw: Uint8Array, salt: Uint8Array, iter: number, keylen = 64, algo = 'sha512') =>
    new Uint8Array(pbkdf2Sync(pw, salt, iter, keylen, algo)),
  randomBytes: (n: number) => new Uint8Array(randomBytes(n)),
  randomFill: (b: Uint8Array) => b.set(randomBytes(b.length)),
} as unknown as Parameters<typeof computeSrpParams>[0]

describe('SRP 2FA', () => {
  const verifier = srpVerifier(algo, 'hunter2')
  assert.ok(verifier.ok)
  const v = verifier.value

  test('PH2 follows H(salt | data | salt) nesting and PBKDF2-SHA512 with 100000 rounds', () => {
    const pw = new TextEncoder().encode('hunter2')
    const sh = (d: Uint8Array, s: Uint8Array) => sha256(s, d, s)
    const ph1 = sh(sh(pw, algo.salt1), algo.salt2)
    const expected = sh(new Uint8Array(pbkdf2Sync(ph1, algo.salt1, 100000, 64, 'sha512')), algo.salt2)
    assert.equal(toHex(srpPasswordHash('hunter2', algo.salt1, algo.salt2)), toHex(expected))
  })

  test('our client proof is accepted by our server, and a wrong password is refused', () => {
    const session = srpServerStart(algo, v, seededRandom('server-b'))
    assert.ok(session.ok)
    const good = srpClientProof({ algo, srpB: session.value.gB, srpId: 77n, password: 'hunter2' }, seededRandom('client-a'))
    assert.ok(good.ok)
    assert.equal(good.value.srpId, 77n)
    assert.equal(good.value.A.length, 256)
    assert.deepEqual(srpServerVerify(algo, v, session.value, good.value.A, good.value.M1), { ok: true, value: true })
    const bad = srpClientProof({ algo, srpB: session.value.gB, srpId: 77n, password: 'hunter3' }, seededRandom('client-a'))
    assert.ok(bad.ok)
    const r = srpServerVerify(algo, v, session.value, bad.value.A, bad.value.M1)
    assert.ok(!r.ok && r.error.kind === 'srp-m1-mismatch')
  })

  test("mtcute's client proof (independent implementation) is accepted by our server", async () => {
    const session = srpServerStart(algo, v, seededRandom('server-b2'))
    assert.ok(session.ok)
    const request = {
      _: 'account.password',
      currentAlgo: { _: 'passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow', ...algo },
      srpB: session.value.gB,
      srpId: 5n,
    } as unknown as Parameters<typeof computeSrpParams>[1]
    const theirs = await computeSrpParams(mtcuteCrypto, request, 'hunter2')
    assert.deepEqual(srpServerVerify(algo, v, session.value, theirs.A, theirs.M1), { ok: true, value: true })
  })

  test('typed errors: bad group, srp_B out of range, A out of range', () => {
    const badGroup = srpClientProof({ algo: { ...algo, g: 2 }, srpB: new Uint8Array(256), srpId: 1n, password: 'x' }, seededRandom(0))
    assert.ok(!badGroup.ok && badGroup.error.kind === 'dh-g-not-quadratic-residue')
    const badB = srpClientProof({ algo, srpB: Uint8Array.of(1), srpId: 1n, password: 'x' }, seededRandom(0))
    assert.ok(!badB.ok && badB.error.kind === 'dh-value-out-of-range')
    const session = srpServerStart(algo, v, seededRandom('s3'))
    assert.ok(session.ok)
    const badA = srpServerVerify(algo, v, session.value, Uint8Array.of(2), new Uint8Array(32))
    assert.ok(!badA.ok && badA.error.kind === 'dh-value-outside-safety-margin')
  })
})
