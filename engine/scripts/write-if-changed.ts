// How the codegen scripts write a generated file: not at all when the text is the same, else
// through a temporary file and a rename. NB: `npm pack` rebuilds (prepack → turbo build →
// codegen) while other test processes may be importing generated/*.ts; a file rewritten in place
// could be read half-written, a renamed one cannot.
import { readFileSync, renameSync, writeFileSync } from 'node:fs'

/** Writes `text` to `path` unless it already holds exactly that; returns whether it wrote. */
export function writeIfChanged(path: string, text: string): boolean {
  let current: string | undefined
  try {
    current = readFileSync(path, 'utf8')
  } catch {
    current = undefined
  }
  if (current === text) return false
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, text)
  renameSync(tmp, path)
  return true
}
