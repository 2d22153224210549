// The world's typed failures: an HTTP-like code and the error message exactly as Telegram spells
// it (https://core.telegram.org/api/errors). Knows nothing about rpc_error or TL.

/** The error classes of https://core.telegram.org/api/errors. */
export type WorldErrorCode = 303 | 400 | 401 | 403 | 406 | 420 | 500

/**
 * An expected failure of a world operation. The handler layer turns it into
 * `rpc_error#2144ca19 error_code:int error_message:string = RpcError;` as is.
 */
export class WorldError extends Error {
  override readonly name = 'WorldError'
  constructor(
    readonly code: WorldErrorCode,
    override readonly message: string,
  ) {
    super(message)
  }
}

/** True for a WorldError with exactly this message. */
export function isWorldError(e: unknown, message?: string): e is WorldError {
  return e instanceof WorldError && (message === undefined || e.message === message)
}

const e = (code: WorldErrorCode, message: string) => () => new WorldError(code, message)

/** Factories for every error the world raises, so spellings live in one place. */
export const worldErrors = {
  // 303 SEE_OTHER: https://core.telegram.org/api/datacenter
  phoneMigrate: (dcId: number) => new WorldError(303, `PHONE_MIGRATE_${dcId}`),
  userMigrate: (dcId: number) => new WorldError(303, `USER_MIGRATE_${dcId}`),
  // 400 BAD_REQUEST
  phoneNumberInvalid: e(400, 'PHONE_NUMBER_INVALID'),
  phoneNumberOccupied: e(400, 'PHONE_NUMBER_OCCUPIED'),
  phoneNumberBanned: e(400, 'PHONE_NUMBER_BANNED'),
  phoneNumberUnoccupied: e(400, 'PHONE_NUMBER_UNOCCUPIED'),
  phoneNotOccupied: e(400, 'PHONE_NOT_OCCUPIED'),
  phoneCodeEmpty: e(400, 'PHONE_CODE_EMPTY'),
  phoneCodeInvalid: e(400, 'PHONE_CODE_INVALID'),
  phoneCodeExpired: e(400, 'PHONE_CODE_EXPIRED'),
  firstnameInvalid: e(400, 'FIRSTNAME_INVALID'),
  passwordHashInvalid: e(400, 'PASSWORD_HASH_INVALID'),
  srpIdInvalid: e(400, 'SRP_ID_INVALID'),
  accessTokenInvalid: e(400, 'ACCESS_TOKEN_INVALID'),
  authBytesInvalid: e(400, 'AUTH_BYTES_INVALID'),
  dcIdInvalid: e(400, 'DC_ID_INVALID'),
  usernameInvalid: e(400, 'USERNAME_INVALID'),
  usernameOccupied: e(400, 'USERNAME_OCCUPIED'),
  usernameNotOccupied: e(400, 'USERNAME_NOT_OCCUPIED'),
  peerIdInvalid: e(400, 'PEER_ID_INVALID'),
  userIdInvalid: e(400, 'USER_ID_INVALID'),
  chatIdInvalid: e(400, 'CHAT_ID_INVALID'),
  channelInvalid: e(400, 'CHANNEL_INVALID'),
  channelPrivate: e(406, 'CHANNEL_PRIVATE'),
  chatTitleEmpty: e(400, 'CHAT_TITLE_EMPTY'),
  usersTooFew: e(400, 'USERS_TOO_FEW'),
  userAlreadyParticipant: e(400, 'USER_ALREADY_PARTICIPANT'),
  userNotParticipant: e(400, 'USER_NOT_PARTICIPANT'),
  inviteHashEmpty: e(400, 'INVITE_HASH_EMPTY'),
  inviteHashInvalid: e(400, 'INVITE_HASH_INVALID'),
  inviteHashExpired: e(400, 'INVITE_HASH_EXPIRED'),
  messageEmpty: e(400, 'MESSAGE_EMPTY'),
  messageTooLong: e(400, 'MESSAGE_TOO_LONG'),
  botMethodInvalid: e(400, 'BOT_METHOD_INVALID'),
  // 401 UNAUTHORIZED
  authKeyUnregistered: e(401, 'AUTH_KEY_UNREGISTERED'),
  sessionPasswordNeeded: e(401, 'SESSION_PASSWORD_NEEDED'),
  userDeactivated: e(401, 'USER_DEACTIVATED'),
  // 403 FORBIDDEN
  chatAdminRequired: e(403, 'CHAT_ADMIN_REQUIRED'),
  chatWriteForbidden: e(403, 'CHAT_WRITE_FORBIDDEN'),
  // 420 FLOOD
  floodWait: (seconds: number) => new WorldError(420, `FLOOD_WAIT_${seconds}`),
  // 500 INTERNAL
  randomIdDuplicate: e(500, 'RANDOM_ID_DUPLICATE'),
} as const
