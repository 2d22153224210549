// RpcError: a server's rpc_error (https://core.telegram.org/api/errors) with its message parsed
// into a name and a number, and the description from the generated known-errors list.
// FloodWaitError and MigrateError are the two families the engine acts on. Knows nothing about
// connections: it is built from (code, message, method).
import { rawErrors } from '../tl/index.js'
import { MtSwarmError } from './mtswarm-error.js'

/** How an rpc_error message splits into a name and a number. */
export interface ParsedRpcErrorMessage {
  /** The message without its number: 'FLOOD_WAIT_3' → 'FLOOD_WAIT', 'FILE_PART_7_MISSING' → 'FILE_PART_MISSING'. */
  readonly errorName: string
  /** The number of an *_X error ('FLOOD_WAIT_3' → 3), undefined when there is none. */
  readonly value: number | undefined
  /** Human description from the known-errors list (`%d` filled in), undefined when unknown. */
  readonly description: string | undefined
}

interface NumberedPattern {
  readonly re: RegExp
  readonly errorName: string
  readonly description: string
}

let numbered: NumberedPattern[] | undefined

/** The known errors with a `%d` in their name, as anchored patterns (built once, on first use). */
function numberedPatterns(): NumberedPattern[] {
  if (numbered !== undefined) return numbered
  numbered = []
  for (const [name, info] of Object.entries(rawErrors)) {
    if (!name.includes('%d')) continue
    const source = name.split('%d').map(escapeRe).join('(\\d+)')
    const errorName = name.replace(/_%d(?=_|$)/, '').replace(/%d_?/, '')
    numbered.push({ re: new RegExp(`^${source}$`), errorName, description: info.description })
  }
  return numbered
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const TRAILING_NUMBER_RE = /^(.+?)_(\d+)$/

/**
 * Splits an rpc_error message into name and number and looks up its description. Known names
 * come first (exact, then `%d` patterns); an unknown message ending in `_<digits>` is split there.
 */
export function parseRpcErrorMessage(message: string): ParsedRpcErrorMessage {
  const exact = rawErrors[message]
  if (exact !== undefined) return { errorName: message, value: undefined, description: exact.description }
  for (const p of numberedPatterns()) {
    const m = p.re.exec(message)
    if (m === null) continue
    const value = Number(m[1])
    return { errorName: p.errorName, value, description: p.description.replace('%d', String(value)) }
  }
  const t = TRAILING_NUMBER_RE.exec(message)
  if (t !== null) return { errorName: t[1]!, value: Number(t[2]), description: undefined }
  return { errorName: message, value: undefined, description: undefined }
}

/**
 * The server answered a call with rpc_error. `code` is Telegram's (303, 400, 401, 403, 420, 500…);
 * `message` is the raw error message ('FLOOD_WAIT_3'); `errorName` and `value` are its parts.
 * Build with {@link RpcError.from}, which picks {@link FloodWaitError} / {@link MigrateError}.
 */
export class RpcError extends MtSwarmError {
  readonly kind = 'rpc' as const
  /** The message without its number ('FLOOD_WAIT'). */
  readonly errorName: string
  /** The number of an *_X error, else undefined. */
  readonly value: number | undefined
  /** From the generated known-errors list, else undefined. */
  readonly description: string | undefined

  constructor(
    /** Telegram's error code (negative for errors the engine made up, see {@link RpcError.from}). */
    readonly code: number,
    /** The raw rpc_error message, e.g. 'FLOOD_WAIT_3'. */
    override readonly message: string,
    /** The TL method of the call (innermost, e.g. 'auth.sendCode'). */
    readonly method: string,
  ) {
    super(message)
    const parsed = parseRpcErrorMessage(message)
    this.errorName = parsed.errorName
    this.value = parsed.value
    this.description = parsed.description
  }

  /** The right subclass for (code, message). */
  static from(code: number, message: string, method: string): RpcError {
    const name = parseRpcErrorMessage(message).errorName
    if (FLOOD_NAMES.has(name)) return new FloodWaitError(code, message, method)
    if (MIGRATE_NAMES.has(name)) return new MigrateError(code, message, method)
    return new RpcError(code, message, method)
  }

  /** True when `errorName` (or the raw message) is `name`: `e.is('FLOOD_WAIT')`, `e.is('PHONE_CODE_INVALID')`. */
  is(name: string): boolean {
    return this.errorName === name || this.message === name
  }

  override toString(): string {
    return `RpcError ${this.code} ${this.message} (${this.method})${this.description ? `: ${this.description}` : ''}`
  }
}

const FLOOD_NAMES = new Set(['FLOOD_WAIT', 'FLOOD_PREMIUM_WAIT', 'FLOOD_TEST_PHONE_WAIT'])
const MIGRATE_NAMES = new Set(['PHONE_MIGRATE', 'USER_MIGRATE', 'NETWORK_MIGRATE', 'FILE_MIGRATE', 'STATS_MIGRATE'])

/**
 * 420 FLOOD_WAIT_X that was not slept through (X above the engine's `floodSleepThreshold`).
 * `seconds` is how long the server asks to wait.
 */
export class FloodWaitError extends RpcError {
  get seconds(): number {
    return this.value ?? 0
  }
}

/** Which object moved: https://core.telegram.org/api/datacenter#handling-migrations */
export type MigrateScope = 'PHONE' | 'USER' | 'NETWORK' | 'FILE' | 'STATS'

/**
 * 303 X_MIGRATE_N that the engine could not follow (too many moves in a row, or no endpoint for
 * DC N). Normally migrations are followed and never surface.
 */
export class MigrateError extends RpcError {
  /** The DC the server points to. */
  get dcId(): number {
    return this.value ?? 0
  }

  /** PHONE, USER, NETWORK, FILE or STATS. */
  get scope(): MigrateScope {
    return this.errorName.slice(0, -'_MIGRATE'.length) as MigrateScope
  }
}
