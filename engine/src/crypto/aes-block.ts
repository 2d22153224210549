// Pure-TypeScript AES block cipher (FIPS-197) with 32-bit T-tables: the key schedules and the
// lookup tables that aes-ige.ts runs its decryption chain on. Knows nothing about modes.
// Words are big-endian: byte 0 of a column is bits 31..24.

const SBOX = new Uint8Array(256)
const INV_SBOX = new Uint8Array(256)

/** Encryption tables: TE0[x] = (2·S[x], S[x], S[x], 3·S[x]); TE1..3 are byte rotations of it. */
export const TE0 = new Int32Array(256)
export const TE1 = new Int32Array(256)
export const TE2 = new Int32Array(256)
export const TE3 = new Int32Array(256)
/** Decryption tables: TD0[x] = (14·Si[x], 9·Si[x], 13·Si[x], 11·Si[x]); TD1..3 are rotations. */
export const TD0 = new Int32Array(256)
export const TD1 = new Int32Array(256)
export const TD2 = new Int32Array(256)
export const TD3 = new Int32Array(256)
/** Last-round tables: the S-boxes as bytes. */
export { SBOX, INV_SBOX }

function xtime(a: number): number {
  return ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff
}

function gmul(a: number, b: number): number {
  let r = 0
  while (b > 0) {
    if (b & 1) r ^= a
    a = xtime(a)
    b >>= 1
  }
  return r
}

function rotl8(x: number, s: number): number {
  return ((x << s) | (x >> (8 - s))) & 0xff
}

// S-box from its definition: multiplicative inverse in GF(2^8) followed by the affine map.
// p walks the powers of the generator 3; q walks the powers of its inverse, so q = p^-1.
{
  let p = 1
  let q = 1
  do {
    p = p ^ xtime(p)
    q ^= q << 1
    q ^= q << 2
    q ^= q << 4
    q &= 0xff
    if (q & 0x80) q ^= 0x09
    const s = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4) ^ 0x63
    SBOX[p] = s
    INV_SBOX[s] = p
  } while (p !== 1)
  SBOX[0] = 0x63
  INV_SBOX[0x63] = 0
  for (let x = 0; x < 256; x++) {
    const s = SBOX[x] as number
    const e = (xtime(s) << 24) | (s << 16) | (s << 8) | (xtime(s) ^ s)
    TE0[x] = e
    TE1[x] = (e >>> 8) | (e << 24)
    TE2[x] = (e >>> 16) | (e << 16)
    TE3[x] = (e >>> 24) | (e << 8)
    const si = INV_SBOX[x] as number
    const d = (gmul(si, 14) << 24) | (gmul(si, 9) << 16) | (gmul(si, 13) << 8) | gmul(si, 11)
    TD0[x] = d
    TD1[x] = (d >>> 8) | (d << 24)
    TD2[x] = (d >>> 16) | (d << 16)
    TD3[x] = (d >>> 24) | (d << 8)
  }
}

const RCON = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36]

/** Number of rounds for a 16-, 24- or 32-byte key. */
export function aesRounds(keyLength: number): number {
  if (keyLength === 16) return 10
  if (keyLength === 24) return 12
  if (keyLength === 32) return 14
  throw new RangeError(`AES key must be 16, 24 or 32 bytes, got ${keyLength}`)
}

/** FIPS-197 key expansion: 4·(rounds+1) big-endian words. */
export function expandEncryptionKey(key: Uint8Array, out?: Int32Array): Int32Array {
  const rounds = aesRounds(key.length)
  const nk = key.length >>> 2
  const total = 4 * (rounds + 1)
  const w = out ?? new Int32Array(total)
  for (let i = 0; i < nk; i++) {
    w[i] =
      ((key[4 * i] as number) << 24) |
      ((key[4 * i + 1] as number) << 16) |
      ((key[4 * i + 2] as number) << 8) |
      (key[4 * i + 3] as number)
  }
  for (let i = nk; i < total; i++) {
    let t = w[i - 1] as number
    if (i % nk === 0) {
      t =
        (((SBOX[(t >>> 16) & 0xff] as number) << 24) |
          ((SBOX[(t >>> 8) & 0xff] as number) << 16) |
          ((SBOX[t & 0xff] as number) << 8) |
          (SBOX[t >>> 24] as number)) ^
        ((RCON[i / nk - 1] as number) << 24)
    } else if (nk > 6 && i % nk === 4) {
      t =
        ((SBOX[t >>> 24] as number) << 24) |
        ((SBOX[(t >>> 16) & 0xff] as number) << 16) |
        ((SBOX[(t >>> 8) & 0xff] as number) << 8) |
        (SBOX[t & 0xff] as number)
    }
    w[i] = (w[i - nk] as number) ^ t
  }
  return w
}

/**
 * Decryption key schedule for the "equivalent inverse cipher": round keys in reverse order, with
 * InvMixColumns applied to all but the first and last, so decryption rounds use TD0..3 directly.
 */
export function expandDecryptionKey(key: Uint8Array, out?: Int32Array): Int32Array {
  const rounds = aesRounds(key.length)
  const enc = expandEncryptionKey(key)
  const dk = out ?? new Int32Array(enc.length)
  for (let r = 0; r <= rounds; r++) {
    for (let c = 0; c < 4; c++) {
      const w = enc[4 * (rounds - r) + c] as number
      dk[4 * r + c] =
        r === 0 || r === rounds
          ? w
          : (TD0[SBOX[w >>> 24] as number] as number) ^
            (TD1[SBOX[(w >>> 16) & 0xff] as number] as number) ^
            (TD2[SBOX[(w >>> 8) & 0xff] as number] as number) ^
            (TD3[SBOX[w & 0xff] as number] as number)
    }
  }
  return dk
}
