// One entry for every session string the engine reads: mtswarm's own (sealed or not), GramJS's and
// Telethon's `StringSession`, mtcute's string session. Picks the reader by the string's shape;
// knows nothing of the store.
import { UsageError } from '../errors/index.js'
import { looksForeign, readForeignSession } from './foreign-formats.js'
import { looksMtcute, readMtcuteSession } from './mtcute-format.js'
import { readMtswarmSession } from './mtswarm-format.js'
import { badSession, MAX_SESSION_STRING_CHARS, type SessionData } from './session-data.js'

/** Options of {@link readSessionString}. */
export interface ReadSessionOptions {
  /** The passphrase a sealed mtswarm session was exported with. */
  readonly passphrase?: string
}

/**
 * Reads a session string (surrounding whitespace ignored) into {@link SessionData}, checking every
 * field. Throws UsageError 'bad-argument' with field 'session' (unreadable, unknown layout, a field
 * out of range) or 'passphrase' (missing for a sealed string, wrong, or given for one that is not
 * sealed). NB: no error message quotes the string: it holds the auth key.
 */
export async function readSessionString(text: string, options: ReadSessionOptions = {}): Promise<SessionData> {
  if (typeof text !== 'string') throw badSession(`a session is a string, got ${text === null ? 'null' : typeof text}`)
  const passphrase = checkPassphrase(options.passphrase)
  const s = text.trim()
  if (s.length === 0) throw badSession('the session string is empty')
  if (s.length > MAX_SESSION_STRING_CHARS) throw badSession(`a session string has at most ${MAX_SESSION_STRING_CHARS} characters, got ${s.length}`)
  if (s.startsWith('mtswarm:')) return readMtswarmSession(s, passphrase)
  if (looksForeign(s)) {
    if (passphrase !== undefined) throw UsageError.badArgument('passphrase', 'GramJS and Telethon string sessions are never sealed')
    return readForeignSession(s)
  }
  if (looksMtcute(s)) {
    if (passphrase !== undefined) throw UsageError.badArgument('passphrase', 'mtcute string sessions are never sealed')
    return readMtcuteSession(s)
  }
  throw badSession("not a session string this engine reads (mtswarm:1:…, a GramJS/Telethon StringSession starting with '1', an mtcute string session)")
}

/** A passphrase is a non-empty string (undefined: none). */
export function checkPassphrase(v: unknown): string | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'string' || v.length === 0) throw UsageError.badArgument('passphrase', 'must be a non-empty string')
  return v
}
