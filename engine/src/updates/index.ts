// Updates: TL → machine items, the per-account updates actor, at-least-once delivery, dead letters.
export { DEFAULT_DELIVERY, MAX_DEAD_LETTER_ERROR, type DeliveredUpdate, type DeliveryOptions, type UpdateHandler } from './delivery.js'
export { decodeDeadLetter, type DeadLetter } from './dead-letters.js'
export { chatOf, envelopeOf, isUpdates, itemOf, updateIdOf, widenShort, differenceOf, channelDifferenceOf, UPDATES_CONSTRUCTORS } from './normalize.js'
export { CHANNEL_DIFFERENCE_LIMIT } from './account-updates.js'
