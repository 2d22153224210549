// Which RPC results carry secrets, and the boxing of those results while an rpcMachine actor holds
// them (its events, context and output reach `inspect`). The common path without an actor never
// comes here: no inspector sees it, and the hot path pays nothing.
import { Secret, secret, type RpcEvent, type RpcSettlement } from '@mtswarm/machines'

/**
 * Methods whose results are secret: auth.sentCode (phone_code_hash), auth.authorization
 * (future_auth_token, the user with the phone), account.password (SRP: srp_B, srp_id, salts),
 * auth.exportedAuthorization (bytes that log this user in on another DC), login tokens.
 * https://core.telegram.org/api/auth · https://core.telegram.org/api/srp
 */
export const SECRET_RESULT_METHODS: ReadonlySet<string> = new Set([
  'auth.sendCode',
  'auth.resendCode',
  'auth.signIn',
  'auth.signUp',
  'auth.checkPassword',
  'auth.recoverPassword',
  'auth.importAuthorization',
  'auth.importBotAuthorization',
  'auth.importWebTokenAuthorization',
  'auth.exportAuthorization',
  'auth.exportLoginToken',
  'auth.importLoginToken',
  'account.getPassword',
  'account.getPasswordSettings',
  'account.getTmpPassword',
])

/** The event as the call's actor should see it: a secret method's result arrives boxed. */
export function boxSecretResult(method: string, event: RpcEvent): RpcEvent {
  if (event.type !== 'rpc.resultReceived' || !SECRET_RESULT_METHODS.has(method)) return event
  return { ...event, result: secret(event.result) }
}

/** The settlement as the caller gets it: a boxed result is revealed (the caller asked for it). */
export function revealSettlement<S extends { ok: boolean }>(s: S): S {
  const r = s as unknown as RpcSettlement
  return r.ok && r.result instanceof Secret ? ({ ok: true, result: r.result.reveal() } as unknown as S) : s
}
