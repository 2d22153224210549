// The progress line on stderr while the bench runs: "[elapsed] scenario · step". Redrawn in place
// on a TTY, printed as throttled lines otherwise (CI logs). Knows nothing of what is measured.

const NON_TTY_INTERVAL_MS = 2_000

export class Progress {
  private readonly t0 = performance.now()
  private scenario = ''
  private lastLine = ''
  private lastPrint = 0
  private readonly tty: boolean

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = out.isTTY === true
  }

  private elapsed(): string {
    const s = (performance.now() - this.t0) / 1000
    return `${Math.floor(s / 60)}:${Math.floor(s % 60).toString().padStart(2, '0')}`
  }

  /** A new scenario starts. */
  start(scenario: string): void {
    this.scenario = scenario
    this.step('starting', true)
  }

  /** The current step of the scenario (throttled when not a TTY unless `force`). */
  step(text: string, force = false): void {
    const line = `[${this.elapsed()}] ${this.scenario} · ${text}`
    if (this.tty) {
      const cols = this.out.columns ?? 120
      this.out.write(`\r\x1b[K${line.slice(0, cols - 1)}`)
    } else if (force || performance.now() - this.lastPrint > NON_TTY_INTERVAL_MS) {
      this.out.write(`${line}\n`)
      this.lastPrint = performance.now()
    }
    this.lastLine = line
  }

  /** A line that stays (scenario done, a warning). */
  log(text: string): void {
    if (this.tty && this.lastLine !== '') this.out.write('\r\x1b[K')
    this.out.write(`[${this.elapsed()}] ${text}\n`)
    this.lastLine = ''
  }
}
