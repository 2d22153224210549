// Types for the part of fs-native-extensions (Holepunch; ships prebuilt N-API binaries, no install
// script) that owner-lock.ts uses. The package has no typings of its own.
declare module 'fs-native-extensions' {
  /**
   * Take a byte-range lock on `fd` without waiting: true when taken, false when another open file
   * description holds a conflicting lock. Linux: fcntl F_OFD_SETLK; macOS: flock; Windows:
   * LockFileEx. Exclusive unless `opts.shared`. `length` 0 locks to the end of the file and beyond.
   */
  export function tryLock(fd: number, offset?: number, length?: number, opts?: { shared?: boolean }): boolean
  /** Release a lock taken on `fd` (closing the fd, or the process dying, releases it too). */
  export function unlock(fd: number, offset?: number, length?: number): void
  const fsx: { tryLock: typeof tryLock; unlock: typeof unlock }
  export default fsx
}
