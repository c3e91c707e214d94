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

  constructor (private readonly maxKept = MAX_KEPT_EVENTS) {}

  /** The events just written at baseOffset, baseOffset + 1, ... of `topic` (partition 0 of a one-partition topic). */
  remember (topic: string, baseOffset: number, events: ReadonlyArray<ParsedEvent | undefined>): void {
    let offsets = this.byTopic.get(topic)
    if (offsets === undefined) this.byTopic.set(topic, offsets = new Map())
    events.forEach((parsed, i) => {
      if (parsed === undefined) return
      offsets.set(baseOffset + i, parsed)
      this.kept++
    })
    while (this.kept > this.maxKept) {
      const oldest = offsets.keys().next()
      if (oldest.done === true) break
      offsets.delete(oldest.value)
      this.kept--
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

  /** Drops a deleted bus's events. */
  forget (topic: string): void {
    this.kept -= this.byTopic.get(topic)?.size ?? 0
    this.byTopic.delete(topic)
  }
}
