// The one error type a SessionStore rejects with for expected failures (bad file, wrong key,
// closed store, unknown record version). Programmer errors stay TypeError/RangeError.

/**
 * Why a store operation failed:
 * - 'foreign': the path holds something that is not an mtswarm store (text, random bytes, a
 *   directory, another application's LMDB environment). The file is left untouched.
 * - 'corrupt': it looks like an mtswarm/LMDB store but cannot be read (damaged pages, truncated
 *   file, a record that does not decode, a tampered encrypted record).
 * - 'version': the store or a record was written by a newer format than this code knows.
 * - 'locked': another live process (or this one) already has the store open.
 * - 'encryption': the encryption key is missing, unexpected, or wrong for this store.
 * - 'closed': the store was used after close().
 * - 'io': the operating system refused (permissions, disk full, ...).
 */
export type StoreErrorKind = 'foreign' | 'corrupt' | 'version' | 'locked' | 'encryption' | 'closed' | 'io'

/** Typed store failure; `path` is the store file ('memory' for the in-memory store). */
export class StoreError extends Error {
  override readonly name = 'StoreError'

  constructor(
    readonly kind: StoreErrorKind,
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${kind}: ${path}: ${detail}`, options)
  }
}

/** True when `e` is a StoreError, optionally of the given kind. */
export function isStoreError(e: unknown, kind?: StoreErrorKind): e is StoreError {
  return e instanceof StoreError && (kind === undefined || e.kind === kind)
}
