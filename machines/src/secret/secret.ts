// The box every secret travels in between the engine's effects: login codes, 2FA passwords,
// phone_code_hash, auth keys, server salts, handshake state, SRP values, exported authorizations.
// It lives here so pure machines can carry it in events, context and outputs; it knows nothing
// about what it holds. Only the effect that needs the value calls reveal().

const REDACTED = '[redacted]'
/** Node's util.inspect (and so console.log) calls this instead of walking the object. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom')

/**
 * A value that must never be printed. It sits in a private field, so JSON.stringify, String(),
 * template strings, util.inspect, console.log, structuredClone and any reflective walk (an
 * external Stately inspector) see `[redacted]` or an empty object, never the value.
 * NB: reveal() only where the value is used (an RPC, a crypto step, a store write), never to log.
 */
export class Secret<T> {
  readonly #value: T
  readonly #shown: string

  /** `hint` is printed after the marker (e.g. a phone's last digits); it must not be secret itself. */
  constructor(value: T, hint?: string) {
    this.#value = value
    this.#shown = hint === undefined ? REDACTED : `[redacted ${hint}]`
  }

  /** The value itself, for the one effect that uses it. */
  reveal(): T {
    return this.#value
  }

  toJSON(): string {
    return this.#shown
  }

  toString(): string {
    return this.#shown
  }

  [Symbol.toPrimitive](): string {
    return this.#shown
  }

  [INSPECT](): string {
    return this.#shown
  }
}

/** Boxes `value` (see {@link Secret}). */
export function secret<T>(value: T): Secret<T> {
  return new Secret(value)
}

/** How many trailing digits of a phone number may be shown. */
export const PHONE_DIGITS_SHOWN = 4

/**
 * A phone number boxed like a secret, printed with its last {@link PHONE_DIGITS_SHOWN} digits
 * (`[redacted …0042]`): enough to tell logins apart in a log or the inspector, not enough to
 * identify or call the person (a phone number is the login identifier and personal data).
 */
export function phoneSecret(phone: string): Secret<string> {
  const digits = phone.replace(/\D/g, '')
  return new Secret(phone, `…${digits.slice(-PHONE_DIGITS_SHOWN)}`)
}

/** The boxed value, or `fallback` when there is no box (a machine's optional context field). */
export function revealOr<T, F>(s: Secret<T> | null | undefined, fallback: F): T | F {
  return s === null || s === undefined ? fallback : s.reveal()
}
