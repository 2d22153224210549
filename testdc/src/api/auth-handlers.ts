// Login: auth.* and account.getPassword, mapped onto the world's login rules (codes, PHONE_MIGRATE,
// 2FA over SRP, sign-up, bots, exported authorizations). https://core.telegram.org/api/auth
import type { tl } from '@mtswarm/engine/tl'
import { TELEGRAM_SRP_G, TELEGRAM_SRP_P_HEX, worldErrors, type WorldUser } from '../world/index.js'
import { userToTl } from './convert.js'
import type { CallEnv, HandlerTable } from './handler.js'

const SRP_P = new Uint8Array(Buffer.from(TELEGRAM_SRP_P_HEX, 'hex'))
/** Server part of a new password's salt1; the client appends 32 random bytes (https://core.telegram.org/api/srp). */
const NEW_SALT1_BYTES = 8
const NEW_SALT2_BYTES = 16
const SECURE_SALT_BYTES = 8
const SECURE_RANDOM_BYTES = 32

function authorization(user: WorldUser, env: CallEnv): tl.auth.RawAuthorization {
  return { _: 'auth.authorization', user: userToTl(user, { world: env.world, userId: user.id }) }
}

function sentCode(env: CallEnv, phone: string): tl.auth.RawSentCode {
  const sent = env.world.sendCode(env.ctx, phone)
  // NB: never auth.sentCodeSuccess: GramJS throws on it (test/docs/interop.md, mtcute quirk 13).
  return {
    _: 'auth.sentCode',
    type:
      sent.type === 'app'
        ? { _: 'auth.sentCodeTypeApp', length: sent.codeLength }
        : { _: 'auth.sentCodeTypeSms', length: sent.codeLength },
    phoneCodeHash: sent.phoneCodeHash,
  }
}

/** https://core.telegram.org/constructor/account.password */
function password(env: CallEnv): tl.account.RawPassword {
  const info = env.world.getPassword(env.ctx)
  const salt1Prefix = info.hasPassword ? info.params.salt1.slice(0, NEW_SALT1_BYTES) : env.random(NEW_SALT1_BYTES)
  const newAlgo: tl.RawPasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow = {
    _: 'passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow',
    salt1: salt1Prefix,
    salt2: env.random(NEW_SALT2_BYTES),
    g: TELEGRAM_SRP_G,
    p: SRP_P,
  }
  const common = {
    _: 'account.password' as const,
    newAlgo,
    newSecureAlgo: { _: 'securePasswordKdfAlgoPBKDF2HMACSHA512iter100000' as const, salt: env.random(SECURE_SALT_BYTES) },
    secureRandom: env.random(SECURE_RANDOM_BYTES),
  }
  if (!info.hasPassword) return common
  return {
    ...common,
    hasPassword: true,
    currentAlgo: {
      _: 'passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow',
      salt1: info.params.salt1,
      salt2: info.params.salt2,
      g: info.params.g,
      p: info.params.p,
    },
    srpB: info.srpB,
    srpId: info.srpId,
    hint: info.hint,
  }
}

export const authHandlers: HandlerTable = {
  'auth.sendCode': (req, env) => sentCode(env, req.phoneNumber),
  'auth.resendCode': (req, env) => sentCode(env, req.phoneNumber),
  'auth.cancelCode': () => true,
  'auth.signIn': (req, env) => {
    const res = env.world.signIn(env.ctx, req.phoneNumber, req.phoneCodeHash, req.phoneCode ?? '')
    return res.kind === 'authorized' ? authorization(res.user, env) : { _: 'auth.authorizationSignUpRequired' }
  },
  'auth.signUp': (req, env) =>
    authorization(
      env.world.signUp(env.ctx, req.phoneNumber, req.phoneCodeHash, req.firstName, req.lastName === '' ? undefined : req.lastName),
      env,
    ),
  'account.getPassword': (_req, env) => password(env),
  'auth.checkPassword': (req, env) => {
    if (req.password._ === 'inputCheckPasswordEmpty') throw worldErrors.passwordHashInvalid()
    const { srpId, A, M1 } = req.password
    return authorization(env.world.checkPassword(env.ctx, { srpId, A, M1 }), env)
  },
  'auth.importBotAuthorization': (req, env) => authorization(env.world.importBotAuthorization(env.ctx, req.botAuthToken), env),
  'auth.exportAuthorization': (req, env) => {
    const e = env.world.exportAuthorization(env.ctx, req.dcId)
    return { _: 'auth.exportedAuthorization', id: e.id, bytes: e.bytes }
  },
  'auth.importAuthorization': (req, env) => authorization(env.world.importAuthorization(env.ctx, req.id, req.bytes), env),
  'auth.logOut': (_req, env) => {
    env.world.logOut(env.ctx)
    return { _: 'auth.loggedOut' }
  },
}
