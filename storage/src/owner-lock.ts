// One engine per store: an exclusive OS lock on `<path>-owner`, held while the store is open, plus
// an in-process registry. LMDB itself would let two processes share the file, but two engines
// driving the same accounts would fight over sessions and updates. Knows nothing about LMDB.
//
// NB: the lock is an OS lock on an open file (Linux: fcntl F_OFD_SETLK, an open-file-description
// lock; macOS: flock; Windows: LockFileEx) through fs-native-extensions. The kernel drops it when
// the holder closes the file or dies, so there is no stale owner to judge and no takeover to race.
// The pid written into the file is for error messages only; nothing decides by it.
/// <reference path="./fs-native-extensions.d.ts" />
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { resolve } from 'node:path'
import fsx from 'fs-native-extensions'
import { StoreError } from './store-error.js'

const openInThisProcess = new Set<string>()
/** Files created here are private to the user (the owner file holds only a pid, but stays consistent). */
const PRIVATE_FILE_MODE = 0o600
/**
 * Attempts when the file we locked was unlinked by the previous owner between our open and our
 * lock: each retry is only needed after a real release, so a few are plenty.
 */
const MAX_RELOCK_ATTEMPTS = 16

/** A held lock; release() is idempotent. */
export interface OwnerLock {
  release(): void
}

/** The owner file of the store at `path`. */
export function ownerFileOf(path: string): string {
  return `${resolve(path)}-owner`
}

function describeOwner(file: string): string {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown; host?: unknown }
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') return `pid ${parsed.pid} on ${parsed.host}`
  } catch {
    // being written, or gone: say nothing about who
  }
  return 'another process'
}

/**
 * Take ownership of the store at `path`, without waiting.
 * @throws StoreError 'locked' if this process or another one holds it, 'io'.
 */
export function acquireOwnerLock(path: string): OwnerLock {
  const abs = resolve(path)
  if (openInThisProcess.has(abs)) throw new StoreError('locked', path, 'already open in this process')
  const file = ownerFileOf(path)
  let fd: number | undefined
  for (let attempt = 0; fd === undefined; attempt++) {
    if (attempt === MAX_RELOCK_ATTEMPTS) throw new StoreError('locked', path, `owner file ${file} keeps changing hands`)
    let candidate: number
    try {
      candidate = openSync(file, constants.O_RDWR | constants.O_CREAT, PRIVATE_FILE_MODE)
    } catch (e) {
      throw new StoreError('io', path, `cannot open ${file}: ${(e as Error).message}`, { cause: e })
    }
    let locked: boolean
    try {
      locked = fsx.tryLock(candidate)
    } catch (e) {
      closeSync(candidate)
      throw new StoreError('io', path, `cannot lock ${file}: ${(e as Error).message}`, { cause: e })
    }
    if (!locked) {
      closeSync(candidate)
      throw new StoreError('locked', path, `owned by ${describeOwner(file)} (${file})`)
    }
    // NB: a releasing owner unlinks the file while still holding the lock. If that happened after
    // our open, we now hold the lock of a file nobody else will ever look at: only a lock on the
    // file that is at the path right now means ownership. Check, else start over.
    if (sameFile(candidate, file)) fd = candidate
    else closeSync(candidate)
  }
  try {
    const body = Buffer.from(JSON.stringify({ pid: process.pid, host: hostname() }))
    ftruncateSync(fd, 0)
    writeSync(fd, body, 0, body.length, 0)
  } catch {
    // the pid is only for messages; the lock is what counts
  }
  openInThisProcess.add(abs)
  const held = fd
  let released = false
  return {
    release() {
      if (released) return
      released = true
      openInThisProcess.delete(abs)
      try {
        unlinkSync(file) // while still locked: see the NB above
      } catch {
        // already gone
      }
      closeSync(held) // drops the OS lock
    },
  }
}

function sameFile(fd: number, file: string): boolean {
  try {
    const held = fstatSync(fd)
    const now = statSync(file)
    return held.ino === now.ino && held.dev === now.dev
  } catch {
    return false // unlinked under us
  }
}
