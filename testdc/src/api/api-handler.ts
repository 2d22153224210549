// The test DC's API: one `ApiHook` that routes each unwrapped layer-227 request to its handler
// (auth, users, messages, chats, updates, startup stubs) over the call's world, and hands every
// method it does not know to the server core's fallback (help.getConfig, INPUT_METHOD_INVALID).
// Knows nothing about sessions, wrappers, layers other than 227, or bytes.
import type { ApiHook } from '../types.js'
import { seededRandom, worldErrors, type RandomSource, type WorldUser } from '../world/index.js'
import { authHandlers } from './auth-handlers.js'
import { chatHandlers } from './chat-handlers.js'
import type { ApiMethod, CallEnv, HandlerTable, ResolvedApiOptions } from './handler.js'
import { messageHandlers } from './message-handlers.js'
import { peerHandlers } from './peer-handlers.js'
import { startupHandlers } from './startup-handlers.js'
import { updateHandlers } from './update-handlers.js'

/** Every handler this folder provides, by method. */
export const apiHandlers: HandlerTable = {
  ...authHandlers,
  ...peerHandlers,
  ...messageHandlers,
  ...chatHandlers,
  ...updateHandlers,
  ...startupHandlers,
}

/** Methods Telegram refuses to bots with BOT_METHOD_INVALID (https://core.telegram.org/api/bots). */
const USER_ONLY_METHODS: ReadonlySet<string> = new Set<ApiMethod>([
  'account.getPassword',
  'contacts.getContacts',
  'messages.getDialogs',
  'messages.getPinnedDialogs',
  'messages.getPeerDialogs',
  'messages.getHistory',
  'messages.createChat',
  'messages.checkChatInvite',
  'messages.importChatInvite',
  'channels.createChannel',
  'channels.joinChannel',
])

export interface ApiHandlerOptions {
  /** Bytes for what the world does not draw itself (new password salts); default a fixed seed. */
  readonly random?: RandomSource
  /**
   * messages.sendMessage's answer in private chats: `short` (default; updateShortSentMessage, as
   * Telegram answers) or `updates` (updateMessageID + updateNewMessage + users). Basic groups and
   * channels always answer `updates`.
   */
  readonly sentMessage?: ResolvedApiOptions['sentMessage']
  /** Handlers added or replaced on top of {@link apiHandlers} (tests, fault scenarios). */
  readonly handlers?: HandlerTable
}

/**
 * Builds the test DC's API hook. Each call runs against `call.world` as the auth key
 * (`call.dcId`, `call.authKeyId`); failures are the world's `WorldError`s (code + Telegram's
 * message), which the server core sends as rpc_error. Methods without a handler go to `fallback`.
 * NB: handlers answer in layer 227; re-encoding for older layers is the server core's job.
 */
export function createApiHandler(options: ApiHandlerOptions = {}): ApiHook {
  const table: HandlerTable = { ...apiHandlers, ...options.handlers }
  const random = options.random ?? seededRandom('mtswarm test DC api')
  const resolved: ResolvedApiOptions = { sentMessage: options.sentMessage ?? 'short' }
  return async (call, fallback) => {
    const handler = table[call.method as ApiMethod] as ((req: unknown, env: CallEnv) => unknown) | undefined
    if (handler === undefined) return fallback(call)
    const { world } = call
    const ctx = { dcId: call.dcId, authKeyId: call.authKeyId }
    let me: WorldUser | undefined
    const env: CallEnv = {
      call,
      world,
      ctx,
      random,
      options: resolved,
      me: () => (me ??= world.requireUser(ctx)),
      viewer: () => ({ world, userId: world.userIdOfKey(ctx) }),
    }
    if (USER_ONLY_METHODS.has(call.method) && world.userIdOfKey(ctx) !== undefined && env.me().bot) {
      throw worldErrors.botMethodInvalid()
    }
    return handler(call.request, env)
  }
}
