// `npm run bench -w @mtswarm/bench -- <scenario>`: a tiny dispatcher; each scenario lives in its own file.
const scenarios: Record<string, () => Promise<void>> = {
  tl: async () => {
    const { runTlBench, formatTlBench } = await import('./tl-bench.js')
    console.log(formatTlBench(await runTlBench()))
  },
  crypto: async () => {
    const { runCryptoBench } = await import('./crypto-bench.js')
    await runCryptoBench()
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
const run = name === undefined ? undefined : scenarios[name]
if (run === undefined) {
  console.error(`usage: npm run bench -w @mtswarm/bench -- <${Object.keys(scenarios).join('|')}>`)
  process.exit(2)
}
await run()
