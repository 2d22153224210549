// `npm run bench -w @mtswarm/bench -- <scenario> [flags]`: a tiny dispatcher. Micro-benchmarks
// (tl, crypto, machines, storage) live in their own files and print to stdout; the swarm
// scenarios (handshake-storm, rpc-throughput, … and `all`) run against a test DC process and
// write a report under bench/results/<timestamp>/ (see bench/README.md).
import { SWARM_SCENARIOS } from './scenarios/index.js'

const micro: Record<string, () => Promise<void>> = {
  tl: async () => {
    const { runTlBench, formatTlBench } = await import('./tl-bench.js')
    console.log(formatTlBench(await runTlBench()))
  },
  crypto: async () => {
    const { runCryptoBench } = await import('./crypto-bench.js')
    await runCryptoBench()
  },
  'handshake-cpu': async () => {
    const { runHandshakeCpuBench } = await import('./handshake-cpu-bench.js')
    console.log(JSON.stringify(runHandshakeCpuBench()))
  },
  machines: async () => {
    const { runMachinesBench } = await import('./machines-bench.js')
    await runMachinesBench()
  },
  storage: async () => {
    const { runStorageBench } = await import('./storage-bench.js')
    console.log(JSON.stringify(await runStorageBench({ encrypted: process.argv.includes("--encrypted") }), null, 2))
  },
}

const name = process.argv[2]
const rest = process.argv.slice(3)
const swarmNames = SWARM_SCENARIOS.map((s) => s.name)
const microRun = name === undefined ? undefined : micro[name]
if (microRun !== undefined) {
  await microRun()
} else if (name === 'all' || (name !== undefined && swarmNames.includes(name))) {
  const { runSwarmBench, BenchUsageError } = await import('./swarm/run.js')
  const chosen = name === 'all' ? SWARM_SCENARIOS : SWARM_SCENARIOS.filter((s) => s.name === name)
  try {
    await runSwarmBench(`npm run bench -- ${[name, ...rest].join(' ')}`, chosen, rest)
  } catch (e) {
    if (e instanceof BenchUsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error((e as Error).message)
      process.exit(2)
    }
    throw e
  }
  // Peers' and sockets' timers may linger in this process; the report is written.
  process.exit(0)
} else {
  console.error(`usage: npm run bench -w @mtswarm/bench -- <${[...Object.keys(micro), ...swarmNames, 'all'].join('|')}> [--quick] [--accounts N] [--peers N] [--no-peers] [--out DIR]`)
  process.exit(2)
}
