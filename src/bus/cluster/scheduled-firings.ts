// When each scheduled rule last fired, in a compacted topic (`__bus.schedules`,
// key `<bus>\u0000<rule>`, value `{"firedAt":<ms>}`), so that firing survives a
// rebalance of its bus's partition 0 exactly (issue 14):
// - the holder of partition 0 fires a rule's firing only if it is later than the
//   last one recorded or claimed here (a timer and a catch-up cannot both fire it),
//   appends the event (its id derived from rule and firing time), and only then
//   records the firing time (a holder killed in between leaves the firing
//   unrecorded: the next holder appends it again, with the same event id);
// - a new holder reads what the previous one recorded and fires what came due
//   since (EventBus.catchUpSchedules), so a firing due while nobody held the
//   partition is not missed.
import type { Logger } from 'pino'
import type { CompactedTopic } from './compacted-topic.js'
import { catchUpKeyed } from './keyed-state.js'

export const SCHEDULES_TOPIC = '__bus.schedules'

export class ScheduledFirings {
  /** Rule key → the latest firing time recorded by any process or claimed by this one. */
  private readonly latest = new Map<string, number>()

  constructor (private readonly topic: CompactedTopic, private readonly logger?: Logger) {}

  /** Creates the topic if missing and reads every firing recorded so far. */
  async open (): Promise<void> {
    await this.topic.ensure()
    await this.refresh()
  }

  /** Reads the firings other processes recorded since the last read. */
  async refresh (): Promise<void> {
    await catchUpKeyed(this.topic, this.latest, { parse: firedAt, replaces: (current, next) => next > current }, this.logger)
  }

  /** The latest firing known for the rule (recorded or claimed). */
  last (ruleKey: string): number | undefined {
    return this.latest.get(ruleKey)
  }

  /** True (and the firing is this process's to append) when `at` is later than every firing known for the rule. */
  claim (ruleKey: string, at: number): boolean {
    if (at <= (this.latest.get(ruleKey) ?? -Infinity)) return false
    this.latest.set(ruleKey, at)
    return true
  }

  /** Records that the firing at `at` is in the bus topic (acks=all). */
  async record (ruleKey: string, at: number): Promise<void> {
    await this.topic.write([{ key: ruleKey, value: JSON.stringify({ firedAt: at }) }])
  }
}

/** The firing time a record carries (`{"firedAt":<ms>}`), or undefined when it carries none. */
function firedAt (text: string): number | undefined {
  const value = (JSON.parse(text) as { firedAt?: unknown } | null)?.firedAt
  return typeof value === 'number' ? value : undefined
}
