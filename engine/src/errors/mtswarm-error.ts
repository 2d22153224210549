// The root of every error mtswarm throws on purpose. Knows nothing about where errors come from:
// subclasses carry the detail (server rpc_error, transport code, protocol check, usage).

/** Which family an {@link MtSwarmError} belongs to; switch on it instead of chains of instanceof. */
export type MtSwarmErrorKind = 'rpc' | 'transport' | 'protocol' | 'timeout' | 'cancelled' | 'usage'

/**
 * Base class of every typed error the engine rejects with. Anything else that escapes the engine
 * is a bug. `kind` tells the family; each subclass adds the fields that family needs.
 */
export abstract class MtSwarmError extends Error {
  /** The error family. */
  abstract readonly kind: MtSwarmErrorKind

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** True for any error the engine produced on purpose (as opposed to a bug). */
export function isMtSwarmError(e: unknown): e is MtSwarmError {
  return e instanceof MtSwarmError
}
