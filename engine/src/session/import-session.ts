// Writing a session read from a string into the store as an authorized account. Everything is
// checked before the account's id is touched: the string, the DC against the engine's endpoints,
// the id's owner, and — for GramJS and Telethon strings, which carry no user id — the key itself,
// asked `users.getUsers([inputUserSelf])` under a staging id no application can name. The account
// record is written last, so an interrupted import never leaves an account that looks authorized.
import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import type { SessionStore } from '@mtswarm/storage'
import { authKeyId } from '../crypto/index.js'
import { RpcError, TransportError, UsageError } from '../errors/index.js'
import type { DcAddress } from '../client/options.js'
import { readSessionString } from './read-session.js'
import { badSession, type SessionData } from './session-data.js'

/** Options of `engine.importSession`. */
export interface ImportSessionOptions {
  /** The passphrase a sealed mtswarm session was exported with. */
  readonly passphrase?: string
  /**
   * Replace an account the store already holds under this id (default false: refused). A loaded
   * account with this id is stopped first: its pending calls reject with UsageError 'stopped'.
   */
  readonly replace?: boolean
  /**
   * 'match' (default): the string's DC address must be the engine's endpoint for that DC id.
   * 'engine': connect to the engine's endpoint for the DC id whatever address the string names
   * (a DC has several addresses; GramJS and Telethon record the one they last used).
   */
  readonly address?: 'match' | 'engine'
}

/** What an import needs from its engine. */
export interface ImportTarget {
  readonly store: SessionStore
  readonly dcs: readonly DcAddress[]
  readonly nowMs: () => number
  /**
   * `users.getUsers([inputUserSelf])` on `dcId` with the key the store holds for `accountId`,
   * resolving with the first user of the answer; the connection is closed afterwards.
   */
  whoAmI(accountId: string, dcId: number): Promise<{ readonly _: string; readonly id?: bigint } | undefined>
  /** Stops and forgets the engine's loaded account `id`, if there is one. */
  unload(id: string): Promise<void>
}

const OPTION_NAMES = new Set(['passphrase', 'replace', 'address'])
/**
 * Staging ids start with U+0085 (a C1 control): the store accepts it, `engine.account()` refuses
 * it, so no application account can be one.
 */
const STAGING_PREFIX = '\u0085import:'

/**
 * Reads `text` and writes it as the authorized account `id` (auth key, salt and update state when
 * the string has them, then the account record). Throws UsageError: 'bad-argument' for the string
 * (field 'session'), its passphrase (field 'passphrase') or an option; 'wrong-state' when the id
 * exists and `replace` is not set. A key the server does not accept is a 'bad-argument' too.
 */
export async function importSessionInto(target: ImportTarget, id: string, text: string, options: ImportSessionOptions = {}): Promise<void> {
  const { replace, address } = checkOptions(options)
  const data = await readSessionString(text, options.passphrase === undefined ? {} : { passphrase: options.passphrase })
  checkEndpoint(target.dcs, data, address)
  const { store } = target
  await refuseExisting(store, id, replace)
  const userId = data.userId ?? (await userIdOf(target, data))
  // NB: checked again after the server call: the id may have been taken meanwhile.
  const existing = await refuseExisting(store, id, replace)
  if (existing) {
    await target.unload(id)
    await store.deleteAccount(id)
  }
  try {
    await write(target, id, data, userId)
  } catch (e) {
    await store.deleteAccount(id).catch(() => {})
    throw e
  }
}

function checkOptions(o: ImportSessionOptions): { replace: boolean; address: 'match' | 'engine' } {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw UsageError.badArgument('options', 'must be an object')
  for (const k of Object.keys(o)) if (!OPTION_NAMES.has(k)) throw UsageError.badArgument(k, `unknown option of importSession (known: ${[...OPTION_NAMES].join(', ')})`)
  const replace = o.replace ?? false
  if (typeof replace !== 'boolean') throw UsageError.badArgument('replace', 'must be a boolean')
  const address = o.address ?? 'match'
  if (address !== 'match' && address !== 'engine') throw UsageError.badArgument('address', "must be 'match' or 'engine'")
  return { replace, address }
}

function checkEndpoint(dcs: readonly DcAddress[], data: SessionData, address: 'match' | 'engine'): void {
  const dc = dcs.find((d) => d.id === data.dcId)
  if (dc === undefined) throw badSession(`the session's DC ${data.dcId} is not among the engine's dcs (${dcs.map((d) => d.id).join(', ')})`)
  if (address === 'match' && (dc.port !== data.port || !sameHost(dc.host, data.host))) {
    throw badSession(
      `the session's DC ${data.dcId} is at ${data.host}:${data.port}, the engine's at ${dc.host}:${dc.port}: ` + "pass { address: 'engine' } to use the engine's endpoint",
    )
  }
}

/** Host names compare case-blind, IP addresses by value (`::1` is `0:0:0:0:0:0:0:1`). */
function sameHost(a: string, b: string): boolean {
  const norm = (h: string): string => (isIP(h) === 6 ? new URL(`http://[${h}]/`).hostname : h.toLowerCase().replace(/\.$/, ''))
  return norm(a) === norm(b)
}

/** Refuses an existing id unless `replace`; true when there is one to replace. */
async function refuseExisting(store: SessionStore, id: string, replace: boolean): Promise<boolean> {
  const existing = await store.getAccount(id)
  if (existing !== undefined && !replace) {
    throw new UsageError('wrong-state', `importSession: the store already holds account ${JSON.stringify(id)}; pass { replace: true } to replace it`, existing.loginState)
  }
  return existing !== undefined
}

/** The user a foreign key is logged in as, asked of its DC under a staging id (deleted after). */
async function userIdOf(target: ImportTarget, data: SessionData): Promise<bigint> {
  const staging = STAGING_PREFIX + randomBytes(8).toString('hex')
  const key = data.authKey.reveal()
  try {
    await target.store.putAuthKey({ accountId: staging, dcId: data.dcId, kind: 'perm', key, keyId: authKeyId(key), createdAtMs: target.nowMs() })
    const me = await target.whoAmI(staging, data.dcId)
    if (me?._ !== 'user' || typeof me.id !== 'bigint') throw badSession(`DC ${data.dcId} knows no user for the ${data.format} session's auth key`)
    return me.id
  } catch (e) {
    if (e instanceof RpcError && e.code === 401) {
      throw badSession(`the ${data.format} session's auth key is not logged in on DC ${data.dcId} (${e.message})`)
    }
    // -404: the DC has no such key at all (https://core.telegram.org/mtproto/mtproto-transports#transport-errors).
    if (e instanceof TransportError && e.code === -404) throw badSession(`DC ${data.dcId} does not know the ${data.format} session's auth key (-404)`)
    throw e
  } finally {
    await target.store.deleteAccount(staging).catch(() => {})
  }
}

async function write(target: ImportTarget, id: string, data: SessionData, userId: bigint): Promise<void> {
  const { store } = target
  const now = target.nowMs()
  const key = data.authKey.reveal()
  await store.putAuthKey({ accountId: id, dcId: data.dcId, kind: 'perm', key, keyId: authKeyId(key), createdAtMs: now })
  if (data.serverSalt !== undefined) {
    await store.putServerSalts({ accountId: id, dcId: data.dcId, current: data.serverSalt.reveal(), future: [], updatedAtMs: now })
  }
  if (data.updateState !== undefined) await store.putUpdateState({ accountId: id, ...data.updateState, updatedAtMs: now })
  await store.putAccount({ id, homeDcId: data.dcId, userId, loginState: 'authorized', createdAtMs: now, updatedAtMs: now })
}
