// Session identifiers: a random 64-bit number chosen by the client. Knows nothing of where the
// randomness comes from; the caller passes the bytes.
// https://core.telegram.org/mtproto/description#session

/** Reads 8 random bytes as a (signed, little-endian, like TL `long`) session id. */
export function sessionIdFromRandom(random8: Uint8Array): bigint {
  if (random8.length < 8) throw new RangeError(`session id needs 8 random bytes, got ${random8.length}`)
  return new DataView(random8.buffer, random8.byteOffset, 8).getBigInt64(0, true)
}
