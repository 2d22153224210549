// The client half of Telegram's 2FA SRP, for tests only: what a client computes from
// `account.getPassword` to build inputCheckPasswordSRP (https://core.telegram.org/api/srp).
// Written apart from engine/src/crypto/srp.ts on purpose, so the world's checkPassword (which
// uses the engine's server half) is tested against independent arithmetic.
import { createHash, pbkdf2Sync } from 'node:crypto'
import type { SrpParams } from './srp.js'

const SIZE = 256

function h(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256')
  for (const p of parts) hash.update(p)
  return new Uint8Array(hash.digest())
}

function toInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + Buffer.from(b).toString('hex'))
}

function toBytes(v: bigint): Uint8Array {
  return new Uint8Array(Buffer.from(v.toString(16).padStart(SIZE * 2, '0'), 'hex'))
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n
  let b = base % mod
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % mod
    b = (b * b) % mod
  }
  return r
}

/** PH2(password, salt1, salt2), i.e. x. */
function ph2(password: string, salt1: Uint8Array, salt2: Uint8Array): bigint {
  const sh = (data: Uint8Array, salt: Uint8Array) => h(salt, data, salt)
  const ph1 = sh(sh(new TextEncoder().encode(password), salt1), salt2)
  return toInt(sh(new Uint8Array(pbkdf2Sync(ph1, salt1, 100_000, 64, 'sha512')), salt2))
}

/** A = g^a mod p and M1 for the server's B, with client secret `a` (256 bytes). */
export function srpClientProof(
  password: string,
  params: SrpParams,
  B: Uint8Array,
  a: Uint8Array,
): { A: Uint8Array; M1: Uint8Array } {
  const p = toInt(params.p)
  const g = BigInt(params.g)
  const aInt = toInt(a)
  const A = toBytes(modPow(g, aInt, p))
  const x = ph2(password, params.salt1, params.salt2)
  const k = toInt(h(toBytes(p), toBytes(g)))
  const t = (((toInt(B) - ((k * modPow(g, x, p)) % p)) % p) + p) % p
  const u = toInt(h(A, B))
  const K = h(toBytes(modPow(t, aInt + u * x, p)))
  const hp = h(toBytes(p))
  const hg = h(toBytes(g))
  const xor = hp.map((v, i) => v ^ (hg[i] as number))
  return { A, M1: h(xor, h(params.salt1), h(params.salt2), A, B, K) }
}
