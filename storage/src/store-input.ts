// Argument checks shared by every SessionStore implementation: ids and record invariants that
// the schema alone cannot express. Failing them is a programmer error (TypeError/RangeError).
import type { AccountId, AuthKeyKind, AuthKeyRecord, DcId, PeerType } from './session-store.js'

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
