// The client half of Telegram's 2FA SRP, for tests only: what a client computes from
// `account.getPassword` to build inputCheckPasswordSRP (https://core.telegram.org/api/srp).
// The engine's own client SRP lives in engine/src/crypto; this one exists so the world's
// checkPassword is tested against independent arithmetic rather than against itself.
import {
  bigIntToBytes,
  bytesToBigInt,
  modPow,
  passwordHash,
  sha256,
  srpK,
  srpM1,
  srpU,
  type SrpParams,
} from './srp.js'

/** A = g^a mod p and M1 for the server's B, with client secret `a` (256 bytes). */
export function srpClientProof(
  password: string,
  params: SrpParams,
  B: Uint8Array,
  a: Uint8Array,
): { A: Uint8Array; M1: Uint8Array } {
  const p = bytesToBigInt(params.p)
  const g = BigInt(params.g)
  const aInt = bytesToBigInt(a)
  const A = bigIntToBytes(modPow(g, aInt, p))
  const x = bytesToBigInt(passwordHash(password, params.salt1, params.salt2))
  const v = modPow(g, x, p)
  const kv = (srpK(params) * v) % p
  const t = (((bytesToBigInt(B) - kv) % p) + p) % p
  const u = srpU(A, B)
  const S = modPow(t, aInt + u * x, p)
  return { A, M1: srpM1(params, A, B, sha256(bigIntToBytes(S))) }
}
