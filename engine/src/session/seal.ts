// Sealing a session string's record under a passphrase: scrypt derives a 256-bit key, AES-256-GCM
// encrypts and authenticates. The KDF's parameters travel with the sealed record, bounded when
// read so a hostile string cannot ask for unbounded memory or time. Knows nothing of what it seals.
import { createCipheriv, createDecipheriv, randomBytes, scrypt, type ScryptOptions } from 'node:crypto'
import { UsageError } from '../errors/index.js'
import { badSession } from './session-data.js'

/** How a sealed record names its KDF and cipher, and their parameters. */
export interface SealedRecord {
  readonly kdf: 'scrypt'
  /** scrypt cost: a power of two. */
  readonly N: number
  readonly r: number
  readonly p: number
  readonly cipher: 'aes-256-gcm'
  /** base64url */
  readonly salt: string
  readonly iv: string
  readonly tag: string
  readonly data: string
}

/**
 * Cost of new seals: N = 2^15, r = 8 (32 MiB, ~0.1 s on one core), scrypt's interactive-login
 * figures (RFC 7914 §2 leaves the choice to the application).
 */
export const SEAL_SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const
/** Largest cost read back: 2^20 × r 8 is 1 GiB, refused; this allows 128 MiB × p at most. */
const MAX_SCRYPT_MEMORY_BYTES = 128 * 1024 * 1024
const SALT_BYTES = 16
/** GCM's recommended nonce (NIST SP 800-38D §5.2.1.1). */
const IV_BYTES = 12
const TAG_BYTES = 16
/** Binds the ciphertext to this format: a record moved into another context fails its tag. */
const AAD = Buffer.from('mtswarm session v1', 'utf8')
const SEALED_KEYS = 'N,cipher,data,iv,kdf,p,r,salt,tag'

/** Seals `plain` (the record's bytes) under `passphrase`. */
export async function seal(plain: Uint8Array, passphrase: string): Promise<SealedRecord> {
  const salt = randomBytes(SALT_BYTES)
  const iv = randomBytes(IV_BYTES)
  const key = await derive(passphrase, salt, SEAL_SCRYPT)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES }).setAAD(AAD)
  const data = Buffer.concat([cipher.update(plain), cipher.final()])
  return {
    kdf: 'scrypt',
    ...SEAL_SCRYPT,
    cipher: 'aes-256-gcm',
    salt: salt.toString('base64url'),
    iv: iv.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
    data: data.toString('base64url'),
  }
}

/**
 * Opens a sealed record. Throws UsageError 'bad-argument': field 'session' when the record is
 * malformed or asks for a cost out of bounds, field 'passphrase' when the tag does not verify
 * (a wrong passphrase, or an altered string — GCM cannot tell them apart).
 */
export async function unseal(v: unknown, passphrase: string): Promise<Uint8Array> {
  const r = checkSealed(v)
  const key = await derive(passphrase, fromB64(r.salt, 'salt', SALT_BYTES), r)
  const decipher = createDecipheriv('aes-256-gcm', key, fromB64(r.iv, 'iv', IV_BYTES), { authTagLength: TAG_BYTES })
  decipher.setAAD(AAD).setAuthTag(fromB64(r.tag, 'tag', TAG_BYTES))
  try {
    return Buffer.concat([decipher.update(fromB64(r.data, 'data')), decipher.final()])
  } catch {
    throw UsageError.badArgument('passphrase', 'does not open this sealed session (a wrong passphrase, or the string was altered)')
  }
}

function checkSealed(v: unknown): SealedRecord {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badSession('the sealed record is not an object')
  const o = v as Record<string, unknown>
  if (Object.keys(o).sort().join(',') !== SEALED_KEYS) throw badSession(`the sealed record must hold exactly ${SEALED_KEYS}`)
  if (o.kdf !== 'scrypt' || o.cipher !== 'aes-256-gcm') throw badSession('the sealed record names an unknown KDF or cipher (scrypt, aes-256-gcm)')
  const { N, r, p } = o
  const isInt = (x: unknown, max: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= max
  if (!isInt(N, 2 ** 30) || (N & (N - 1)) !== 0 || N < 2 ** 10 || !isInt(r, 64) || !isInt(p, 16) || 128 * N * r > MAX_SCRYPT_MEMORY_BYTES) {
    throw badSession('the sealed record asks for a scrypt cost out of bounds (N a power of two in [2^10, …], 128·N·r ≤ 128 MiB, p ≤ 16)')
  }
  for (const k of ['salt', 'iv', 'tag', 'data'] as const) if (typeof o[k] !== 'string') throw badSession(`the sealed record's ${k} is not a string`)
  return o as unknown as SealedRecord
}

function fromB64(text: string, what: string, length?: number): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw badSession(`the sealed record's ${what} is not base64url`)
  const b = Buffer.from(text, 'base64url')
  if (length !== undefined && b.length !== length) throw badSession(`the sealed record's ${what} must be ${length} bytes`)
  return b
}

function derive(passphrase: string, salt: Uint8Array, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 128 * cost.N * cost.r + 1024 * 1024 }
  // NB: the async form: scrypt runs on the thread pool, never on the event loop the accounts share.
  return new Promise((resolve, reject) => scrypt(passphrase.normalize('NFC'), salt, 32, options, (e, key) => (e === null ? resolve(key) : reject(e))))
}
