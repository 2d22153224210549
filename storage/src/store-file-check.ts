// Decides whether a path may be handed to LMDB, without ever letting LMDB touch a file it would
// crash on. NB: lmdb-js (3.5) segfaults on a text file and bus-errors on damaged pages, so the
// header is checked here by hand and the pages are first read by a throwaway child process.
// Knows the LMDB file header layout and nothing about our records.
import { spawn } from 'node:child_process'
import { openSync, readSync, closeSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { StoreError } from './store-error.js'

/** 0xBEEFC0DE, LMDB's MDB_MAGIC, stored little-endian on the platforms we run on. */
const MDB_MAGIC = 0xbeefc0de
/** Offset of mm_magic in lmdb-js's LMDB fork: its page header is 24 bytes (8 more than upstream). */
const LMDBJS_META_OFFSET = 24
/** Offset of mm_magic in upstream LMDB files (16-byte page header): another tool's format. */
const UPSTREAM_META_OFFSET = 16
/** mm_version of the lmdb-js data format this code was checked against. */
const LMDBJS_DATA_VERSION = 2
/** Page size sits in the free DB's md_pad, right after magic, version, address and map size. */
const PAGE_SIZE_OFFSET = LMDBJS_META_OFFSET + 24
const MIN_PAGE_SIZE = 512
const MAX_PAGE_SIZE = 65536
const PROBE_TIMEOUT_MS = 60_000

/** What is at the path before we open it. */
export type StoreFileState =
  /** Nothing (or an empty file, which is what an interrupted creation leaves). */
  | { readonly state: 'new' }
  /** An lmdb-js data file whose two meta pages look sane. */
  | { readonly state: 'lmdb' }

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length)
  const n = readSync(fd, buf, 0, length, offset)
  return buf.subarray(0, n)
}

function hasMagic(fd: number, offset: number): boolean {
  const b = readAt(fd, offset, 4)
  return b.length === 4 && b.readUInt32LE(0) === MDB_MAGIC
}

/**
 * Check the file header by hand. Never writes.
 * @throws StoreError 'foreign' (not an lmdb-js file, a directory), 'corrupt' (LMDB magic but
 *   damaged or truncated meta pages), 'version' (another LMDB data version), 'io'.
 */
export function checkStoreFile(path: string): StoreFileState {
  let size: number
  try {
    const st = statSync(path)
    if (st.isDirectory()) throw new StoreError('foreign', path, 'is a directory, expected a store file')
    if (!st.isFile()) throw new StoreError('foreign', path, 'is not a regular file')
    size = st.size
  } catch (e) {
    if (e instanceof StoreError) throw e
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'new' }
    throw new StoreError('io', path, `cannot stat: ${(e as Error).message}`, { cause: e })
  }
  if (size === 0) return { state: 'new' }
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (e) {
    throw new StoreError('io', path, `cannot read: ${(e as Error).message}`, { cause: e })
  }
  try {
    if (!hasMagic(fd, LMDBJS_META_OFFSET)) {
      if (hasMagic(fd, UPSTREAM_META_OFFSET)) {
        throw new StoreError('foreign', path, 'is an LMDB file of another tool (upstream page layout), not an mtswarm store')
      }
      throw new StoreError('foreign', path, 'is not an LMDB file (no LMDB magic in the first page)')
    }
    const version = readAt(fd, LMDBJS_META_OFFSET + 4, 4)
    if (version.length < 4 || version.readUInt32LE(0) !== LMDBJS_DATA_VERSION) {
      throw new StoreError('version', path, `LMDB data version ${version.length < 4 ? '?' : version.readUInt32LE(0)}, expected ${LMDBJS_DATA_VERSION}`)
    }
    const ps = readAt(fd, PAGE_SIZE_OFFSET, 4)
    const pageSize = ps.length === 4 ? ps.readUInt32LE(0) : 0
    if (pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE || (pageSize & (pageSize - 1)) !== 0) {
      throw new StoreError('corrupt', path, `first meta page has an impossible page size ${pageSize}`)
    }
    if (size < 2 * pageSize) throw new StoreError('corrupt', path, `truncated: ${size} bytes, less than two meta pages`)
    if (!hasMagic(fd, pageSize + LMDBJS_META_OFFSET)) {
      throw new StoreError('corrupt', path, 'second meta page is damaged')
    }
    return { state: 'lmdb' }
  } finally {
    closeSync(fd)
  }
}

/** How much of an existing file the probe reads: every key, or every key and value. */
export type ProbeDepth = 'keys' | 'full'

/** What the probe saw: the named databases (root keys). */
export interface ProbeResult {
  readonly names: readonly string[]
}

// Runs in a plain `node -e` child (CommonJS, no tsx). argv: lmdb entry, path, depth.
const PROBE_SOURCE = `
const [lmdbEntry, path, depth] = process.argv.slice(1)
const done = (o) => process.stdout.write(JSON.stringify(o), () => process.exit(0))
try {
  const { open } = require(lmdbEntry)
  const env = open({ path, noSubdir: true, readOnly: true, maxDbs: 64, cache: false })
  const names = []
  for (const k of env.getKeys()) names.push(String(k))
  for (const name of names) {
    if (!name.startsWith('mtswarm/')) continue
    const db = env.openDB({ name, encoding: 'binary', cache: false })
    if (depth === 'full') for (const e of db.getRange()) { if (!e.value) throw new Error('missing value') }
    else for (const k of db.getKeys()) { if (k === undefined) throw new Error('missing key') }
  }
  done({ ok: true, names })
} catch (e) {
  done({ ok: false, message: String(e && e.message), code: e && e.code })
}
`

let lmdbEntry: string | undefined
function lmdbEntryPath(): string {
  lmdbEntry ??= createRequire(import.meta.url).resolve('lmdb')
  return lmdbEntry
}

/**
 * Open the file read-only in a child process and read every page the store uses. A crash there
 * (SIGSEGV/SIGBUS on damaged pages) becomes a StoreError instead of taking the engine down.
 * @throws StoreError 'corrupt' (the probe crashed or LMDB reported damage), 'version', 'io'.
 */
export function probeStoreFile(path: string, depth: ProbeDepth): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', PROBE_SOURCE, lmdbEntryPath(), path, depth], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: PROBE_TIMEOUT_MS,
      env: { ...process.env, NODE_OPTIONS: '' },
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => err.push(d))
    child.on('error', (e) => reject(new StoreError('io', path, `cannot start the probe process: ${e.message}`, { cause: e })))
    child.on('close', (code, signal) => {
      if (signal !== null || code !== 0) {
        const why = signal !== null ? `was killed by ${signal}` : `exited with ${code}`
        const tail = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-1)[0] ?? ''
        reject(new StoreError('corrupt', path, `reading the file in a probe process failed: it ${why} ${tail}`.trim()))
        return
      }
      let parsed: { ok: boolean; names?: string[]; message?: string; code?: unknown }
      try {
        parsed = JSON.parse(Buffer.concat(out).toString('utf8')) as typeof parsed
      } catch (cause) {
        reject(new StoreError('corrupt', path, 'the probe process gave no answer', { cause }))
        return
      }
      if (!parsed.ok) {
        reject(classifyLmdbError(path, parsed.message ?? 'unknown error', parsed.code))
        return
      }
      resolve({ names: parsed.names ?? [] })
    })
  })
}

/** Map an LMDB failure (message and errno-like code) to a StoreError. */
export function classifyLmdbError(path: string, message: string, code?: unknown, cause?: unknown): StoreError {
  const text = `${message} ${String(code ?? '')}`
  const options = cause === undefined ? undefined : { cause }
  if (/VERSION_MISMATCH|-30794/.test(text)) return new StoreError('version', path, `LMDB: ${message}`, options)
  if (/MDB_INVALID|MDB_CORRUPTED|MDB_PANIC|MDB_PAGE_NOTFOUND|-3079[356]|-30797|-30793/.test(text)) {
    return new StoreError('corrupt', path, `LMDB: ${message}`, options)
  }
  return new StoreError('io', path, `LMDB: ${message}`, options)
}
