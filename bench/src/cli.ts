// `npm run bench -- <bench> [flags]` (usage: cli-args.ts): a tiny dispatcher. Micro-benchmarks
// (tl, crypto, machines, storage) live in their own files and print to stdout; the swarm
// scenarios (handshake-storm, rpc-throughput, … and `all`) run against a test DC process and
// write a report under bench/results/<timestamp>/ (see bench/README.md).
import { BenchCliError, benchUsage, parseBenchCommand, type BenchCommand, type MicroName } from './cli-args.js'
import { SWARM_SCENARIOS } from './scenarios/index.js'

const micro: Record<MicroName, (argv: string[]) => Promise<void>> = {
  tl: async () => {
    const { runTlBench, formatTlBench } = await import('./tl-bench.js')
    console.log(formatTlBench(await runTlBench()))
  },
  crypto: async (argv) => {
    const { runCryptoBench } = await import('./crypto-bench.js')
    await runCryptoBench(argv)
  },
  'handshake-cpu': async () => {
    const { runHandshakeCpuBench } = await import('./handshake-cpu-bench.js')
    console.log(JSON.stringify(runHandshakeCpuBench()))
  },
  machines: async () => {
    const { runMachinesBench } = await import('./machines-bench.js')
    await runMachinesBench()
  },
  storage: async (argv) => {
    const { runStorageBench } = await import('./storage-bench.js')
    console.log(JSON.stringify(await runStorageBench({ encrypted: argv.includes('--encrypted') }), null, 2))
  },
}

const swarmNames = SWARM_SCENARIOS.map((s) => s.name)
const usage = benchUsage(swarmNames)
let command: BenchCommand
try {
  command = parseBenchCommand(process.argv.slice(2), swarmNames)
} catch (e) {
  if (!(e instanceof BenchCliError)) throw e
  process.stderr.write(`bench: ${e.message}\n\n${usage}\n`)
  process.exit(2)
}
if (command.kind === 'help') {
  process.stdout.write(`${usage}\n`)
} else if (command.kind === 'micro') {
  await micro[command.name]([...command.argv])
} else {
  const { runSwarmBench, BenchUsageError } = await import('./swarm/run.js')
  const chosen = command.name === 'all' ? SWARM_SCENARIOS : SWARM_SCENARIOS.filter((s) => s.name === command.name)
  try {
    await runSwarmBench(`npm run bench -- ${[command.name, ...command.argv].join(' ')}`, chosen, [...command.argv])
  } catch (e) {
    if (e instanceof BenchUsageError) {
      process.stderr.write(`bench: ${e.message}\n\n${usage}\n`)
      process.exit(2)
    }
    throw e
  }
  // Peers' and sockets' timers may linger in this process; the report is written.
  process.exit(0)
}
