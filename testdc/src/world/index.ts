export { World } from './world.js'
export { testPhoneDcId, LOGIN_CODE_TTL_MS, LOGIN_CODE_LENGTH } from './logins.js'
export type { WorldOptions, PresetUserSpec, WorldStats, WorldSnapshot } from './world.js'
export type { SentCode, SignInResult, PasswordInfo, ExportedAuthorization, BindingVia } from './logins.js'
export { WorldError, isWorldError, worldErrors } from './errors.js'
export type { WorldErrorCode } from './errors.js'
export { MAX_MESSAGE_LENGTH, MAX_HISTORY_LIMIT } from './conversations.js'
export type { ChatInvite, InviteOptions, InviteCheck, SendResult, MembershipRecord, JoinVia, LeaveVia } from './conversations.js'
export { MAX_UPDATE_LOG_ENTRIES, DIFFERENCE_LIMIT, combineDeliveries } from './update-hub.js'
export type { Difference, ChannelDifference } from './update-hub.js'
export { normalizePhone, peerKey, FIRST_USER_ID, FIRST_CHAT_ID, FIRST_CHANNEL_ID } from './directory.js'
export {
  seededRandom,
  randomLong,
  randomNonZeroLong,
  randomBelow,
  randomDigits,
  randomHex,
  randomBase64Url,
} from './seeded-random.js'
export type { RandomSource } from './seeded-random.js'
export { engineSrpServer, TELEGRAM_SRP_P_HEX, TELEGRAM_SRP_G } from './srp.js'
export type { SrpParams, SrpRound, SrpServer } from './srp.js'
export { srpClientProof } from './srp-client.js'
export type * from './types.js'
