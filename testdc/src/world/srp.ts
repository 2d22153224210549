// What the world needs from Telegram's 2FA SRP (https://core.telegram.org/api/srp): the verifier
// stored per account, the server's ephemeral srp_B, and the check of the client's M1, behind the
// `SrpServer` interface. The default implementation is the engine's (engine/src/crypto/srp.ts):
// the test DC shares the engine's crypto, and tests check it against an independent client.
import { srpServerStart, srpServerVerify, srpVerifier } from '@mtswarm/engine/crypto'
import type { RandomSource } from './seeded-random.js'

/**
 * The 2048-bit safe prime Telegram sends in
 * `passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow` (the same prime as the
 * MTProto handshake's dh_prime, https://core.telegram.org/mtproto/auth_key), with g = 3.
 * NB: checked prime and safe ((p-1)/2 prime) in srp.test.ts.
 */
export const TELEGRAM_SRP_P_HEX =
  'c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4db' +
  'fa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64' +
  '2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b41' +
  '0dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4' +
  'e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf' +
  '6f4fadf034b10403119cd8e3b92fcc5b'
export const TELEGRAM_SRP_G = 3

/** The KDF parameters of one account (what `account.getPassword` returns as current_algo). */
export interface SrpParams {
  readonly salt1: Uint8Array
  readonly salt2: Uint8Array
  readonly g: number
  /** 2048-bit big-endian modulus. */
  readonly p: Uint8Array
}

/** One SRP round of account.getPassword: the server secret b and the srp_B sent. */
export interface SrpRound {
  readonly b: Uint8Array
  readonly B: Uint8Array
}

/** The SRP arithmetic the world calls. Byte strings are big-endian, numbers padded to 256 bytes. */
export interface SrpServer {
  /** v = g^x mod p with x = PH2(password, salt1, salt2). */
  verifier(password: string, params: SrpParams): Uint8Array
  /** A fresh round: secret b from `random`, B = (k·v + g^b) mod p. */
  start(params: SrpParams, verifier: Uint8Array, random: RandomSource): SrpRound
  /** True when the client's (A, M1) proves knowledge of the password behind `verifier`. */
  check(params: SrpParams, verifier: Uint8Array, round: SrpRound, A: Uint8Array, M1: Uint8Array): boolean
}

/** The engine's SRP. Failures on the world's own parameters are programmer errors and throw. */
export const engineSrpServer: SrpServer = {
  verifier(password, params) {
    const v = srpVerifier(params, password)
    if (!v.ok) throw new Error(`SRP verifier: ${v.error.kind}`)
    return v.value
  },
  start(params, verifier, random) {
    const s = srpServerStart(params, verifier, random)
    if (!s.ok) throw new Error(`SRP start: ${s.error.kind}`)
    return { b: s.value.b, B: s.value.gB }
  },
  check(params, verifier, round, A, M1) {
    return srpServerVerify(params, verifier, { b: round.b, gB: round.B }, A, M1).ok
  },
}
