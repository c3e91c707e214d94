// The bus's metrics under EventBridge's names (MatchedEvents, TriggeredRules,
// Invocations, FailedInvocations, InvocationAttempts, DeadLetterInvocations,
// IngestiontoInvocationStartLatency), per bus and rule, as Prometheus names.
// The bus reports through its BusObserver interface (src/bus/observer.ts).
import { Counter, Histogram, type Registry } from 'prom-client'
import { InvocationOutcome, type BusObserver, type InvocationOutcomeName } from '../bus/index.js'

type Labels = 'bus' | 'rule'
interface RuleChildren {
  matched: { inc: () => void }
  triggered: { inc: () => void }
  invocations: { inc: () => void }
  failed: { inc: () => void }
  attempts: { inc: () => void }
  deadLettered: { inc: () => void }
  latency: { observe: (value: number) => void }
}
const MAX_CACHED_RULES = 100_000

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
    const counter = (name: string, help: string): Counter<Labels> => new Counter({ name, help, labelNames, registers })
    this.matched = counter('tributary_bus_matched_events_total', 'MatchedEvents: events that matched the rule')
    this.triggered = counter('tributary_bus_triggered_rules_total', 'TriggeredRules: times the rule matched an event and had targets to invoke')
    this.invocations = counter('tributary_bus_invocations_total', 'Invocations: events delivered to a target of the rule, or given up on (retries are not counted until they end)')
    this.failed = counter('tributary_bus_failed_invocations_total', 'FailedInvocations: invocations that failed for good (retries exhausted or not retryable)')
    this.attempts = counter('tributary_bus_invocation_attempts_total', 'InvocationAttempts: delivery attempts to targets of the rule, retries included')
    this.deadLettered = counter('tributary_bus_dead_letter_invocations_total', 'DeadLetterInvocations: failed invocations written to the target\'s dead-letter queue')
    this.latency = new Histogram({
      name: 'tributary_bus_ingestion_to_invocation_start_latency_seconds',
      help: 'IngestiontoInvocationStartLatency: from the event\'s ingestion to the start of its first delivery attempt',
      labelNames,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers
    })
  }

  /**
   * The children of every metric for one bus and rule, looked up once: these are called for every
   * event and target, and prom-client hashes the label object on each call made with labels.
   */
  private readonly perRule = new Map<string, RuleChildren>()

  private children (bus: string, rule: string): RuleChildren {
    const key = `${bus}\0${rule}`
    let c = this.perRule.get(key)
    if (c === undefined) {
      const labels = { bus, rule }
      c = {
        matched: this.matched.labels(labels),
        triggered: this.triggered.labels(labels),
        invocations: this.invocations.labels(labels),
        failed: this.failed.labels(labels),
        attempts: this.attempts.labels(labels),
        deadLettered: this.deadLettered.labels(labels),
        latency: this.latency.labels(labels),
      }
      // Rules come and go; the cache only saves lookups, so when it grows large it starts over.
      if (this.perRule.size >= MAX_CACHED_RULES) this.perRule.clear()
      this.perRule.set(key, c)
    }
    return c
  }

  ruleMatched (bus: string, rule: string, targets: number): void {
    const c = this.children(bus, rule)
    c.matched.inc()
    if (targets > 0) c.triggered.inc()
  }

  invocationStarted (bus: string, rule: string, _target: string, ingestedAt: number, retry: number): void {
    const c = this.children(bus, rule)
    c.attempts.inc()
    if (retry === 0) c.latency.observe(Math.max(0, Date.now() - ingestedAt) / 1000)
  }

  invocationFinished (bus: string, rule: string, _target: string, outcome: InvocationOutcomeName): void {
    const c = this.children(bus, rule)
    c.invocations.inc()
    if (outcome === InvocationOutcome.succeeded) return
    c.failed.inc()
    if (outcome === InvocationOutcome.deadLettered) c.deadLettered.inc()
  }
}
