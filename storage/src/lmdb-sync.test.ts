// Durable writes reach the disk: a killed process cannot show a missing fsync (the page cache
// survives it), so this watches the syscalls instead. A child process makes N awaited auth-key
// writes under strace; every commit must add at least one fsync/fdatasync/msync over a run that
// opens and closes the same store with no write.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const WRITER = fileURLToPath(new URL('./sync-writer.ts', import.meta.url))
const WRITES = 6

/** Syncs (fsync, fdatasync, msync) a writer process made for `writes` awaited writes. */
function syncsFor(dir: string, writes: number): number {
  const trace = join(dir, `trace-${writes}`)
  const r = spawnSync(
    'strace',
    ['-f', '-qq', '-e', 'trace=fsync,fdatasync,msync,sync_file_range', '-o', trace, process.execPath, '--import', 'tsx', WRITER, join(dir, `store-${writes}.mdb`), String(writes)],
    { encoding: 'utf8' },
  )
  assert.equal(r.status, 0, `writer failed: ${r.error?.message ?? r.stderr}`)
  return readFileSync(trace, 'utf8')
    .split('\n')
    .filter((line) => /\b(fsync|fdatasync|msync|sync_file_range)\(/.test(line) && !line.includes('unfinished')).length
}

describe('LMDB store: commits are synchronous', () => {
  test(`${WRITES} awaited durable writes make at least ${WRITES} more syncs than none`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtswarm-sync-'))
    try {
      const idle = syncsFor(dir, 0)
      const busy = syncsFor(dir, WRITES)
      assert.ok(busy - idle >= WRITES, `${WRITES} writes added ${busy - idle} syncs (${idle} without writes)`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
