// The bus for the console: buses with their rules, targets (with delivery
// counts, failures and the dead-letter queue), archives and replays with their
// progress, read from the bus catalog; a pattern tester that says which rules
// match an event and which pattern field failed (the bus's own matcher, through
// explainMatch); and an event's trace from the trace ring. Changes (rules,
// targets, PutEvents, StartReplay) are the bus API itself: the page posts them
// to POST / with X-Amz-Target, as the AWS SDK does, and signs them like the SDK
// when bus.credentials are on (no unsigned side door past the signature check).
import type { FastifyInstance } from 'fastify'
import type { EventBus } from '../../bus/index.js'
import { archiveTopic } from '../../bus/index.js'
import { matchesPattern, parsePattern, InvalidEventPatternError } from '../../bus/pattern/index.js'
import { explainMatch, type FieldVerdict } from '../../cli/pattern-explain.js'
import type { TraceRing } from './trace-ring.js'
import { badRequest, sendError } from './common.js'
import type { LogManager } from '../../log/index.js'

export interface PatternVerdict {
  rule: string | null
  pattern: unknown
  matched: boolean
  fields: FieldVerdict[]
}

/** `signing`: bus.credentials are configured, so the page must sign its bus actions (web/src/sigv4.js). */
export function registerBusConsoleRoutes (app: FastifyInstance, bus: EventBus, trace: TraceRing, log: LogManager, signing: boolean): void {
  app.get('/api/console/bus', async () => {
    const { catalog } = bus
    const buses = [...catalog.buses.values()].map(b => ({
      name: b.name,
      arn: b.arn,
      rules: catalog.rulesOfBus(b.name).map(r => ({
        name: r.name,
        arn: r.arn,
        state: r.state,
        eventPattern: r.eventPattern ?? null,
        scheduleExpression: r.scheduleExpression ?? null,
        targets: r.targets.map(t => ({
          id: t.Id,
          arn: t.Arn,
          deadLetterArn: t.DeadLetterConfig?.Arn ?? null,
          ...trace.targetCounts(b.name, r.name, t.Id)
        }))
      }))
    }))
    const archives = [...catalog.archives.values()].map(a => {
      const topic = log.topic(archiveTopic(a.name))
      let events = 0
      let sizeBytes = 0
      for (let p = 0; p < (topic?.partitions ?? 0); p++) {
        const partition = log.partition(archiveTopic(a.name), p)
        events += (partition?.highWatermark ?? 0) - (partition?.logStartOffset ?? 0)
        sizeBytes += partition?.sizeInBytes ?? 0
      }
      return { name: a.name, arn: a.arn, eventSourceArn: a.eventSourceArn, sourceBusName: a.sourceBusName, state: a.state, eventPattern: a.eventPattern ?? null, retentionDays: a.retentionDays, events, sizeBytes }
    })
    const replays = [...catalog.replays.values()].map(r => ({
      name: r.name,
      archiveName: r.archiveName,
      state: r.state,
      stateReason: r.stateReason ?? null,
      destination: r.destination.Arn,
      eventStartTime: r.eventStartTime,
      eventEndTime: r.eventEndTime,
      replayStartTime: r.replayStartTime,
      replayEndTime: r.replayEndTime ?? null,
      eventLastReplayedTime: r.eventLastReplayedTime ?? null,
      // archive offsets: how far the replay has read of what the archive held when it started
      cursor: r.cursor,
      endOffset: r.endOffset
    }))
    return { buses, archives, replays, recentEventIds: trace.recent(20), signing }
  })

  app.post<{ Body: { event?: unknown, busName?: unknown, pattern?: unknown } }>('/api/console/bus/test-pattern', async (req, reply) => {
    try {
      const body = req.body ?? {}
      const event = parseJsonObject(body.event, 'event')
      if (body.pattern !== undefined && body.pattern !== null && body.pattern !== '') {
        const text = typeof body.pattern === 'string' ? body.pattern : JSON.stringify(body.pattern)
        return { verdicts: [verdict(null, text, event)] }
      }
      const busName = typeof body.busName === 'string' && body.busName !== '' ? body.busName : 'default'
      if (!bus.catalog.buses.has(busName)) throw badRequest(`event bus ${busName} does not exist`)
      const verdicts = bus.catalog.rulesOfBus(busName)
        .filter(r => r.eventPattern !== undefined)
        .map(r => verdict(r.name, r.eventPattern!, event))
      return { verdicts }
    } catch (err) {
      return await sendError(reply, err)
    }
  })

  app.get<{ Params: { eventId: string } }>('/api/console/bus/trace/:eventId', async (req, reply) => {
    const steps = trace.trace(req.params.eventId)
    if (steps === undefined) return await reply.code(404).send({ code: 'NOT_TRACED', message: `event ${req.params.eventId} is not in the trace ring (it holds the most recent events since the broker started)` })
    return { eventId: req.params.eventId, steps }
  })
}

function verdict (rule: string | null, patternText: string, event: Record<string, unknown>): PatternVerdict {
  let pattern: unknown
  try {
    pattern = JSON.parse(patternText)
    const compiled = parsePattern(patternText)
    return { rule, pattern, matched: matchesPattern(compiled, event), fields: explainMatch(pattern as Record<string, unknown>, event) }
  } catch (err) {
    if (err instanceof InvalidEventPatternError || err instanceof SyntaxError) throw badRequest(`pattern${rule !== null ? ` of rule ${rule}` : ''}: ${err.message}`)
    throw err
  }
}

function parseJsonObject (value: unknown, name: string): Record<string, unknown> {
  let parsed = value
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value)
    } catch (err) {
      throw badRequest(`${name} is not JSON: ${(err as Error).message}`)
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest(`${name} must be a JSON object`)
  return parsed as Record<string, unknown>
}
