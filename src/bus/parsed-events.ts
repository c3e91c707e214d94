// Events the bus has just parsed on their way in (PutEvents, forwarding, schedules), kept by their
// offset in a one-partition bus topic until that bus's dispatcher reads them: each event is parsed
// once, not again from the log's bytes (parsing a ~1 KB event was the largest single cost of a
// dispatcher step with few rules). The log stays the truth: an offset not kept here (a restart, a
// Kafka client writing into the bus topic, the bound below) is parsed from the record as before.
import type { EventEnvelope } from './model.js'

/** Events kept at most; past it the oldest go (their dispatcher is that far behind and parses them). */
const MAX_KEPT_EVENTS = 8192

export interface ParsedEvent { event: EventEnvelope, text: string }

export class ParsedEvents {
  private readonly byTopic = new Map<string, Map<number, ParsedEvent>>()
  private kept = 0
  /**
   * Every remembered event in the order it came, a ring of maxKept slots: the slot a new event takes
   * holds the oldest, which goes if its dispatcher has not taken it yet. Evicting through a Map's own
   * order instead (keys().next() after deletes) walked the deleted entries at its front on every
   * eviction: ~10 µs per event on PutEvents exactly when the dispatcher is behind (issue 15).
   */
  private readonly slotTopics: Array<Map<number, ParsedEvent> | undefined>
  private readonly slotOffsets: Float64Array
  private nextSlot = 0

  constructor (private readonly maxKept = MAX_KEPT_EVENTS) {
    this.slotTopics = new Array<Map<number, ParsedEvent> | undefined>(Math.max(0, maxKept))
    this.slotOffsets = new Float64Array(Math.max(0, maxKept))
  }

  /** The events just written at baseOffset, baseOffset + 1, ... of `topic` (partition 0 of a one-partition topic). */
  remember (topic: string, baseOffset: number, events: ReadonlyArray<ParsedEvent | undefined>): void {
    if (this.maxKept <= 0) return
    let offsets = this.byTopic.get(topic)
    if (offsets === undefined) this.byTopic.set(topic, offsets = new Map())
    for (let i = 0; i < events.length; i++) {
      const parsed = events[i]
      if (parsed === undefined) continue
      const slot = this.nextSlot
      const oldest = this.slotTopics[slot]
      if (oldest !== undefined && oldest.delete(this.slotOffsets[slot]!)) this.kept--
      this.slotTopics[slot] = offsets
      this.slotOffsets[slot] = baseOffset + i
      this.nextSlot = (slot + 1) % this.maxKept
      if (!offsets.has(baseOffset + i)) this.kept++
      offsets.set(baseOffset + i, parsed)
    }
  }

  /** The event at `offset` of `topic` if it is kept (taken: each is read once), else undefined. */
  take (topic: string, offset: number): ParsedEvent | undefined {
    const offsets = this.byTopic.get(topic)
    const parsed = offsets?.get(offset)
    if (parsed === undefined) return undefined
    offsets!.delete(offset)
    this.kept--
    return parsed
  }

  /** Events kept now (not yet taken, not evicted). */
  get size (): number { return this.kept }

  /** Drops a deleted bus's events. */
  forget (topic: string): void {
    const offsets = this.byTopic.get(topic)
    if (offsets === undefined) return
    this.kept -= offsets.size
    // emptied, not only dropped: ring slots still point at it, and their later evictions must find nothing
    offsets.clear()
    this.byTopic.delete(topic)
  }
}
