// The client against a malicious server (or a man in the middle) during the auth key handshake:
// each case gives a victim account with no key, and the hostile server answers one step with an
// attack — a prime or huge pq, wrong nonces, unknown fingerprints, bad DH parameters, garbage,
// transport errors, silence, half a frame. Every case: the process stays up, no event-loop stall
// over MAX_STALL_MS, memory bounded, the victim's call fails typed, no key is stored for it, and
// healthy accounts on the real test DC keep answering.
import assert from 'node:assert/strict'
import { checkPrimeSync, generatePrimeSync, randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { TELEGRAM_DH_PRIME } from '@mtswarm/engine/crypto'
import { HOSTILE_DC, HostileKit } from './hostile-kit.js'
import type { AnyTl, HostileLink, HostileScript } from './hostile-server.js'

const kit = new HostileKit()
before(() => kit.start())
after(() => kit.stop('hostile handshake suite'))

const be = (n: bigint): Uint8Array => {
  const hex = n.toString(16)
  return Uint8Array.from(Buffer.from(hex.length % 2 === 0 ? hex : '0' + hex, 'hex'))
}

/** Primes of 31, 61 and 62 bits (2^31−1, 2^61−1, 2^62−57), checked here rather than trusted. */
const PRIMES = [2_147_483_647n, 2_305_843_009_213_693_951n, 4_611_686_018_427_387_847n]
for (const p of PRIMES) assert.ok(checkPrimeSync(p), `${p} is prime`)
/**
 * A 2048-bit prime that is not a safe prime: checking an unknown DH prime synchronously takes
 * hundreds of ms, which a server could make every handshake pay. Made before anything is measured.
 */
const UNSAFE_PRIME = (() => {
  for (;;) {
    const p = generatePrimeSync(2048, { bigint: true })
    if (p % 3n === 2n && !checkPrimeSync((p - 1n) / 2n)) return p
  }
})()

/** One case: the script attacks; the victim (no key) must fail typed, with nothing stored. */
async function handshakeCase(name: string, script: HostileScript): Promise<void> {
  await kit.run(name, async () => {
    const victim = await kit.victim(false)
    kit.hostile.setScript(script)
    const outcome = await kit.victimCall(victim.id)
    assert.ok(!outcome.ok, `${name}: the call should fail typed`)
    assert.equal(await kit.store.getAuthKey(victim.id, HOSTILE_DC, 'perm'), undefined, `${name}: a key was stored`)
  })
}

const step1 = (mutate: (resPq: AnyTl) => AnyTl): HostileScript => ({
  onHandshakeAnswer: (step, honest) => (step === 1 ? mutate({ ...honest }) : honest),
})

describe('a malicious server during the handshake', () => {
  for (const p of PRIMES) {
    test(`resPQ whose pq is a ${p.toString(2).length}-bit prime: refused at once, no factoring marathon`, () =>
      handshakeCase(`prime pq ${p}`, step1((r) => ({ ...r, pq: be(p) }))))
  }

  test('resPQ whose pq is ≥ 2^63 (9 and 256 bytes): refused', async () => {
    await handshakeCase('pq 2^64+13', step1((r) => ({ ...r, pq: be((1n << 64n) + 13n) })))
    await handshakeCase('pq 256 bytes', step1((r) => ({ ...r, pq: new Uint8Array(randomBytes(256)) })))
  })

  test('resPQ whose pq is a product of three primes, a square, 0 or empty: refused', async () => {
    await handshakeCase('pq = 3 primes', step1((r) => ({ ...r, pq: be(1_000_003n * 1_000_033n * 1_000_037n) })))
    await handshakeCase('pq = square', step1((r) => ({ ...r, pq: be(2_147_483_647n * 2_147_483_647n) })))
    await handshakeCase('pq = 0', step1((r) => ({ ...r, pq: new Uint8Array(8) })))
    await handshakeCase('pq empty', step1((r) => ({ ...r, pq: new Uint8Array(0) })))
  })

  test('resPQ with a wrong nonce, or only unknown key fingerprints: refused', async () => {
    await handshakeCase('wrong nonce', step1((r) => ({ ...r, nonce: new Uint8Array(randomBytes(16)) })))
    await handshakeCase('unknown fingerprints', step1((r) => ({ ...r, serverPublicKeyFingerprints: [1n, -2n] })))
  })

  test('another constructor where resPQ belongs, and garbage plain frames: refused', async () => {
    await handshakeCase('pong for resPQ', { onHandshakeAnswer: (step, honest) => (step === 1 ? { _: 'mt_pong', msgId: 1n, pingId: 2n } : honest) })
    await handshakeCase('garbage', {
      onHandshakeAnswer: () => {
        const junk = new Uint8Array(randomBytes(200))
        junk.fill(0, 0, 8) // auth_key_id 0: a plain message … with a nonsense body
        return junk
      },
    })
  })

  test('server_DH_params with a 2048-bit prime that is not safe: refused without holding the event loop', () =>
    handshakeCase('unsafe DH prime', { dh: { prime: UNSAFE_PRIME, g: 2 } }))

  test('server_DH_params with a composite prime, or g outside 2..7: refused', async () => {
    await handshakeCase('composite DH prime', { dh: { prime: TELEGRAM_DH_PRIME + 2n, g: 3 } })
    await handshakeCase('g = 9', { dh: { g: 9 } })
  })

  test('server_DH_params whose encrypted answer is garbage: refused', () =>
    handshakeCase('garbage encrypted answer', {
      onHandshakeAnswer: (step, honest) => {
        if (step !== 2) return honest
        const h = honest as AnyTl & { encryptedAnswer: Uint8Array }
        return { ...honest, encryptedAnswer: new Uint8Array(randomBytes(h.encryptedAnswer.length)) }
      },
    }))

  test('dh_gen_ok with a wrong new_nonce_hash: the key is not taken', () =>
    handshakeCase('wrong new_nonce_hash', {
      onHandshakeAnswer: (step, honest) => {
        if (step !== 3) return honest
        return { ...honest, newNonceHash1: new Uint8Array(randomBytes(16)) }
      },
    }))

  for (const code of [-404, -429, -444]) {
    test(`transport error ${code} in place of resPQ: typed failure`, () =>
      handshakeCase(`handshake ${code}`, {
        onHandshakeAnswer: (_step, _honest, link: HostileLink) => {
          link.transportError(code)
          return 'silence'
        },
      }))
  }

  test('a server that accepts the connection and never answers: typed failure', () =>
    handshakeCase('handshake silence', { onConnect: () => 'silence' }))

  test('half a resPQ frame, then a stall: typed failure', () =>
    handshakeCase('handshake half frame', {
      onHandshakeAnswer: (_step, _honest, link) => {
        const prefix = new Uint8Array(4)
        new DataView(prefix.buffer).setUint32(0, 84, true)
        link.sendRaw(prefix)
        link.sendRaw(new Uint8Array(40))
        return 'silence'
      },
    }))
})
