// What a consumer may commit: per partition, the lowest offset still being
// handled, or the fetch position when nothing is. Handlers finish out of order
// (different keys run in parallel), so committing "the last one done" would
// skip events still in flight; committing the lowest unfinished one keeps
// at-least-once: after a crash, everything not yet finished comes again.
export interface TopicPartition { topic: string, partition: number }

interface Progress {
  topic: string
  partition: number
  /** The next offset to fetch. */
  position: number
  /** Offsets handed to handlers and not yet finished, in the order fetched (ascending). */
  inFlight: Set<number>
  /** The offset last committed, to skip commits that change nothing. */
  committed: number
}

const id = (topic: string, partition: number): string => `${topic}\0${partition}`

export class PartitionProgress {
  private readonly partitions = new Map<string, Progress>()

  /** Starts tracking the assigned partitions at their start positions (forgets any others). */
  reset (positions: Array<TopicPartition & { offset: number }>): void {
    this.partitions.clear()
    for (const p of positions) this.partitions.set(id(p.topic, p.partition), { topic: p.topic, partition: p.partition, position: p.offset, inFlight: new Set(), committed: p.offset })
  }

  positions (): Array<TopicPartition & { offset: number }> {
    return [...this.partitions.values()].map(p => ({ topic: p.topic, partition: p.partition, offset: p.position }))
  }

  get size (): number { return this.partitions.size }

  get inFlight (): number {
    let n = 0
    for (const p of this.partitions.values()) n += p.inFlight.size
    return n
  }

  started (topic: string, partition: number, offset: number): void {
    this.partitions.get(id(topic, partition))?.inFlight.add(offset)
  }

  finished (topic: string, partition: number, offset: number): void {
    this.partitions.get(id(topic, partition))?.inFlight.delete(offset)
  }

  advance (topic: string, partition: number, next: number): void {
    const p = this.partitions.get(id(topic, partition))
    if (p !== undefined && next > p.position) p.position = next
  }

  /** Moves the fetch position (an out-of-range reset); only when nothing is in flight there. */
  seek (topic: string, partition: number, offset: number): void {
    const p = this.partitions.get(id(topic, partition))
    if (p !== undefined && p.inFlight.size === 0) p.position = offset
  }

  /** Offsets to commit now: only partitions whose committable offset moved. */
  committable (): Array<TopicPartition & { offset: number }> {
    const out: Array<TopicPartition & { offset: number }> = []
    for (const p of this.partitions.values()) {
      const lowest = p.inFlight.values().next()
      const offset = lowest.done === true ? p.position : lowest.value
      if (offset !== p.committed) out.push({ topic: p.topic, partition: p.partition, offset })
    }
    return out
  }

  markCommitted (offsets: Array<TopicPartition & { offset: number }>): void {
    for (const o of offsets) {
      const p = this.partitions.get(id(o.topic, o.partition))
      if (p !== undefined) p.committed = o.offset
    }
  }
}
