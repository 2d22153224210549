// The keyed bus: one RxJS Subject per key (a connection, an account, an RPC), created when its
// actor starts and completed + deleted when it stops, so delivering a message costs one Map
// lookup however many actors run. Knows nothing of MTProto, machines or sockets.
import { Subject, type Observable } from 'rxjs'

/**
 * Cap on live keys of one bus: each key is one actor, so this bounds actors per bus. Opening a
 * key past it throws {@link BusFullError} (a leak of unclosed keys shows up here, not as OOM).
 */
export const MAX_BUS_KEYS = 1_000_000

/** A bus refused to open one more key. */
export class BusFullError extends Error {
  override readonly name = 'BusFullError'
  constructor(
    readonly bus: string,
    readonly limit: number,
  ) {
    super(`bus '${bus}' already has ${limit} keys open`)
  }
}

/** What `send` did with a message. */
export type Delivery = 'delivered' | 'no-channel'

/**
 * `Map<key, Subject<T>>` with the lifecycle the runtime needs. `T` is the receiving actor's event
 * union. Only `asObservable()` views leave this class; nobody outside can `next` or `complete`.
 */
export class KeyedBus<K, T> {
  readonly #channels = new Map<K, Subject<T>>()
  readonly #name: string
  readonly #maxKeys: number

  constructor(name: string, options: { maxKeys?: number } = {}) {
    this.#name = name
    this.#maxKeys = options.maxKeys ?? MAX_BUS_KEYS
  }

  /** Live keys. */
  get size(): number {
    return this.#channels.size
  }

  has(key: K): boolean {
    return this.#channels.has(key)
  }

  /**
   * Opens the channel of `key` (idempotent) and returns its stream. NB: a Subject does not replay:
   * subscribe before anything can be sent to the key.
   */
  open(key: K): Observable<T> {
    let s = this.#channels.get(key)
    if (s === undefined) {
      if (this.#channels.size >= this.#maxKeys) throw new BusFullError(this.#name, this.#maxKeys)
      s = new Subject<T>()
      this.#channels.set(key, s)
    }
    return s.asObservable()
  }

  /** Delivers `message` to the subscribers of `key`: one Map lookup, no filtering. */
  send(key: K, message: T): Delivery {
    const s = this.#channels.get(key)
    if (s === undefined) return 'no-channel'
    s.next(message)
    return 'delivered'
  }

  /** Completes the channel of `key` (its subscribers see `complete`) and forgets it. */
  close(key: K): void {
    const s = this.#channels.get(key)
    if (s === undefined) return
    this.#channels.delete(key)
    s.complete()
  }

  /** Closes every channel (runtime shutdown). */
  closeAll(): void {
    const all = [...this.#channels.values()]
    this.#channels.clear()
    for (const s of all) s.complete()
  }
}
