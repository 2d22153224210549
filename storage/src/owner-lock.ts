// One engine per store: an owner file `<path>-owner` naming the live process that has the store
// open, plus an in-process registry. LMDB itself would let two processes share the file, but two
// engines driving the same accounts would fight over sessions and updates.
// Knows nothing about LMDB; a stale owner (dead pid on this host) is taken over.
import { randomUUID } from 'node:crypto'
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { StoreError } from './store-error.js'

const openInThisProcess = new Set<string>()

interface OwnerInfo {
  readonly pid: number
  readonly host: string
  readonly token: string
}

/** A held lock; release() is idempotent. */
export interface OwnerLock {
  release(): void
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readOwner(file: string): OwnerInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<OwnerInfo>
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') {
      return parsed as OwnerInfo
    }
  } catch {
    // unreadable or half-written: treated as stale below
  }
  return undefined
}

/**
 * Take ownership of the store at `path`.
 * @throws StoreError 'locked' if this process or another live one on this host holds it, 'io'.
 */
export function acquireOwnerLock(path: string): OwnerLock {
  const abs = resolve(path)
  if (openInThisProcess.has(abs)) throw new StoreError('locked', path, 'already open in this process')
  const file = `${abs}-owner`
  const me: OwnerInfo = { pid: process.pid, host: hostname(), token: randomUUID() }
  const body = JSON.stringify(me)
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, body, { flag: 'wx', mode: 0o600 })
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError('io', path, `cannot create ${file}: ${(e as Error).message}`, { cause: e })
      }
    }
    const owner = readOwner(file)
    const live =
      owner !== undefined &&
      (owner.host !== me.host || (owner.pid !== process.pid && isAlive(owner.pid)))
    if (live || attempt > 0) {
      throw new StoreError(
        'locked',
        path,
        owner === undefined
          ? `owned by another opener (${file})`
          : `owned by pid ${owner.pid} on ${owner.host} (${file}; delete it if that process is gone)`,
      )
    }
    try {
      unlinkSync(file) // stale: its process is gone
    } catch {
      // someone else removed it first; the retry decides
    }
  }
  openInThisProcess.add(abs)
  let held = true
  return {
    release() {
      if (!held) return
      held = false
      openInThisProcess.delete(abs)
      if (readOwner(file)?.token === me.token) {
        try {
          unlinkSync(file)
        } catch {
          // already gone
        }
      }
    },
  }
}
