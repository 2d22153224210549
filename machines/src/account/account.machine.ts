// A user session: empty → keying → anonymous → loggingIn (code, 2FA, sign-up, bot token) →
// authorized → loggingOut, plus migrating (the home DC moves: PHONE_/USER_MIGRATE during a login,
// USER_MIGRATE of an authorized account) and revoked. Decides which DCs it uses: `openDc` makes
// the engine open one as this actor's child (a dcConnection machine whose dc.ready/dc.down reports
// come back here), `closeDcs` closes them when it stops. Each step is one engine-provided fromPromise actor (its RPCs, sent
// with 303s surfaced, never followed); the machine decides the flow.
// https://core.telegram.org/api/auth
import { and, assign, enqueueActions, fromPromise, setup } from 'xstate'
import { secret, type Secret } from '../secret/secret.js'
import { ACCOUNT_EVENT_DESCRIPTIONS as ev } from './account.events.js'
import type { AccountEvent } from './account.events.js'
import {
  IMPORT_RETRY_MS,
  MAX_ACCOUNT_MIGRATIONS,
  MAX_IMPORT_ATTEMPTS,
  errorMessageOf,
  homeMigrateDcId,
  initialAccountContext,
  isRevocation,
  routeLoginError,
} from './account.logic.js'
import type { AccountContext, AccountInput, RevocationReason } from './account.logic.js'

/**
 * Inputs and outputs of the engine-provided login steps (each one RPC on the home DC). Secrets and
 * the phone are boxed: these inputs and outputs reach `inspect` (actor input, done events).
 */
export interface SendCodeInput {
  accountId: string
  dcId: number
  phone: Secret<string>
}
export interface SendCodeOutput {
  phoneCodeHash: Secret<string>
}
export interface SignInInput {
  accountId: string
  dcId: number
  phone: Secret<string>
  phoneCodeHash: Secret<string>
  code: Secret<string>
}
export type SignInOutput = { kind: 'authorized'; userId: bigint } | { kind: 'signUpRequired' }
export interface CheckPasswordInput {
  accountId: string
  dcId: number
  password: Secret<string>
}
export interface SignUpInput {
  accountId: string
  dcId: number
  phone: Secret<string>
  phoneCodeHash: Secret<string>
  firstName: string
  lastName: string
}
export interface ImportAuthorizationInput {
  accountId: string
  fromDcId: number
  toDcId: number
}
export interface BotLoginInput {
  accountId: string
  dcId: number
  token: Secret<string>
}
export interface LogOutInput {
  accountId: string
  dcId: number
}

/** Effects the engine provides. */
export interface AccountEffects {
  /** Persist that this session is logged in as `userId` with home DC `homeDcId`. */
  saveAuthorization: { accountId: string; userId: bigint; homeDcId: number }
  /** Forget the login (keys stay; the server no longer accepts them as this user). */
  dropAuthorization: { accountId: string; reason: RevocationReason }
  /** The user logged out: forget the login, the account is anonymous (keys stay). */
  forgetAuthorization: { accountId: string }
  /** A non-home DC lost the authorization carried there: carry it again on its next use. */
  forgetImportedDc: { accountId: string; dcId: number }
  /**
   * Open (once) the connection to `dcId` as a child of this actor: a dcConnection machine that
   * reports dc.ready / dc.down to it (its parent). `authKeyId`: the key storage holds, if known.
   */
  openDc: { accountId: string; dcId: number; authKeyId: bigint | null }
  /** The account stopped: close every connection it opened. */
  closeDcs: { accountId: string; dcIds: number[] }
}

const notProvided = (name: string) => async (): Promise<never> => {
  throw new Error(`account actor '${name}' must be provided by the engine`)
}

type Ctx = { context: AccountContext }

/** Stands in for a missing boxed value; the step it reaches fails on the server (empty string). */
const EMPTY = secret('')

const loginFailed = (description: string) => ({
  target: '#account.anonymous',
  description,
  actions: assign<AccountContext, any, undefined, AccountEvent, any>({
    lastError: ({ event }) => errorMessageOf(event.error),
    phoneCodeHash: null,
    botToken: null,
  }),
})
const migrateOnError = {
  guard: ({ context, event }: { context: AccountContext; event: any }) =>
    routeLoginError(errorMessageOf(event.error)) === 'migrate' && context.migrations < MAX_ACCOUNT_MIGRATIONS,
  target: '#account.migrating',
  description: 'PHONE_/USER_/NETWORK_MIGRATE_X: the home DC is X; log in there',
  actions: assign<AccountContext, any, undefined, AccountEvent, any>({
    homeDcId: ({ context, event }) => homeMigrateDcId(errorMessageOf(event.error)) ?? context.homeDcId,
    migrations: ({ context }) => context.migrations + 1,
  }),
}
const routeIs =
  (route: ReturnType<typeof routeLoginError>) =>
  ({ event }: { event: any }) =>
    routeLoginError(errorMessageOf(event.error)) === route

const startPhoneLogin = {
  target: '#account.loggingIn',
  description: ev['login.start'],
  actions: assign<AccountContext, Extract<AccountEvent, { type: 'login.start' }>, undefined, AccountEvent, any>({
    phone: ({ event }) => event.phone,
    lastError: null,
  }),
}
const startBotLogin = {
  target: '#account.loggingIn.signingInBot',
  description: ev['login.bot'],
  actions: assign<AccountContext, Extract<AccountEvent, { type: 'login.bot' }>, undefined, AccountEvent, any>({
    botToken: ({ event }) => event.token,
    lastError: null,
  }),
}

/** One user session. Input {@link AccountInput}. */
export const accountMachine = setup({
  types: {
    context: {} as AccountContext,
    events: {} as AccountEvent,
    input: {} as AccountInput,
  },
  actors: {
    sendCode: fromPromise<SendCodeOutput, SendCodeInput>(notProvided('sendCode')),
    signIn: fromPromise<SignInOutput, SignInInput>(notProvided('signIn')),
    checkPassword: fromPromise<{ userId: bigint }, CheckPasswordInput>(notProvided('checkPassword')),
    signUp: fromPromise<{ userId: bigint }, SignUpInput>(notProvided('signUp')),
    importAuthorization: fromPromise<{ userId: bigint }, ImportAuthorizationInput>(notProvided('importAuthorization')),
    importBotAuthorization: fromPromise<{ userId: bigint }, BotLoginInput>(notProvided('importBotAuthorization')),
    logOut: fromPromise<void, LogOutInput>(notProvided('logOut')),
  },
  actions: {
    saveAuthorization: (_: unknown, _p: AccountEffects['saveAuthorization']) => {},
    dropAuthorization: (_: unknown, _p: AccountEffects['dropAuthorization']) => {},
    forgetAuthorization: (_: unknown, _p: AccountEffects['forgetAuthorization']) => {},
    forgetImportedDc: (_: unknown, _p: AccountEffects['forgetImportedDc']) => {},
    openDc: (_: unknown, _p: AccountEffects['openDc']) => {},
    closeDcs: (_: unknown, _p: AccountEffects['closeDcs']) => {},
    /** Open (once) the connection child for `dcId`. */
    // NB: typed loosely: xstate's enqueueActions typing rejects named actions with params inside setup().
    ensureDc: enqueueActions(({ context, enqueue }: { context: AccountContext; enqueue: any }, params: { dcId: number }) => {
      const { dcId } = params
      if (context.dcIds.includes(dcId)) return
      enqueue({ type: 'openDc', params: { accountId: context.accountId, dcId, authKeyId: context.authKeyIds[dcId] ?? null } })
      enqueue.assign({ dcIds: [...context.dcIds, dcId] })
    }) as unknown as (_: unknown, params: { dcId: number }) => void,
  },
  guards: {
    hasUser: ({ context }) => context.userId !== null,
    homeDcReady: ({ context, event }) => event.type === 'dc.ready' && event.dcId === context.homeDcId,
    /** The failed call ran on another DC (media, an imported authorization): not the home login. */
    fromOtherDc: ({ context, event }) => event.type === 'auth.error' && event.dcId !== context.homeDcId,
  },
  delays: {
    importRetry: IMPORT_RETRY_MS,
  },
}).createMachine({
  id: 'account',
  description: 'One Telegram user session and the DC connections it owns.',
  context: ({ input }) => initialAccountContext(input),
  initial: 'empty',
  on: {
    'account.stop': { target: '.stopped', description: ev['account.stop'] },
    'dc.needed': { description: ev['dc.needed'], actions: { type: 'ensureDc', params: ({ event }) => ({ dcId: event.dcId }) } },
    'dc.down': {
      description: 'note it; the connection reconnects by itself',
      actions: assign({ lastError: ({ event }) => `dc ${event.dcId} down: ${event.reason}` }),
    },
    'xstate.error.actor.*': {
      description:
        'a connection child crashed (a step\'s own error is taken by its state first): note it; the engine restarts the connection from storage',
      actions: assign({ lastError: ({ event }) => `connection crashed: ${errorMessageOf(event.error)}` }),
    },
  },
  states: {
    empty: {
      description: 'Created from storage (or new); nothing connected.',
      on: { 'account.start': { target: 'keying', description: ev['account.start'] } },
    },
    keying: {
      description: 'Connecting the home DC (with a handshake when no key is stored).',
      entry: { type: 'ensureDc', params: ({ context }: Ctx) => ({ dcId: context.homeDcId }) },
      on: {
        'dc.ready': [
          { guard: and(['homeDcReady', 'hasUser']), target: 'authorized', description: 'home DC up, session was logged in' },
          { guard: 'homeDcReady', target: 'anonymous', description: 'home DC up, not logged in' },
        ],
      },
    },
    anonymous: {
      description: 'Keyed but not logged in.',
      on: { 'login.start': startPhoneLogin, 'login.bot': startBotLogin },
    },
    loggingIn: {
      description: 'auth.sendCode → auth.signIn, with 2FA and sign-up branches.',
      initial: 'sendingCode',
      on: {
        'login.cancel': {
          target: 'anonymous',
          description: ev['login.cancel'],
          actions: assign({ phoneCodeHash: null, botToken: null }),
        },
      },
      states: {
        sendingCode: {
          description: 'auth.sendCode in flight.',
          invoke: {
            id: 'sendCode',
            src: 'sendCode',
            input: ({ context }: Ctx) => ({ accountId: context.accountId, dcId: context.homeDcId, phone: context.phone ?? EMPTY }),
            onDone: {
              target: 'codeSent',
              description: 'code sent; wait for the user to type it',
              actions: assign({ phoneCodeHash: ({ event }) => event.output.phoneCodeHash }),
            },
            onError: [migrateOnError, loginFailed('auth.sendCode failed')],
          },
        },
        codeSent: {
          description: 'Waiting for the login code.',
          on: { 'login.code': { target: 'checkingCode', description: ev['login.code'] } },
        },
        checkingCode: {
          description: 'auth.signIn in flight (the code is in the step input only).',
          invoke: {
            id: 'signIn',
            src: 'signIn',
            input: ({ context, event }: { context: AccountContext; event: AccountEvent }) => ({
              accountId: context.accountId,
              dcId: context.homeDcId,
              phone: context.phone ?? EMPTY,
              phoneCodeHash: context.phoneCodeHash ?? EMPTY,
              code: event.type === 'login.code' ? event.code : EMPTY,
            }),
            onDone: [
              {
                guard: ({ event }) => event.output.kind === 'authorized',
                target: '#account.authorized',
                description: 'signed in',
                actions: assign({
                  userId: ({ event }) => (event.output as Extract<SignInOutput, { kind: 'authorized' }>).userId,
                }),
              },
              { target: 'signUpNeeded', description: 'no account for this phone: sign up' },
            ],
            onError: [
              { guard: routeIs('passwordNeeded'), target: 'passwordNeeded', description: 'SESSION_PASSWORD_NEEDED: 2FA' },
              {
                guard: routeIs('retryCode'),
                target: 'codeSent',
                description: 'PHONE_CODE_INVALID: ask for the code again',
                actions: assign({ lastError: ({ event }) => errorMessageOf(event.error) }),
              },
              migrateOnError,
              loginFailed('auth.signIn failed'),
            ],
          },
        },
        passwordNeeded: {
          description: 'Waiting for the 2FA password.',
          on: { 'login.password': { target: 'checkingPassword', description: ev['login.password'] } },
        },
        checkingPassword: {
          description: 'auth.checkPassword (SRP) in flight; the password is in the step input only.',
          invoke: {
            id: 'checkPassword',
            src: 'checkPassword',
            input: ({ context, event }: { context: AccountContext; event: AccountEvent }) => ({
              accountId: context.accountId,
              dcId: context.homeDcId,
              password: event.type === 'login.password' ? event.password : EMPTY,
            }),
            onDone: {
              target: '#account.authorized',
              description: 'password accepted',
              actions: assign({ userId: ({ event }) => event.output.userId }),
            },
            onError: [
              {
                guard: routeIs('retryPassword'),
                target: 'passwordNeeded',
                description: 'PASSWORD_HASH_INVALID: ask again',
                actions: assign({ lastError: ({ event }) => errorMessageOf(event.error) }),
              },
              loginFailed('auth.checkPassword failed'),
            ],
          },
        },
        signUpNeeded: {
          description: 'The phone has no account; waiting for names.',
          on: { 'login.signUp': { target: 'signingUp', description: ev['login.signUp'] } },
        },
        signingUp: {
          description: 'auth.signUp in flight.',
          invoke: {
            id: 'signUp',
            src: 'signUp',
            input: ({ context, event }: { context: AccountContext; event: AccountEvent }) => ({
              accountId: context.accountId,
              dcId: context.homeDcId,
              phone: context.phone ?? EMPTY,
              phoneCodeHash: context.phoneCodeHash ?? EMPTY,
              firstName: event.type === 'login.signUp' ? event.firstName : '',
              lastName: event.type === 'login.signUp' ? event.lastName : '',
            }),
            onDone: {
              target: '#account.authorized',
              description: 'account created and signed in',
              actions: assign({ userId: ({ event }) => event.output.userId }),
            },
            onError: loginFailed('auth.signUp failed'),
          },
        },
        signingInBot: {
          description: 'auth.importBotAuthorization in flight (the token is boxed in context until the login ends).',
          invoke: {
            id: 'importBotAuthorization',
            src: 'importBotAuthorization',
            input: ({ context }: Ctx) => ({ accountId: context.accountId, dcId: context.homeDcId, token: context.botToken ?? EMPTY }),
            onDone: {
              target: '#account.authorized',
              description: 'the bot is logged in',
              actions: assign({ userId: ({ event }) => event.output.userId }),
            },
            onError: [migrateOnError, loginFailed('auth.importBotAuthorization failed')],
          },
        },
      },
    },
    authorized: {
      description: 'Logged in as userId on homeDcId.',
      entry: [
        {
          type: 'saveAuthorization',
          params: ({ context }: Ctx) => ({
            accountId: context.accountId,
            userId: context.userId ?? 0n,
            homeDcId: context.homeDcId,
          }),
        },
        assign({ phone: null, phoneCodeHash: null, botToken: null, migrations: 0, lastError: null }),
      ],
      on: {
        'account.logOut': { target: 'loggingOut', description: ev['account.logOut'] },
        'auth.error': [
          {
            guard: 'fromOtherDc',
            description:
              'an auth error on another DC (media, an imported authorization) ends only that copy: carry the authorization there again on its next use; the home login stands',
            actions: {
              type: 'forgetImportedDc',
              params: ({ context, event }: { context: AccountContext; event: AccountEvent }) => ({
                accountId: context.accountId,
                dcId: event.type === 'auth.error' ? event.dcId : context.homeDcId,
              }),
            },
          },
          {
            guard: ({ event }) => isRevocation(event.errorMessage),
            target: 'revoked',
            description: 'one of REVOCATION_ERRORS on the home DC: the login is gone',
            actions: assign({ revokedBy: ({ event }) => event.errorMessage as RevocationReason, userId: null }),
          },
          {
            guard: ({ context, event }) =>
              homeMigrateDcId(event.errorMessage) !== null && context.migrations < MAX_ACCOUNT_MIGRATIONS,
            target: 'migrating',
            description: 'USER_MIGRATE_X: move the home DC and carry the authorization over',
            actions: assign({
              previousHomeDcId: ({ context }) => context.homeDcId,
              importAttempts: 0,
              homeDcId: ({ context, event }) => homeMigrateDcId(event.errorMessage) ?? context.homeDcId,
              migrations: ({ context }) => context.migrations + 1,
            }),
          },
        ],
      },
    },
    loggingOut: {
      description: 'auth.logOut in flight on the home DC.',
      invoke: {
        id: 'logOut',
        src: 'logOut',
        input: ({ context }: Ctx) => ({ accountId: context.accountId, dcId: context.homeDcId }),
        onDone: {
          target: 'anonymous',
          description: 'logged out: forget the login; the keys stay',
          actions: [
            assign({ userId: null, lastError: null }),
            { type: 'forgetAuthorization', params: ({ context }: Ctx) => ({ accountId: context.accountId }) },
          ],
        },
        onError: [
          {
            guard: ({ event }) => isRevocation(errorMessageOf(event.error)),
            target: 'revoked',
            description: 'the server had already ended the login (AUTH_KEY_UNREGISTERED …): revoked',
            actions: assign({ revokedBy: ({ event }) => errorMessageOf(event.error) as RevocationReason, userId: null }),
          },
          {
            target: 'authorized',
            description: 'auth.logOut failed (a timeout, a 500): still logged in; the caller may try again',
          },
        ],
      },
    },
    migrating: {
      description: 'The home DC moved: connect it, then resume login or import the authorization.',
      initial: 'connecting',
      states: {
        connecting: {
          description: 'Connecting (and keying) the new home DC.',
          entry: { type: 'ensureDc', params: ({ context }: Ctx) => ({ dcId: context.homeDcId }) },
          on: {
            'dc.ready': [
              {
                guard: ({ context, event }) => event.dcId === context.homeDcId && context.userId !== null,
                target: 'importingAuthorization',
                description: 'logged in elsewhere: export/import the authorization',
              },
              {
                guard: ({ context, event }) => event.dcId === context.homeDcId && context.botToken !== null,
                target: '#account.loggingIn.signingInBot',
                description: 'was logging a bot in: send the token again on the new home DC',
              },
              {
                guard: 'homeDcReady',
                target: '#account.loggingIn',
                description: 'was logging in: send the code again on the new home DC',
              },
            ],
          },
        },
        importingAuthorization: {
          description: 'auth.exportAuthorization on the old DC, auth.importAuthorization on the new one.',
          invoke: {
            id: 'importAuthorization',
            src: 'importAuthorization',
            input: ({ context }: Ctx) => ({
              accountId: context.accountId,
              fromDcId: context.previousHomeDcId ?? context.dcIds[0] ?? context.homeDcId,
              toDcId: context.homeDcId,
            }),
            onDone: {
              target: '#account.authorized',
              description: 'authorization imported',
              actions: assign({ userId: ({ event }) => event.output.userId }),
            },
            onError: [
              {
                guard: ({ event }) => isRevocation(errorMessageOf(event.error)),
                target: '#account.revoked',
                description: 'the old DC says the login is gone (AUTH_KEY_UNREGISTERED …): revoked',
                actions: assign({ revokedBy: ({ event }) => errorMessageOf(event.error) as RevocationReason, userId: null }),
              },
              {
                guard: ({ context }) => context.importAttempts + 1 < MAX_IMPORT_ATTEMPTS,
                target: 'importRetry',
                description: 'export/import failed (a 500, a timeout …): try again after importRetry',
                actions: assign({
                  importAttempts: ({ context }) => context.importAttempts + 1,
                  lastError: ({ event }) => errorMessageOf(event.error),
                }),
              },
              {
                target: '#account.authorized',
                description:
                  'export/import kept failing: stay logged in on the old home DC (the next USER_MIGRATE tries again); never log out for it',
                actions: assign({ homeDcId: ({ context }) => context.previousHomeDcId ?? context.homeDcId }),
              },
            ],
          },
        },
        importRetry: {
          description: 'A failed export/import waits importRetry before the next try.',
          after: { importRetry: { target: 'importingAuthorization', description: 'try the export/import again' } },
        },
      },
    },
    revoked: {
      description: 'The server revoked the login (revokedBy); keys remain, the user must log in again.',
      entry: {
        type: 'dropAuthorization',
        params: ({ context }: Ctx) => ({
          accountId: context.accountId,
          reason: context.revokedBy ?? 'AUTH_KEY_UNREGISTERED',
        }),
      },
      on: { 'login.start': startPhoneLogin, 'login.bot': startBotLogin },
    },
    stopped: {
      type: 'final',
      description: 'Stopped by the owner; its connections are closed.',
      entry: { type: 'closeDcs', params: ({ context }: Ctx) => ({ accountId: context.accountId, dcIds: context.dcIds }) },
    },
  },
})
