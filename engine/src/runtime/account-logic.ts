// accountMachine wired to a runtime: its `dcConnection` children become proxies onto the
// runtime's connections (reports arrive over the connection report bus), its login steps become
// raw calls (auth.sendCode / signIn / checkPassword with SRP / signUp / export+importAuthorization)
// and its durable effects write the account record. Knows nothing of the public API's shape.
// https://core.telegram.org/api/auth · https://core.telegram.org/api/srp
import { finalize, Subject, takeUntil } from 'rxjs'
import { createActor, fromCallback, fromPromise, type AnyEventObject } from 'xstate'
import {
  accountMachine,
  type AccountInput,
  type CheckPasswordInput,
  type ImportAuthorizationInput,
  type SendCodeInput,
  type SendCodeOutput,
  type SignInInput,
  type SignInOutput,
  type SignUpInput,
  secret,
} from '@mtswarm/machines'
import type { AccountRecord } from '@mtswarm/storage'
import { srpClientProof } from '../crypto/index.js'
import type { tl } from '../tl/index.js'
import { connectionKey } from './dc-connection.js'
import { RpcError } from '../errors/index.js'
import type { Runtime } from './runtime.js'

/** auth.sendCode's api_hash (the test DC and the server do not check it against api_id here). */
export interface AccountLogicOptions {
  readonly apiHash: string
}

/**
 * The account machine's `dcConnection` child for `accountId`: opens (or reuses) the runtime's
 * connection to `input.dcId`, sends `dc.ready`/`dc.down` back to the account, closes the
 * connection when the child stops.
 */
export function accountConnectionLogic(rt: Runtime, fixedAccountId?: string) {
  return fromCallback<AnyEventObject, { dcId: number }>(({ input, system, sendBack, receive }) => {
    const accountId = fixedAccountId ?? accountOfSystem(system)
    const stopped$ = new Subject<void>()
    let stopping = false
    const conn = rt.connection(accountId, input.dcId)
    // NB: the connection lives exactly as long as this subscription (finalize closes it).
    rt.reportBus
      .open(connectionKey(accountId, input.dcId))
      .pipe(
        finalize(() => rt.closeConnection(accountId, input.dcId)),
        takeUntil(stopped$),
      )
      .subscribe({
        next: (report) => sendBack(report),
        // The runtime closed the connection itself (stop, restart budget spent): tell the account.
        complete: () => {
          if (!stopping) sendBack({ type: 'dc.down', dcId: input.dcId, reason: 'connection closed by the runtime' })
        },
      })
    if (conn.ready) sendBack({ type: 'dc.ready', dcId: input.dcId })
    const stop = (): void => {
      stopping = true
      stopped$.next()
    }
    receive((event) => {
      if (event.type === 'connection.close') stop()
    })
    return stop
  })
}

/** Account actors made by {@link createAccountActor}: their actor system → account id. */
const accounts = new WeakMap<object, string>()

function accountOfSystem(system: unknown): string {
  const id = accounts.get(system as object)
  if (id === undefined) throw new Error('account connection child outside an account actor of this runtime')
  return id
}

/** accountLogic provided once per (runtime, apiHash): provide() costs milliseconds. */
const shared = new WeakMap<Runtime, Map<string, ReturnType<typeof accountLogic>>>()

/**
 * A (not yet started) account actor on `rt`: the machine is provided once per runtime and the
 * connection children find their account through the actor's system. Prefer this to
 * {@link accountLogic} when running many accounts.
 */
export function createAccountActor(rt: Runtime, input: AccountInput, options: AccountLogicOptions) {
  let byHash = shared.get(rt)
  if (byHash === undefined) {
    byHash = new Map()
    shared.set(rt, byHash)
  }
  let logic = byHash.get(options.apiHash)
  if (logic === undefined) {
    logic = accountLogic(rt, undefined, options)
    byHash.set(options.apiHash, logic)
  }
  const actor = createActor(logic, {
    input,
    id: `account:${input.accountId}`,
    ...(rt.options.clock === undefined ? {} : { clock: rt.options.clock }),
    ...(rt.options.inspect === undefined ? {} : { inspect: rt.options.inspect }),
  })
  // NB: bound before start: the connection children are spawned from inside this system.
  accounts.set(actor.system, input.accountId)
  return actor
}

/**
 * accountMachine provided with this runtime's connections and login steps. With `accountId`
 * the connection children are bound to it (one provide() per account); without, use
 * {@link createAccountActor}.
 */
export function accountLogic(rt: Runtime, accountId: string | undefined, options: AccountLogicOptions) {
  const { store, nowMs, random, client } = rt.options
  const surface = { migrate: 'surface' as const }
  return accountMachine.provide({
    actors: {
      dcConnection: accountConnectionLogic(rt, accountId) as never,
      // NB: boxed values are revealed only into the request; the hash goes back boxed.
      sendCode: fromPromise<SendCodeOutput, SendCodeInput>(async ({ input }) => {
        const sent = await rt.invoke(
          input.accountId,
          input.dcId,
          { _: 'auth.sendCode', phoneNumber: input.phone.reveal(), apiId: client.apiId, apiHash: options.apiHash, settings: { _: 'codeSettings' } },
          surface,
        )
        if (sent._ !== 'auth.sentCode') throw RpcError.from(-400, `UNEXPECTED_${sent._}`, 'auth.sendCode')
        return { phoneCodeHash: secret(sent.phoneCodeHash) }
      }),
      signIn: fromPromise<SignInOutput, SignInInput>(async ({ input }) => {
        const r = await rt.invoke(
          input.accountId,
          input.dcId,
          { _: 'auth.signIn', phoneNumber: input.phone.reveal(), phoneCodeHash: input.phoneCodeHash.reveal(), phoneCode: input.code.reveal() },
          surface,
        )
        return r._ === 'auth.authorization' ? { kind: 'authorized', userId: r.user.id } : { kind: 'signUpRequired' }
      }),
      checkPassword: fromPromise<{ userId: bigint }, CheckPasswordInput>(async ({ input }) => {
        const pw = await rt.invoke(input.accountId, input.dcId, { _: 'account.getPassword' })
        const algo = pw.currentAlgo
        if (algo?._ !== 'passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow' || pw.srpB === undefined || pw.srpId === undefined) {
          throw RpcError.from(-400, 'PASSWORD_ALGO_UNSUPPORTED', 'account.getPassword')
        }
        const proof = srpClientProof({ algo, srpB: pw.srpB, srpId: pw.srpId, password: input.password.reveal() }, random)
        if (!proof.ok) throw RpcError.from(-400, `SRP_${proof.error.kind.toUpperCase()}`, 'auth.checkPassword')
        const r = await rt.invoke(input.accountId, input.dcId, {
          _: 'auth.checkPassword',
          password: { _: 'inputCheckPasswordSRP', srpId: proof.value.srpId, A: proof.value.A, M1: proof.value.M1 },
        })
        return { userId: authorizedUserId(r) }
      }),
      signUp: fromPromise<{ userId: bigint }, SignUpInput>(async ({ input }) => {
        const r = await rt.invoke(input.accountId, input.dcId, {
          _: 'auth.signUp',
          phoneNumber: input.phone.reveal(),
          phoneCodeHash: input.phoneCodeHash.reveal(),
          firstName: input.firstName,
          lastName: input.lastName,
        })
        return { userId: authorizedUserId(r) }
      }),
      importAuthorization: fromPromise<{ userId: bigint }, ImportAuthorizationInput>(async ({ input }) => {
        const exported = await rt.invoke(input.accountId, input.fromDcId, { _: 'auth.exportAuthorization', dcId: input.toDcId })
        const r = await rt.invoke(input.accountId, input.toDcId, { _: 'auth.importAuthorization', id: exported.id, bytes: exported.bytes })
        return { userId: authorizedUserId(r) }
      }),
    },
    actions: {
      saveAuthorization: (_, p) => {
        const now = nowMs()
        const record: AccountRecord = { id: p.accountId, homeDcId: p.homeDcId, userId: p.userId, loginState: 'authorized', createdAtMs: now, updatedAtMs: now }
        store.putAccount(record).catch(() => {
          rt.stats.storeWriteErrors++
        })
      },
      dropAuthorization: (_, p) => {
        store
          .getAccount(p.accountId)
          .then((a) => (a === undefined ? undefined : store.putAccount({ ...a, userId: undefined, loginState: 'revoked', updatedAtMs: nowMs() })))
          .catch(() => {
            rt.stats.storeWriteErrors++
          })
      },
    },
  })
}

function authorizedUserId(r: tl.auth.TypeAuthorization): bigint {
  if (r._ !== 'auth.authorization') {
    throw RpcError.from(-400, 'SIGN_UP_REQUIRED', 'auth')
  }
  return r.user.id
}
