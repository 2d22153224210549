// Checks the GramJS and mtcute drivers without a test DC: against a loopback listener that only
// records the first frame, a recorder that plays the server side of the handshake with our key,
// and each client's own key registry.
import assert from 'node:assert/strict'
import { createHash, generateKeyPair, generateKeyPairSync, privateDecrypt, constants } from 'node:crypto'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { describe, test } from 'node:test'
import { promisify } from 'node:util'
import { Long } from '@mtcute/node'
import { findKeyByFingerprints, NodeCryptoProvider, parsePublicKey } from '@mtcute/node/utils.js'
import { _serverKeys, encrypt as gramjsRsaEncrypt } from 'telegram/crypto/RSA.js'
import { readBigIntFromBuffer } from 'telegram/Helpers.js'
import {
  InteropConfigError,
  MessageInbox,
  routeDc,
  WaitTimeoutError,
  type DcAddress,
  type InteropDriver,
  type InteropDriverConfig,
  type InteropMessage,
} from './driver.js'
import { GramjsDriver, type GramjsTransport } from './gramjs-driver.js'
import { MtcuteDriver, trustMtcuteServerKey, type MtcuteTransport } from './mtcute-driver.js'
import {
  fingerprintAsHex,
  fingerprintAsSignedDecimal,
  pemFingerprint,
  rsaFingerprint,
  rsaPublicKeyParts,
  tlBytes,
} from './rsa-key.js'
import {
  INVOKE_WITH_LAYER,
  P_Q_INNER_DATA,
  P_Q_INNER_DATA_DC,
  startHandshakeRecorder,
  type RecordedSession,
} from './handshake-recorder.js'
import { parsePlainMessage, sniffFirstFrame, type SniffResult } from './transport-sniffer.js'

// req_pq_multi#be7e8ef1 nonce:int128 = ResPQ;
const REQ_PQ_MULTI = 0xbe7e8ef1
// help.getConfig#c4f9186b = Config;
const HELP_GET_CONFIG = 0xc4f9186b
// updates.getState#edd4882a = updates.State;
const UPDATES_GET_STATE = 0xedd4882a
// get_future_salts#b921bd04 num:int = FutureSalts;
const GET_FUTURE_SALTS = 0xb921bd04
// ping_delay_disconnect#f3427b8c ping_id:long disconnect_delay:int = Pong;
const PING_DELAY_DISCONNECT = 0xf3427b8c
const FRAME_WAIT_MS = 8_000
const HANDSHAKE_WAIT_MS = 12_000
const SETTLE_WAIT_MS = 4_000

const serverKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
})
const serverFingerprint = pemFingerprint(serverKey.publicKey)

/** A loopback listener that records the first frame of the first connection and never answers. */
interface CaptureServer {
  readonly port: number
  readonly firstFrame: Promise<Extract<SniffResult, { kind: 'frame' }>>
  readonly connections: () => number
  close(): Promise<void>
}

async function startCaptureServer(): Promise<CaptureServer> {
  const sockets = new Set<Socket>()
  let resolveFrame: (frame: Extract<SniffResult, { kind: 'frame' }>) => void = () => {}
  let rejectFrame: (err: Error) => void = () => {}
  const firstFrame = new Promise<Extract<SniffResult, { kind: 'frame' }>>((resolve, reject) => {
    resolveFrame = resolve
    rejectFrame = reject
  })
  firstFrame.catch(() => {})
  let accepted = 0
  const server = createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    if (accepted > 1) return
    let buffered = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      const result = sniffFirstFrame(buffered)
      if (result.kind === 'frame') resolveFrame(result)
      else if (result.kind === 'unrecognized') rejectFrame(new Error(result.reason))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const timer = setTimeout(() => rejectFrame(new Error(`no frame within ${FRAME_WAIT_MS} ms`)), FRAME_WAIT_MS)
  return {
    port: (server.address() as AddressInfo).port,
    firstFrame: firstFrame.finally(() => clearTimeout(timer)),
    connections: () => accepted,
    close: async () => {
      clearTimeout(timer)
      rejectFrame(new Error('capture server closed'))
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function configFor(port: number, overrides: Partial<InteropDriverConfig> = {}): InteropDriverConfig {
  return {
    host: '127.0.0.1',
    port,
    dcId: 2,
    publicKeyPem: serverKey.publicKey,
    fingerprint: serverFingerprint,
    // DC 4 points at a port nobody listens on: a dial there would show up in `dialed`.
    dcs: [
      { id: 2, host: '127.0.0.1', port },
      { id: 4, host: '127.0.0.1', port: 1 },
    ],
    apiId: 12345,
    apiHash: '0123456789abcdef0123456789abcdef',
    ...overrides,
  }
}

/** Settles `promise` or gives up after `ms`; never rejects (connect() cannot succeed here). */
async function settled(promise: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    new Promise<'pending'>((resolve) => {
      timer = setTimeout(() => resolve('pending'), ms)
    }),
  ])
  clearTimeout(timer)
  return outcome
}

interface FirstFrameCase {
  readonly name: string
  readonly make: (config: InteropDriverConfig, onDial: (target: DcAddress) => void) => InteropDriver
  readonly transport: string
  readonly obfuscated: boolean
}

function gramjsCase(transport: GramjsTransport, expected: string, obfuscated: boolean): FirstFrameCase {
  return {
    name: `gramjs over ${transport}`,
    make: (config, onDial) => new GramjsDriver(config, { transport, onDial, connectionRetries: 1, retryDelayMs: 50 }),
    transport: expected,
    obfuscated,
  }
}

function mtcuteCase(transport: MtcuteTransport, expected: string, obfuscated: boolean): FirstFrameCase {
  return {
    name: `mtcute over ${transport}`,
    make: (config, onDial) => new MtcuteDriver(config, { transport, onDial }),
    transport: expected,
    obfuscated,
  }
}

describe('rsa-key', () => {
  test('tlBytes pads short strings after one length byte and long ones after 0xfe + 3 bytes', () => {
    assert.deepEqual([...tlBytes(Uint8Array.of(1, 0, 1))], [3, 1, 0, 1])
    const long = tlBytes(new Uint8Array(256).fill(7))
    assert.equal(long.length, 260)
    assert.deepEqual([...long.subarray(0, 4)], [0xfe, 0x00, 0x01, 0x00])
  })

  test("fingerprint agrees with mtcute's parsePublicKey for a fresh key", () => {
    const theirs = parsePublicKey(new NodeCryptoProvider(), serverKey.publicKey)
    assert.equal(fingerprintAsHex(serverFingerprint, true), theirs.fingerprint)
  })

  test("fingerprint reproduces Telegram's production key ids as both libraries ship them", () => {
    // Gold: mtcute's built-in index files Telegram's production key under b25898df208d2603
    // (@mtcute/core tl/binary/rsa-keys.js); we recompute that id from its modulus and exponent.
    const telegram = findKeyByFingerprints(['b25898df208d2603'])
    assert.ok(telegram !== null)
    const parts = { n: Buffer.from(telegram.modulus, 'hex'), e: Buffer.from(telegram.exponent, 'hex') }
    assert.equal(rsaFingerprint(parts).toString(16), 'b25898df208d2603')
    // Gold: GramJS keys its built-in Telegram keys (crypto/RSA.js) by signed decimal fingerprint.
    const builtIn = ['-3414540481677951611', '-5595554452916591101']
    for (const id of builtIn) {
      const key = _serverKeys.get(id)
      assert.ok(key !== undefined, `GramJS ships key ${id}`)
      const n = Buffer.from(key.n.toString(16).padStart(512, '0'), 'hex')
      const e = Buffer.from(key.e.toString(16).padStart(6, '0'), 'hex')
      assert.equal(fingerprintAsSignedDecimal(rsaFingerprint({ n, e })), id)
    }
  })

  test('SPKI and PKCS#1 spellings of one key give one fingerprint', () => {
    const { publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    })
    const parts = rsaPublicKeyParts(publicKey)
    assert.equal(parts.n.length, 128)
    assert.deepEqual([...parts.e], [1, 0, 1])
    assert.equal(pemFingerprint(publicKey), rsaFingerprint(parts))
  })
})

describe('driver config', () => {
  test('routeDc uses dcs entries, falls back to host/port for the home DC, rejects others', () => {
    const config = configFor(4000, { dcs: [{ id: 4, host: '::1', port: 4004 }] })
    assert.deepEqual(routeDc(config, 4), { id: 4, host: '::1', port: 4004 })
    assert.deepEqual(routeDc(config, 2), { id: 2, host: '127.0.0.1', port: 4000 })
    assert.throws(() => routeDc(config, 5), InteropConfigError)
  })

  for (const [name, make] of [
    ['gramjs', (config: InteropDriverConfig) => new GramjsDriver(config)],
    ['mtcute', (config: InteropDriverConfig) => new MtcuteDriver(config)],
  ] as const) {
    test(`${name} refuses any non-loopback address before creating a client`, () => {
      assert.throws(() => make(configFor(443, { host: '149.154.167.50', dcs: [] })), InteropConfigError)
      const stray = configFor(4000, { dcs: [{ id: 2, host: '127.0.0.1', port: 4000 }, { id: 4, host: '149.154.167.91', port: 443 }] })
      assert.throws(() => make(stray), InteropConfigError)
      assert.throws(() => make(configFor(4000, { dcs: [{ id: 2, host: '127.0.0.1', port: 4001 }] })), InteropConfigError)
    })
  }

  test('a fingerprint that does not match the key is refused', async () => {
    const wrong = configFor(4000, { fingerprint: serverFingerprint ^ 1n })
    assert.throws(() => new GramjsDriver(wrong), InteropConfigError)
    await assert.rejects(trustMtcuteServerKey(wrong.publicKeyPem, wrong.fingerprint), InteropConfigError)
  })
})

describe('message inbox', () => {
  const message = (id: number): InteropMessage => ({
    id,
    text: `m${id}`,
    out: false,
    senderId: 7,
    chat: { type: 'user', id: 7 },
  })

  test('hands out buffered and later messages once each, in order of matching', async () => {
    const inbox = new MessageInbox()
    inbox.push(message(1))
    const later = inbox.wait((m) => m.id === 2, 1_000)
    inbox.push(message(2))
    assert.equal((await later).id, 2)
    assert.equal((await inbox.wait(() => true, 1_000)).id, 1)
    await assert.rejects(inbox.wait(() => true, 10), WaitTimeoutError)
  })

  test('close() rejects pending waiters', async () => {
    const inbox = new MessageInbox()
    const pending = inbox.wait(() => true, 60_000)
    inbox.close()
    await assert.rejects(pending, /driver disconnected/)
  })
})

describe('first frame on the wire', () => {
  const cases = [
    gramjsCase('full', 'full', false),
    gramjsCase('obfuscated', 'abridged', true),
    gramjsCase('abridged', 'abridged', false),
    mtcuteCase('intermediate', 'intermediate', false),
    mtcuteCase('obfuscated', 'intermediate', true),
  ]
  for (const c of cases) {
    test(`${c.name}: dials the configured loopback port and opens with req_pq_multi`, async () => {
      const server = await startCaptureServer()
      const dialed: DcAddress[] = []
      const driver = c.make(configFor(server.port), (target) => dialed.push(target))
      const connecting = driver.connect()
      connecting.catch(() => {})
      try {
        const frame = await server.firstFrame
        assert.equal(frame.transport, c.transport)
        assert.equal(frame.obfuscated, c.obfuscated)
        const plain = parsePlainMessage(frame.payload)
        assert.ok(plain !== null, 'first payload is a plain MTProto message')
        assert.equal(plain.constructorId, REQ_PQ_MULTI)
        assert.equal(plain.body.length, 20, 'req_pq_multi carries exactly one int128 nonce')
        assert.equal(plain.messageId % 4n, 0n, 'client message ids are divisible by 4')
        assert.deepEqual(dialed[0], { id: 2, host: '127.0.0.1', port: server.port })
        assert.ok(dialed.every((target) => target.port === server.port), `only dialed ${server.port}`)
        assert.equal(server.connections(), 1)
      } finally {
        await driver.disconnect()
        await server.close()
      }
      assert.equal(await settled(connecting, SETTLE_WAIT_MS), 'settled', 'connect() settles once disconnected')
    })
  }
})

describe('server key registries', () => {
  test("GramJS finds our key by fingerprint and encrypts to it", async () => {
    new GramjsDriver(configFor(4000)) // registers the key; no socket is opened before connect()
    const ours = _serverKeys.get(fingerprintAsSignedDecimal(serverFingerprint))
    assert.ok(ours !== undefined)
    assert.equal(ours.n.toString(16).padStart(512, '0'), Buffer.from(rsaPublicKeyParts(serverKey.publicKey).n).toString('hex'))
    // crypto/RSA.js encrypt(fingerprint, data): RSA(sha1(data) + data + padding to 255 bytes).
    const fingerprintLong = Buffer.alloc(8)
    fingerprintLong.writeBigUInt64LE(serverFingerprint)
    const data = Buffer.from('interop check: the key GramJS uses is ours')
    const cipher = await gramjsRsaEncrypt(readBigIntFromBuffer(fingerprintLong, true, true), data)
    assert.ok(cipher !== undefined, 'GramJS resolved the fingerprint')
    const clear = privateDecrypt({ key: serverKey.privateKey, padding: constants.RSA_NO_PADDING }, cipher)
    assert.equal(clear[0], 0)
    assert.deepEqual(clear.subarray(1, 21), createHash('sha1').update(data).digest())
    assert.deepEqual(clear.subarray(21, 21 + data.length), data)
  })

  test('mtcute finds our key by the fingerprint its handshake derives from res_pq', async () => {
    await trustMtcuteServerKey(serverKey.publicKey, serverFingerprint)
    // authorization.js maps each res_pq fingerprint through Long#toUnsigned().toString(16).
    const asSent = Long.fromString(BigInt.asIntN(64, serverFingerprint).toString(), false, 10)
    const found = findKeyByFingerprints([asSent.toUnsigned().toString(16)])
    assert.ok(found !== null)
    assert.equal(found.modulus, Buffer.from(rsaPublicKeyParts(serverKey.publicKey).n).toString('hex'))
  })

  test('mtcute still finds a key whose fingerprint has a leading zero nibble', async () => {
    const generate = promisify(generateKeyPair)
    let pem: string | null = null
    let fingerprint = 0n
    // About 1 key in 16 qualifies; 1024-bit keys keep the search short (the size is irrelevant here).
    for (let batch = 0; batch < 25 && pem === null; batch++) {
      const keys = await Promise.all(
        Array.from({ length: 8 }, () =>
          generate('rsa', {
            modulusLength: 1024,
            publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
            privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
          }),
        ),
      )
      for (const key of keys) {
        const candidate = pemFingerprint(key.publicKey)
        if (pem === null && candidate < 1n << 60n) {
          pem = key.publicKey
          fingerprint = candidate
        }
      }
    }
    assert.ok(pem !== null, 'found a key with a leading zero nibble')
    const short = fingerprintAsHex(fingerprint, false)
    assert.ok(short.length < 16)
    await trustMtcuteServerKey(pem, fingerprint)
    const found = findKeyByFingerprints([short])
    assert.ok(found !== null)
    assert.equal(found.modulus, Buffer.from(rsaPublicKeyParts(pem).n).toString('hex'))
  })
})


describe('handshake against a recording server (engine crypto, our key)', () => {
  const expectedInit = {
    apiId: 12345,
    deviceModel: 'mtswarm-interop',
    systemVersion: '1.0',
    appVersion: '1.0',
    systemLangCode: 'en',
    langPack: '',
    langCode: 'en',
  }

  async function record(make: (config: InteropDriverConfig) => InteropDriver): Promise<RecordedSession> {
    const recorder = await startHandshakeRecorder(serverKey.privateKey)
    const driver = make(configFor(recorder.port))
    const connecting = driver.connect()
    connecting.catch(() => {})
    let timer: NodeJS.Timeout | undefined
    try {
      return await Promise.race([
        recorder.session,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no session within ${HANDSHAKE_WAIT_MS} ms`)), HANDSHAKE_WAIT_MS)
        }),
      ])
    } finally {
      clearTimeout(timer)
      await driver.disconnect()
      await recorder.close()
      await settled(connecting, SETTLE_WAIT_MS)
    }
  }

  // NB: both clients drop a leading zero byte of the auth key (1 handshake in 256) and then
  // reconnect; GramJS needs connectionRetries > 1 for that retry to happen.
  for (const transport of ['full', 'obfuscated'] as const) {
    test(`gramjs over ${transport}: p_q_inner_data without dc, salt 0, initConnection(help.getConfig) at layer 198`, async () => {
      const session = await record((config) => new GramjsDriver(config, { transport, connectionRetries: 3, retryDelayMs: 50 }))
      assert.equal(session.obfuscated, transport === 'obfuscated')
      assert.equal(session.innerDataConstructor, P_Q_INNER_DATA)
      assert.equal(session.innerDataDc, null)
      assert.equal(session.salt, 0n)
      assert.deepEqual(session.messages, [
        { constructorId: INVOKE_WITH_LAYER, layer: 198, initConnection: expectedInit, query: HELP_GET_CONFIG },
      ])
    })
  }

  for (const transport of ['intermediate', 'obfuscated'] as const) {
    test(`mtcute over ${transport}: p_q_inner_data_dc, derived salt, container with wrapped RPCs at layer 227`, async () => {
      const session = await record((config) => new MtcuteDriver(config, { transport }))
      assert.equal(session.obfuscated, transport === 'obfuscated')
      assert.equal(session.innerDataConstructor, P_Q_INNER_DATA_DC)
      assert.equal(session.innerDataDc, 2)
      assert.equal(session.salt, session.initialSalt)
      const queries = session.messages.map((m) => m.query)
      assert.ok(queries.includes(GET_FUTURE_SALTS), 'asks for future salts at once')
      assert.ok(queries.includes(HELP_GET_CONFIG), 'sends the driver\'s help.getConfig')
      assert.ok(queries.includes(UPDATES_GET_STATE), 'sends updates.getState when the connection becomes usable')
      for (const message of session.messages) {
        if (message.query === GET_FUTURE_SALTS || message.query === PING_DELAY_DISCONNECT) continue
        assert.equal(message.layer, 227, `0x${message.query.toString(16)} is wrapped in invokeWithLayer`)
        assert.deepEqual(message.initConnection, expectedInit)
      }
    })
  }

  test('mtcute in testMode writes 10000 + dc id into p_q_inner_data_dc', async () => {
    const session = await record((config) => new MtcuteDriver(config, { testMode: true }))
    assert.equal(session.innerDataDc, 10_002)
  })
})
