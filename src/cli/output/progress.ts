// A one-line progress report on stderr for long work (a large produce, a replay),
// redrawn in place on a terminal and silent otherwise, so pipes and logs stay clean.
export class Progress {
  private lastDraw = 0
  private drawn = false

  constructor (private readonly stream: NodeJS.WriteStream = process.stderr, private readonly minIntervalMs = 100) {}

  get active (): boolean { return this.stream.isTTY === true }

  update (text: string, force = false): void {
    if (!this.active) return
    const now = Date.now()
    if (!force && now - this.lastDraw < this.minIntervalMs) return
    this.lastDraw = now
    this.drawn = true
    this.stream.write(`\r\u001b[2K${text}`)
  }

  /** Clears the line (the final summary goes to stdout). */
  done (): void {
    if (this.drawn) this.stream.write('\r\u001b[2K')
    this.drawn = false
  }
}
