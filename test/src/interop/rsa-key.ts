// MTProto RSA key facts the interop drivers need: modulus/exponent out of a PEM, the key
// fingerprint, and its spellings in each client's registry. Knows nothing about either library.
import { createHash, createPublicKey } from 'node:crypto'

/** An RSA public key as big-endian unsigned bytes without leading zeros. */
export interface RsaPublicKeyParts {
  readonly n: Uint8Array
  readonly e: Uint8Array
}

/** Reads n and e from a PEM public key (PKCS#1 `RSA PUBLIC KEY` or SPKI `PUBLIC KEY`). */
export function rsaPublicKeyParts(pem: string): RsaPublicKeyParts {
  const jwk = createPublicKey(pem).export({ format: 'jwk' })
  if (jwk.kty !== 'RSA' || jwk.n === undefined || jwk.e === undefined) {
    throw new TypeError(`not an RSA public key (kty ${String(jwk.kty)})`)
  }
  return { n: stripLeadingZeros(Buffer.from(jwk.n, 'base64url')), e: stripLeadingZeros(Buffer.from(jwk.e, 'base64url')) }
}

/** The same key re-encoded as PKCS#1 PEM (`-----BEGIN RSA PUBLIC KEY-----`), which mtcute requires. */
export function toPkcs1Pem(pem: string): string {
  return createPublicKey(pem).export({ type: 'pkcs1', format: 'pem' }).toString()
}

/**
 * TL `bytes` encoding: up to 253 bytes → 1 length byte; longer → 0xfe + 3-byte LE length; then the
 * data, zero-padded to a multiple of 4. https://core.telegram.org/mtproto/serialize#base-types
 */
export function tlBytes(data: Uint8Array): Uint8Array {
  const header = data.length <= 253 ? 1 : 4
  const total = Math.ceil((header + data.length) / 4) * 4
  const out = new Uint8Array(total)
  if (header === 1) {
    out[0] = data.length
  } else {
    out[0] = 0xfe
    out[1] = data.length & 0xff
    out[2] = (data.length >> 8) & 0xff
    out[3] = (data.length >> 16) & 0xff
  }
  out.set(data, header)
  return out
}

/**
 * MTProto key fingerprint: the lower 64 bits of SHA1(TL bytes n ‖ TL bytes e), i.e. the last 8
 * bytes of the digest read little-endian. https://core.telegram.org/mtproto/auth_key (step 2)
 */
export function rsaFingerprint(parts: RsaPublicKeyParts): bigint {
  const digest = createHash('sha1').update(tlBytes(parts.n)).update(tlBytes(parts.e)).digest()
  return digest.readBigUInt64LE(12)
}

/** Fingerprint of a PEM public key. */
export function pemFingerprint(pem: string): bigint {
  return rsaFingerprint(rsaPublicKeyParts(pem))
}

/** GramJS keys its `_serverKeys` map by the fingerprint as a signed 64-bit decimal string. */
export function fingerprintAsSignedDecimal(fingerprint: bigint): string {
  return BigInt.asIntN(64, fingerprint).toString()
}

/**
 * mtcute compares lowercase hex: WITH leading zeros when it stores a key (`addPublicKey`), WITHOUT
 * them when it looks one up during the handshake (`Long#toString(16)`).
 */
export function fingerprintAsHex(fingerprint: bigint, leadingZeros: boolean): string {
  const hex = BigInt.asUintN(64, fingerprint).toString(16)
  return leadingZeros ? hex.padStart(16, '0') : hex
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  return bytes.subarray(start)
}
