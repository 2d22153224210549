// `npm run -s testdc -- --dcs 3 --port 24301 [--user 9996610001:Alice:alice] …` (usage: cli-args.ts):
// starts the test DC with the whole world, prints ONE JSON line { dcs, publicKeyPem, fingerprint }
// first on stdout, logs every login code it sends on stderr, and serves until SIGINT/SIGTERM,
// which close it cleanly (exit 0); SIGUSR2 forgets every session. Process wiring only.
import { CliUsageError, USAGE, parseCliArgs, type CliArgs } from './cli-args.js'
import { createApiHandler } from './api/index.js'
import { TestDcOptionsError, startTestDc } from './test-dc.js'
import type { ApiHook } from './types.js'
import { isWorldError } from './world/index.js'

/** Methods after which the world holds a fresh login code for the request's phone. */
const CODE_METHODS = new Set(['auth.sendCode', 'auth.resendCode'])

/** The world's API, telling the operator each code it sends (a test DC's codes are no secret). */
function apiLoggingCodes(): ApiHook {
  const api = createApiHandler()
  return async (call, fallback) => {
    const result = await api(call, fallback)
    if (CODE_METHODS.has(call.method)) {
      const phone = (call.request as { phoneNumber?: unknown }).phoneNumber
      const code = typeof phone === 'string' ? call.world.lastCodeFor(phone) : undefined
      if (code !== undefined) process.stderr.write(`testdc: login code for ${phone as string} is ${code}\n`)
    }
    return result
  }
}

async function main(): Promise<void> {
  let args: CliArgs
  try {
    args = parseCliArgs(process.argv.slice(2))
  } catch (e) {
    if (!(e instanceof CliUsageError)) throw e
    process.stderr.write(`${e.message}\n`)
    process.exit(2)
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const { users, ...options } = args
  let dc
  try {
    dc = await startTestDc({ ...options, api: apiLoggingCodes() })
  } catch (e) {
    if (e instanceof TestDcOptionsError) {
      process.stderr.write(`testdc: ${e.message}\n\n${USAGE}\n`)
      process.exit(2)
    }
    const code = (e as NodeJS.ErrnoException).code
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw e
    process.stderr.write(`testdc: cannot listen: ${(e as Error).message} (pick another --port)\n`)
    process.exit(1)
  }
  try {
    for (const u of users) dc.world.presetUser(u)
  } catch (e) {
    await dc.close()
    if (!isWorldError(e)) throw e
    process.stderr.write(`testdc: --user refused by the world: ${e.message}\n`)
    process.exit(2)
  }
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
  // The forget-sessions fault at run time, for a client under test in another process.
  process.on('SIGUSR2', () => process.stderr.write(`testdc: forgot ${dc.forgetSessions('all')} sessions\n`))
}

void main()
