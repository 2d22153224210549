// mtswarm's own session string: `mtswarm:1:` + base64url of a JSON record — the home DC and its
// address, the permanent auth key, the user id, the server salt and the update state when known —
// or of a JSON envelope holding that record sealed under a passphrase (seal.ts). JSON because the
// record is tiny and self-describing: a reader needs no schema to see what a string holds (apart
// from the key, which only its owner should read anyway). Knows nothing of the store.
import { UsageError } from '../errors/index.js'
import { seal, unseal } from './seal.js'
import { badSession, checkUpdateState, sessionData, type SessionData } from './session-data.js'

/** What every mtswarm session string starts with; the number is the format's version. */
export const MTSWARM_SESSION_PREFIX = 'mtswarm:1:'

const PLAIN_KEYS = new Set(['v', 'dc', 'authKey', 'userId', 'serverSalt', 'updateState'])
const INT64_TEXT = /^-?\d{1,19}$/

/** Writes a session string; sealed under `passphrase` when one is given. */
export async function writeMtswarmSession(s: SessionData, passphrase?: string): Promise<string> {
  const record = {
    v: 1,
    dc: { id: s.dcId, host: s.host, port: s.port },
    authKey: Buffer.from(s.authKey.reveal()).toString('base64url'),
    ...(s.userId === undefined ? {} : { userId: s.userId.toString() }),
    ...(s.serverSalt === undefined ? {} : { serverSalt: s.serverSalt.reveal().toString() }),
    ...(s.updateState === undefined ? {} : { updateState: s.updateState }),
  }
  const plain = Buffer.from(JSON.stringify(record), 'utf8')
  const body = passphrase === undefined ? plain : Buffer.from(JSON.stringify({ v: 1, sealed: await seal(plain, passphrase) }), 'utf8')
  return MTSWARM_SESSION_PREFIX + body.toString('base64url')
}

/**
 * Reads a session string written by {@link writeMtswarmSession}. A sealed one needs its
 * passphrase; a passphrase given for a plain one is refused too (the caller believed it sealed).
 */
export async function readMtswarmSession(text: string, passphrase: string | undefined): Promise<SessionData> {
  if (!text.startsWith(MTSWARM_SESSION_PREFIX)) {
    throw badSession(text.startsWith('mtswarm:') ? 'an mtswarm session of a version this engine cannot read' : 'not an mtswarm session string')
  }
  const body = text.slice(MTSWARM_SESSION_PREFIX.length)
  if (!/^[A-Za-z0-9_-]+$/.test(body)) throw badSession('an mtswarm session string is base64url after its prefix')
  let outer = parseJson(Buffer.from(body, 'base64url'))
  if (isObject(outer) && 'sealed' in outer) {
    if (Object.keys(outer).sort().join(',') !== 'sealed,v' || outer.v !== 1) throw badSession('a sealed mtswarm session holds exactly { v: 1, sealed }')
    if (passphrase === undefined) throw UsageError.badArgument('passphrase', 'this session is sealed: pass the passphrase it was exported with')
    outer = parseJson(await unseal(outer.sealed, passphrase))
  } else if (passphrase !== undefined) {
    throw UsageError.badArgument('passphrase', 'this session is not sealed (it was exported without a passphrase)')
  }
  return readRecord(outer)
}

function readRecord(v: unknown): SessionData {
  if (!isObject(v)) throw badSession('an mtswarm session record is a JSON object')
  for (const k of Object.keys(v)) if (!PLAIN_KEYS.has(k)) throw badSession(`an mtswarm session record has no field ${JSON.stringify(k.slice(0, 40))}`)
  if (v.v !== 1) throw badSession('an mtswarm session record of a version this engine cannot read')
  const dc = v.dc
  if (!isObject(dc) || Object.keys(dc).sort().join(',') !== 'host,id,port') throw badSession('dc must be { id, host, port }')
  if (typeof v.authKey !== 'string' || !/^[A-Za-z0-9_-]+$/.test(v.authKey)) throw badSession('authKey must be base64url')
  return sessionData({
    format: 'mtswarm',
    dcId: dc.id,
    host: dc.host,
    port: dc.port,
    authKey: Buffer.from(v.authKey, 'base64url'),
    ...(v.userId === undefined ? {} : { userId: int64('userId', v.userId) }),
    ...(v.serverSalt === undefined ? {} : { serverSalt: int64('serverSalt', v.serverSalt) }),
    ...(v.updateState === undefined ? {} : { updateState: checkUpdateState(v.updateState) }),
  })
}

function int64(name: string, v: unknown): bigint {
  if (typeof v !== 'string' || !INT64_TEXT.test(v)) throw badSession(`${name} must be a decimal 64-bit integer in a string`)
  return BigInt(v)
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'))
  } catch {
    throw badSession('an mtswarm session string does not decode to JSON')
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
