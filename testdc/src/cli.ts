// `npm run testdc -- --dcs 3 --port 44301 [--key key.pem] [--faults '{"dropProbability":0.01}'] [--seed N]`:
// starts the test DC, prints ONE JSON line { dcs, publicKeyPem, fingerprint } and serves until
// SIGINT/SIGTERM, which close it cleanly (exit 0). Argument parsing and process wiring only.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { FaultConfig } from './faults.js'
import { startTestDc } from './test-dc.js'

/** Thrown for bad command-line arguments (exit code 2). */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError'
}

const USAGE = "usage: testdc [--dcs N] [--port P] [--key key.pem] [--faults '{json}'] [--seed N]"

/** The options the command line asks for. */
export function parseCliArgs(argv: readonly string[]): {
  dcCount: number
  basePort: number
  rsaPrivateKeyPem?: string
  faults: FaultConfig
  seed: string | number
} {
  let values: Record<string, string | undefined>
  try {
    values = parseArgs({
      args: [...argv],
      options: { dcs: { type: 'string' }, port: { type: 'string' }, key: { type: 'string' }, faults: { type: 'string' }, seed: { type: 'string' } },
      strict: true,
    }).values as Record<string, string | undefined>
  } catch (e) {
    throw new CliUsageError(`${(e as Error).message}\n${USAGE}`)
  }
  const int = (name: string, v: string | undefined, dflt: number): number => {
    if (v === undefined) return dflt
    const n = Number(v)
    if (!Number.isInteger(n) || n < 0) throw new CliUsageError(`--${name} must be a non-negative integer, got ${v}\n${USAGE}`)
    return n
  }
  let faults: FaultConfig = {}
  if (values.faults !== undefined) {
    try {
      faults = JSON.parse(values.faults) as FaultConfig
    } catch (e) {
      throw new CliUsageError(`--faults is not JSON: ${(e as Error).message}\n${USAGE}`)
    }
    if (typeof faults !== 'object' || faults === null || Array.isArray(faults)) throw new CliUsageError(`--faults must be a JSON object\n${USAGE}`)
  }
  const seed = values.seed === undefined ? 1 : /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed
  return {
    dcCount: int('dcs', values.dcs, 3),
    basePort: int('port', values.port, 0),
    ...(values.key === undefined ? {} : { rsaPrivateKeyPem: readFileSync(values.key, 'utf8') }),
    faults,
    seed,
  }
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseCliArgs>
  try {
    args = parseCliArgs(process.argv.slice(2))
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`)
    process.exit(2)
  }
  const dc = await startTestDc(args)
  process.stdout.write(
    `${JSON.stringify({ dcs: dc.dcs, publicKeyPem: dc.publicKeyPem, fingerprint: BigInt.asUintN(64, dc.fingerprint).toString() })}\n`,
  )
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    void dc.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

void main()
