// UsageError: the public API was used in a way it cannot serve — before start, after stop, with a
// bad argument, or in the wrong login state. Never a crash: a typed rejection the caller can test.
import { MtSwarmError } from './mtswarm-error.js'

/** Why the call was refused. */
export type UsageErrorReason =
  /** The engine (or account) was stopped. */
  | 'stopped'
  /** The engine has not finished starting (or failed to). */
  | 'not-started'
  /** An argument has the wrong type or value. */
  | 'bad-argument'
  /** The account is not in a state that allows this (e.g. signIn before sendCode). */
  | 'wrong-state'
  /** The configuration cannot serve the call (e.g. no endpoint for a DC). */
  | 'bad-config'

/** Wrong use of the API; `reason` says which rule, `message` says what to do. */
export class UsageError extends MtSwarmError {
  readonly kind = 'usage' as const

  constructor(
    readonly reason: UsageErrorReason,
    message: string,
    /** For 'wrong-state': the state the account was in. */
    readonly state?: string,
    /**
     * For 'bad-argument' and 'bad-config': what was wrong, as the caller spelled it — an option
     * (`apiHash`, `dcs[1].port`), an argument (`id`, `timeout`) or a request field
     * (`messages.sendMessage.randomId`).
     */
    readonly field?: string,
  ) {
    super(message)
  }

  /** A bad argument (or request field) `field`; the message starts with it. */
  static badArgument(field: string, problem: string): UsageError {
    return new UsageError('bad-argument', `${field}: ${problem}`, undefined, field)
  }

  /** A `createEngine` option that cannot work; the message starts with its name. */
  static badConfig(option: string, problem: string): UsageError {
    return new UsageError('bad-config', `${option}: ${problem}`, undefined, option)
  }
}
