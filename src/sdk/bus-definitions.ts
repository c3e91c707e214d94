// Loads bus definitions given to startTributary() through the bus's own HTTP
// API (fastify's inject: the real route, the real validation, no socket), so
// an embedded bus is configured exactly as the AWS CLI or SDK would configure
// it and there is no second implementation of a rule or a target.
import type { FastifyInstance } from 'fastify'
import { TributaryError, TributaryErrorCode } from './errors.js'

/** Shapes as the EventBridge API takes them (CreateEventBus, PutRule, PutTargets inputs). */
export interface BusDefinitions {
  buses?: Array<{ Name: string, Description?: string, [field: string]: unknown }>
  /** EventPattern may be given as an object; it is sent as the JSON string the API expects. */
  rules?: Array<{ Name: string, EventBusName?: string, EventPattern?: string | object, ScheduleExpression?: string, State?: string, [field: string]: unknown }>
  targets?: Array<{ Rule: string, EventBusName?: string, Targets: Array<Record<string, unknown>> }>
}

async function call (app: FastifyInstance, action: string, input: object): Promise<{ status: number, body: Record<string, unknown> }> {
  const res = await app.inject({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` },
    payload: JSON.stringify(input),
  })
  return { status: res.statusCode, body: res.body === '' ? {} : JSON.parse(res.body) as Record<string, unknown> }
}

function refuse (action: string, name: string, body: Record<string, unknown>): never {
  throw new TributaryError(TributaryErrorCode.BUS_DEFINITION, `bus definition ${action} "${name}" was refused: ${String(body.__type)}: ${String(body.message)}`)
}

/** Applies buses, then rules, then targets; an existing bus is kept (a data directory reopened). */
export async function loadBusDefinitions (app: FastifyInstance, definitions: BusDefinitions): Promise<void> {
  for (const bus of definitions.buses ?? []) {
    const { status, body } = await call(app, 'CreateEventBus', bus)
    if (status !== 200 && body.__type !== 'ResourceAlreadyExistsException') refuse('CreateEventBus', bus.Name, body)
  }
  for (const rule of definitions.rules ?? []) {
    const input = typeof rule.EventPattern === 'object' ? { ...rule, EventPattern: JSON.stringify(rule.EventPattern) } : rule
    const { status, body } = await call(app, 'PutRule', input)
    if (status !== 200) refuse('PutRule', rule.Name, body)
  }
  for (const t of definitions.targets ?? []) {
    const { status, body } = await call(app, 'PutTargets', t)
    if (status !== 200) refuse('PutTargets', t.Rule, body)
    if (Number(body.FailedEntryCount ?? 0) > 0) refuse('PutTargets', t.Rule, { __type: 'FailedEntries', message: JSON.stringify(body.FailedEntries) })
  }
}
