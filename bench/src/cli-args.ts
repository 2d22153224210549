// The bench command line: which bench to run and its flags, checked before anything starts, and
// the usage text. Parsing only (cli.ts runs what it asks for), so a bad flag never costs a DC
// start or a half-written report.
import { parseArgs, type ParseArgsConfig } from 'node:util'

/** Thrown for a bad command line (exit code 2, usage on stderr). */
export class BenchCliError extends Error {
  override readonly name = 'BenchCliError'
}

type Options = NonNullable<ParseArgsConfig['options']>

/** The flags each micro-benchmark accepts (the swarm scenarios share SWARM_FLAGS). */
export const MICRO_FLAGS = {
  tl: {},
  crypto: {
    runs: { type: 'string' },
    each: { type: 'boolean' },
    'handshake-keys': { type: 'string' },
    'no-handshake': { type: 'boolean' },
  },
  'handshake-cpu': {},
  machines: {},
  storage: { encrypted: { type: 'boolean' } },
} as const satisfies Record<string, Options>

/** Flags of the swarm scenarios (and `all`); swarm/run.ts reads their values. */
export const SWARM_FLAGS = {
  accounts: { type: 'string' },
  quick: { type: 'boolean' },
  peers: { type: 'string' },
  'no-peers': { type: 'boolean' },
  out: { type: 'string' },
} as const satisfies Options

export type MicroName = keyof typeof MICRO_FLAGS

/** What the command line asks for. `argv` is what follows the bench's name, already checked. */
export type BenchCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'micro'; readonly name: MicroName; readonly argv: readonly string[] }
  | { readonly kind: 'swarm'; readonly name: string; readonly argv: readonly string[] }

/** `--help`'s text, listing the scenarios given. */
export function benchUsage(swarmNames: readonly string[]): string {
  return `usage: npm run bench -- <bench> [flags]      (or from bench/: npm run bench -- <bench> [flags])

micro-benchmarks (print to stdout):
  tl                   TL encode/decode
  crypto               AES-IGE, pq, RSA, modexp; then handshake CPU per key against peers
      --runs N             median of N runs (default 3)
      --each               print every run
      --handshake-keys K   keys measured per client library (default 20)
      --no-handshake       skip the handshake CPU section
  handshake-cpu        client handshake CPU, ours alone
  machines             XState machine transitions
  storage              LMDB store writes and reads
      --encrypted          with sealed key records

swarm scenarios (a test DC process; a report under bench/results/<timestamp>/):
  ${[...swarmNames, 'all'].join(', ')}
      --quick              small sizes and short windows
      --accounts N         override the scenario's main account count
      --peers N            clients per library in the comparison runs
      --no-peers           skip GramJS and mtcute
      --out DIR            write the report there

  -h, --help           this text (exit 0); an unknown bench or flag exits 2`
}

/** Reads the command line; throws {@link BenchCliError} for an unknown bench or flag. */
export function parseBenchCommand(argv: readonly string[], swarmNames: readonly string[]): BenchCommand {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' }
  const [name, ...rest] = argv
  if (name === undefined) throw new BenchCliError('no bench named')
  let flags: Options
  let command: BenchCommand
  if (Object.hasOwn(MICRO_FLAGS, name)) {
    flags = MICRO_FLAGS[name as MicroName]
    command = { kind: 'micro', name: name as MicroName, argv: rest }
  } else if (name === 'all' || swarmNames.includes(name)) {
    flags = SWARM_FLAGS
    command = { kind: 'swarm', name, argv: rest }
  } else {
    throw new BenchCliError(`unknown bench ${JSON.stringify(name)}`)
  }
  try {
    parseArgs({ args: rest, options: flags, strict: true, allowPositionals: false })
  } catch (e) {
    throw new BenchCliError(`${name}: ${(e as Error).message}`)
  }
  return command
}
