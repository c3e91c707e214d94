// Producer ids, handed out from blocks whose end is made durable before any id
// of the block is used (as Kafka's ProducerIdManager does with its blocks), so
// an id is never given out twice, even across a crash: after a restart the
// next id starts past the last block logged.

export const PRODUCER_ID_BLOCK_SIZE = 1000

export class ProducerIdAllocator {
  private nextId = 0
  /** Ids below this are reserved by the log. */
  blockEnd = 0
  private chain: Promise<unknown> = Promise.resolve()

  /** `persist(end)` makes "ids below end are taken" durable. */
  constructor (private readonly persist: (blockEnd: number) => Promise<void>) {}

  /** Replay: a block logged earlier. */
  restore (blockEnd: number): void {
    if (blockEnd > this.blockEnd) this.blockEnd = blockEnd
    // the rest of a block that was in use at a crash is skipped
    this.nextId = this.blockEnd
  }

  /** Replay: an id known to be in use. */
  seen (producerId: number): void {
    if (producerId >= this.nextId) this.nextId = producerId + 1
    if (this.nextId > this.blockEnd) this.blockEnd = this.nextId
  }

  next (): Promise<number> {
    const run = this.chain.then(async () => {
      if (this.nextId >= this.blockEnd) {
        const end = this.nextId + PRODUCER_ID_BLOCK_SIZE
        await this.persist(end)
        this.blockEnd = end
      }
      return this.nextId++
    })
    this.chain = run.catch(() => {})
    return run
  }
}
