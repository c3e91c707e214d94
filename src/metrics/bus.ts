// The bus's metrics under EventBridge's names (MatchedEvents, TriggeredRules,
// Invocations, FailedInvocations, InvocationAttempts, DeadLetterInvocations,
// IngestiontoInvocationStartLatency), per bus and rule, as Prometheus names.
// The bus reports through its BusObserver interface (src/bus/observer.ts).
import { Counter, Histogram, type Registry } from 'prom-client'
import { InvocationOutcome, type BusObserver, type InvocationOutcomeName } from '../bus/index.js'

type Labels = 'bus' | 'rule'
const COUNTS = ['matched', 'triggered', 'invocations', 'failed', 'attempts', 'deadLettered'] as const
type CountName = typeof COUNTS[number]
/** One rule's counts since the last scrape, and its labels. */
type RuleCounts = Record<CountName, number> & { labels: { bus: string, rule: string } }

export class BusMetrics implements BusObserver {
  private readonly matched: Counter<Labels>
  private readonly triggered: Counter<Labels>
  private readonly invocations: Counter<Labels>
  private readonly failed: Counter<Labels>
  private readonly attempts: Counter<Labels>
  private readonly deadLettered: Counter<Labels>
  private readonly latency: Histogram<Labels>

  constructor (registry: Registry) {
    const registers = [registry]
    const labelNames = ['bus', 'rule'] as const
    // The counts are kept here per rule and added to prom-client's counters when they are scraped:
    // these are counted for every event and target, and an inc() with labels hashes them each time.
    const counter = (name: string, help: string, count: CountName): Counter<Labels> => new Counter({ name, help, labelNames, registers, collect: () => { this.flush(count) } })
    this.matched = counter('tributary_bus_matched_events_total', 'MatchedEvents: events that matched the rule', 'matched')
    this.triggered = counter('tributary_bus_triggered_rules_total', 'TriggeredRules: times the rule matched an event and had targets to invoke', 'triggered')
    this.invocations = counter('tributary_bus_invocations_total', 'Invocations: events delivered to a target of the rule, or given up on (retries are not counted until they end)', 'invocations')
    this.failed = counter('tributary_bus_failed_invocations_total', 'FailedInvocations: invocations that failed for good (retries exhausted or not retryable)', 'failed')
    this.attempts = counter('tributary_bus_invocation_attempts_total', 'InvocationAttempts: delivery attempts to targets of the rule, retries included', 'attempts')
    this.deadLettered = counter('tributary_bus_dead_letter_invocations_total', 'DeadLetterInvocations: failed invocations written to the target\'s dead-letter queue', 'deadLettered')
    this.latency = new Histogram({
      name: 'tributary_bus_ingestion_to_invocation_start_latency_seconds',
      help: 'IngestiontoInvocationStartLatency: from the event\'s ingestion to the start of its first delivery attempt',
      labelNames,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers
    })
  }

  private readonly perRule = new Map<string, RuleCounts>()

  private countsOf (bus: string, rule: string): RuleCounts {
    const key = `${bus}\0${rule}`
    let c = this.perRule.get(key)
    if (c === undefined) this.perRule.set(key, c = { matched: 0, triggered: 0, invocations: 0, failed: 0, attempts: 0, deadLettered: 0, labels: { bus, rule } })
    return c
  }

  /** Adds the counts since the last scrape to prom-client's counter of that name. */
  private flush (count: CountName): void {
    const metric = this[count]
    for (const c of this.perRule.values()) {
      if (c[count] === 0) continue
      metric.inc(c.labels, c[count])
      c[count] = 0
    }
    // A rule's entry goes once all its counts are out (deleted rules do not stay forever).
    for (const [key, c] of this.perRule) if (COUNTS.every(n => c[n] === 0)) this.perRule.delete(key)
  }

  ruleMatched (bus: string, rule: string, targets: number): void {
    const c = this.countsOf(bus, rule)
    c.matched++
    if (targets > 0) c.triggered++
  }

  invocationStarted (bus: string, rule: string, _target: string, ingestedAt: number, retry: number): void {
    this.countsOf(bus, rule).attempts++
    if (retry === 0) this.latency.observe({ bus, rule }, Math.max(0, Date.now() - ingestedAt) / 1000)
  }

  invocationFinished (bus: string, rule: string, _target: string, outcome: InvocationOutcomeName): void {
    const c = this.countsOf(bus, rule)
    c.invocations++
    if (outcome === InvocationOutcome.succeeded) return
    c.failed++
    if (outcome === InvocationOutcome.deadLettered) c.deadLettered++
  }
}
