// The SessionStore contract: what the engine persists per account and per DC, and the durability
// each write promises. Knows nothing about LMDB, msgpack or MTProto framing; implementations live
// in lmdb-store.ts and memory-store.ts and are checked by the one suite in session-store.contract.ts.

/** Application-chosen account id (e.g. the website's user id). 1..200 chars, no control chars. */
export type AccountId = string

/**
 * Telegram DC id as the engine addresses it. Production DCs are 1..5; the engine is free to give
 * test DCs or media-only endpoints their own numbers (e.g. 10000 + id), the store does not care.
 */
export type DcId = number

/**
 * Persisted login state of an account. Mirrors the account machine's durable states; transient
 * states (keying, migrating) are not stored: on restart they resume from the last durable one.
 */
export type LoginState = 'anonymous' | 'codeSent' | 'passwordNeeded' | 'authorized' | 'revoked'

/** One account (a user session the engine keeps alive). */
export interface AccountRecord {
  readonly id: AccountId
  /** The DC that holds this account's authorization (moves on PHONE/USER_MIGRATE_X). */
  readonly homeDcId: DcId
  /** Telegram user id once authorized (TL `long`). */
  readonly userId?: bigint
  /** Phone number in international format without '+', if known. */
  readonly phone?: string
  readonly loginState: LoginState
  /** `phone_code_hash` from auth.sendCode while `loginState` is 'codeSent'. */
  readonly phoneCodeHash?: string
  readonly createdAtMs: number
  readonly updatedAtMs: number
}

/**
 * 'perm' is the permanent key made by the handshake; 'temp' is a PFS key bound to it with
 * auth.bindTempAuthKey (https://core.telegram.org/api/pfs). Both may exist for one (account, DC).
 */
export type AuthKeyKind = 'perm' | 'temp'

/** An MTProto auth key for one (account, DC, kind). */
export interface AuthKeyRecord {
  readonly accountId: AccountId
  readonly dcId: DcId
  readonly kind: AuthKeyKind
  /** The 2048-bit key, exactly 256 bytes. */
  readonly key: Uint8Array
  /** auth_key_id: the lower 64 bits of SHA1(key), as the signed TL `long` read little-endian. */
  readonly keyId: bigint
  readonly createdAtMs: number
  /** Temp keys only: when the server forgets it (expires_at of p_q_inner_data_temp_dc). */
  readonly expiresAtMs?: number
}

/** A salt with its validity window, as in `future_salt` (unix seconds). */
export interface ServerSalt {
  readonly salt: bigint
  readonly validSinceSec: number
  readonly validUntilSec: number
}

/**
 * Server salts for one (account, DC): the salt in use plus what get_future_salts returned
 * (https://core.telegram.org/mtproto/service_messages#request-for-several-future-salts).
 */
export interface ServerSaltsRecord {
  readonly accountId: AccountId
  readonly dcId: DcId
  readonly current: bigint
  readonly future: readonly ServerSalt[]
  readonly updatedAtMs: number
}

/**
 * What survives a restart of an MTProto session for one (account, DC).
 *
 * Decision: sessions are NOT resumed across restarts. After a restart the engine starts a new
 * session (fresh random session_id, seqno 0). Resuming would need msg_id and seqno to continue
 * strictly upward, and a crash between sending and persisting breaks that (bad_msg_notification
 * 32/33, https://core.telegram.org/mtproto/service_messages_about_messages). So seqno and the
 * last msg_id are deliberately not stored. What is kept:
 * - `sessionId` of the previous session, so the engine may `destroy_session` it on the server;
 * - `serverTimeOffsetMs`, so the first msg_id after restart is already close to server time.
 */
export interface SessionRecord {
  readonly accountId: AccountId
  readonly dcId: DcId
  /** The previous session's id (TL `long`). */
  readonly sessionId: bigint
  /** Server time minus local time, in ms. */
  readonly serverTimeOffsetMs: number
  readonly updatedAtMs: number
}

/**
 * Bits of `flags` in a DC option, same positions as TL `dcOption`:
 * `dcOption#18b7a10d flags:# ipv6:flags.0?true media_only:flags.1?true tcpo_only:flags.2?true
 *  cdn:flags.3?true static:flags.4?true this_port_only:flags.5?true id:int ip_address:string
 *  port:int secret:flags.10?bytes = DcOption;`
 */
export const DC_OPTION_FLAGS = {
  ipv6: 1 << 0,
  mediaOnly: 1 << 1,
  tcpoOnly: 1 << 2,
  cdn: 1 << 3,
  static: 1 << 4,
  thisPortOnly: 1 << 5,
} as const

/** One address of a DC. */
export interface DcOption {
  readonly host: string
  readonly port: number
  /** Bit set of {@link DC_OPTION_FLAGS}. */
  readonly flags: number
  /** MTProxy-style secret for obfuscated transports, if the option carries one. */
  readonly secret?: Uint8Array
}

/** All known addresses of one DC (global: DC options are the same for every account). */
export interface DcOptionsRecord {
  readonly dcId: DcId
  readonly options: readonly DcOption[]
  readonly updatedAtMs: number
}

export type PeerType = 'user' | 'chat' | 'channel'

/**
 * A peer an account has seen, with what is needed to build an InputPeer. Keyed per account by
 * (type, id): user and channel ids come from different spaces and may collide.
 */
export interface PeerRecord {
  readonly type: PeerType
  /** Bare TL id (not a "marked" -100… id). */
  readonly id: bigint
  /** access_hash as seen by this account; 0n for basic chats, which have none. */
  readonly accessHash: bigint
  /** Stored as given; {@link SessionStore.findPeerByUsername} matches it lower-cased. */
  readonly username?: string
  /** Digits only (no '+', no spaces), as `user.phone` carries it. */
  readonly phone?: string
  /**
   * Seen only as a `min` constructor (https://core.telegram.org/api/min): its access hash is not
   * the account's own. {@link SessionStore.putPeers} never lets such a record replace the access
   * hash of a full one.
   */
  readonly min?: boolean
  readonly updatedAtMs: number
}

/** Common update state of an account (https://core.telegram.org/api/updates). */
export interface UpdateStateRecord {
  readonly accountId: AccountId
  readonly pts: number
  readonly qts: number
  /** Unix seconds, as in updates.state. */
  readonly date: number
  readonly seq: number
  readonly updatedAtMs: number
}

/** pts of one channel an account follows (https://core.telegram.org/api/updates). */
export interface ChannelPtsRecord {
  readonly accountId: AccountId
  /** Bare TL channel id (not a "marked" -100… id). */
  readonly channelId: bigint
  readonly pts: number
  readonly updatedAtMs: number
}

/** Longest accepted dead-letter id, in UTF-16 code units. */
export const MAX_DEAD_LETTER_ID_LENGTH = 200
/** Largest accepted dead-letter payload (the serialized update), in bytes. */
export const MAX_DEAD_LETTER_PAYLOAD_BYTES = 1024 * 1024
/** Longest accepted dead-letter error text, in UTF-16 code units (the engine truncates to it). */
export const MAX_DEAD_LETTER_ERROR_LENGTH = 2000

/** An update whose handlers kept failing: parked so it is never silently lost. */
export interface DeadLetterRecord {
  readonly accountId: AccountId
  /** The update's stable id (1..200 chars, no control chars), unique per account. */
  readonly id: string
  /** The update as the engine serialized it (TL bytes), at most 1 MiB. */
  readonly payload: Uint8Array
  /** Why the last attempt failed (at most 2,000 chars; the engine truncates it). */
  readonly error: string
  readonly attempts: number
  readonly parkedAtMs: number
}

/** One atomic commit of update positions (and the dead letters they pass). */
export interface UpdatesCommit {
  readonly common?: UpdateStateRecord
  readonly channels?: readonly ChannelPtsRecord[]
  /** Parked in the same transaction as the positions that move past them. */
  readonly deadLetters?: readonly DeadLetterRecord[]
}

/** Everything the engine needs to bring one account back after a restart. */
export interface AccountState {
  readonly account: AccountRecord
  readonly authKeys: readonly AuthKeyRecord[]
  readonly serverSalts: readonly ServerSaltsRecord[]
  readonly sessions: readonly SessionRecord[]
  readonly updateState?: UpdateStateRecord
}

/**
 * Persistent state of every account the engine runs.
 *
 * Durability: methods marked **durable** resolve only once the write is on disk (survives a
 * process crash and an OS crash / power loss). Methods marked **committed** resolve once the
 * write is visible to every reader and survives a process crash; an OS crash may lose the last
 * few such writes. Only state that can be rebuilt from the server is committed-only.
 *
 * All methods reject with {@link StoreError} (kind 'closed') after {@link SessionStore.close}.
 * Records returned are copies: mutating them does not change the store. Invalid ids or
 * malformed records are programmer errors and reject with TypeError/RangeError.
 */
export interface SessionStore {
  /** One account, or undefined. */
  getAccount(accountId: AccountId): Promise<AccountRecord | undefined>
  /** Insert or replace an account. **Durable** (login state must not go back in time). */
  putAccount(account: AccountRecord): Promise<void>
  /** Every account, ordered by id. For a restart of many accounts; see also loadAccountState. */
  listAccounts(): Promise<AccountRecord[]>
  /**
   * Remove an account and everything stored for it (auth keys, salts, sessions, peers and their
   * username/phone index, update state, channel pts, dead letters) in one transaction. **Durable.** No-op for an unknown id.
   */
  deleteAccount(accountId: AccountId): Promise<void>
  /** Account plus its keys, salts, sessions and update state; undefined if no such account. */
  loadAccountState(accountId: AccountId): Promise<AccountState | undefined>

  /** The auth key of one (account, DC, kind); kind defaults to 'perm'. */
  getAuthKey(accountId: AccountId, dcId: DcId, kind?: AuthKeyKind): Promise<AuthKeyRecord | undefined>
  /**
   * Insert or replace an auth key. **Durable**: resolve before the key is first used, so a crash
   * never leaves a key the server knows and we lost.
   */
  putAuthKey(record: AuthKeyRecord): Promise<void>
  /** Forget an auth key (AUTH_KEY_UNREGISTERED, expired temp key). **Durable.** */
  deleteAuthKey(accountId: AccountId, dcId: DcId, kind: AuthKeyKind): Promise<void>

  getServerSalts(accountId: AccountId, dcId: DcId): Promise<ServerSaltsRecord | undefined>
  /** Insert or replace the salts of one (account, DC). **Committed.** */
  putServerSalts(record: ServerSaltsRecord): Promise<void>

  getSession(accountId: AccountId, dcId: DcId): Promise<SessionRecord | undefined>
  /** Insert or replace the session hint of one (account, DC). **Committed.** */
  putSession(record: SessionRecord): Promise<void>

  getDcOptions(dcId: DcId): Promise<DcOptionsRecord | undefined>
  /** Every DC's options, ordered by DC id. */
  listDcOptions(): Promise<DcOptionsRecord[]>
  /** Replace the options of one DC. **Committed.** */
  putDcOptions(record: DcOptionsRecord): Promise<void>

  getPeer(accountId: AccountId, type: PeerType, peerId: bigint): Promise<PeerRecord | undefined>
  /** Several peers at once; the result is aligned with `refs` (undefined where unknown). */
  getPeers(
    accountId: AccountId,
    refs: readonly { readonly type: PeerType; readonly id: bigint }[],
  ): Promise<(PeerRecord | undefined)[]>
  /**
   * Insert or update many peers in one transaction (the hot path: every update and every
   * dialog list carries users and chats), later ones of the batch over earlier ones. **Committed.**
   * A full (non-min) record replaces whatever is stored. A `min` record never replaces the access
   * hash of a stored full one: it may fill that record's missing username or phone, never change
   * or clear them, and the stored record stays full (see mergePeer).
   */
  putPeers(accountId: AccountId, peers: readonly PeerRecord[]): Promise<void>

  /**
   * The peer whose username is `username` (without '@'), matched case-insensitively: usernames
   * are stored as given and indexed lower-cased. When a peer's username changes (or moves to
   * another peer), the old index entry goes in the same transaction.
   */
  findPeerByUsername(accountId: AccountId, username: string): Promise<PeerRecord | undefined>
  /** The peer whose phone is `phone`: digits only (no '+', no spaces), else TypeError. */
  findPeerByPhone(accountId: AccountId, phone: string): Promise<PeerRecord | undefined>

  getUpdateState(accountId: AccountId): Promise<UpdateStateRecord | undefined>
  /**
   * Insert or replace the update state, **unconditionally**: this is the reset path (the state
   * from `updates.getState` after login, or a server that forgot the account), where going back
   * is legitimate. The delivery path uses {@link SessionStore.commitUpdates}, which never goes
   * back. **Committed** (a lost pts only re-fetches a difference).
   */
  putUpdateState(record: UpdateStateRecord): Promise<void>
  /** Every channel pts of the account, ordered by channel id. */
  listChannelPts(accountId: AccountId): Promise<ChannelPtsRecord[]>
  /**
   * Apply one {@link UpdatesCommit} in one transaction. **Committed** (survives a process crash;
   * an OS crash may lose the last commits, positions and dead letters together, so the updates
   * are fetched again, never lost). Positions never go backwards: each of pts, qts and seq of
   * `common` becomes the larger of the stored and the given value, and its `date` (and
   * `updatedAtMs`) follows the given record only if one of them moved forward, else the stored
   * record stays as it is; a channel pts ≤ the stored one leaves that channel as stored. Every
   * record's accountId must be `accountId` (TypeError).
   */
  commitUpdates(accountId: AccountId, commit: UpdatesCommit): Promise<void>
  /** The account's parked updates, ordered by parkedAtMs, then id. */
  listDeadLetters(accountId: AccountId): Promise<DeadLetterRecord[]>
  /** Remove one parked update (replayed, or given up on); true when it existed. **Durable.** */
  deleteDeadLetter(accountId: AccountId, id: string): Promise<boolean>

  /** Wait for pending writes, then release the store. Idempotent. */
  close(): Promise<void>
}
