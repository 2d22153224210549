// `npm run store -w @mtswarm/storage -- <command>`: store maintenance from the shell (key files,
// key rotation). Argument parsing and messages only; the work is store-key.ts and store-rotate.ts.
// NB: no key bytes or key text is ever printed; errors name files and variables.
import { parseArgs } from 'node:util'
import { StoreError } from './store-error.js'
import { createStoreKeyFile, readStoreKeyFile } from './store-key.js'
import { rotateStoreKey } from './store-rotate.js'

const USAGE = `usage: npm run store -w @mtswarm/storage -- <command> [options]

commands:
  generate-key --key-file FILE
      Write a new random store key to FILE (64 hex chars, mode 0600). Never replaces a file.
  rotate-key --path STORE --old-key-file OLD --new-key-file NEW [--verify keys|full|none]
      Re-seal every sealed value of STORE under the key in NEW, in one transaction, then
      compact the file so nothing sealed under OLD remains. STORE must not be open anywhere.
      A crash leaves STORE sealed under exactly one of the two keys, with every record.
      Make NEW with generate-key first; keep OLD until the rotation has printed "rotated".

Key files hold 32 bytes as raw bytes, 64 hex chars or base64, and must be mode 0600.
Exit status: 0 done, 1 the store refused (message says why), 2 bad usage.
`

/** Runs one command; returns the process exit status. */
export async function runStoreCli(argv: readonly string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        path: { type: 'string' },
        'key-file': { type: 'string' },
        'old-key-file': { type: 'string' },
        'new-key-file': { type: 'string' },
        verify: { type: 'string' },
      },
    })
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  const [command, ...extra] = positionals
  if (values.help === true) {
    out(USAGE)
    return 0
  }
  const usage = (why: string): number => {
    err(`${why}\n${USAGE}`)
    return 2
  }
  if (extra.length > 0) return usage(`unexpected arguments: ${extra.join(' ')}`)
  try {
    if (command === 'generate-key') {
      const file = values['key-file']
      if (file === undefined) return usage('generate-key needs --key-file')
      createStoreKeyFile(file, file).fill(0)
      out(`wrote a new store key to ${file} (mode 0600)`)
      return 0
    }
    if (command === 'rotate-key') {
      const { path, verify } = values
      const oldFile = values['old-key-file']
      const newFile = values['new-key-file']
      if (path === undefined || oldFile === undefined || newFile === undefined) {
        return usage('rotate-key needs --path, --old-key-file and --new-key-file')
      }
      if (verify !== undefined && verify !== 'keys' && verify !== 'full' && verify !== 'none') {
        return usage(`--verify must be keys, full or none, got ${verify}`)
      }
      const oldKey = readStoreKeyFile(path, oldFile)
      const newKey = readStoreKeyFile(path, newFile)
      if (Buffer.compare(Buffer.from(oldKey), Buffer.from(newKey)) === 0) return usage(`${oldFile} and ${newFile} hold the same key`)
      const { resealed } = await rotateStoreKey({
        path,
        oldKey,
        newKey,
        ...(verify === undefined ? {} : { verify }),
        onResealing: (n) => out(`re-sealing ${n} values of ${path}`),
      })
      oldKey.fill(0)
      newKey.fill(0)
      out(`rotated: ${resealed} values of ${path} are sealed under the key in ${newFile}; ${oldFile} no longer opens it`)
      return 0
    }
    return usage(command === undefined ? 'no command' : `unknown command ${command}`)
  } catch (e) {
    if (e instanceof StoreError) {
      err(e.message)
      return 1
    }
    throw e
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `npm run -w` starts us in storage/; paths on the command line mean the caller's directory.
  if (process.env.INIT_CWD !== undefined) process.chdir(process.env.INIT_CWD)
  runStoreCli(
    process.argv.slice(2),
    (line) => process.stdout.write(`${line}\n`),
    (line) => process.stderr.write(`${line}\n`),
  ).then(
    (code) => {
      process.exitCode = code
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`)
      process.exitCode = 1
    },
  )
}
