// The testdc command line: options, usage text and what they ask of startTestDc. Parsing only —
// no server, no process wiring (cli.ts does that), so it is testable in-process.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { checkFaultConfig, type FaultConfig } from './faults.js'

/** Thrown for bad command-line arguments (exit code 2). */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError'
}

/** `--help`'s text. The login-code rules here are the world's (world.ts, `testPhoneDcId`). */
export const USAGE = `usage: npm run -s testdc -- [options]      (or: node --import tsx testdc/src/cli.ts [options])

Starts the test DC — N MTProto DCs on 127.0.0.1 sharing one world — prints ONE JSON line
{ dcs, publicKeyPem, fingerprint } as the first line on stdout, and serves until SIGINT/SIGTERM.
(npm prints its own banner first unless run with -s.)

options:
  --dcs N            DCs 1..N (default 3)
  --port P           DC i listens on P + i - 1 (default: ephemeral ports). Keep P + N below
                     32768 for GramJS: its string session stores the port as an int16.
  --key FILE         the server's RSA private key, PEM (default: a fresh 2048-bit key)
  --user SPEC        an account made at start, repeatable: PHONE[:FIRST[:USERNAME[:PASSWORD]]]
                     (a PASSWORD turns on 2FA). Clients that cannot sign up (mtcute) need one.
  --faults JSON      fault knobs (FaultConfig, testdc/README.md), e.g. '{"dropProbability":0.01}';
                     gaps in pushed updates: '{"dropUpdatesProbability":0.1,
                     "reorderUpdatesProbability":0.05,"delayUpdatesMs":20,"updatesJitterMs":30,
                     "updatesTooLongProbability":0.01,"forgetSessionsNext":3}'
  --seed N           seeds the world and the fault decisions (default 1)
  -h, --help         this text

signals:
  SIGINT, SIGTERM    close cleanly (exit 0)
  SIGUSR2            forget every session, as a server restart does: each client's next message
                     gets new_session_created, and what was queued for the old sessions is lost
                     (stderr: testdc: forgot N sessions)

login codes:
  A test phone 99966XYYYY lives on DC X and its code is X five times (9996620001 → 22222);
  sendCode on another DC answers PHONE_MIGRATE_X. Any other phone lives on DC 1 and gets a
  random code. Every code sent is also printed on stderr:
    testdc: login code for 9996620001 is 22222
  A new phone signs up (auth.signUp) after its first signIn; --user accounts already exist.`

/** One `--user` account. */
export interface CliUser {
  readonly phone: string
  readonly firstName: string
  readonly username?: string
  readonly password?: string
}

/** What the command line asks for: `help`, or the server's options. */
export type CliArgs =
  | { readonly help: true }
  | {
      readonly help: false
      readonly dcCount: number
      readonly basePort: number
      readonly rsaPrivateKeyPem?: string
      readonly faults: FaultConfig
      readonly seed: string | number
      readonly users: readonly CliUser[]
    }

function parseUser(spec: string): CliUser {
  const [phone = '', firstName, username, ...rest] = spec.split(':')
  // NB: the password is the rest, so it may hold ':' itself.
  const password = rest.length > 0 ? rest.join(':') : undefined
  if (!/^\+?\d{5,15}$/.test(phone)) throw new CliUsageError(`--user ${JSON.stringify(spec)}: PHONE must be 5 to 15 digits\n\n${USAGE}`)
  if (username !== undefined && username !== '' && !/^[A-Za-z]\w{3,31}$/.test(username)) {
    throw new CliUsageError(`--user ${JSON.stringify(spec)}: USERNAME must be 4 to 32 letters, digits or _, starting with a letter\n\n${USAGE}`)
  }
  return {
    phone: phone.replace(/^\+/, ''),
    firstName: firstName === undefined || firstName === '' ? `User ${phone.slice(-4)}` : firstName,
    ...(username === undefined || username === '' ? {} : { username }),
    ...(password === undefined || password === '' ? {} : { password }),
  }
}

/** The options the command line asks for; throws {@link CliUsageError}. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values: { [k: string]: string | boolean | string[] | undefined }
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        dcs: { type: 'string' },
        port: { type: 'string' },
        key: { type: 'string' },
        faults: { type: 'string' },
        seed: { type: 'string' },
        user: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (e) {
    throw new CliUsageError(`${(e as Error).message}\n\n${USAGE}`)
  }
  if (values.help === true) return { help: true }
  const str = (name: string): string | undefined => values[name] as string | undefined
  const int = (name: string, dflt: number): number => {
    const v = str(name)
    if (v === undefined) return dflt
    const n = Number(v)
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new CliUsageError(`--${name} must be a non-negative integer, got ${v}\n\n${USAGE}`)
    return n
  }
  let faults: FaultConfig = {}
  const faultsText = str('faults')
  if (faultsText !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(faultsText)
    } catch (e) {
      throw new CliUsageError(`--faults is not JSON: ${(e as Error).message}\n\n${USAGE}`)
    }
    try {
      faults = checkFaultConfig(parsed)
    } catch (e) {
      throw new CliUsageError(`--faults: ${(e as Error).message}\n\n${USAGE}`)
    }
  }
  const seedText = str('seed')
  const seed = seedText === undefined ? 1 : /^\d+$/.test(seedText) ? Number(seedText) : seedText
  const keyPath = str('key')
  let rsaPrivateKeyPem: string | undefined
  if (keyPath !== undefined) {
    try {
      rsaPrivateKeyPem = readFileSync(keyPath, 'utf8')
    } catch (e) {
      throw new CliUsageError(`--key ${keyPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n\n${USAGE}`)
    }
  }
  return {
    help: false,
    dcCount: int('dcs', 3),
    basePort: int('port', 0),
    ...(rsaPrivateKeyPem === undefined ? {} : { rsaPrivateKeyPem }),
    faults,
    seed,
    users: ((values.user as string[] | undefined) ?? []).map(parseUser),
  }
}
