// Argument checks shared by every SessionStore implementation: ids and record invariants that
// the schema alone cannot express. Failing them is a programmer error (TypeError/RangeError).
import { MAX_DEAD_LETTER_ERROR_LENGTH, MAX_DEAD_LETTER_ID_LENGTH, MAX_DEAD_LETTER_PAYLOAD_BYTES } from './session-store.js'
import type { AccountId, AuthKeyKind, AuthKeyRecord, DcId, PeerRecord, PeerType, UpdatesCommit } from './session-store.js'

/** Longest accepted account id, in UTF-16 code units (keeps LMDB keys far below their limit). */
export const MAX_ACCOUNT_ID_LENGTH = 200
/** Size of an MTProto auth key (https://core.telegram.org/mtproto/auth_key). */
export const AUTH_KEY_BYTES = 256

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
// NB: ordered-binary (the LMDB key encoding) uses bytes below 0x20 as array separators, so an
// id containing them could sort into a neighbour's key range.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/

export function assertAccountId(accountId: AccountId): void {
  if (typeof accountId !== 'string' || accountId.length === 0 || accountId.length > MAX_ACCOUNT_ID_LENGTH) {
    throw new TypeError(`account id must be a string of 1..${MAX_ACCOUNT_ID_LENGTH} chars`)
  }
  if (CONTROL_CHARS.test(accountId)) throw new TypeError('account id must not contain control characters')
}

export function assertDcId(dcId: DcId): void {
  if (!Number.isInteger(dcId) || dcId < 1 || dcId > 0x7fffffff) {
    throw new RangeError(`DC id must be an integer in 1..2^31-1, got ${String(dcId)}`)
  }
}

export function assertAuthKeyKind(kind: AuthKeyKind): void {
  if (kind !== 'perm' && kind !== 'temp') throw new TypeError(`auth key kind must be perm|temp, got ${String(kind)}`)
}

export function assertPeerType(type: PeerType): void {
  if (type !== 'user' && type !== 'chat' && type !== 'channel') {
    throw new TypeError(`peer type must be user|chat|channel, got ${String(type)}`)
  }
}

export function assertPeerId(id: bigint): void {
  if (typeof id !== 'bigint' || id < INT64_MIN || id > INT64_MAX) {
    throw new RangeError('peer id must be a bigint in int64 range')
  }
}

export function assertAuthKey(record: AuthKeyRecord): void {
  assertAccountId(record.accountId)
  assertDcId(record.dcId)
  assertAuthKeyKind(record.kind)
  if (!(record.key instanceof Uint8Array) || record.key.length !== AUTH_KEY_BYTES) {
    throw new RangeError(`auth key must be ${AUTH_KEY_BYTES} bytes`)
  }
}

/** Byte order of UTF-8, the order LMDB keeps string keys in (JS `<` compares UTF-16 units). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** Longest accepted username in a query or record (Telegram's are 5..32; the bound keeps index keys small). */
export const MAX_USERNAME_LENGTH = 200
const PHONE_DIGITS = /^[0-9]{1,32}$/

/** A username as stored and queried: 1..200 chars, no '@', no control characters. */
export function assertUsername(username: string): void {
  if (typeof username !== 'string' || username.length === 0 || username.length > MAX_USERNAME_LENGTH) {
    throw new TypeError(`username must be a string of 1..${MAX_USERNAME_LENGTH} chars`)
  }
  if (CONTROL_CHARS.test(username) || username.startsWith('@')) {
    throw new TypeError('username must not start with @ nor contain control characters')
  }
}

/** A phone as stored and queried: digits only, no '+', no spaces. */
export function assertPhone(phone: string): void {
  if (typeof phone !== 'string' || !PHONE_DIGITS.test(phone)) {
    throw new TypeError('phone must be 1..32 digits, without + or spaces')
  }
}

/** The username and phone of a peer about to be indexed. */
export function assertPeerNames(peer: PeerRecord): void {
  if (typeof peer !== 'object' || peer === null) throw new TypeError('peer must be a PeerRecord')
  if (peer.username !== undefined) assertUsername(peer.username)
  if (peer.phone !== undefined) assertPhone(peer.phone)
}

/** A dead-letter id: 1..200 chars, no control characters (it is part of an LMDB key). */
export function assertDeadLetterId(id: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_DEAD_LETTER_ID_LENGTH) {
    throw new TypeError(`dead letter id must be a string of 1..${MAX_DEAD_LETTER_ID_LENGTH} chars`)
  }
  if (CONTROL_CHARS.test(id)) throw new TypeError('dead letter id must not contain control characters')
}

/** Every record of a commit belongs to `accountId`, and dead letters keep their bounds. */
export function assertUpdatesCommit(accountId: AccountId, commit: UpdatesCommit): void {
  if (typeof commit !== 'object' || commit === null) throw new TypeError('commit must be an UpdatesCommit object')
  const mine = (what: string, r: { readonly accountId: AccountId } | null | undefined): void => {
    if (typeof r !== 'object' || r === null || r.accountId !== accountId) {
      throw new TypeError(`${what} must be a record of account ${JSON.stringify(accountId)}`)
    }
  }
  if (commit.common !== undefined) mine('common', commit.common)
  for (const c of commit.channels ?? []) {
    mine('channel pts', c)
    assertPeerId(c.channelId)
  }
  for (const d of commit.deadLetters ?? []) {
    mine('dead letter', d)
    assertDeadLetterId(d.id)
    if (d.payload instanceof Uint8Array && d.payload.length > MAX_DEAD_LETTER_PAYLOAD_BYTES) {
      throw new RangeError(`dead letter payload is ${d.payload.length} bytes, at most ${MAX_DEAD_LETTER_PAYLOAD_BYTES}`)
    }
    if (typeof d.error === 'string' && d.error.length > MAX_DEAD_LETTER_ERROR_LENGTH) {
      throw new RangeError(`dead letter error is ${d.error.length} chars, at most ${MAX_DEAD_LETTER_ERROR_LENGTH}`)
    }
    if (Number.isSafeInteger(d.attempts) && d.attempts < 0) throw new RangeError('dead letter attempts must be ≥ 0')
  }
}
