// CreateApiDestination, DescribeApiDestination, UpdateApiDestination,
// DeleteApiDestination, ListApiDestinations. A target whose Arn is an API
// destination's ARN is an HTTP call with the destination's method and URL
// and its connection's auth (see ../targets/deliverer.ts).
import { randomUUID } from 'node:crypto'
import { alreadyExistsError, notFoundError, validationError } from '../errors.js'
import { ConnectionState, type ApiDestinationDefinition } from '../model.js'
import { Checks, epochSeconds, page, pageParams, Patterns } from '../validate.js'
import { byName, type ActionHandler } from './common.js'
import type { EventBus } from '../index.js'
import { optionalNumber, optionalString, requiredNumber, requiredString } from '../fields.js'

const NAME = { required: true, min: 1, max: 64, pattern: Patterns.connectionName } as const
/** In the order AWS lists them in its enum error. */
const METHODS = ['HEAD', 'POST', 'PATCH', 'DELETE', 'PUT', 'GET', 'OPTIONS'] as const

function requireDestination (bus: EventBus, name: string): ApiDestinationDefinition {
  const d = bus.catalog.apiDestinations.get(name)
  if (!d) throw notFoundError(`Failed to describe the api-destination(s). An api-destination '${name}' does not exist.`)
  return d
}

function checkConnection (bus: EventBus, arn: string): void {
  if (!bus.catalog.connectionByArn(arn)) throw notFoundError(`Connection '${arn}' does not exist.`)
}

/** ACTIVE only while its connection is authorized: AWS cannot call it otherwise. */
function stateOf (bus: EventBus, d: ApiDestinationDefinition): string {
  return bus.catalog.connectionByArn(d.connectionArn)?.state === ConnectionState.authorized ? 'ACTIVE' : 'INACTIVE'
}

function checkEndpoint (url: string): void {
  if (!/^https?:\/\//.test(url)) throw validationError(`Value '${url}' at 'invocationEndpoint' failed to satisfy constraint: Member must satisfy regular expression pattern: ^((%[0-9A-Fa-f]{2}|[-()_.!~*';/?:@\\x26=+$,A-Za-z0-9])+)([).!';/?:,])?$`)
}

function stateAnswer (bus: EventBus, d: ApiDestinationDefinition): Record<string, unknown> {
  return { ApiDestinationArn: d.arn, ApiDestinationState: stateOf(bus, d), CreationTime: epochSeconds(d.createdAt), LastModifiedTime: epochSeconds(d.modifiedAt) }
}

function describe (bus: EventBus, d: ApiDestinationDefinition): Record<string, unknown> {
  return {
    ...stateAnswer(bus, d),
    Name: d.name,
    Description: d.description,
    ConnectionArn: d.connectionArn,
    InvocationEndpoint: d.invocationEndpoint,
    HttpMethod: d.httpMethod,
    InvocationRateLimitPerSecond: d.invocationRateLimitPerSecond,
  }
}

function checkFields (input: Record<string, unknown>, create: boolean): void {
  const checks = new Checks()
  checks.string(input.Name, 'name', NAME)
  checks.string(input.Description, 'description', { max: 512 })
  checks.string(input.ConnectionArn, 'connectionArn', { required: create, min: 1, max: 1600, pattern: Patterns.connectionArn })
  checks.string(input.InvocationEndpoint, 'invocationEndpoint', { required: create, min: 1, max: 2047 })
  checks.string(input.HttpMethod, 'httpMethod', { required: create, enum: METHODS, enumIgnoresCase: true })
  checks.integer(input.InvocationRateLimitPerSecond, 'invocationRateLimitPerSecond', { min: 1 })
  checks.done()
}

export const createApiDestination: ActionHandler = async (bus, input) => {
  checkFields(input, true)
  const name = requiredString(input, 'Name')
  if (bus.catalog.apiDestinations.has(name)) throw alreadyExistsError(`An api-destination '${name}' already exists.`)
  checkConnection(bus, requiredString(input, 'ConnectionArn'))
  checkEndpoint(requiredString(input, 'InvocationEndpoint'))
  const now = Date.now()
  const d: ApiDestinationDefinition = {
    name,
    arn: bus.arns.apiDestination(name, randomUUID()),
    description: optionalString(input, 'Description'),
    connectionArn: requiredString(input, 'ConnectionArn'),
    invocationEndpoint: requiredString(input, 'InvocationEndpoint'),
    httpMethod: requiredString(input, 'HttpMethod').toUpperCase(),
    invocationRateLimitPerSecond: optionalNumber(input, 'InvocationRateLimitPerSecond') ?? 300,
    state: 'ACTIVE',
    createdAt: now,
    modifiedAt: now,
  }
  await bus.catalog.createApiDestination(d)
  return stateAnswer(bus, d)
}

export const describeApiDestination: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.Name, 'name', NAME)
  checks.done()
  return describe(bus, requireDestination(bus, requiredString(input, 'Name')))
}

export const updateApiDestination: ActionHandler = async (bus, input) => {
  checkFields(input, false)
  const d = requireDestination(bus, requiredString(input, 'Name'))
  const changes: Partial<ApiDestinationDefinition> = {}
  if (input.ConnectionArn !== undefined) {
    checkConnection(bus, requiredString(input, 'ConnectionArn'))
    changes.connectionArn = requiredString(input, 'ConnectionArn')
  }
  if (input.InvocationEndpoint !== undefined) {
    checkEndpoint(requiredString(input, 'InvocationEndpoint'))
    changes.invocationEndpoint = requiredString(input, 'InvocationEndpoint')
  }
  if (input.Description !== undefined) changes.description = requiredString(input, 'Description')
  if (input.HttpMethod !== undefined) changes.httpMethod = requiredString(input, 'HttpMethod').toUpperCase()
  if (input.InvocationRateLimitPerSecond !== undefined) changes.invocationRateLimitPerSecond = requiredNumber(input, 'InvocationRateLimitPerSecond')
  return stateAnswer(bus, await bus.catalog.updateApiDestination(d, changes))
}

export const deleteApiDestination: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.Name, 'name', NAME)
  checks.done()
  await bus.catalog.deleteApiDestination(requireDestination(bus, requiredString(input, 'Name')))
  return {}
}

export const listApiDestinations: ActionHandler = async (bus, input) => {
  const params = pageParams(input)
  const checks = new Checks()
  checks.string(input.NamePrefix, 'namePrefix', { min: 1, max: 64 })
  checks.string(input.ConnectionArn, 'connectionArn', { min: 1, max: 1600 })
  checks.done()
  const prefix = optionalString(input, 'NamePrefix') ?? ''
  const all = [...bus.catalog.apiDestinations.values()]
    .filter(d => d.name.startsWith(prefix) && (input.ConnectionArn === undefined || d.connectionArn === input.ConnectionArn))
    .sort(byName)
  const { items, nextToken } = page(all, params)
  return { ApiDestinations: items.map(d => describe(bus, d)), NextToken: nextToken }
}
