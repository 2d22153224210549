// A FIFO of received byte chunks with cheap reads across chunk boundaries. Knows nothing about
// framing; the codecs build on it.

/** Bytes received but not yet consumed, kept as the chunks they arrived in. */
export class ByteQueue {
  #chunks: Uint8Array[] = []
  #head = 0 // offset into #chunks[0]
  #length = 0

  /** Bytes available. */
  get length(): number {
    return this.#length
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    this.#chunks.push(chunk)
    this.#length += chunk.length
  }

  /** Byte at `offset` from the front (offset < length). */
  byteAt(offset: number): number {
    let o = offset + this.#head
    for (const c of this.#chunks) {
      if (o < c.length) return c[o]!
      o -= c.length
    }
    throw new RangeError('ByteQueue.byteAt past the end')
  }

  /** Little-endian uint32 at `offset` from the front. */
  uint32At(offset: number): number {
    return (this.byteAt(offset) | (this.byteAt(offset + 1) << 8) | (this.byteAt(offset + 2) << 16) | (this.byteAt(offset + 3) << 24)) >>> 0
  }

  /** Copies the first n bytes without consuming them. */
  peek(n: number): Uint8Array {
    return this.#take(n, false)
  }

  /** Removes and returns the first n bytes (zero-copy when they sit in one chunk). */
  read(n: number): Uint8Array {
    return this.#take(n, true)
  }

  /** Drops up to n bytes; returns how many were dropped. */
  skip(n: number): number {
    const k = Math.min(n, this.#length)
    let left = k
    while (left > 0) {
      const c = this.#chunks[0]!
      const avail = c.length - this.#head
      if (avail <= left) {
        left -= avail
        this.#chunks.shift()
        this.#head = 0
      } else {
        this.#head += left
        left = 0
      }
    }
    this.#length -= k
    return k
  }

  #take(n: number, consume: boolean): Uint8Array {
    if (n > this.#length) throw new RangeError(`ByteQueue: need ${n} bytes, have ${this.#length}`)
    const first = this.#chunks[0]
    if (first !== undefined && first.length - this.#head >= n) {
      const out = first.subarray(this.#head, this.#head + n)
      if (consume) this.skip(n)
      return out
    }
    const out = new Uint8Array(n)
    let filled = 0
    let head = this.#head
    for (const c of this.#chunks) {
      if (filled === n) break
      const part = c.subarray(head, head + (n - filled))
      out.set(part, filled)
      filled += part.length
      head = 0
    }
    if (consume) this.skip(n)
    return out
  }
}
