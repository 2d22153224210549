// The AES-IGE WebAssembly module (aes-ige.wat): lazy synchronous instantiation, table setup, memory
// growth and the byte copies in and out. Knows nothing about when wasm beats native (aes-ige.ts decides).
import { INV_SBOX, SBOX, TD0, TD1, TD2, TD3, TE0, TE1, TE2, TE3 } from './aes-block.js'
import { AES_IGE_WASM_BASE64 } from './generated/aes-ige-wasm.js'
import { WASM_PAGE_BYTES, instantiateWasm, type WasmGlobal, type WasmMemory } from './wasm-instance.js'

interface AesIgeExports {
  memory: WasmMemory
  TABLES: WasmGlobal
  KEY: WasmGlobal
  IV: WasmGlobal
  DATA: WasmGlobal
  expandEncrypt(nk: number): number
  expandDecrypt(nk: number): number
  igeEncrypt(ptr: number, n: number, rounds: number): void
  igeDecrypt(ptr: number, n: number, rounds: number): void
  xorBack32(src: number, dst: number, n: number): void
  xorBack16(src: number, dst: number, n: number): void
}

interface AesWasm {
  ex: AesIgeExports
  /** View of the whole memory; replaced whenever memory grows. */
  u8: Uint8Array
  key: number
  iv: number
  data: number
}

let state: AesWasm | undefined

function instantiate(): AesWasm {
  const ex = instantiateWasm<AesIgeExports>(AES_IGE_WASM_BASE64)
  const view = new DataView(ex.memory.buffer)
  const tables = ex.TABLES.value
  // aes-block.ts's tables are big-endian words; the module reads little-endian ones.
  const words = [TE0, TE1, TE2, TE3, TD0, TD1, TD2, TD3]
  for (let t = 0; t < words.length; t++) {
    const table = words[t]!
    for (let i = 0; i < 256; i++) view.setInt32(tables + 1024 * t + 4 * i, table[i]!, false)
  }
  const u8 = new Uint8Array(ex.memory.buffer)
  u8.set(SBOX, tables + 0x2000)
  u8.set(INV_SBOX, tables + 0x2100)
  return { ex, u8, key: ex.KEY.value, iv: ex.IV.value, data: ex.DATA.value }
}

/**
 * The instance, created on first use, with memory for `bytes` bytes from DATA on.
 * NB: wasm memory never shrinks: after one 8 MiB message the module keeps ~16 MiB for good. The
 * last message's bytes (and key schedule) stay in that memory until overwritten.
 */
function wasmFor(bytes: number): AesWasm {
  const s = (state ??= instantiate())
  const needed = s.data + bytes
  if (needed > s.u8.length) {
    s.ex.memory.grow(Math.ceil((needed - s.u8.length) / WASM_PAGE_BYTES))
    s.u8 = new Uint8Array(s.ex.memory.buffer)
  }
  return s
}

/** Outputs up to this size are carved from a shared slab; larger ones get their own buffer. */
export const POOLED_OUTPUT_MAX_BYTES = 2048
const SLAB_BYTES = 16 * 1024
let slab = new ArrayBuffer(SLAB_BYTES)
let slabUsed = SLAB_BYTES

/**
 * A zeroed Uint8Array of n bytes for a result. Every fresh ArrayBuffer costs ~2 µs (allocator call
 * and external-memory accounting), a third of decrypting a 1 KiB message, so small results are
 * views into a 16 KiB slab instead (as Node's Buffer pool does; views never overlap).
 * NB: such a view's `.buffer` is the whole slab (other results live there too): read it through
 * `byteOffset`/`byteLength`, and note that holding one result keeps its slab alive.
 */
function outputBytes(n: number): Uint8Array {
  if (n > POOLED_OUTPUT_MAX_BYTES) return new Uint8Array(n)
  if (slabUsed + n > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES)
    slabUsed = 0
  }
  const out = new Uint8Array(slab, slabUsed, n)
  // n is a multiple of 16 here (whole AES blocks), so views stay 16-byte aligned
  slabUsed += n
  return out
}

/** One IGE pass in the module: key schedule, data in, chaining in place, a fresh result out. */
function wasmIge(data: Uint8Array, key: Uint8Array, iv: Uint8Array, decrypt: boolean): Uint8Array {
  const n = data.length
  const s = wasmFor(n)
  s.u8.set(key, s.key)
  s.u8.set(iv, s.iv)
  const nk = key.length >>> 2
  const rounds = decrypt ? s.ex.expandDecrypt(nk) : s.ex.expandEncrypt(nk)
  s.u8.set(data, s.data)
  if (decrypt) s.ex.igeDecrypt(s.data, n, rounds)
  else s.ex.igeEncrypt(s.data, n, rounds)
  const out = outputBytes(n)
  out.set(s.u8.subarray(s.data, s.data + n))
  return out
}

/** AES-IGE decryption in WebAssembly. Arguments are checked by the caller (aes-ige.ts). */
export function wasmIgeDecrypt(ciphertext: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  return wasmIge(ciphertext, key, iv, true)
}

/** AES-IGE encryption in WebAssembly (T-tables). Arguments are checked by the caller. */
export function wasmIgeEncrypt(plaintext: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  return wasmIge(plaintext, key, iv, false)
}

/**
 * First half of IGE encryption through CBC (see aes-ige.ts): writes iv and plaintext into wasm
 * memory and returns a view of the CBC input, to be encrypted with a ZERO IV:
 * p_1 = x_1 ⊕ y_0 (y_0 folded in here, so the cipher needs no IV of its own), p_i = x_i ⊕ x_(i−2).
 * NB: the view is only valid until the next call into this module; finish with wasmCbcToIge.
 */
export function wasmCbcInput(plaintext: Uint8Array, iv: Uint8Array): Uint8Array {
  const n = plaintext.length
  // [y_0 ‖ x_0] in the 32 bytes before DATA, then [x_1 .. x_n][p_1 .. p_n, later y_1 .. y_n]
  const s = wasmFor(2 * n)
  const x = s.data
  const p = x + n
  s.u8.set(iv, x - 32)
  s.u8.set(plaintext, x)
  s.ex.xorBack32(x, p, n)
  return s.u8.subarray(p, p + n)
}

/**
 * Second half: the CBC output c of wasmCbcInput's view (same length, nothing else run on this
 * module in between) to the IGE ciphertext y_i = c_i ⊕ x_(i−1). Returns a fresh array.
 */
export function wasmCbcToIge(c: Uint8Array): Uint8Array {
  const n = c.length
  const s = wasmFor(2 * n)
  const x = s.data
  const p = x + n
  s.u8.set(c, p)
  s.ex.xorBack16(x, p, n)
  const y = s.u8.subarray(p, p + n)
  // Node's cipher output owns a fresh ArrayBuffer of exactly n bytes: reuse it rather than
  // allocating another (≈ 10 % at 1 KiB). Anything else (a pooled slice) gets a copy.
  if (c.byteOffset === 0 && c.buffer.byteLength === n) {
    const out = new Uint8Array(c.buffer, 0, n)
    out.set(y)
    return out
  }
  const out = outputBytes(n)
  out.set(y)
  return out
}
