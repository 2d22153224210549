// An authorized account's session as a string: what the store holds for its home DC (the
// permanent key, the current salt) and its update state, with the DC's address as this engine
// knows it. Reads only; the account decides when it may be exported.
import type { SessionStore } from '@mtswarm/storage'
import { secret } from '@mtswarm/machines'
import { UsageError } from '../errors/index.js'
import type { DcAddress } from '../client/options.js'
import { writeMtswarmSession } from './mtswarm-format.js'
import { checkPassphrase } from './read-session.js'
import type { SessionData } from './session-data.js'

/** Options of `account.exportSession`. */
export interface ExportSessionOptions {
  /** Seal the string under this passphrase (scrypt + AES-256-GCM); importing then needs it. */
  readonly passphrase?: string
}

/** What the export reads about the account. */
export interface ExportSource {
  readonly store: SessionStore
  readonly dcs: readonly DcAddress[]
  readonly accountId: string
  readonly homeDcId: number
  readonly userId: bigint
}

/** Writes the session string of an authorized account (see `account.exportSession`). */
export async function exportSessionString(src: ExportSource, options: ExportSessionOptions = {}): Promise<string> {
  if (typeof options !== 'object' || options === null) throw UsageError.badArgument('options', 'must be an object')
  for (const k of Object.keys(options)) if (k !== 'passphrase') throw UsageError.badArgument(k, 'unknown option of exportSession (known: passphrase)')
  const passphrase = checkPassphrase(options.passphrase)
  const { store, accountId, homeDcId } = src
  const dc = src.dcs.find((d) => d.id === homeDcId)
  if (dc === undefined) throw new UsageError('bad-config', `exportSession: no endpoint is configured for the home DC ${homeDcId}`)
  const [key, salts, updates] = await Promise.all([store.getAuthKey(accountId, homeDcId, 'perm'), store.getServerSalts(accountId, homeDcId), store.getUpdateState(accountId)])
  if (key === undefined) throw new UsageError('wrong-state', `exportSession: account ${accountId} has no auth key on its home DC ${homeDcId}`, 'authorized')
  const data: SessionData = {
    format: 'mtswarm',
    dcId: homeDcId,
    host: dc.host,
    port: dc.port,
    authKey: secret(key.key),
    userId: src.userId,
    ...(salts === undefined ? {} : { serverSalt: secret(salts.current) }),
    ...(updates === undefined ? {} : { updateState: { pts: updates.pts, qts: updates.qts, date: updates.date, seq: updates.seq } }),
  }
  return writeMtswarmSession(data, passphrase)
}
