// Fires rules with a ScheduleExpression: at each firing a "Scheduled Event"
// is appended to the rule's bus, addressed to that rule alone (record header),
// so it is delivered like any other event: durably, with retries.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { EventEnvelope, RuleDefinition } from './model.js'
import { nextFireTime, parseSchedule, type Schedule } from './schedule.js'
import { formatEventTime } from './envelope.js'
import { BusHeader } from './targets/dispatcher.js'
import { armTimer, systemClock, type Clock, type TimerHandle } from './clock.js'

/** setTimeout cannot wait longer than this; longer waits are taken in steps. */
const MAX_TIMER_MS = 2_147_483_647

export type ScheduledAppend = (busName: string, event: EventEnvelope, text: string, headers: Array<{ key: string, value: string }>) => Promise<void>

interface Entry { rule: RuleDefinition, schedule: Schedule, timer: TimerHandle | null, nextAt: number | null }

export class RuleScheduler {
  private readonly entries = new Map<string, Entry>()
  private closed = false

  constructor (private readonly account: string, private readonly region: string, private readonly append: ScheduledAppend, private readonly logger?: Logger,
    /** Fires rules on its timers and stamps their events with its time. */
    private readonly clock: Clock = systemClock()) {}

  /** (Re)arms or disarms the rule according to its schedule and state. */
  update (key: string, rule: RuleDefinition): void {
    this.remove(key)
    if (this.closed || rule.scheduleExpression === undefined || rule.state !== 'ENABLED') return
    const schedule = parseSchedule(rule.scheduleExpression)
    if (!schedule) return
    const entry: Entry = { rule, schedule, timer: null, nextAt: null }
    this.entries.set(key, entry)
    this.arm(key, entry, this.clock.now())
  }

  remove (key: string): void {
    const entry = this.entries.get(key)
    if (entry !== undefined && entry.timer !== null) this.clock.clearTimer(entry.timer)
    this.entries.delete(key)
  }

  nextFireTime (key: string): number | null {
    return this.entries.get(key)?.nextAt ?? null
  }

  close (): void {
    this.closed = true
    for (const key of [...this.entries.keys()]) this.remove(key)
  }

  private arm (key: string, entry: Entry, after: number): void {
    const nextAt = nextFireTime(entry.schedule, after, entry.rule.createdAt)
    entry.nextAt = nextAt
    if (nextAt === null) return
    // Returns the append, so a test clock's advance() waits until the event is in the log.
    const wait = (): Promise<void> | undefined => {
      const remaining = nextAt - this.clock.now()
      if (remaining > 0) {
        entry.timer = armTimer(this.clock, Math.min(remaining, MAX_TIMER_MS), wait)
        return
      }
      if (this.entries.get(key) !== entry) return
      const appended = this.fire(entry.rule, nextAt)
      this.arm(key, entry, Math.max(nextAt, this.clock.now()))
      return appended
    }
    wait()
  }

  private async fire (rule: RuleDefinition, at: number): Promise<void> {
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.account,
      time: formatEventTime(at),
      region: this.region,
      resources: [rule.arn],
      detail: {},
    }
    await this.append(rule.busName, event, JSON.stringify(event), [{ key: BusHeader.rule, value: rule.name }]).catch(err => {
      this.logger?.error({ err, rule: rule.name }, 'could not append a scheduled event')
    })
  }
}
