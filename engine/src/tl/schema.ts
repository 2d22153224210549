// The parsed form of a TL schema: what the parser produces and the generators consume.
// Pure data; knows nothing about text syntax or generated code.

/** `flags.N?` condition of an optional field. */
export interface TlCondition {
  /** The `#` field holding the bit (`flags`, `flags2`). */
  readonly field: string
  readonly bit: number
}

export interface TlArgument {
  /** Name as written in the schema (snake_case). */
  readonly name: string
  /** Type as written, without the condition: `int`, `Vector<long>`, `%Message`, `!X`, `#`, `true`. */
  readonly type: string
  readonly condition?: TlCondition
}

export interface TlGeneric {
  readonly name: string
  readonly type: string
}

export interface TlEntry {
  readonly kind: 'constructor' | 'method'
  /** Full name with namespace: `user`, `messages.sendMessage`. */
  readonly name: string
  /** The id used on the wire: the explicit `#id`, else {@link computedId}. Unsigned. */
  readonly id: number
  /** Whether the line carried an explicit `#id`. */
  readonly explicitId: boolean
  /** CRC32 of the canonical line (see canonical-id.ts). Unsigned. */
  readonly computedId: number
  readonly generics: readonly TlGeneric[]
  readonly arguments: readonly TlArgument[]
  /** Result type as written: `User`, `Vector<int>`, `X`, `messages.Messages`. */
  readonly type: string
  /** 1-based source line, for diagnostics. */
  readonly sourceLine: number
}

export interface TlSchema {
  readonly entries: readonly TlEntry[]
  /** From a `// LAYER N` comment, if present. */
  readonly layer?: number
}
