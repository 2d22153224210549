// TlError: the one typed failure of the TL layer (bad bytes in, bad objects out).
// It knows nothing about transports or RPC; callers decide what a failure means for a session.

/** What went wrong while reading or writing TL. */
export type TlErrorKind =
  | 'truncated' // input ended before the value did
  | 'length-overflow' // a length or count prefix points past the end of the input
  | 'unknown-constructor' // a boxed value carries an id we have no reader for
  | 'unexpected-constructor' // a known id where another one was required (e.g. Bool, vector)
  | 'missing-field' // writing: a required field is absent
  | 'bad-value' // writing: a field has the wrong JS type/shape; reading: an impossible value
  | 'out-of-range' // writing: a number/bigint/length TL cannot carry (int ∉ int32, long ∉ int64, NaN …)
  | 'gzip' // gzip_packed payload failed to inflate or inflated past the cap
  | 'too-deep' // nesting exhausted the JS stack (hostile input); see deserializeObject

/** A typed TL failure, carrying where it happened. */
export class TlError extends Error {
  override readonly name = 'TlError'
  constructor(
    readonly kind: TlErrorKind,
    message: string,
    /** Byte offset in the input (reading) or output (writing) where the problem was found. */
    readonly offset: number,
    /** The constructor id involved, if any (unsigned). */
    readonly constructorId?: number,
    /** The field involved, if any (`constructorName.fieldName`). */
    readonly field?: string,
  ) {
    super(message)
  }
}

/** `0x1cb5c415`-style rendering used in error messages. */
export function hexId(id: number): string {
  return '0x' + (id >>> 0).toString(16).padStart(8, '0')
}

/**
 * Turns a JS stack overflow (deeply nested hostile input) into a TlError; rethrows anything else.
 * Used at the entry points (deserializeObject, readMethodResult) so readers stay lean.
 */
export function asTlError(e: unknown, offset: number): unknown {
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new TlError('too-deep', 'TL input nested too deeply', offset)
  }
  return e
}
