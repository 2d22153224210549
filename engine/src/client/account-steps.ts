// The account machine's effects: each login step is the RPCs it stands for (auth.sendCode,
// auth.signIn, SRP, auth.signUp, auth.importBotAuthorization, auth.logOut, export/import of an
// authorization), sent with 303s surfaced so the machine — not the runtime — moves the home DC.
// The machine sees ids and boxed values only; what the login helpers resolve with (auth.sentCode,
// the user, the password hint, the typed error) is kept here for them. Decides nothing.
// https://core.telegram.org/api/auth · https://core.telegram.org/api/srp · https://core.telegram.org/api/bots
import { fromPromise, type AnyActorRef } from 'xstate'
import {
  accountMachine,
  secret,
  type AccountEffects,
  type BotLoginInput,
  type CheckPasswordInput,
  type ImportAuthorizationInput,
  type LogOutInput,
  type SendCodeInput,
  type SendCodeOutput,
  type SignInInput,
  type SignInOutput,
  type SignUpInput,
} from '@mtswarm/machines'
import { srpClientProof } from '../crypto/index.js'
import { RpcError, UsageError, type MtSwarmError } from '../errors/index.js'
import type { tl } from '../tl/index.js'

/** How a login ended, for the engine's `login` event. */
export type LoginVia = 'code' | 'password' | 'signUp' | 'bot' | 'import'

/** What the steps of one account need from it. */
export interface StepPort {
  readonly apiId: number
  readonly apiHash: string
  /** One RPC on `dcId` with a 303 surfaced as MigrateError (never followed); rejects with MtSwarmErrors. */
  stepCall(request: tl.RpcMethod, dcId: number): Promise<unknown>
  /** What the login helpers resolve with. */
  readonly progress: LoginProgress
  /** A step logged the account in (the engine's `login` event). */
  loggedIn(user: tl.TypeUser, homeDcId: number, via: LoginVia): void
  /** The machine's durable effects. */
  onAuthorized(userId: bigint, homeDcId: number): void
  onRevoked(reason: string): void
  onLoggedOut(): void
  onImportLost(dcId: number): void
  /** Opens the connection to `dcId` as a child of `owner` (the account actor); true when already ready. */
  openDc(dcId: number, owner: AnyActorRef): boolean
  /** Closes the connections the account opened. */
  closeDcs(dcIds: readonly number[]): void
}

/**
 * The answers of the login in progress, kept out of the machine (they hold the phone_code_hash
 * and personal data): the helper that waits on the machine's state reads them here.
 */
export class LoginProgress {
  /** The error of the last failed step (what the helper rejects with). */
  error: MtSwarmError | null = null
  // NB: '#': auth.sentCode carries phone_code_hash; console.log prints TypeScript-private fields.
  #sentCode: tl.auth.RawSentCode | null = null
  user: tl.TypeUser | null = null
  passwordHint: string | undefined

  get sentCode(): tl.auth.RawSentCode | null {
    return this.#sentCode
  }

  set sentCode(v: tl.auth.RawSentCode | null) {
    this.#sentCode = v
  }

  /** A new login flow starts. */
  reset(): void {
    this.error = null
    this.#sentCode = null
    this.user = null
    this.passwordHint = undefined
  }
}

/** Runs one step's RPCs; its typed error is kept for the helper, and rethrown for the machine. */
async function step<T>(port: StepPort, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    port.progress.error = e as MtSwarmError
    throw e
  }
}

function fail(port: StepPort, e: MtSwarmError): never {
  port.progress.error = e
  throw e
}

/** auth.sendCode on the home DC. A PHONE_MIGRATE rejects: the machine moves and asks again there. */
async function sendCodeStep(port: StepPort, input: SendCodeInput): Promise<SendCodeOutput> {
  const sent = (await step(port, () =>
    port.stepCall(
      { _: 'auth.sendCode', phoneNumber: input.phone.reveal(), apiId: port.apiId, apiHash: port.apiHash, settings: { _: 'codeSettings' } },
      input.dcId,
    ),
  )) as tl.auth.TypeSentCode
  if (sent._ !== 'auth.sentCode') return fail(port, RpcError.from(400, `UNSUPPORTED_SENT_CODE_${sent._.toUpperCase().replace(/\W/g, '_')}`, 'auth.sendCode'))
  port.progress.sentCode = sent
  return { phoneCodeHash: secret(sent.phoneCodeHash) }
}

/** auth.signIn; an unknown phone is an output (sign up), 2FA an error the machine routes. */
async function signInStep(port: StepPort, input: SignInInput): Promise<SignInOutput> {
  const auth = (await step(port, () =>
    port.stepCall(
      { _: 'auth.signIn', phoneNumber: input.phone.reveal(), phoneCodeHash: input.phoneCodeHash.reveal(), phoneCode: input.code.reveal() },
      input.dcId,
    ),
  )) as tl.auth.TypeAuthorization
  if (auth._ === 'auth.authorizationSignUpRequired') return { kind: 'signUpRequired' }
  loggedIn(port, auth.user, input.dcId, 'code')
  return { kind: 'authorized', userId: auth.user.id }
}

/** SRP: account.getPassword → the proof computed here → auth.checkPassword. */
async function checkPasswordStep(port: StepPort, input: CheckPasswordInput, random: (n: number) => Uint8Array): Promise<{ userId: bigint }> {
  const pw = (await step(port, () => port.stepCall({ _: 'account.getPassword' }, input.dcId))) as tl.account.RawPassword
  port.progress.passwordHint = pw.hint
  const algo = pw.currentAlgo
  if (algo?._ !== 'passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow' || pw.srpB === undefined || pw.srpId === undefined) {
    return fail(port, RpcError.from(400, 'PASSWORD_ALGO_UNSUPPORTED', 'account.getPassword'))
  }
  const proof = srpClientProof(
    { algo: { salt1: algo.salt1, salt2: algo.salt2, g: algo.g, p: algo.p }, srpB: pw.srpB, srpId: pw.srpId, password: input.password.reveal() },
    random,
  )
  if (!proof.ok) return fail(port, RpcError.from(400, `SRP_${proof.error.kind.toUpperCase().replace(/-/g, '_')}`, 'auth.checkPassword'))
  const auth = (await step(port, () =>
    port.stepCall({ _: 'auth.checkPassword', password: { _: 'inputCheckPasswordSRP', srpId: proof.value.srpId, A: proof.value.A, M1: proof.value.M1 } }, input.dcId),
  )) as tl.auth.TypeAuthorization
  if (auth._ !== 'auth.authorization') return fail(port, RpcError.from(400, 'SIGN_UP_REQUIRED', 'auth.checkPassword'))
  loggedIn(port, auth.user, input.dcId, 'password')
  return { userId: auth.user.id }
}

/** auth.signUp for a phone with no account. */
async function signUpStep(port: StepPort, input: SignUpInput): Promise<{ userId: bigint }> {
  const auth = (await step(port, () =>
    port.stepCall(
      { _: 'auth.signUp', phoneNumber: input.phone.reveal(), phoneCodeHash: input.phoneCodeHash.reveal(), firstName: input.firstName, lastName: input.lastName },
      input.dcId,
    ),
  )) as tl.auth.TypeAuthorization
  if (auth._ !== 'auth.authorization') return fail(port, RpcError.from(400, 'SIGN_UP_FAILED', 'auth.signUp'))
  loggedIn(port, auth.user, input.dcId, 'signUp')
  return { userId: auth.user.id }
}

/** auth.importBotAuthorization on the home DC. A USER_MIGRATE rejects: the machine moves and sends it again there. */
async function botLoginStep(port: StepPort, input: BotLoginInput): Promise<{ userId: bigint }> {
  const auth = (await step(port, () =>
    port.stepCall({ _: 'auth.importBotAuthorization', flags: 0, apiId: port.apiId, apiHash: port.apiHash, botAuthToken: input.token.reveal() }, input.dcId),
  )) as tl.auth.TypeAuthorization
  if (auth._ !== 'auth.authorization') return fail(port, RpcError.from(400, 'BOT_SIGN_UP_REQUIRED', 'auth.importBotAuthorization'))
  loggedIn(port, auth.user, input.dcId, 'bot')
  return { userId: auth.user.id }
}

/** auth.logOut on the home DC. */
async function logOutStep(port: StepPort, input: LogOutInput): Promise<void> {
  await step(port, () => port.stepCall({ _: 'auth.logOut' }, input.dcId))
}

/**
 * auth.exportAuthorization on `fromDcId`, auth.importAuthorization on `toDcId`: the user (an
 * imported authorization that asks for a sign-up is refused).
 */
export async function transferAuthorization(call: (request: tl.RpcMethod, dcId: number) => Promise<unknown>, fromDcId: number, toDcId: number): Promise<tl.TypeUser> {
  const exported = (await call({ _: 'auth.exportAuthorization', dcId: toDcId }, fromDcId)) as tl.auth.RawExportedAuthorization
  const auth = (await call({ _: 'auth.importAuthorization', id: exported.id, bytes: exported.bytes }, toDcId)) as tl.auth.TypeAuthorization
  if (auth._ !== 'auth.authorization') throw RpcError.from(401, 'AUTH_IMPORT_SIGN_UP_REQUIRED', 'auth.importAuthorization')
  return auth.user
}

/** USER_MIGRATE of an authorized account: carry the authorization to the new home DC. */
async function importAuthorizationStep(port: StepPort, input: ImportAuthorizationInput): Promise<{ userId: bigint }> {
  const user = await step(port, () => transferAuthorization((r, dcId) => port.stepCall(r, dcId), input.fromDcId, input.toDcId))
  loggedIn(port, user, input.toDcId, 'import')
  return { userId: user.id }
}

function loggedIn(port: StepPort, user: tl.TypeUser, homeDcId: number, via: LoginVia): void {
  port.progress.user = user
  port.loggedIn(user, homeDcId, via)
}

/** The account machine provided with one engine's steps and durable effects. */
export type AccountLogic = ReturnType<typeof provideAccountLogic>

/**
 * accountMachine with its effects: every step finds its account's {@link StepPort} by id (one
 * provide() per engine: it costs milliseconds). An id with no port (the account was stopped)
 * fails the step with UsageError.
 */
export function provideAccountLogic(portOf: (accountId: string) => StepPort | undefined, random: (n: number) => Uint8Array) {
  const port = (accountId: string): StepPort => {
    const p = portOf(accountId)
    if (p === undefined) throw new UsageError('stopped', `account ${accountId} is not loaded`)
    return p
  }
  const effect = <K extends keyof AccountEffects>(fn: (p: StepPort, params: AccountEffects[K]) => void) =>
    (_: unknown, params: AccountEffects[K]) => {
      const p = portOf((params as { accountId: string }).accountId)
      if (p !== undefined) fn(p, params)
    }
  return accountMachine.provide({
    actors: {
      sendCode: fromPromise(({ input }: { input: SendCodeInput }) => sendCodeStep(port(input.accountId), input)),
      signIn: fromPromise(({ input }: { input: SignInInput }) => signInStep(port(input.accountId), input)),
      checkPassword: fromPromise(({ input }: { input: CheckPasswordInput }) => checkPasswordStep(port(input.accountId), input, random)),
      signUp: fromPromise(({ input }: { input: SignUpInput }) => signUpStep(port(input.accountId), input)),
      importAuthorization: fromPromise(({ input }: { input: ImportAuthorizationInput }) => importAuthorizationStep(port(input.accountId), input)),
      importBotAuthorization: fromPromise(({ input }: { input: BotLoginInput }) => botLoginStep(port(input.accountId), input)),
      logOut: fromPromise(({ input }: { input: LogOutInput }) => logOutStep(port(input.accountId), input)),
    },
    actions: {
      saveAuthorization: effect<'saveAuthorization'>((p, x) => p.onAuthorized(x.userId, x.homeDcId)),
      dropAuthorization: effect<'dropAuthorization'>((p, x) => p.onRevoked(x.reason)),
      forgetAuthorization: effect<'forgetAuthorization'>((p) => p.onLoggedOut()),
      forgetImportedDc: effect<'forgetImportedDc'>((p, x) => p.onImportLost(x.dcId)),
      // NB: a connection already up (opened before the account asked) reports nothing new: say so.
      openDc: ({ self }, x) => {
        if (portOf(x.accountId)?.openDc(x.dcId, self)) self.send({ type: 'dc.ready', dcId: x.dcId })
      },
      closeDcs: effect<'closeDcs'>((p, x) => p.closeDcs(x.dcIds)),
    },
  })
}
