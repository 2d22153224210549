// Test support: the same value with every Secret box replaced by what it holds, so a test can
// compare step inputs and outputs by value (deepEqual does not see private fields: two boxes
// always look alike to it). Plain objects and arrays only; anything else is returned as is.
import { Secret } from '../secret/secret.js'

/** `value` with each {@link Secret} inside plain objects and arrays revealed. */
export function revealDeep(value: unknown): unknown {
  if (value instanceof Secret) return revealDeep(value.reveal())
  if (Array.isArray(value)) return value.map(revealDeep)
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = revealDeep(v)
    return out
  }
  return value
}
