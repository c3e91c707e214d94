// Watching consumer groups from a test: what each member received, which partitions it holds,
// what it committed, and a way to await a condition over all of that without sleeping.
import type { Consumer } from 'kafkajs'
import { PATIENCE_MS } from './wait.js'

/** Re-checks a condition every time something it depends on changes; never polls on a timer. */
export class Watch {
  private readonly waiters = new Set<() => void>()

  changed (): void {
    for (const waiter of [...this.waiters]) waiter()
  }

  /**
   * Resolves with check()'s first truthy answer, however long the machine takes; only a
   * hang (PATIENCE_MS, see ./wait.ts) rejects, with `what` and describe().
   */
  async until<T> (check: () => T | undefined | null | false, what: string, describe: () => string = () => ''): Promise<T> {
    const first = check()
    if (first) return first
    return await new Promise<T>((resolve, reject) => {
      const waiter = (): void => {
        let answer: T | undefined | null | false
        try {
          answer = check()
        } catch (error) {
          finish()
          reject(error)
          return
        }
        if (answer) { finish(); resolve(answer) }
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error(`TRIB_ERR_TEST_TIMEOUT: ${what} did not happen within ${PATIENCE_MS} ms ${describe()}`))
      }, PATIENCE_MS)
      const finish = (): void => { clearTimeout(timer); this.waiters.delete(waiter) }
      this.waiters.add(waiter)
    })
  }
}

export interface Delivery { member: string, topic: string, partition: number, offset: number, key: string | null, value: string }

/** Every message any member of any watched consumer received, in arrival order. */
export class Deliveries {
  readonly list: Delivery[] = []
  constructor (readonly watch: Watch) {}

  add (delivery: Delivery): void {
    this.list.push(delivery)
    this.watch.changed()
  }

  /** Distinct values received (by any member, or by the members accepted by `of`). */
  distinctValues (of: (d: Delivery) => boolean = () => true): Set<string> {
    const values = new Set<string>()
    for (const d of this.list) if (of(d)) values.add(d.value)
    return values
  }

  /** Values of `expected` that no member (accepted by `of`) received. */
  missing (expected: Iterable<string>, of: (d: Delivery) => boolean = () => true): string[] {
    const seen = this.distinctValues(of)
    return [...expected].filter(v => !seen.has(v))
  }

  /** Resolves once every expected value was received by the members accepted by `of`. */
  async untilAll (expected: string[], what: string, of: (d: Delivery) => boolean = () => true): Promise<void> {
    await this.watch.until(() => this.missing(expected, of).length === 0, what,
      () => `(missing ${this.missing(expected, of).length} of ${expected.length}, e.g. ${this.missing(expected, of).slice(0, 5).join(', ')})`)
  }

  /** How often each (topic, partition, offset) was received; > 1 is a redelivery. */
  timesByPosition (of: (d: Delivery) => boolean = () => true): Map<string, number> {
    const times = new Map<string, number>()
    for (const d of this.list) {
      if (!of(d)) continue
      const position = `${d.topic}/${d.partition}@${d.offset}`
      times.set(position, (times.get(position) ?? 0) + 1)
    }
    return times
  }
}

/** What one kafkajs member last learned from the group, kept current from its instrumentation events. */
export class MemberView {
  /** The assignment from the newest GROUP_JOIN (topic -> partitions), null before the first. */
  assignment: Record<string, number[]> | null = null
  memberId: string | null = null
  joins = 0
  fetches = 0
  crashes: Error[] = []
  /** Highest committed offset (the next to read) per "topic/partition", as acknowledged by the broker. */
  readonly committed = new Map<string, number>()

  constructor (readonly name: string, consumer: Consumer, watch: Watch) {
    consumer.on(consumer.events.GROUP_JOIN, event => {
      this.assignment = event.payload.memberAssignment
      this.memberId = event.payload.memberId
      this.joins++
      watch.changed()
    })
    consumer.on(consumer.events.FETCH, () => {
      this.fetches++
      watch.changed()
    })
    consumer.on(consumer.events.COMMIT_OFFSETS, event => {
      for (const topic of event.payload.topics) {
        for (const p of topic.partitions) this.committed.set(`${topic.topic}/${p.partition}`, Number(p.offset))
      }
      watch.changed()
    })
    consumer.on(consumer.events.CRASH, event => {
      this.crashes.push(event.payload.error)
      watch.changed()
    })
  }

  partitionsOf (topic: string): number[] {
    return [...(this.assignment?.[topic] ?? [])].sort((a, b) => a - b)
  }
}

/**
 * True if the members' newest assignments of `topic` are disjoint, each non-empty (when there are no
 * more members than partitions), and together cover partitions 0..count-1.
 */
export function splitsPartitions (members: MemberView[], topic: string, count: number): boolean {
  const seen = new Set<number>()
  for (const member of members) {
    const partitions = member.partitionsOf(topic)
    if (partitions.length === 0 && members.length <= count) return false
    for (const p of partitions) {
      if (seen.has(p)) return false
      seen.add(p)
    }
  }
  return seen.size === count
}

export function describeAssignments (members: MemberView[], topic: string): string {
  return '(' + members.map(m => `${m.name}: [${m.partitionsOf(topic).join(',')}] after ${m.joins} joins`).join('; ') + ')'
}
