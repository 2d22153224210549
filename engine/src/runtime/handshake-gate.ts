// Bounds how many connections run the auth-key handshake at once. Each handshake costs a few
// 2048-bit modexps on both ends; starting thousands together would push every one of them past
// the handshake machine's step timeout. Knows nothing of connections beyond a release callback.

/** Handshakes allowed in flight per runtime; the rest wait (FIFO) for a slot. */
export const MAX_CONCURRENT_HANDSHAKES = 32

/** A FIFO counting semaphore. */
export class HandshakeGate {
  #active = 0
  readonly #waiting: (() => void)[] = []

  constructor(readonly limit: number = MAX_CONCURRENT_HANDSHAKES) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`handshake limit must be a positive integer, got ${limit}`)
  }

  /** Slots in use. */
  get active(): number {
    return this.#active
  }

  /** Waiting for a slot. */
  get queued(): number {
    return this.#waiting.length
  }

  /** Resolves with a release function (idempotent) once a slot is free. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = (): void => {
        this.#active++
        let released = false
        resolve(() => {
          if (released) return
          released = true
          this.#active--
          this.#waiting.shift()?.()
        })
      }
      if (this.#active < this.limit) grant()
      else this.#waiting.push(grant)
    })
  }
}
