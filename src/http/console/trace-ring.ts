// The bus's recent history per event, for the console's event trace: PutEvents
// (the append to the bus topic) → each matched rule → each target attempt,
// retry and final outcome, with times. Fed by the bus observer (it wraps the
// metrics observer, which still sees every call), bounded by event count so a
// busy bus costs a fixed amount of memory: the oldest traced events go first.
// Also keeps delivery counts per target, which the console's bus page shows.
import type { BusObserver, InvocationOutcomeName } from '../../bus/index.js'

export type TraceStepKind = 'accepted' | 'matched' | 'attempt' | 'retry-scheduled' | 'succeeded' | 'failed' | 'dead-lettered'

export interface TraceStep {
  at: number
  kind: TraceStepKind
  bus: string
  rule?: string
  target?: string
  /** 0 for the first attempt. */
  retry?: number
  error?: string
}

export interface TargetCounts {
  attempts: number
  succeeded: number
  failed: number
  deadLettered: number
  lastError: string | null
}

export interface TraceRingOptions {
  /** Events remembered (default 10,000). */
  capacity?: number
  /** Steps kept per event; a target failing forever must not grow one trace without bound (default 200). */
  maxStepsPerEvent?: number
  now?: () => number
}

export class TraceRing implements BusObserver {
  private readonly traces = new Map<string, TraceStep[]>()
  /**
   * The traced ids in the order they entered, a ring of `capacity` slots: the slot a new trace takes
   * holds the one to evict. Evicting through the Map's own order (keys().next() after deletes) walked
   * the deleted entries at the front on every eviction: most of the ring's cost, and ~4 % of the
   * broker's CPU per bus event at 1,000 rules (issue 15).
   */
  private readonly order: Array<string | undefined>
  private nextSlot = 0
  private readonly counts = new Map<string, TargetCounts>()
  private readonly capacity: number
  private readonly maxSteps: number
  private readonly now: () => number

  constructor (private readonly inner: BusObserver | undefined, options: TraceRingOptions = {}) {
    this.capacity = options.capacity ?? 10_000
    this.order = new Array<string | undefined>(this.capacity)
    this.maxSteps = options.maxStepsPerEvent ?? 200
    this.now = options.now ?? Date.now
  }

  /** The steps recorded for an event, oldest first; undefined when it is not (or no longer) in the ring. */
  trace (eventId: string): readonly TraceStep[] | undefined {
    return this.traces.get(eventId)
  }

  /** Ids of the most recently accepted events, newest first. */
  recent (limit: number): string[] {
    const ids = [...this.traces.keys()]
    return ids.slice(Math.max(0, ids.length - limit)).reverse()
  }

  targetCounts (bus: string, rule: string, target: string): TargetCounts {
    return this.counts.get(`${bus}\0${rule}\0${target}`) ?? { attempts: 0, succeeded: 0, failed: 0, deadLettered: 0, lastError: null }
  }

  get size (): number { return this.traces.size }

  eventsAppended (bus: string, eventIds: readonly string[], at: number): void {
    this.inner?.eventsAppended?.(bus, eventIds, at)
    for (const id of eventIds) this.add(id, { at, kind: 'accepted', bus }, true)
  }

  ruleMatched (bus: string, rule: string, targets: number, eventId?: string): void {
    this.inner?.ruleMatched(bus, rule, targets, eventId)
    if (eventId !== undefined) this.add(eventId, { at: this.now(), kind: 'matched', bus, rule })
  }

  invocationStarted (bus: string, rule: string, target: string, ingestedAt: number, retry: number, eventId?: string): void {
    this.inner?.invocationStarted(bus, rule, target, ingestedAt, retry, eventId)
    this.countsOf(bus, rule, target).attempts++
    if (eventId !== undefined) this.add(eventId, { at: this.now(), kind: 'attempt', bus, rule, target, retry })
  }

  invocationRetrying (bus: string, rule: string, target: string, eventId: string, error: string, nextAttemptAt: number): void {
    this.inner?.invocationRetrying?.(bus, rule, target, eventId, error, nextAttemptAt)
    this.countsOf(bus, rule, target).lastError = error
    this.add(eventId, { at: this.now(), kind: 'retry-scheduled', bus, rule, target, error: `${error} (next attempt at ${new Date(nextAttemptAt).toISOString()})` })
  }

  invocationFinished (bus: string, rule: string, target: string, outcome: InvocationOutcomeName, eventId?: string, error?: string): void {
    this.inner?.invocationFinished(bus, rule, target, outcome, eventId, error)
    const counts = this.countsOf(bus, rule, target)
    const kind: TraceStepKind = outcome === 'succeeded' ? 'succeeded' : outcome === 'dead-lettered' ? 'dead-lettered' : 'failed'
    if (kind === 'succeeded') counts.succeeded++
    else if (kind === 'dead-lettered') counts.deadLettered++
    else counts.failed++
    if (error !== undefined) counts.lastError = error
    if (eventId !== undefined) this.add(eventId, { at: this.now(), kind, bus, rule, target, ...(error !== undefined ? { error } : {}) })
  }

  private countsOf (bus: string, rule: string, target: string): TargetCounts {
    const key = `${bus}\0${rule}\0${target}`
    let counts = this.counts.get(key)
    if (counts === undefined) this.counts.set(key, counts = { attempts: 0, succeeded: 0, failed: 0, deadLettered: 0, lastError: null })
    return counts
  }

  /** Only an acceptance starts a trace; steps of an event evicted (or from before a restart) start a partial one. */
  private add (eventId: string, step: TraceStep, starts = false): void {
    let steps = this.traces.get(eventId)
    if (steps === undefined) {
      if (this.capacity <= 0) return
      const evicted = this.order[this.nextSlot]
      if (evicted !== undefined) this.traces.delete(evicted)
      this.order[this.nextSlot] = eventId
      this.nextSlot = (this.nextSlot + 1) % this.capacity
      steps = []
      this.traces.set(eventId, steps)
    } else if (starts && steps.length > 0 && steps[0]?.kind !== 'accepted') {
      steps.unshift(step)
      return
    }
    if (steps.length < this.maxSteps) steps.push(step)
  }
}
