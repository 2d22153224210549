// Synchronous instantiation of an embedded WebAssembly binary, and the few WebAssembly types the
// crypto modules use. Knows nothing about any module's exports.
// NB: the repo's lib (ES2023 + @types/node 20) has no WebAssembly typings, so they are declared here.
import { Buffer } from 'node:buffer'

/** A module's linear memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}

/** An exported global (the modules export i32 layout constants). */
export interface WasmGlobal {
  readonly value: number
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: object }
}

/** Bytes of one wasm memory page. */
export const WASM_PAGE_BYTES = 65536

/** Compiles and instantiates a base64-embedded binary with no imports; returns its exports. */
export function instantiateWasm<Exports>(base64: string): Exports {
  const { Module, Instance } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
  return new Instance(new Module(Buffer.from(base64, 'base64')), {}).exports as Exports
}
