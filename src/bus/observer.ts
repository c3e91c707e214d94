// What the bus reports as it delivers, for monitoring (src/metrics implements it
// with EventBridge's metric names). The bus calls these at each point with one
// line and never depends on what the observer does; every method must be cheap
// and must not throw.
export interface BusObserver {
  /** Events were appended to a bus's topic (PutEvents, a schedule, another bus); optional: only tracing needs it. */
  eventsAppended?: (bus: string, eventIds: readonly string[], at: number) => void
  /** An event matched an enabled rule (MatchedEvents; TriggeredRules when the rule has targets). */
  ruleMatched: (bus: string, rule: string, targets: number, eventId?: string) => void
  /** A delivery attempt to a target starts; `retry` is 0 for the first attempt (InvocationAttempts, IngestiontoInvocationStartLatency). */
  invocationStarted: (bus: string, rule: string, target: string, ingestedAt: number, retry: number, eventId?: string) => void
  /** The final outcome of delivering one event to one target (Invocations, FailedInvocations, DeadLetterInvocations). */
  invocationFinished: (bus: string, rule: string, target: string, outcome: InvocationOutcomeName, eventId?: string, error?: string) => void
  /** An attempt failed and another is queued (the event id and the error, for tracing); optional. */
  invocationRetrying?: (bus: string, rule: string, target: string, eventId: string, error: string, nextAttemptAt: number) => void
}

export const InvocationOutcome = {
  succeeded: 'succeeded',
  /** Failed for good and dropped: no dead-letter queue, or writing to it failed. */
  failed: 'failed',
  /** Failed for good and written to the target's dead-letter queue. */
  deadLettered: 'dead-lettered',
} as const
export type InvocationOutcomeName = typeof InvocationOutcome[keyof typeof InvocationOutcome]
