// MTProto 2.0 encrypted messages, both directions (client→server x=0, server→client x=8, so the
// test DC reuses it): framing, and every receive check as a typed error. Knows nothing of TL,
// containers or transports; bodies are opaque bytes. The crypto primitives live in crypto/.
// https://core.telegram.org/mtproto/description#schematic-presentation-of-messages
import {
  authKeyId as computeAuthKeyId,
  decryptMessagePayload,
  encryptMessagePayload,
  type MessageDirection,
} from '../crypto/index.js'
import { checkMsgIdTime, isClientMsgId, isServerMsgId } from './message-id.js'
import { DEFAULT_REPLAY_WINDOW_SIZE, ReplayWindow } from './replay-window.js'
import { err, ok, type Result } from './result.js'

export type { MessageDirection }

/** auth_key_id (8) + msg_key (16). */
export const OUTER_HEADER_BYTES = 24
/** salt (8) + session_id (8) + msg_id (8) + seq_no (4) + message_data_length (4). */
export const INNER_HEADER_BYTES = 32
/** MTProto 2.0 padding bounds. https://core.telegram.org/mtproto/description#defining-aes-key-and-initialization-vector */
export const MIN_PADDING_BYTES = 12
export const MAX_PADDING_BYTES = 1024
/** Random bytes `encryptMessage` may need for padding (12 + up to 15 to reach a 16-byte multiple). */
export const MAX_MIN_PADDING_BYTES = MIN_PADDING_BYTES + 15

/** An auth key with its id computed once. */
export interface EncryptionKey {
  /** 256 bytes. */
  readonly authKey: Uint8Array
  /** The 64 lower-order bits of SHA1(auth_key), as a TL long. */
  readonly authKeyId: bigint
}

/** Computes the auth_key_id once for a key. */
export function encryptionKeyOf(authKey: Uint8Array): EncryptionKey {
  if (authKey.length !== 256) throw new RangeError(`auth_key must be 256 bytes, got ${authKey.length}`)
  return { authKey, authKeyId: computeAuthKeyId(authKey) }
}

/** The plaintext fields of an encrypted message. */
export interface MessageFields {
  readonly salt: bigint
  readonly sessionId: bigint
  readonly msgId: bigint
  readonly seqNo: number
  /** TL-serialized body; its length is a multiple of 4. */
  readonly body: Uint8Array
}

/** Padding for a body of `bodyLength` bytes: at least 12, total a multiple of 16. */
export function paddingLength(bodyLength: number): number {
  const unpadded = INNER_HEADER_BYTES + bodyLength + MIN_PADDING_BYTES
  return MIN_PADDING_BYTES + ((16 - (unpadded % 16)) % 16)
}

/**
 * Frames and encrypts one message. `randomPadding` is either at least {@link MAX_MIN_PADDING_BYTES}
 * random bytes or a source of random bytes.
 */
export function encryptMessage(
  key: EncryptionKey,
  message: MessageFields,
  direction: MessageDirection,
  randomPadding: Uint8Array | ((n: number) => Uint8Array),
): Uint8Array {
  if (message.body.length % 4 !== 0) throw new RangeError(`body length ${message.body.length} is not a multiple of 4`)
  const padLength = paddingLength(message.body.length)
  const padding = typeof randomPadding === 'function' ? randomPadding(padLength) : randomPadding
  if (padding.length < padLength) throw new RangeError(`need ${padLength} random padding bytes, got ${padding.length}`)
  const plaintext = new Uint8Array(INNER_HEADER_BYTES + message.body.length + padLength)
  const view = new DataView(plaintext.buffer)
  view.setBigInt64(0, BigInt.asIntN(64, message.salt), true)
  view.setBigInt64(8, BigInt.asIntN(64, message.sessionId), true)
  view.setBigInt64(16, BigInt.asIntN(64, message.msgId), true)
  view.setInt32(24, message.seqNo, true)
  view.setInt32(28, message.body.length, true)
  plaintext.set(message.body, INNER_HEADER_BYTES)
  plaintext.set(padding.subarray(0, padLength), INNER_HEADER_BYTES + message.body.length)
  const { msgKey, ciphertext } = encryptMessagePayload(key.authKey, plaintext, direction)
  const out = new Uint8Array(OUTER_HEADER_BYTES + ciphertext.length)
  new DataView(out.buffer).setBigInt64(0, BigInt.asIntN(64, key.authKeyId), true)
  out.set(msgKey, 8)
  out.set(ciphertext, OUTER_HEADER_BYTES)
  return out
}

/** Why decryption (the stateless part of receiving) failed. */
export type DecryptError =
  | { readonly kind: 'too-short'; readonly expected: number; readonly received: number }
  | { readonly kind: 'auth-key-id-mismatch'; readonly expected: bigint; readonly received: bigint }
  /** https://core.telegram.org/mtproto/description#defining-aes-key-and-initialization-vector */
  | { readonly kind: 'bad-ciphertext-length'; readonly expected: 'a positive multiple of 16'; readonly received: number }
  /** https://core.telegram.org/mtproto/security_guidelines#checking-sha256-hash-value-of-msg-key */
  | { readonly kind: 'msg-key-mismatch'; readonly expected: Uint8Array; readonly received: Uint8Array }
  /** https://core.telegram.org/mtproto/security_guidelines#checking-message-length */
  | { readonly kind: 'bad-message-length'; readonly expected: string; readonly received: number }
  | { readonly kind: 'bad-padding-length'; readonly expected: '12..1024'; readonly received: number }

/**
 * Decrypts `packet` and checks what needs no session state: auth_key_id, the ciphertext length,
 * msg_key against the decrypted plaintext, message_data_length and the padding length.
 * NB: msg_key is checked before any plaintext field is looked at, as the security guidelines
 * require; the fields of a message that fails it are never exposed.
 */
export function decryptMessage(
  key: EncryptionKey,
  packet: Uint8Array,
  direction: MessageDirection,
): Result<MessageFields, DecryptError> {
  if (packet.length < OUTER_HEADER_BYTES) {
    return err({ kind: 'too-short', expected: OUTER_HEADER_BYTES, received: packet.length })
  }
  const outer = new DataView(packet.buffer, packet.byteOffset, packet.byteLength)
  const authKeyId = outer.getBigInt64(0, true)
  const expectedId = BigInt.asIntN(64, key.authKeyId)
  if (authKeyId !== expectedId) return err({ kind: 'auth-key-id-mismatch', expected: expectedId, received: authKeyId })
  const ciphertext = packet.subarray(OUTER_HEADER_BYTES)
  const decrypted = decryptMessagePayload(key.authKey, packet.subarray(8, OUTER_HEADER_BYTES), ciphertext, direction)
  if (!decrypted.ok) {
    const e = decrypted.error
    if (e.kind === 'msg-key-mismatch') return err({ kind: 'msg-key-mismatch', expected: e.expected, received: e.actual })
    return err({ kind: 'bad-ciphertext-length', expected: e.expected, received: e.actual })
  }
  const plaintext = decrypted.plaintext
  if (plaintext.length < INNER_HEADER_BYTES + MIN_PADDING_BYTES) {
    return err({ kind: 'bad-message-length', expected: 'a plaintext of at least 44 bytes', received: plaintext.length })
  }
  const view = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength)
  const length = view.getInt32(28, true)
  const room = plaintext.length - INNER_HEADER_BYTES
  if (length < 0 || length % 4 !== 0 || length > room) {
    return err({ kind: 'bad-message-length', expected: `a multiple of 4 in [0, ${room}]`, received: length })
  }
  const padding = room - length
  if (padding < MIN_PADDING_BYTES || padding > MAX_PADDING_BYTES) {
    return err({ kind: 'bad-padding-length', expected: '12..1024', received: padding })
  }
  return ok({
    salt: view.getBigInt64(0, true),
    sessionId: view.getBigInt64(8, true),
    msgId: view.getBigInt64(16, true),
    seqNo: view.getInt32(24, true),
    body: plaintext.slice(INNER_HEADER_BYTES, INNER_HEADER_BYTES + length),
  })
}

/** Why a decrypted message was refused by the session checks. */
export type SessionCheckError =
  /** https://core.telegram.org/mtproto/security_guidelines#checking-session-id */
  | { readonly kind: 'session-id-mismatch'; readonly expected: bigint; readonly received: bigint }
  /** https://core.telegram.org/mtproto/security_guidelines#checking-msg-id */
  | { readonly kind: 'msg-id-parity'; readonly expected: 'client' | 'server'; readonly received: bigint }
  | {
      readonly kind: 'msg-id-too-old' | 'msg-id-too-new'
      readonly msgId: bigint
      readonly msgIdMs: number
      readonly nowMs: number
      /**
       * The authenticated message itself: bad_server_salt and bad_msg_notification about a message
       * this side recently sent may still be acted on when the local clock is wrong
       * (https://core.telegram.org/mtproto/security_guidelines#checking-msg-id).
       */
      readonly message: MessageFields
    }
  | { readonly kind: 'msg-id-duplicate'; readonly msgId: bigint }
  | { readonly kind: 'msg-id-below-window'; readonly msgId: bigint; readonly floor: bigint }

/** Anything `MessageReceiver.receive` can refuse. */
export type ReceiveError = DecryptError | SessionCheckError

/**
 * The receiving end of one session: decrypts and runs every check from the security guidelines.
 * `receiver` is the side doing the decoding ('client' decodes server→client messages, x = 8, and
 * wants odd msg_ids; 'server' decodes x = 0 and wants msg_ids divisible by 4).
 * NB: a refused message changes no state (except that an authenticated message outside the time
 * window is still remembered as seen), so the receiver takes the next valid message as usual.
 */
export class MessageReceiver {
  readonly key: EncryptionKey
  readonly sessionId: bigint
  readonly receiver: 'client' | 'server'
  private readonly seen: ReplayWindow

  constructor(opts: {
    key: EncryptionKey
    sessionId: bigint
    receiver: 'client' | 'server'
    replayWindowSize?: number
  }) {
    this.key = opts.key
    this.sessionId = BigInt.asIntN(64, opts.sessionId)
    this.receiver = opts.receiver
    this.seen = new ReplayWindow(opts.replayWindowSize ?? DEFAULT_REPLAY_WINDOW_SIZE)
  }

  /**
   * Decrypts and checks one packet. `serverNowMs` is the local clock corrected by the time offset
   * (the server passes its own clock).
   */
  receive(packet: Uint8Array, serverNowMs: number): Result<MessageFields, ReceiveError> {
    const direction: MessageDirection = this.receiver === 'client' ? 'server-to-client' : 'client-to-server'
    const decrypted = decryptMessage(this.key, packet, direction)
    if (!decrypted.ok) return decrypted
    return this.check(decrypted.value, serverNowMs)
  }

  /**
   * Records the msg_id of a message found inside a container. Returns 'duplicate' (or
   * 'below-window') when it was processed before: a re-sent message may come back wrapped in a new
   * container under its old msg_id; it is to be acknowledged again but not processed twice.
   */
  acceptInner(msgId: bigint): 'new' | 'duplicate' | 'below-window' {
    const replay = this.seen.check(msgId)
    if (replay.kind !== 'ok') return replay.kind
    this.seen.add(msgId)
    return 'new'
  }

  /**
   * What this receiver knows of a msg_id (for msgs_state_info): older than it remembers, seen,
   * not seen inside the remembered range, or above every id seen.
   */
  seenState(msgId: bigint): 'below' | 'seen' | 'unseen' | 'above' {
    const replay = this.seen.check(msgId)
    if (replay.kind === 'below-window') return 'below'
    if (replay.kind === 'duplicate') return 'seen'
    const highest = this.seen.highest
    return highest === null || msgId > highest ? 'above' : 'unseen'
  }

  /** The session checks alone, for a message already decrypted with {@link decryptMessage}. */
  check(message: MessageFields, serverNowMs: number): Result<MessageFields, SessionCheckError> {
    const { sessionId, msgId } = message
    if (sessionId !== this.sessionId) return err({ kind: 'session-id-mismatch', expected: this.sessionId, received: sessionId })
    const sender = this.receiver === 'client' ? 'server' : 'client'
    const parityOk = sender === 'server' ? isServerMsgId(msgId) : isClientMsgId(msgId)
    if (!parityOk) return err({ kind: 'msg-id-parity', expected: sender, received: msgId })
    const replay = this.seen.check(msgId)
    if (replay.kind === 'duplicate') return err({ kind: 'msg-id-duplicate', msgId })
    if (replay.kind === 'below-window') return err({ kind: 'msg-id-below-window', msgId, floor: replay.floor })
    this.seen.add(msgId)
    const time = checkMsgIdTime(msgId, serverNowMs)
    if (time.kind !== 'ok') {
      return err({
        kind: time.kind === 'too-old' ? 'msg-id-too-old' : 'msg-id-too-new',
        msgId,
        msgIdMs: time.msgIdMs,
        nowMs: time.nowMs,
        message,
      })
    }
    return ok(message)
  }
}
