// Public surface of the test DC's API handlers (re-exports only).
export { createApiHandler, apiHandlers, type ApiHandlerOptions } from './api-handler.js'
export type { ApiMethod, CallEnv, Handler, HandlerTable, RequestOf } from './handler.js'
export { apiUpdatesHook, updatesFor, updateToTl, updatesFromDeliveries, captureDeliveries, differenceToTl } from './updates.js'
export type { UpdatesForOptions } from './updates.js'
export {
  userToTl,
  chatToTl,
  channelToTl,
  messageToTl,
  peerToTl,
  peersToTl,
  inputPeerToRef,
  inputUserToRef,
  inputChannelToRef,
  type Viewer,
} from './convert.js'
