// mtcute's string session (`client.exportSession()`, version 3), read into SessionData. Facts of
// its layout (from mtcute's docs and source, not its code): base64url of the byte 3, then TL
// values — flags:int (1: the user is known, 2: test mode (older strings), 4: a separate media DC),
// the primary DC as TL bytes, the media DC as TL bytes when flag 4, the user id as a long and
// is_bot as a Bool when flag 1, the auth key as TL bytes. A DC inside is [version 1|2, id,
// flags (1 ipv6, 2 media only, 4 test mode)], then ip:string, port:int.
import { TlError, TlReader } from '../tl/index.js'
import { badSession, sessionData, type SessionData } from './session-data.js'

/** The only string-session version mtcute writes today. */
const MTCUTE_VERSION = 3
const FLAG_SELF = 1
const FLAG_MEDIA_DC = 4

/** True when `text` looks like an mtcute string session: base64url whose first byte is its version. */
export function looksMtcute(text: string): boolean {
  // NB: 0x03 in the first six bits of base64 is 'A'; GramJS/Telethon strings start with '1'.
  return text.startsWith('A') && /^[A-Za-z0-9_-]+$/.test(text)
}

/** Reads an mtcute string session; UsageError 'bad-argument' (field 'session') when it does not parse. */
export function readMtcuteSession(text: string): SessionData {
  const buf = Buffer.from(text, 'base64url')
  if (buf[0] !== MTCUTE_VERSION) throw badSession(`an mtcute string session of version ${String(buf[0])} (this engine reads version ${MTCUTE_VERSION})`)
  try {
    const r = new TlReader(buf, 1)
    const flags = r.int32()
    const dc = readDcOption(r.bytes())
    if ((flags & FLAG_MEDIA_DC) !== 0) readDcOption(r.bytes())
    let userId: bigint | undefined
    if ((flags & FLAG_SELF) !== 0) {
      userId = r.int64()
      r.bool()
    }
    const authKey = r.bytes()
    if (r.pos !== r.end) throw badSession(`an mtcute string session has ${r.end - r.pos} bytes after its auth key`)
    return sessionData({ format: 'mtcute', dcId: dc.id, host: dc.host, port: dc.port, authKey, ...(userId === undefined ? {} : { userId }) })
  } catch (e) {
    if (e instanceof TlError) throw badSession(`an mtcute string session does not parse: ${e.message}`)
    throw e
  }
}

function readDcOption(bytes: Uint8Array): { id: number; host: string; port: number } {
  const r = new TlReader(bytes)
  const [version, id] = r.raw(3)
  if (version !== 1 && version !== 2) throw badSession(`an mtcute DC option of version ${String(version)}`)
  const host = r.string()
  const port = r.int32()
  return { id: id!, host, port }
}
