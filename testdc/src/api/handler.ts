// The shape every API handler shares: a typed function from one layer-227 request to its
// layer-227 result, given the call's environment (world, auth key, caller). No handlers here.
import type { tl } from '@mtswarm/engine/tl'
import type { CallContext, RandomSource, World, WorldUser } from '../world/index.js'
import type { ApiCall } from '../types.js'
import type { Viewer } from './convert.js'

/** Every API method of layer 227 (keys of the generated method → result map). */
export type ApiMethod = keyof tl.RpcResultMap
/** The request object of `M`. */
export type RequestOf<M extends ApiMethod> = Extract<tl.RpcMethod, { _: M }>

/** What a handler may use besides its request. */
export interface CallEnv {
  readonly call: ApiCall
  readonly world: World
  /** The auth key the request came on, as the world keys it. */
  readonly ctx: CallContext
  readonly random: RandomSource
  readonly options: ResolvedApiOptions
  /** The user bound to the key: AUTH_KEY_UNREGISTERED, USER_DEACTIVATED, USER_MIGRATE_X otherwise. */
  me(): WorldUser
  /** The caller as the TL converters see it (no user before login). */
  viewer(): Viewer
}

/** One method's handler. Throw a WorldError for an rpc_error. */
export type Handler<M extends ApiMethod> = (req: RequestOf<M>, env: CallEnv) => tl.RpcResultMap[M]

/** Handlers by method name; a method missing here goes to the server core's fallback. */
export type HandlerTable = { readonly [M in ApiMethod]?: Handler<M> }

/** createApiHandler's options with defaults applied. */
export interface ResolvedApiOptions {
  /** How messages.sendMessage answers in private chats. */
  readonly sentMessage: 'updates' | 'short'
}
