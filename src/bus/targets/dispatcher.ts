// Delivery for one bus: reads the bus topic from the committed cursor,
// matches each event against the bus's rules, delivers to every target of
// every matching rule, copies events into matching archives, and commits the
// cursor together with the retry queue in one atomic write (./delivery-store.ts).
// A crash before the commit re-delivers from the old cursor: at-least-once.
// Deliveries to topic targets are pipelined: a step's appends are written, the
// next step reads on while their fsyncs run, and the committed cursor passes a
// step's events only once every target partition it wrote to is durable (in
// step order), so a crash re-delivers what was not yet durable, never loses it.
import type { Logger } from 'pino'
import type { BusStorage, BusRecord } from '../storage.js'
import { archiveTopic, busTopic } from '../storage.js'
import { CoalescingCommit, type DeliveryStateStore } from './delivery-store.js'
import type { EventEnvelope, RuleDefinition, TargetDefinition } from '../model.js'
import type { TargetDeliverer } from './deliverer.js'
import { DeliveryError } from './delivery-error.js'
import { backoffDelayMs, exhaustedCondition, ExhaustedCondition, maxEventAgeMs, type BackoffOptions } from './retry-policy.js'
import { writeDeadLetter } from './dead-letter.js'
import { runLimited, Slots } from './run-limited.js'
import { batchSetAside, readEnvelope, recordSetAside, setAside, type SetAside } from './unreadable.js'
import { InvocationOutcome, type BusObserver } from '../observer.js'
import { armTimer, systemClock, type Clock, type TimerHandle } from '../clock.js'
import type { ParsedEvents } from '../parsed-events.js'

/** Record headers the bus itself sets on bus-topic records. */
export const BusHeader = {
  /** Deliver only to this rule (scheduled events). */
  rule: 'tributary-rule',
  /** Set on replayed events: the replay's name. */
  replay: 'tributary-replay',
} as const

export interface BusRouting {
  matchRules: (event: unknown) => string[]
  rule: (name: string) => RuleDefinition | undefined
  matchArchives: (event: unknown) => string[]
  replayFilterArns: (replayName: string) => string[] | undefined
}

export interface RetryEntry {
  ruleName: string
  targetId: string
  eventText: string
  ingestedAt: number
  retriesDone: number
  nextAttemptAt: number
  lastErrorCode: string
  lastErrorMessage: string
}

export interface DispatcherOptions {
  busName: string
  /** The bus topic's partition this dispatcher delivers (default 0: embedded buses have one). */
  partition?: number
  /** Where the cursor and retry queue are committed. */
  state: DeliveryStateStore
  storage: BusStorage
  deliverer: TargetDeliverer
  routing: BusRouting
  backoff: BackoffOptions
  concurrency: number
  defaultPartitions: number
  logger?: Logger
  onDelivered?: (outcome: 'delivered' | 'failed' | 'dead-lettered' | 'dropped') => void
  observer?: BusObserver
  /** Retry backoff waits on its timers; event age is measured against its time. Default: the wall clock. */
  clock?: Clock
  /**
   * Bytes of events waiting for a retry (queued or being retried) above which
   * the dispatcher stops reading the bus topic until they are back under half.
   * Default DEFAULT_MAX_PENDING_RETRY_BYTES.
   */
  maxPendingRetryBytes?: number
  /**
   * Where failed deliveries wait for their retry instead of this dispatcher's
   * memory and committed state: a retry topic (bus workers on a Kafka cluster,
   * src/bus/cluster/retry-topic.ts), whose reader hands them back through
   * acceptRetry() when they are due. append() resolves once the entry is durable.
   */
  retrySink?: { append: (entry: RetryEntry) => Promise<void> }
  /**
   * Throws (TRIB_ERR_BUS_DELIVERY_FENCED) unless this process still holds the
   * partition (GroupOffsetsState.checkLease, bus workers on a cluster): asked
   * before a dead letter or an archive copy is appended, so a worker that stalled
   * past its session timeout appends neither for events its successor handles.
   */
  checkLease?: () => Promise<void>
  /** Events parsed on their way in, taken by offset instead of parsing the record again (partition 0 only). */
  parsedEvents?: Pick<ParsedEvents, 'take'>
}

/**
 * What one step reads of the bus topic at most. A step's deliveries to a topic are one append and one
 * fsync, so when delivery falls behind, larger steps spread each fsync over more events (with many
 * target topics, one fsync per topic per step is what delivery costs); a few MB keeps a step's events
 * a modest amount of memory.
 */
const STEP_READ_BYTES = 4 * 1024 * 1024

/**
 * Steps whose topic deliveries may still be waiting for their fsyncs while the next reads on. Two
 * keep the disk busy with one step's fsyncs while the next step's appends are written; more would
 * only hold more events in memory, since each partition's group commit folds writes into one fsync.
 */
const MAX_UNSETTLED_STEPS = 2

/** Default bound of the events a dispatcher holds in memory for retries. */
export const DEFAULT_MAX_PENDING_RETRY_BYTES = 16 * 1024 * 1024
/** What one retry entry costs besides its event text (the entry object, names, error text). */
const RETRY_ENTRY_OVERHEAD_BYTES = 256

function retryBytes (entry: RetryEntry): number {
  return entry.eventText.length + RETRY_ENTRY_OVERHEAD_BYTES
}

/**
 * The key a dispatcher's state is saved under: the bus name for partition 0 (so
 * embedded buses keep their keys), `<bus>\u0000<partition>` for the others (no
 * bus name holds NUL, so no two keys collide whatever '/' the names contain).
 */
export function deliveryStateKey (busName: string, partition: number): string {
  return partition === 0 ? busName : `${busName}\u0000${partition}`
}

export class BusDispatcher {
  readonly topic: string
  readonly partition: number
  /** The key its state is saved under (see deliveryStateKey). */
  readonly stateKey: string
  /** Where the next step reads. */
  private cursor = 0
  /** What is committed (saved): every event before it is delivered durably, retried, or given up. */
  private committed = 0
  /** Steps written but not yet settled (their topic deliveries' fsyncs), oldest first. */
  private readonly unsettledSteps: Array<Promise<void>> = []
  private settling: Promise<void> = Promise.resolve()
  /** A step could not be settled: read again from the committed cursor once the others have. */
  private rereadFromCommitted = false
  private retries: RetryEntry[] = []
  /** Retries being attempted right now: still persisted until their outcome is. */
  private readonly inFlight = new Set<RetryEntry>()
  private readonly writer: CoalescingCommit
  private readonly abort = new AbortController()
  private loop: Promise<void> | null = null
  private retryTimer: TimerHandle | null = null
  private readonly clock: Clock
  private retrying = false
  private closed = false
  // Back-pressure from failing targets: a target that fails or times out every
  // attempt turns each event into a retry entry kept in memory (and in the
  // committed state) for up to 24 hours, so PutEvents arriving faster than the
  // retries drain would grow the broker without limit. Over the bound the
  // dispatcher stops reading new events (they wait in the bus topic, on disk)
  // until retries have drained to half. Other rules of the same bus wait too:
  // the dispatcher's cursor is shared by all of them, as its commit is.
  private pendingBytes = 0
  private readonly maxPendingBytes: number
  private roomWaiter: (() => void) | null = null
  /** First attempts and retries share one limit of deliveries in flight. */
  private readonly deliverySlots: Slots

  constructor (private readonly options: DispatcherOptions) {
    this.topic = busTopic(options.busName)
    this.partition = options.partition ?? 0
    this.stateKey = deliveryStateKey(options.busName, this.partition)
    this.clock = options.clock ?? systemClock()
    this.maxPendingBytes = options.maxPendingRetryBytes ?? DEFAULT_MAX_PENDING_RETRY_BYTES
    this.deliverySlots = new Slots(options.concurrency)
    // With a retry sink the retries live in the retry topic, not in this state.
    this.writer = new CoalescingCommit(() => options.state.save(this.stateKey, { cursor: this.committed, retries: options.retrySink !== undefined ? [] : [...this.retries, ...this.inFlight] }))
  }

  get committedOffset (): number { return this.committed }
  /** Records and batches set aside as unreadable since this dispatcher started. */
  unreadable = 0
  get pendingRetries (): number { return this.retries.length + this.inFlight.size }
  /** Bytes the pending retries hold (event text plus a fixed cost per entry), as bounded by maxPendingRetryBytes. */
  get pendingRetryBytes (): number { return this.pendingBytes }
  /** Whether the dispatcher is not reading new events until retries drain (back-pressure). */
  get heldBack (): boolean { return this.roomWaiter !== null }
  /** Deliveries (first attempts and retries) waiting on a target right now; at most `concurrency`. */
  get deliveriesInFlight (): number { return this.deliverySlots.inUse }

  async start (): Promise<void> {
    const saved = this.options.state.saved(this.stateKey)
    if (saved) {
      this.cursor = saved.cursor
      this.committed = saved.cursor
      // Retries committed before a retry sink was configured move into it.
      if (this.options.retrySink !== undefined) {
        for (const entry of saved.retries) await this.options.retrySink.append(entry)
      } else {
        this.retries = saved.retries
        for (const entry of saved.retries) this.pendingBytes += retryBytes(entry)
      }
    }
    this.loop = this.run()
    this.scheduleRetries()
  }

  async close (): Promise<void> {
    this.closed = true
    this.abort.abort()
    this.roomWaiter?.()
    if (this.retryTimer !== null) this.clock.clearTimer(this.retryTimer)
    await this.loop
    await this.settling
    await this.writer.write()
  }

  private async run (): Promise<void> {
    while (!this.closed) {
      try {
        await this.step()
      } catch (err) {
        if (this.closed) return
        // Storage trouble (a deleted topic, a full disk): keep the cursor and try the batch again later.
        this.options.logger?.error({ err, bus: this.options.busName }, 'bus delivery step failed; retrying')
        await pause(1000, this.abort.signal)
      }
    }
  }

  /** Reads and delivers one batch, or waits for one. */
  private async step (): Promise<void> {
    const { storage } = this.options
    const oldest = this.unsettledSteps[0]
    if (this.unsettledSteps.length >= MAX_UNSETTLED_STEPS && oldest !== undefined) {
      await oldest
      return
    }
    if (this.rereadFromCommitted) {
      await this.settling
      this.rereadFromCommitted = false
      this.cursor = this.committed
      return
    }
    if (this.pendingBytes > this.maxPendingBytes) {
      await new Promise<void>(resolve => { this.roomWaiter = resolve })
      this.roomWaiter = null
      return
    }
    const { records, unreadable, nextOffset } = await storage.read(this.topic, this.cursor, STEP_READ_BYTES, this.partition)
    const skipped = unreadable.map(batchSetAside)
    if (records.length === 0 && skipped.length === 0) {
      if (nextOffset > this.cursor) {
        this.cursor = nextOffset
        this.settleStep(Promise.resolve(), nextOffset)
        return
      }
      await storage.waitForData(this.topic, this.cursor, this.abort.signal, this.partition)
      // A closed log answers the long poll at once; do not spin on it.
      if (!this.closed && storage.highWatermark(this.topic, this.partition) <= this.cursor) await pause(200, this.abort.signal)
      return
    }
    const { settled } = await this.process(records, skipped)
    this.cursor = nextOffset
    this.settleStep(settled, nextOffset)
  }

  /**
   * Commits the cursor past a step once its deliveries have settled and every step before it has:
   * in step order, so the committed cursor never passes an event whose delivery is not yet durable.
   */
  private settleStep (settled: Promise<void>, nextOffset: number): void {
    const step = this.settling.then(async () => {
      try {
        await settled
        if (!this.rereadFromCommitted) this.committed = nextOffset
      } catch (err) {
        // Its outcomes could not be recorded (a retry sink that is unreachable): read it again.
        this.rereadFromCommitted = true
        this.options.logger?.error({ err, bus: this.options.busName }, 'bus delivery step could not be settled; reading it again')
        return
      } finally {
        this.unsettledSteps.shift()
      }
      // The commit is not awaited: the next batch need not wait for the fsync, and a
      // commit that is lost only means re-delivery. Bursts coalesce into one write.
      this.writer.write().catch(err => this.options.logger?.error({ err, bus: this.options.busName }, 'could not commit the delivery cursor'))
    })
    this.unsettledSteps.push(step)
    this.settling = step
  }

  /** Delivers a step's events; resolves once its topic deliveries are written, with a promise of their settling. */
  private async process (records: BusRecord[], skipped: SetAside[]): Promise<Settling> {
    const { routing } = this.options
    const tasks: Array<() => Promise<void>> = []
    const toTopics: FirstAttempt[] = []
    const archived = new Map<string, Array<{ key: string, value: Buffer }>>()
    for (const record of records) {
      const parsed = this.partition === 0 ? this.options.parsedEvents?.take(this.topic, record.offset) : undefined
      const read = parsed !== undefined ? { ok: true as const, event: parsed.event, text: parsed.text } : readEnvelope(record)
      if (!read.ok) {
        skipped.push(recordSetAside(record, read.reason))
        continue
      }
      const { event, text: eventText } = read
      const value = record.value!
      let onlyRule: string | undefined
      let replayName: string | undefined
      for (const h of record.headers) {
        if (h.key === BusHeader.rule) onlyRule = h.value?.toString()
        else if (h.key === BusHeader.replay) replayName = h.value?.toString()
      }
      const ruleNames = onlyRule !== undefined ? [onlyRule] : routing.matchRules(event)
      const filterArns = replayName !== undefined ? routing.replayFilterArns(replayName) : undefined
      for (const name of ruleNames) {
        const rule = routing.rule(name)
        if (!rule || rule.state !== 'ENABLED') continue
        if (filterArns !== undefined && filterArns.length > 0 && !filterArns.includes(rule.arn)) continue
        this.options.observer?.ruleMatched(this.options.busName, rule.name, rule.targets.length, event.id)
        for (const target of rule.targets) {
          if (this.options.deliverer.isTopicTarget(target)) toTopics.push({ rule, target, event, eventText, ingestedAt: record.timestamp })
          else tasks.push(() => this.firstAttempt(rule, target, event, eventText, record.timestamp))
        }
      }
      // Replayed and scheduled events are not archived (again).
      if (onlyRule === undefined && replayName === undefined) {
        for (const archive of routing.matchArchives(event)) {
          let list = archived.get(archive)
          if (!list) archived.set(archive, list = [])
          list.push({ key: event.id, value })
        }
      }
    }
    // Set aside before the cursor moves past them, so a crash cannot lose them.
    await setAside(this.options.storage, this.options.busName, this.topic, skipped, this.options.logger)
    this.unreadable += skipped.length
    const [, toTopicsSettled] = await Promise.all([runLimited(tasks, this.options.concurrency), this.firstAttemptsToTopics(toTopics)])
    // Archive copies are written here, by the partition's holder (not at PutEvents): fenced like retries.
    if (archived.size > 0) await this.options.checkLease?.()
    for (const [archive, list] of archived) {
      const topic = archiveTopic(archive)
      if (!this.options.storage.hasTopic(topic)) continue
      await this.options.storage.append(topic, list.map(r => ({ key: r.key, value: r.value })))
    }
    return toTopicsSettled
  }

  private async firstAttempt (rule: RuleDefinition, target: TargetDefinition, event: EventEnvelope, eventText: string, ingestedAt: number): Promise<void> {
    const now = this.clock.now()
    if (now - ingestedAt > maxEventAgeMs(target.RetryPolicy)) {
      await this.giveUp(rule, target, eventText, event.id, 0, 'EventTooOld', 'The event was older than MaximumEventAgeInSeconds before its first attempt', ExhaustedCondition.age)
      return
    }
    try {
      this.options.observer?.invocationStarted(this.options.busName, rule.name, target.Id, ingestedAt, 0, event.id)
      await this.deliverySlots.run(async () => await this.options.deliverer.deliver(target, { event, eventText, ingestionTime: new Date(ingestedAt).toISOString(), rule }))
      this.options.onDelivered?.('delivered')
      this.options.observer?.invocationFinished(this.options.busName, rule.name, target.Id, InvocationOutcome.succeeded, event.id)
    } catch (err) {
      await this.failed(rule, target, event.id, eventText, ingestedAt, 0, err)
    }
  }

  /**
   * First attempts to topic targets, all of a step's together (one append per topic: see
   * TargetDeliverer.writeToTopics), each then settled as firstAttempt settles one once durable. They
   * take no delivery slot: the slots bound waits on remote targets, and these are appends to the local
   * log. Resolves once the appends are written, with the promise of their settling.
   */
  private async firstAttemptsToTopics (attempts: FirstAttempt[]): Promise<Settling> {
    if (attempts.length === 0) return { settled: Promise.resolve() }
    const now = this.clock.now()
    const due: FirstAttempt[] = []
    for (const a of attempts) {
      if (now - a.ingestedAt > maxEventAgeMs(a.target.RetryPolicy)) {
        await this.giveUp(a.rule, a.target, a.eventText, a.event.id, 0, 'EventTooOld', 'The event was older than MaximumEventAgeInSeconds before its first attempt', ExhaustedCondition.age)
        continue
      }
      this.options.observer?.invocationStarted(this.options.busName, a.rule.name, a.target.Id, a.ingestedAt, 0, a.event.id)
      due.push(a)
    }
    const { durable } = await this.options.deliverer.writeToTopics(due.map(a => ({
      target: a.target, ctx: { event: a.event, eventText: a.eventText, ingestionTime: new Date(a.ingestedAt).toISOString(), rule: a.rule },
    })))
    return { settled: durable.then(async outcomes => { await this.settleTopicAttempts(due, outcomes) }) }
  }

  private async settleTopicAttempts (due: FirstAttempt[], outcomes: unknown[]): Promise<void> {
    for (const [i, a] of due.entries()) {
      const err = outcomes[i]
      if (err === undefined) {
        this.options.onDelivered?.('delivered')
        this.options.observer?.invocationFinished(this.options.busName, a.rule.name, a.target.Id, InvocationOutcome.succeeded, a.event.id)
      } else {
        await this.failed(a.rule, a.target, a.event.id, a.eventText, a.ingestedAt, 0, err)
      }
    }
  }

  /** After the attempt following `retriesDone` retries failed: queue another, or give up. */
  private async failed (rule: RuleDefinition, target: TargetDefinition, eventId: string, eventText: string, ingestedAt: number, retriesDone: number, err: unknown): Promise<void> {
    this.options.onDelivered?.('failed')
    const error = err instanceof DeliveryError ? err : new DeliveryError('InternalError', (err as Error)?.message ?? String(err), true)
    this.options.logger?.debug({ bus: this.options.busName, rule: rule.name, target: target.Id, error: error.message }, 'delivery attempt failed')
    const nextAttemptAt = this.clock.now() + backoffDelayMs(retriesDone + 1, this.options.backoff)
    const condition = error.retryable ? exhaustedCondition(target.RetryPolicy, retriesDone, ingestedAt, nextAttemptAt) : ExhaustedCondition.notRetryable
    if (condition !== null) {
      await this.giveUp(rule, target, eventText, eventId, retriesDone, error.errorCode, error.message, condition)
      return
    }
    this.options.observer?.invocationRetrying?.(this.options.busName, rule.name, target.Id, eventId, error.message, nextAttemptAt)
    const entry: RetryEntry = { ruleName: rule.name, targetId: target.Id, eventText, ingestedAt, retriesDone, nextAttemptAt, lastErrorCode: error.errorCode, lastErrorMessage: error.message }
    if (this.options.retrySink !== undefined) {
      // Durable before the cursor (or the retry it came from) is committed past it.
      await this.options.retrySink.append(entry)
      return
    }
    this.retries.push(entry)
    this.pendingBytes += retryBytes(entry)
    this.scheduleRetries()
  }

  private async giveUp (rule: RuleDefinition, target: TargetDefinition, eventText: string, eventId: string, retriesDone: number, errorCode: string, errorMessage: string, condition: string): Promise<void> {
    const dlq = target.DeadLetterConfig?.Arn
    if (dlq === undefined) {
      this.options.onDelivered?.('dropped')
      this.options.observer?.invocationFinished(this.options.busName, rule.name, target.Id, InvocationOutcome.failed, eventId, errorMessage)
      this.options.logger?.warn({ bus: this.options.busName, rule: rule.name, target: target.Id, errorCode, errorMessage, condition }, 'event dropped after failed delivery (no dead-letter queue)')
      return
    }
    // Outside the try: a fenced worker appends no dead letter and fails the step, as for a retry entry.
    await this.options.checkLease?.()
    try {
      await writeDeadLetter(this.options.storage, {
        deadLetterArn: dlq, eventId, eventText, ruleArn: rule.arn, targetArn: target.Arn, errorCode, errorMessage, exhaustedCondition: condition, retryAttempts: retriesDone,
      }, this.options.defaultPartitions)
      this.options.onDelivered?.('dead-lettered')
      this.options.observer?.invocationFinished(this.options.busName, rule.name, target.Id, InvocationOutcome.deadLettered, eventId, `${errorMessage} (dead letter: ${dlq})`)
    } catch (err) {
      this.options.onDelivered?.('dropped')
      this.options.observer?.invocationFinished(this.options.busName, rule.name, target.Id, InvocationOutcome.failed, eventId, `dead-letter write failed: ${(err as Error)?.message ?? String(err)}`)
      this.options.logger?.error({ err, bus: this.options.busName, rule: rule.name, target: target.Id }, 'could not write to the dead-letter queue')
    }
  }

  /**
   * A retry read back from the retry sink: attempted when due, then `done` is
   * called once its outcome is durable (delivered, queued again, dead-lettered).
   */
  acceptRetry (entry: RetryEntry, done: () => void): void {
    this.retryDone.set(entry, done)
    this.retries.push(entry)
    this.pendingBytes += retryBytes(entry)
    this.scheduleRetries()
  }

  /** Callbacks of retries handed over by acceptRetry. */
  private readonly retryDone = new Map<RetryEntry, () => void>()

  private scheduleRetries (): void {
    if (this.closed || this.retrying || this.retries.length === 0) return
    let earliest = Infinity
    for (const r of this.retries) if (r.nextAttemptAt < earliest) earliest = r.nextAttemptAt
    if (this.retryTimer !== null) this.clock.clearTimer(this.retryTimer)
    // Returns the round, so a test clock's advance() waits for the retries it makes due.
    this.retryTimer = armTimer(this.clock, Math.max(0, earliest - this.clock.now()), async () => { await this.runRetries().catch(() => {}) })
  }

  private async runRetries (): Promise<void> {
    this.retryTimer = null
    this.retrying = true
    try {
      const now = this.clock.now()
      const due = this.retries.filter(r => r.nextAttemptAt <= now)
      this.retries = this.retries.filter(r => r.nextAttemptAt > now)
      for (const entry of due) this.inFlight.add(entry)
      await runLimited(due.map(entry => () => this.retry(entry)), this.options.concurrency)
      await this.writer.write()
    } catch (err) {
      this.options.logger?.error({ err, bus: this.options.busName }, 'retry round failed')
    } finally {
      this.retrying = false
      this.scheduleRetries()
    }
  }

  private async retry (entry: RetryEntry): Promise<void> {
    try {
      await this.attemptRetry(entry)
      const done = this.retryDone.get(entry)
      this.retryDone.delete(entry)
      done?.()
    } catch (err) {
      // Its outcome could not be made durable (the retry sink is unreachable): try it again later.
      if (!this.retryDone.has(entry)) throw err
      this.options.logger?.warn({ err, bus: this.options.busName }, 'could not record a retry\'s outcome; trying it again')
      this.retries.push({ ...entry, nextAttemptAt: this.clock.now() + this.options.backoff.baseDelayMs })
      const done = this.retryDone.get(entry)!
      this.retryDone.delete(entry)
      this.retryDone.set(this.retries[this.retries.length - 1]!, done)
      this.pendingBytes += retryBytes(entry)
    } finally {
      this.inFlight.delete(entry)
      this.pendingBytes -= retryBytes(entry)
      if (this.pendingBytes <= this.maxPendingBytes / 2) this.roomWaiter?.()
    }
  }

  private async attemptRetry (entry: RetryEntry): Promise<void> {
    const rule = this.options.routing.rule(entry.ruleName)
    const target = rule?.targets.find(t => t.Id === entry.targetId)
    if (!rule || !target) return // the rule or target is gone: nothing to deliver to
    const event = JSON.parse(entry.eventText) as EventEnvelope
    try {
      this.options.observer?.invocationStarted(this.options.busName, rule.name, target.Id, entry.ingestedAt, entry.retriesDone + 1, event.id)
      await this.deliverySlots.run(async () => await this.options.deliverer.deliver(target, { event, eventText: entry.eventText, ingestionTime: new Date(entry.ingestedAt).toISOString(), rule }))
      this.options.onDelivered?.('delivered')
      this.options.observer?.invocationFinished(this.options.busName, rule.name, target.Id, InvocationOutcome.succeeded, event.id)
    } catch (err) {
      await this.failed(rule, target, event.id, entry.eventText, entry.ingestedAt, entry.retriesDone + 1, err)
    }
  }
}

/** Work written whose outcome is still to come (in an object: an async function would await a bare promise). */
interface Settling { settled: Promise<void> }

/** One event's first attempt at one target of one rule. */
interface FirstAttempt { rule: RuleDefinition, target: TargetDefinition, event: EventEnvelope, eventText: string, ingestedAt: number }

function pause (ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const onAbort = (): void => { clearTimeout(timer); resolve() }
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve() }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
