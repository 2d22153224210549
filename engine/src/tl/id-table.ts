// A fixed open-addressing hash table from constructor id (signed int32) to a value. Built once from
// the generated reader map; used by TlReader.object(), the hottest lookup in decoding.
// It knows nothing about TL beyond "ids are non-zero int32".

/** Read-only int32 → V table with linear probing; ~3x faster than Map#get on random 32-bit keys. */
export class IdTable<V> {
  private readonly keys: Int32Array
  private readonly values: (V | undefined)[]
  private readonly mask: number
  private readonly shift: number

  constructor(entries: Iterable<readonly [number, V]>) {
    const list = [...entries]
    let bits = 4
    while (1 << bits < list.length * 3) bits++
    this.mask = (1 << bits) - 1
    this.shift = 32 - bits
    this.keys = new Int32Array(1 << bits)
    this.values = new Array<V | undefined>(1 << bits).fill(undefined)
    for (const [id, v] of list) {
      // NB: 0 marks an empty slot, so id 0 cannot be stored (no TL constructor has it).
      if ((id | 0) === 0) throw new Error('IdTable: id 0 is reserved')
      let h = Math.imul(id, 0x9e3779b1) >>> this.shift
      while (this.keys[h] !== 0) h = (h + 1) & this.mask
      this.keys[h] = id | 0
      this.values[h] = v
    }
  }

  /** Value for `id` (signed int32), or undefined. */
  get(id: number): V | undefined {
    let h = Math.imul(id, 0x9e3779b1) >>> this.shift
    for (;;) {
      const k = this.keys[h]!
      if (k === id) return this.values[h]
      if (k === 0) return undefined
      h = (h + 1) & this.mask
    }
  }
}
