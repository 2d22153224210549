// RSA public and private keys as configuration: PEM in, {n, e, fingerprint} out, plus the
// fingerprint rule. Knows nothing about the handshake that uses the keys.
// https://core.telegram.org/mtproto/auth_key#presenting-proof-of-work-server-authentication
import { createPrivateKey, createPublicKey } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { bigIntFromBytes, bigIntToBytes, readInt64Le } from './bytes.js'
import { sha1 } from './hash.js'

/** A server's RSA public key, ready for encryption. */
export interface RsaPublicKey {
  /** Modulus. */
  n: bigint
  /** Public exponent. */
  e: bigint
  /** The 64 lower-order bits of SHA1(TL bytes n + TL bytes e), as a TL long. */
  fingerprint: bigint
  /** Byte length of the modulus (256 for the 2048-bit keys MTProto uses). */
  size: number
  /** node:crypto handle for the native raw-RSA path. */
  keyObject: KeyObject
}

/** A server's RSA private key (the project's own test DC holds one). */
export interface RsaPrivateKey {
  publicKey: RsaPublicKey
  keyObject: KeyObject
}

/** TL `bytes` serialization (length prefix, padding to 4), enough for the fingerprint rule. */
export function tlBytes(data: Uint8Array): Uint8Array {
  const header = data.length < 254 ? 1 : 4
  const total = header + data.length
  const padded = total + ((4 - (total % 4)) % 4)
  const out = new Uint8Array(padded)
  if (header === 1) {
    out[0] = data.length
  } else {
    out[0] = 254
    out[1] = data.length & 0xff
    out[2] = (data.length >>> 8) & 0xff
    out[3] = (data.length >>> 16) & 0xff
  }
  out.set(data, header)
  return out
}

/** Fingerprint of (n, e) as the TL long MTProto puts in resPQ / req_DH_params. */
export function rsaFingerprint(n: bigint, e: bigint): bigint {
  return readInt64Le(sha1(tlBytes(bigIntToBytes(n)), tlBytes(bigIntToBytes(e))).subarray(12, 20))
}

function base64UrlToBigInt(s: string): bigint {
  return bigIntFromBytes(new Uint8Array(Buffer.from(s, 'base64url')))
}

function publicFromKeyObject(keyObject: KeyObject): RsaPublicKey {
  if (keyObject.asymmetricKeyType !== 'rsa') {
    throw new TypeError(`expected an RSA key, got ${String(keyObject.asymmetricKeyType)}`)
  }
  const jwk = keyObject.export({ format: 'jwk' })
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') throw new TypeError('RSA key without n/e')
  const n = base64UrlToBigInt(jwk.n)
  const e = base64UrlToBigInt(jwk.e)
  return { n, e, fingerprint: rsaFingerprint(n, e), size: bigIntToBytes(n).length, keyObject }
}

/**
 * Parses an RSA public key PEM: PKCS#1 ("-----BEGIN RSA PUBLIC KEY-----", the form Telegram
 * publishes) or SPKI ("-----BEGIN PUBLIC KEY-----"). Throws TypeError on anything else: keys are
 * configuration, so a bad one is a programmer/operator error.
 */
export function parseRsaPublicKey(pem: string): RsaPublicKey {
  const type = /-----BEGIN RSA PUBLIC KEY-----/.test(pem) ? 'pkcs1' : /-----BEGIN PUBLIC KEY-----/.test(pem) ? 'spki' : null
  if (type === null) throw new TypeError('not an RSA public key PEM (expected RSA PUBLIC KEY or PUBLIC KEY)')
  const keyObject = createPublicKey({ key: pem, format: 'pem', type })
  return publicFromKeyObject(keyObject)
}

/** Builds a public key from its modulus and exponent. */
export function rsaPublicKeyFromComponents(n: bigint, e: bigint): RsaPublicKey {
  const keyObject = createPublicKey({
    key: {
      kty: 'RSA',
      n: Buffer.from(bigIntToBytes(n)).toString('base64url'),
      e: Buffer.from(bigIntToBytes(e)).toString('base64url'),
    },
    format: 'jwk',
  })
  return publicFromKeyObject(keyObject)
}

/** Parses an RSA private key PEM (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY"). */
export function parseRsaPrivateKey(pem: string): RsaPrivateKey {
  const keyObject = createPrivateKey({ key: pem, format: 'pem' })
  return { keyObject, publicKey: publicFromKeyObject(createPublicKey(keyObject)) }
}
