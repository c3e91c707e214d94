// CreateEventBus, DeleteEventBus, DescribeEventBus, ListEventBuses. The
// `default` bus always exists and cannot be deleted.
import { alreadyExistsError, validationError } from '../errors.js'
import type { BusDefinition } from '../model.js'
import { Checks, epochSeconds, page, pageParams } from '../validate.js'
import { busNameFromParam } from '../arn.js'
import { byName, checkTags, requireBus, type ActionHandler } from './common.js'
import { deadLetterConfig, optionalString, requiredString } from '../fields.js'

const NAME = { required: true, min: 1, max: 256, pattern: '[/\\.\\-_A-Za-z0-9]+' } as const
function describe (b: BusDefinition): Record<string, unknown> {
  return {
    Name: b.name,
    Arn: b.arn,
    Description: b.description,
    KmsKeyIdentifier: b.kmsKeyIdentifier,
    DeadLetterConfig: b.deadLetterConfig,
    Policy: b.policy,
    CreationTime: epochSeconds(b.createdAt),
    LastModifiedTime: epochSeconds(b.modifiedAt),
  }
}

export const createEventBus: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.Name, 'name', NAME)
  checks.string(input.Description, 'description', { max: 512 })
  checks.string(input.EventSourceName, 'eventSourceName', { min: 1, max: 256 })
  const tags = checkTags(input.Tags, checks)
  checks.done()
  const name = requiredString(input, 'Name')
  if (bus.catalog.buses.has(name)) throw alreadyExistsError(`Event bus ${name} already exists.`)
  // Partner event buses (aws.partner/...) need partner event sources, which do not exist locally.
  if (name.includes('/') || input.EventSourceName !== undefined || name.startsWith('aws.')) throw validationError(`Event source ${String(input.EventSourceName ?? name)} does not exist.`)
  const now = Date.now()
  const definition: BusDefinition = {
    name,
    arn: bus.arns.bus(name),
    description: optionalString(input, 'Description'),
    kmsKeyIdentifier: optionalString(input, 'KmsKeyIdentifier'),
    deadLetterConfig: deadLetterConfig(input),
    createdAt: now,
    modifiedAt: now,
    tags,
  }
  await bus.catalog.createBus(definition)
  return { EventBusArn: definition.arn, Description: definition.description, KmsKeyIdentifier: definition.kmsKeyIdentifier, DeadLetterConfig: definition.deadLetterConfig }
}

export const deleteEventBus: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.Name, 'name', NAME)
  checks.done()
  const name = requiredString(input, 'Name')
  if (name === 'default') throw validationError('Cannot delete event bus default.')
  await bus.catalog.deleteBus(name)
  return {}
}

export const describeEventBus: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.Name, 'name', { min: 1, max: 1600 })
  checks.done()
  return describe(requireBus(bus, busNameFromParam(optionalString(input, 'Name'))))
}

export const listEventBuses: ActionHandler = async (bus, input) => {
  const params = pageParams(input)
  const checks = new Checks()
  checks.string(input.NamePrefix, 'namePrefix', { min: 1, max: 256 })
  checks.done()
  const prefix = optionalString(input, 'NamePrefix') ?? ''
  const all = [...bus.catalog.buses.values()].filter(b => b.name.startsWith(prefix)).sort(byName)
  const { items, nextToken } = page(all, params)
  return { EventBuses: items.map(describe), NextToken: nextToken }
}
