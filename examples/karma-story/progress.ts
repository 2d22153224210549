// Progress on stderr: a redrawn bar on a TTY, a plain line every PLAIN_INTERVAL_MS otherwise
// (CI logs, pipes). Knows nothing of what is counted: it prints what `render` returns.

/** How often the non-TTY mode prints a line. */
export const PLAIN_INTERVAL_MS = 1000
/** How often the TTY bar is redrawn. */
export const TTY_INTERVAL_MS = 100
const BAR_WIDTH = 24

export interface ProgressLine {
  readonly phase: string
  readonly done: number
  readonly total: number
  /** Extra counters shown after the bar. */
  readonly detail: string
}

/** A running progress display. */
export interface Progress {
  /** Prints the current line now (at the end of a phase, so a fast phase still shows its total). */
  now(): void
  /** Stops the timer and prints the final line. */
  stop(): void
}

/** Starts printing what `render` returns. */
export function startProgress(render: () => ProgressLine, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true
  const line = (): string => {
    const p = render()
    const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0
    if (!tty) return `[${p.phase}] ${p.done}/${p.total} ${p.detail}`
    const fill = Math.round(frac * BAR_WIDTH)
    return `${p.phase.padEnd(8)} [${'#'.repeat(fill)}${'.'.repeat(BAR_WIDTH - fill)}] ${String(p.done).padStart(String(p.total).length)}/${p.total} ${p.detail}`
  }
  const draw = (): void => {
    if (tty) stream.write(`\r\x1b[2K${line()}`)
    else stream.write(`${line()}\n`)
  }
  const timer = setInterval(draw, tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS)
  timer.unref()
  const now = (): void => {
    draw()
    if (tty) stream.write('\n')
  }
  return {
    now,
    stop: () => {
      clearInterval(timer)
      now()
    },
  }
}
