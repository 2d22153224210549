import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import {
  TELEGRAM_DH_PRIME,
  bigIntFromBytes,
  bigIntToBytes,
  deriveTmpAes,
  fromHex,
  newNonceHash,
  parseRsaPrivateKey,
  rsaLegacyEncrypt,
  rsaPadEncrypt,
  toHex,
  type RsaPrivateKey,
} from '../crypto/index.js'
import { SAMPLE } from '../crypto/samples-auth-key.vectors.js'
import { seededRandom } from '../crypto/test-random.js'
import { deserializeObject, serializeObject, type TlObject, type mtp } from '../tl/index.js'
import {
  clientHandshake,
  type ClientAwaitingDhGen,
  type ClientAwaitingDhParams,
  type ClientHandshakeOptions,
} from './handshake-client.js'
import { serverHandshake, type DhGenVerdict, type ServerHandshakeOptions } from './handshake-server.js'
import { MAX_DH_GEN_RETRIES, encryptInner, type HandshakeError } from './handshake-shared.js'
import { decodePlainMessage, encodePlainMessage } from './plain-message.js'
import type { Result } from './result.js'

const T0 = 1_700_000_000_000
const SERVER_CLOCK_AHEAD_MS = 7_250

function makeKey(): RsaPrivateKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 })
  return parseRsaPrivateKey(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string)
}
const serverKey = makeKey()
const otherKey = makeKey()

const serverOptions: ServerHandshakeOptions = { privateKeys: [serverKey], dhPrime: TELEGRAM_DH_PRIME, g: 3, dcId: 2 }
const clientOptions: ClientHandshakeOptions = { publicKeys: [otherKey.publicKey, serverKey.publicKey], dcId: 2 }

/** Sends a TL object through bytes and plain framing, as it would travel. */
function wire<T>(obj: T, msgId = 0x51e57ac42770964an): T {
  const packet = encodePlainMessage(msgId, serializeObject(obj as TlObject))
  const decoded = decodePlainMessage(packet)
  assert.ok(decoded.ok)
  return deserializeObject(decoded.value.body) as T
}

function value<T>(r: Result<T, HandshakeError>): T {
  if (!r.ok) assert.fail(`unexpected handshake error: ${JSON.stringify(r.error, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`)
  return r.value
}

function errorOf<T>(r: Result<T, HandshakeError>): HandshakeError {
  assert.equal(r.ok, false, 'expected a handshake error')
  return (r as { error: HandshakeError }).error
}

/** Runs both sides up to the client's set_client_DH_params. */
function runToStep3(seed: string, opts: ClientHandshakeOptions = clientOptions) {
  const crand = seededRandom(`client-${seed}`)
  const srand = seededRandom(`server-${seed}`)
  const s1 = clientHandshake.step1(crand)
  const r1 = serverHandshake.step1(wire(s1.request), serverOptions, srand)
  const s2 = value(clientHandshake.step2(s1.state, wire(r1.response), opts, crand))
  const r2 = value(serverHandshake.step2(r1.state, wire(s2.request), serverOptions, srand, T0 + SERVER_CLOCK_AHEAD_MS))
  const s3 = value(clientHandshake.step3(s2.state, wire(r2.response), crand, T0))
  return { crand, srand, s1, r1, s2, r2, s3 }
}

describe('handshake, client ↔ server in memory', () => {
  test('completes: both sides hold the same key, salt; the client learns the time offset', () => {
    const { s3, r2 } = runToStep3('plain')
    const r3 = value(serverHandshake.step3(r2.state, wire(s3.request)))
    assert.equal(r3.kind, 'done')
    if (r3.kind !== 'done') return
    const done = value(clientHandshake.finish(s3.state, wire(r3.response), seededRandom('unused')))
    assert.equal(done.kind, 'done')
    if (done.kind !== 'done') return
    assert.equal(done.key.authKey.length, 256)
    assert.equal(toHex(done.key.authKey), toHex(r3.key.authKey))
    assert.equal(done.key.authKeyId, r3.key.authKeyId)
    assert.equal(done.key.serverSalt, r3.key.serverSalt)
    assert.equal(r3.key.dc, 2)
    assert.equal(done.key.expiresIn, undefined)
    // server_time is whole seconds
    assert.equal(done.key.timeOffsetMs, Math.floor((T0 + SERVER_CLOCK_AHEAD_MS) / 1000) * 1000 - T0)
  })

  test('a temporary key goes through p_q_inner_data_temp_dc and keeps expires_in', () => {
    const { s3, r2 } = runToStep3('temp', { ...clientOptions, expiresIn: 3600 })
    assert.equal(r2.state.expiresIn, 3600)
    const r3 = value(serverHandshake.step3(r2.state, s3.request))
    assert.ok(r3.kind === 'done')
    const done = value(clientHandshake.finish(s3.state, r3.response, seededRandom('unused')))
    assert.ok(done.kind === 'done')
    assert.equal(done.key.expiresIn, 3600)
    assert.equal(r3.key.expiresIn, 3600)
  })

  test('dh_gen_retry forced once: the client retries with retry_id = auth_key_aux_hash, then succeeds', () => {
    const { s3, r2, crand } = runToStep3('retry')
    let calls = 0
    const onceRetry = (): DhGenVerdict => (calls++ === 0 ? 'retry' : 'ok')
    const r3 = value(serverHandshake.step3(r2.state, wire(s3.request), onceRetry))
    assert.equal(r3.kind, 'retry')
    if (r3.kind !== 'retry') return
    const again = value(clientHandshake.finish(s3.state, wire(r3.response), crand))
    assert.equal(again.kind, 'retry')
    if (again.kind !== 'retry') return
    assert.equal(again.state.retries, 1)
    assert.notEqual(toHex(again.state.authKey), toHex(s3.state.authKey))
    const r4 = value(serverHandshake.step3(r3.state, wire(again.request), onceRetry))
    assert.equal(r4.kind, 'done')
    if (r4.kind !== 'done') return
    const done = value(clientHandshake.finish(again.state, wire(r4.response), crand))
    assert.ok(done.kind === 'done')
    assert.equal(toHex(done.key.authKey), toHex(r4.key.authKey))
    // the retried request, replayed against the pre-retry server state, has the wrong retry_id
    const stale = errorOf(serverHandshake.step3(r2.state, again.request))
    assert.equal(stale.kind, 'retry-id-mismatch')
  })

  test('the server gives up after MAX_DH_GEN_RETRIES; the client reports dh_gen_fail', () => {
    const { s3, r2 } = runToStep3('always-retry')
    const crand = seededRandom('always-retry-more')
    let client = s3.state
    let request = s3.request
    let server = r2.state
    for (let i = 0; ; i++) {
      const r = value(serverHandshake.step3(server, request, () => 'retry'))
      if (r.kind === 'failed') {
        assert.equal(i, MAX_DH_GEN_RETRIES)
        assert.deepEqual(errorOf(clientHandshake.finish(client, r.response, crand)), {
          kind: 'dh-gen-fail',
          expected: 'dh_gen_ok',
          received: 'dh_gen_fail',
        })
        break
      }
      assert.equal(r.kind, 'retry')
      if (r.kind !== 'retry') return
      server = r.state
      const next = value(clientHandshake.finish(client, r.response, crand))
      assert.ok(next.kind === 'retry')
      client = next.state
      request = next.request
    }
  })

  test('the client refuses a retry beyond MAX_DH_GEN_RETRIES', () => {
    const { s3 } = runToStep3('client-cap')
    const state: ClientAwaitingDhGen = { ...s3.state, retries: MAX_DH_GEN_RETRIES }
    const answer: mtp.RawMt_dh_gen_retry = {
      _: 'mt_dh_gen_retry',
      nonce: state.nonce,
      serverNonce: state.serverNonce,
      newNonceHash2: newNonceHash(state.newNonce, state.authKey, 2),
    }
    assert.deepEqual(errorOf(clientHandshake.finish(state, answer, seededRandom('x'))), {
      kind: 'too-many-retries',
      expected: MAX_DH_GEN_RETRIES,
      received: MAX_DH_GEN_RETRIES + 1,
    })
  })
})

describe('the server accepts every p_q_inner_data variant, RSA_PAD and legacy', () => {
  const variants = ['mt_p_q_inner_data', 'mt_p_q_inner_data_dc', 'mt_p_q_inner_data_temp', 'mt_p_q_inner_data_temp_dc'] as const
  for (const variant of variants) {
    for (const scheme of ['rsa_pad', 'legacy'] as const) {
      test(`${variant} under ${scheme}`, () => {
        const rand = seededRandom(`${variant}-${scheme}`)
        const r1 = serverHandshake.step1({ _: 'mt_req_pq_multi', nonce: rand(16) }, serverOptions, rand)
        const inner = {
          _: variant,
          pq: r1.state.pq,
          p: r1.state.p,
          q: r1.state.q,
          nonce: r1.state.nonce,
          serverNonce: r1.state.serverNonce,
          newNonce: rand(32),
          dc: 2,
          expiresIn: 600,
        } as mtp.TypeP_Q_inner_data
        const data = serializeObject(inner)
        const encrypted = scheme === 'rsa_pad' ? rsaPadEncrypt(serverKey.publicKey, data, rand) : rsaLegacyEncrypt(serverKey.publicKey, data, rand)
        assert.ok(encrypted.ok)
        const r2 = value(
          serverHandshake.step2(
            r1.state,
            {
              _: 'mt_req_DH_params',
              nonce: r1.state.nonce,
              serverNonce: r1.state.serverNonce,
              p: r1.state.p,
              q: r1.state.q,
              publicKeyFingerprint: serverKey.publicKey.fingerprint,
              encryptedData: encrypted.value,
            },
            serverOptions,
            rand,
            T0,
          ),
        )
        assert.equal(toHex(r2.state.newNonce), toHex(inner.newNonce))
        assert.equal(r2.state.dc, variant.endsWith('_dc') ? 2 : undefined)
        assert.equal(r2.state.expiresIn, variant.includes('temp') ? 600 : undefined)
      })
    }
  }

  test('randomPq gives two distinct 31-bit primes the client can factor', () => {
    const r1 = serverHandshake.step1({ _: 'mt_req_pq_multi', nonce: new Uint8Array(16) }, serverOptions, seededRandom('pq'))
    const p = bigIntFromBytes(r1.state.p)
    const q = bigIntFromBytes(r1.state.q)
    assert.ok(p < q && p >= 1n << 30n && q < 1n << 31n)
    assert.equal(bigIntFromBytes(r1.response.pq), p * q)
  })
})

describe('handshake failures come back as typed errors', () => {
  test('client step 2: resPQ with another nonce', () => {
    const rand = seededRandom('c2-nonce')
    const s1 = clientHandshake.step1(rand)
    const r1 = serverHandshake.step1({ _: 'mt_req_pq_multi', nonce: rand(16) }, serverOptions, rand)
    const e = errorOf(clientHandshake.step2(s1.state, r1.response, clientOptions, rand))
    assert.equal(e.kind, 'nonce-mismatch')
    assert.ok(e.kind === 'nonce-mismatch' && e.field === 'nonce' && toHex(e.expected) === toHex(s1.state.nonce))
  })

  test('client step 2: no trusted key among the server fingerprints', () => {
    const rand = seededRandom('c2-fp')
    const s1 = clientHandshake.step1(rand)
    const r1 = serverHandshake.step1(s1.request, serverOptions, rand)
    const e = errorOf(clientHandshake.step2(s1.state, r1.response, { ...clientOptions, publicKeys: [otherKey.publicKey] }, rand))
    assert.deepEqual(e, {
      kind: 'no-matching-public-key',
      expected: [otherKey.publicKey.fingerprint],
      received: [serverKey.publicKey.fingerprint],
    })
  })

  test('client step 2: a prime pq is refused as pq-refused carrying the typed PqError', () => {
    const rand = seededRandom('c2-pq')
    const s1 = clientHandshake.step1(rand)
    const r1 = serverHandshake.step1(s1.request, serverOptions, rand)
    const prime = bigIntToBytes(2147483647n)
    const e = errorOf(clientHandshake.step2(s1.state, { ...r1.response, pq: prime }, clientOptions, rand))
    assert.deepEqual(e, { kind: 'pq-refused', error: { kind: 'pq-prime', expected: 'a product of two primes', actual: 2147483647n } })
  })

  test('server step 2: wrong server_nonce, wrong p, unknown fingerprint, tampered encrypted_data, another DC', () => {
    const rand = seededRandom('s2')
    const s1 = clientHandshake.step1(rand)
    const r1 = serverHandshake.step1(s1.request, serverOptions, rand)
    const s2 = value(clientHandshake.step2(s1.state, r1.response, clientOptions, rand))
    const step2 = (req: mtp.RawMt_req_DH_paramsRequest, opts = serverOptions) => serverHandshake.step2(r1.state, req, opts, rand, T0)

    const nonce = errorOf(step2({ ...s2.request, serverNonce: rand(16) }))
    assert.ok(nonce.kind === 'nonce-mismatch' && nonce.field === 'server_nonce')

    const p = errorOf(step2({ ...s2.request, p: bigIntToBytes(3n) }))
    assert.ok(p.kind === 'pq-mismatch' && p.field === 'p')

    assert.deepEqual(errorOf(step2({ ...s2.request, publicKeyFingerprint: 42n })), {
      kind: 'unknown-fingerprint',
      expected: [serverKey.publicKey.fingerprint],
      received: 42n,
    })

    const tampered = s2.request.encryptedData.slice()
    tampered[100] = (tampered[100] as number) ^ 1
    const rsa = errorOf(step2({ ...s2.request, encryptedData: tampered }))
    assert.equal(rsa.kind, 'rsa-failed')

    assert.deepEqual(errorOf(step2(s2.request, { ...serverOptions, dcId: 4 })), { kind: 'dc-mismatch', expected: 4, received: 2 })

    // and the untouched request still goes through
    assert.ok(step2(s2.request).ok)
  })

  describe('client step 3', () => {
    const rand = seededRandom('c3')
    const s1 = clientHandshake.step1(rand)
    const r1 = serverHandshake.step1(s1.request, serverOptions, rand)
    const s2 = value(clientHandshake.step2(s1.state, r1.response, clientOptions, rand))
    const r2 = value(serverHandshake.step2(r1.state, s2.request, serverOptions, rand, T0))
    const state: ClientAwaitingDhParams = s2.state
    const tmp = deriveTmpAes(state.newNonce, state.serverNonce)
    const withInner = (over: Partial<mtp.RawMt_server_DH_inner_data>): mtp.RawMt_server_DH_params_ok => ({
      ...r2.response,
      encryptedAnswer: encryptInner(
        {
          _: 'mt_server_DH_inner_data',
          nonce: state.nonce,
          serverNonce: state.serverNonce,
          g: 3,
          dhPrime: bigIntToBytes(TELEGRAM_DH_PRIME),
          gA: bigIntToBytes(TELEGRAM_DH_PRIME / 3n),
          serverTime: T0 / 1000,
          ...over,
        },
        tmp,
        rand,
      ),
    })

    test('the untouched answer is accepted, and so is a well-formed hand-built one', () => {
      assert.ok(clientHandshake.step3(state, r2.response, rand, T0).ok)
      assert.ok(clientHandshake.step3(state, withInner({}), rand, T0).ok)
    })

    test('tampered encrypted_answer → SHA1 mismatch', () => {
      const tampered = r2.response.encryptedAnswer.slice()
      const last = tampered.length - 1
      tampered[last] = (tampered[last] as number) ^ 1
      const e = errorOf(clientHandshake.step3(state, { ...r2.response, encryptedAnswer: tampered }, rand, T0))
      assert.equal(e.kind, 'inner-hash-mismatch')
    })

    test('encrypted_answer not a multiple of 16', () => {
      const e = errorOf(clientHandshake.step3(state, { ...r2.response, encryptedAnswer: r2.response.encryptedAnswer.subarray(1) }, rand, T0))
      assert.equal(e.kind, 'bad-encrypted-length')
    })

    test('wrong nonce outside, wrong server_nonce inside', () => {
      const outer = errorOf(clientHandshake.step3(state, { ...r2.response, nonce: rand(16) }, rand, T0))
      assert.ok(outer.kind === 'nonce-mismatch' && outer.field === 'nonce')
      const inner = errorOf(clientHandshake.step3(state, withInner({ serverNonce: rand(16) }), rand, T0))
      assert.ok(inner.kind === 'nonce-mismatch' && inner.field === 'server_nonce')
    })

    test('server_DH_params_fail', () => {
      const fail: mtp.RawMt_server_DH_params_fail = {
        _: 'mt_server_DH_params_fail',
        nonce: state.nonce,
        serverNonce: state.serverNonce,
        newNonceHash: fromHex('00'.repeat(16)),
      }
      const wrongHash = errorOf(clientHandshake.step3(state, fail, rand, T0))
      assert.equal(wrongHash.kind, 'nonce-mismatch')
    })

    test('DH checks: g out of range, g not a residue, a prime of the wrong size, g_a out of range', () => {
      const kindOf = (over: Partial<mtp.RawMt_server_DH_inner_data>) => {
        const e = errorOf(clientHandshake.step3(state, withInner(over), rand, T0))
        assert.equal(e.kind, 'dh-check-failed')
        return e.kind === 'dh-check-failed' ? e.error.kind : undefined
      }
      assert.equal(kindOf({ g: 9 }), 'dh-g-out-of-range')
      assert.equal(kindOf({ g: 2 }), 'dh-g-not-quadratic-residue') // Telegram's prime is 3 mod 8; g = 2 needs 7
      assert.equal(kindOf({ dhPrime: bigIntToBytes(TELEGRAM_DH_PRIME >> 8n) }), 'dh-prime-bad-size')
      assert.equal(kindOf({ gA: bigIntToBytes(1n) }), 'dh-value-out-of-range')
      assert.equal(kindOf({ gA: bigIntToBytes(TELEGRAM_DH_PRIME - 5n) }), 'dh-value-outside-safety-margin')
    })
  })

  test('finish: a forged new_nonce_hash1 and a mismatched nonce are refused', () => {
    const { s3, r2 } = runToStep3('finish-forged')
    const r3 = value(serverHandshake.step3(r2.state, s3.request))
    assert.ok(r3.kind === 'done')
    const forged = { ...r3.response, newNonceHash1: new Uint8Array(16) }
    const e = errorOf(clientHandshake.finish(s3.state, forged, seededRandom('x')))
    assert.ok(e.kind === 'new-nonce-hash-mismatch' && e.which === 1)
    // dh_gen_ok passed off as dh_gen_retry fails the hash check (the reason for distinct hashes)
    const relabelled: mtp.RawMt_dh_gen_retry = {
      _: 'mt_dh_gen_retry',
      nonce: r3.response.nonce,
      serverNonce: r3.response.serverNonce,
      newNonceHash2: r3.response.newNonceHash1,
    }
    const e2 = errorOf(clientHandshake.finish(s3.state, relabelled, seededRandom('x')))
    assert.ok(e2.kind === 'new-nonce-hash-mismatch' && e2.which === 2)
    const e3 = errorOf(clientHandshake.finish(s3.state, { ...r3.response, serverNonce: new Uint8Array(16) }, seededRandom('x')))
    assert.ok(e3.kind === 'nonce-mismatch' && e3.field === 'server_nonce')
  })

  test('server step 3: tampered encrypted_data, g_b out of range', () => {
    const { s3, r2, crand } = runToStep3('s3')
    const tampered = s3.request.encryptedData.slice()
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1
    const e = errorOf(serverHandshake.step3(r2.state, { ...s3.request, encryptedData: tampered }))
    assert.ok(e.kind === 'inner-hash-mismatch' || e.kind === 'inner-undecodable' || e.kind === 'inner-padding')
    const badGb = encryptInner(
      { _: 'mt_client_DH_inner_data', nonce: s3.state.nonce, serverNonce: s3.state.serverNonce, retryId: 0n, gB: bigIntToBytes(1n) },
      s3.state.tmpAes,
      crand,
    )
    const e2 = errorOf(serverHandshake.step3(r2.state, { ...s3.request, encryptedData: badGb }))
    assert.ok(e2.kind === 'dh-check-failed' && e2.error.kind === 'dh-value-out-of-range')
    assert.ok(serverHandshake.step3(r2.state, s3.request).ok)
  })
})

describe('gold vector: core.telegram.org/mtproto/samples-auth_key through the client steps', () => {
  // Values from the samples page (see crypto/samples-auth-key.vectors.ts for the source).
  test('step 3 reproduces the sample set_client_DH_params; finish the sample auth_key', () => {
    const encryptedAnswer = fromHex(SAMPLE.encryptedAnswer)
    const state: ClientAwaitingDhParams = {
      step: 'awaiting-dh-params',
      nonce: fromHex(SAMPLE.nonce),
      serverNonce: fromHex(SAMPLE.serverNonce),
      newNonce: fromHex(SAMPLE.newNonce),
    }
    const scripted = [fromHex(SAMPLE.b), fromHex(SAMPLE.clientDhPadding)]
    const random = (n: number): Uint8Array => {
      const next = scripted.shift()
      assert.ok(next !== undefined && next.length === n, `scripted random: asked for ${n} bytes`)
      return next
    }
    const nowMs = SAMPLE.serverTime * 1000 - 3000
    const s3 = value(
      clientHandshake.step3(state, { _: 'mt_server_DH_params_ok', nonce: state.nonce, serverNonce: state.serverNonce, encryptedAnswer }, random, nowMs),
    )
    assert.equal(toHex(s3.request.encryptedData), toHex(fromHex(SAMPLE.clientEncryptedData)))
    assert.equal(s3.state.timeOffsetMs, 3000)
    const done = value(
      clientHandshake.finish(
        s3.state,
        { _: 'mt_dh_gen_ok', nonce: state.nonce, serverNonce: state.serverNonce, newNonceHash1: fromHex(SAMPLE.newNonceHash1) },
        random,
      ),
    )
    assert.ok(done.kind === 'done')
    assert.equal(toHex(done.key.authKey), toHex(fromHex(SAMPLE.authKey)))
    assert.equal(done.key.serverSalt, -0x31c2af678d8b59b7n)
  })
})

// Type-level check: steps taken out of order do not compile.
export function outOfOrderDoesNotCompile(s: ReturnType<typeof clientHandshake.step1>['state'], answer: mtp.TypeServer_DH_Params): void {
  // @ts-expect-error step3 needs the state of step2, not step1
  clientHandshake.step3(s, answer, seededRandom('x'), 0)
}
