// The test DC's state file: what a restarted test DC needs so clients keep their auth keys and
// logins (RSA key, every DC's auth keys, the world, an opaque slot for the caller), as msgpack
// behind a magic and a checksum, written atomically. Knows nothing of what the world's data means:
// test-dc.ts collects and applies it.
import { createHash } from 'node:crypto'
import { open, readFile, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Packr, addExtension } from 'msgpackr'
import type { AuthKeyRecord } from './server-context.js'
import type { WorldSnapshot } from './world/index.js'

/** First 8 bytes of every state file; then SHA-256 of the body (32 bytes), then the msgpack body. */
export const STATE_FILE_MAGIC = 'MTSWTDC1'
export const STATE_FILE_VERSION = 1
const HEADER_BYTES = 8 + 32

/** Everything a state file holds. */
export interface TestDcState {
  readonly version: typeof STATE_FILE_VERSION
  readonly savedAtMs: number
  /** PKCS#1 PEM: a restored DC keeps its fingerprint, so clients' configured public key matches. */
  readonly rsaPrivateKeyPem: string
  readonly seed: string
  /** How many times this state was saved; mixed into the world's random seed after a restore. */
  readonly generation: number
  readonly dcIds: readonly number[]
  /** Auth keys per DC (expired temporary keys are not saved). */
  readonly keys: ReadonlyArray<{ readonly dcId: number; readonly records: readonly AuthKeyRecord[] }>
  readonly world: WorldSnapshot
  /** The caller's own data (TestDcOptions.appState), undefined when none. */
  readonly app: unknown
}

/** A state file that cannot be used (corrupt, foreign, another version or another setup). It is never overwritten. */
export class TestDcStateError extends Error {
  override readonly name = 'TestDcStateError'
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`test DC state file ${path}: ${reason}; it was left untouched (delete it to start with an empty test DC)`)
  }
}

// NB: msgpackr writes Map as a msgpack map, which reads back as a plain object (or every object as
// a Map). Maps are therefore wrapped in PackedMap for the trip; Set, bigint, Uint8Array and shared
// references are native with structuredClone.
class PackedMap {
  constructor(readonly entries: unknown[]) {}
}
addExtension({ Class: PackedMap, type: 0x4d, write: (m: PackedMap) => m.entries, read: (e: unknown[][]) => new Map(e as Array<[unknown, unknown]>) })
const packr = new Packr({ structuredClone: true, useRecords: false, int64AsType: 'bigint', moreTypes: true })

/** Copies the graph with every Map replaced by a PackedMap, keeping shared objects shared. */
function wrapMaps(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value
  const done = seen.get(value)
  if (done !== undefined) return done
  if (value instanceof Map) {
    const out = new PackedMap([])
    seen.set(value, out)
    for (const [k, v] of value) out.entries.push([wrapMaps(k, seen), wrapMaps(v, seen)])
    return out
  }
  if (value instanceof Set) {
    const out = new Set<unknown>()
    seen.set(value, out)
    for (const v of value) out.add(wrapMaps(v, seen))
    return out
  }
  if (Array.isArray(value)) {
    const out: unknown[] = []
    seen.set(value, out)
    for (const v of value) out.push(wrapMaps(v, seen))
    return out
  }
  const out: Record<string, unknown> = {}
  seen.set(value, out)
  for (const [k, v] of Object.entries(value)) out[k] = wrapMaps(v, seen)
  return out
}

/** Serializes a state: magic, SHA-256 of the body, msgpack body. */
export function encodeState(state: TestDcState): Uint8Array {
  const body = packr.pack(wrapMaps(state, new Map()))
  const out = new Uint8Array(HEADER_BYTES + body.length)
  out.set(Buffer.from(STATE_FILE_MAGIC, 'latin1'), 0)
  out.set(createHash('sha256').update(body).digest(), 8)
  out.set(body, HEADER_BYTES)
  return out
}

/** Parses a state file's bytes; TestDcStateError naming `path` for anything but a state of this version. */
export function decodeState(bytes: Uint8Array, path: string): TestDcState {
  if (bytes.length < HEADER_BYTES || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== STATE_FILE_MAGIC) {
    throw new TestDcStateError(path, `not a test DC state file (expected the magic ${STATE_FILE_MAGIC})`)
  }
  const body = bytes.subarray(HEADER_BYTES)
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(8, HEADER_BYTES))) {
    throw new TestDcStateError(path, 'checksum mismatch (the file is corrupt or truncated)')
  }
  let state: unknown
  try {
    state = packr.unpack(body)
  } catch (e) {
    throw new TestDcStateError(path, `undecodable body (${(e as Error).message})`)
  }
  const s = state as Partial<TestDcState> | null
  if (typeof s !== 'object' || s === null || s.version !== STATE_FILE_VERSION) {
    throw new TestDcStateError(path, `version ${String(s?.version)}, expected ${STATE_FILE_VERSION}`)
  }
  if (
    typeof s.rsaPrivateKeyPem !== 'string' ||
    typeof s.seed !== 'string' ||
    typeof s.generation !== 'number' ||
    !Array.isArray(s.dcIds) ||
    !Array.isArray(s.keys) ||
    typeof s.world !== 'object' ||
    s.world === null
  ) {
    throw new TestDcStateError(path, 'missing or mistyped fields')
  }
  return s as TestDcState
}

/** Reads and decodes `path`; undefined when the file does not exist. */
export async function readStateFile(path: string): Promise<TestDcState | undefined> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new TestDcStateError(path, `unreadable (${(e as Error).message})`)
  }
  return decodeState(bytes, path)
}

/** Writes `state` to `path` atomically: `path.tmp`, fsync, rename, fsync of the directory. */
export async function writeStateFile(path: string, state: TestDcState): Promise<void> {
  const bytes = encodeState(state)
  const tmp = `${path}.tmp`
  const fh = await open(tmp, 'w', 0o600)
  try {
    await fh.writeFile(bytes)
    await fh.sync()
  } catch (e) {
    await fh.close()
    await unlink(tmp).catch(() => undefined)
    throw e
  }
  await fh.close()
  await rename(tmp, path)
  const dir = await open(dirname(path), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}
