// Fires rules with a ScheduleExpression: at each firing a "Scheduled Event"
// is appended to the rule's bus, addressed to that rule alone (record header),
// so it is delivered like any other event: durably, with retries.
// A firing's event id is derived from the rule and the firing time (a name-based
// UUID), so the same firing appended twice (two bus workers around a rebalance)
// is recognisably one event.
import { createHash } from 'node:crypto'
import type { Logger } from 'pino'
import type { EventEnvelope, RuleDefinition } from './model.js'
import { nextFireTime, parseSchedule, type Schedule } from './schedule.js'
import { formatEventTime } from './envelope.js'
import { BusHeader } from './targets/dispatcher.js'
import { armTimer, systemClock, type Clock, type TimerHandle } from './clock.js'

/** setTimeout cannot wait longer than this; longer waits are taken in steps. */
const MAX_TIMER_MS = 2_147_483_647

/** `firing`: the rule and the firing time the event is for (a cluster records it, scheduled-firings.ts). */
export type ScheduledAppend = (busName: string, event: EventEnvelope, text: string, headers: Array<{ key: string, value: string }>, firing: { rule: RuleDefinition, at: number }) => Promise<void>

/** Catch-up after a takeover fires at most this many missed firings per rule (the newest). */
export const MAX_CATCH_UP_FIRINGS = 100

/** UUID namespace of scheduled events' ids (UUIDv5 over `<rule ARN>@<firing time in ms>`). */
const SCHEDULED_EVENT_NAMESPACE = Buffer.from('5f0c7a2e9b3d4e1f8a6b2c4d6e8f0a1b', 'hex')

/** The id of the event of `ruleArn`'s firing at `at`: the same for every process that fires it. */
export function scheduledEventId (ruleArn: string, at: number): string {
  const hash = createHash('sha1').update(SCHEDULED_EVENT_NAMESPACE).update(`${ruleArn}@${at}`).digest()
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

interface Entry { rule: RuleDefinition, schedule: Schedule, timer: TimerHandle | null, nextAt: number | null, armedAt: number }

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
    const entry: Entry = { rule, schedule, timer: null, nextAt: null, armedAt: this.clock.now() }
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

  /**
   * Firings of the rule's current schedule that came due after `since` (and
   * after this process armed it) up to now: what a new holder of its bus's
   * partition 0 fires when it takes over (the newest MAX_CATCH_UP_FIRINGS).
   */
  missedFirings (key: string, since: number | undefined): { rule: RuleDefinition, times: number[], dropped: number } | null {
    const entry = this.entries.get(key)
    if (entry === undefined) return null
    const now = this.clock.now()
    const times: number[] = []
    let dropped = 0
    let at = nextFireTime(entry.schedule, Math.max(since ?? entry.armedAt, entry.armedAt), entry.rule.createdAt)
    while (at !== null && at <= now) {
      times.push(at)
      if (times.length > MAX_CATCH_UP_FIRINGS) { times.shift(); dropped++ }
      at = nextFireTime(entry.schedule, at, entry.rule.createdAt)
    }
    return { rule: entry.rule, times, dropped }
  }

  /** Appends the event of `rule`'s firing at `at` (timers call it; so does a catch-up). */
  async fire (rule: RuleDefinition, at: number): Promise<void> {
    const event: EventEnvelope = {
      version: '0',
      id: scheduledEventId(rule.arn, at),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.account,
      time: formatEventTime(at),
      region: this.region,
      resources: [rule.arn],
      detail: {},
    }
    await this.append(rule.busName, event, JSON.stringify(event), [{ key: BusHeader.rule, value: rule.name }], { rule, at }).catch(err => {
      this.logger?.error({ err, rule: rule.name }, 'could not append a scheduled event')
    })
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
}
