// CreateArchive, DescribeArchive, UpdateArchive, DeleteArchive, ListArchives.
// An archive is a topic (__bus.archive.<name>) the bus's dispatcher copies
// matching events into; RetentionDays becomes the topic's retention.ms, and
// EventCount / SizeBytes are what the topic holds.
import { parseArn } from '../arn.js'
import { alreadyExistsError, validationError } from '../errors.js'
import type { ArchiveDefinition } from '../model.js'
import { archiveTopic } from '../storage.js'
import { Checks, epochSeconds, page, pageParams, Patterns } from '../validate.js'
import { byName, checkEventPattern, type ActionHandler } from './common.js'
import type { EventBus } from '../index.js'
import { optionalNumber, optionalString, requiredNumber, requiredString } from '../fields.js'

const NAME = { required: true, min: 1, max: 48, pattern: Patterns.archiveName } as const

/** The bus an archive's EventSourceArn names, or a ValidationException. */
function sourceBusOf (eventSourceArn: string): string {
  const arn = parseArn(eventSourceArn)
  if (!arn || arn.service !== 'events' || !arn.resource.startsWith('event-bus/')) throw validationError('Parameter EventSourceArn is not valid.')
  return arn.resource.slice('event-bus/'.length)
}

function summary (bus: EventBus, a: ArchiveDefinition): Record<string, unknown> {
  const { count, bytes } = bus.storage.stats(archiveTopic(a.name))
  return {
    ArchiveName: a.name,
    EventSourceArn: a.eventSourceArn,
    State: a.state,
    RetentionDays: a.retentionDays,
    SizeBytes: bytes,
    EventCount: count,
    CreationTime: epochSeconds(a.createdAt),
  }
}

/**
 * RetentionDays is a Java int in AWS's model: past 2^31-1 the SDKs cannot send it. Found by
 * fuzzing: 1.5e205 days made a retention.ms the topic refused, a 500.
 */
const RETENTION_DAYS = { min: 0, max: 2_147_483_647 }

export const createArchive: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.ArchiveName, 'archiveName', NAME)
  checks.string(input.EventSourceArn, 'eventSourceArn', { required: true, min: 1, max: 1600 })
  checks.string(input.Description, 'description', { max: 512 })
  checks.string(input.EventPattern, 'eventPattern', { max: 4096 })
  checks.integer(input.RetentionDays, 'retentionDays', RETENTION_DAYS)
  checks.done()
  const name = requiredString(input, 'ArchiveName')
  const sourceBusName = sourceBusOf(requiredString(input, 'EventSourceArn'))
  bus.catalog.requireBus(sourceBusName)
  if (bus.catalog.archives.has(name)) throw alreadyExistsError(`Archive ${name} already exists.`)
  if (typeof input.EventPattern === 'string') checkEventPattern(input.EventPattern)
  const archive: ArchiveDefinition = {
    name,
    arn: bus.arns.archive(name),
    sourceBusName,
    eventSourceArn: bus.arns.bus(sourceBusName),
    description: optionalString(input, 'Description'),
    eventPattern: optionalString(input, 'EventPattern'),
    retentionDays: optionalNumber(input, 'RetentionDays') ?? 0,
    state: 'ENABLED',
    createdAt: Date.now(),
  }
  await bus.catalog.createArchive(archive)
  return { ArchiveArn: archive.arn, State: archive.state, CreationTime: epochSeconds(archive.createdAt) }
}

export const describeArchive: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.ArchiveName, 'archiveName', NAME)
  checks.done()
  const archive = bus.catalog.requireArchive(requiredString(input, 'ArchiveName'))
  // On a cluster other workers append to the archive: learn its current end before counting.
  await bus.storage.endOffset(archiveTopic(archive.name))
  return { ...summary(bus, archive), ArchiveArn: archive.arn, Description: archive.description, EventPattern: archive.eventPattern }
}

export const updateArchive: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.ArchiveName, 'archiveName', NAME)
  checks.string(input.Description, 'description', { max: 512 })
  checks.string(input.EventPattern, 'eventPattern', { max: 4096 })
  checks.integer(input.RetentionDays, 'retentionDays', RETENTION_DAYS)
  checks.done()
  // AWS refuses an empty update before it looks the archive up.
  if (input.Description === undefined && input.EventPattern === undefined && input.RetentionDays === undefined) {
    throw validationError('At least one of EventPattern, RetentionDays or Description must be provided.')
  }
  const name = requiredString(input, 'ArchiveName')
  bus.catalog.requireArchive(name)
  if (typeof input.EventPattern === 'string') checkEventPattern(input.EventPattern)
  const changes: Partial<ArchiveDefinition> = {}
  if (input.Description !== undefined) changes.description = requiredString(input, 'Description')
  if (input.EventPattern !== undefined) changes.eventPattern = requiredString(input, 'EventPattern')
  if (input.RetentionDays !== undefined) changes.retentionDays = requiredNumber(input, 'RetentionDays')
  const archive = await bus.catalog.updateArchive(name, changes)
  return { ArchiveArn: archive.arn, State: archive.state, CreationTime: epochSeconds(archive.createdAt) }
}

export const deleteArchive: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.ArchiveName, 'archiveName', NAME)
  checks.done()
  await bus.catalog.deleteArchive(requiredString(input, 'ArchiveName'))
  return {}
}

export const listArchives: ActionHandler = async (bus, input) => {
  const params = pageParams(input)
  const checks = new Checks()
  checks.string(input.NamePrefix, 'namePrefix', { min: 1, max: 48, pattern: Patterns.archiveName })
  checks.string(input.EventSourceArn, 'eventSourceArn', { min: 1, max: 1600 })
  checks.string(input.State, 'state', { enum: ['ENABLED', 'DISABLED', 'CREATING', 'UPDATING', 'CREATE_FAILED', 'UPDATE_FAILED'] })
  checks.done()
  // Filtering by a bus that does not exist is an error on AWS, not an empty list.
  if (typeof input.EventSourceArn === 'string') bus.catalog.requireBus(sourceBusOf(input.EventSourceArn))
  const prefix = optionalString(input, 'NamePrefix') ?? ''
  const all = [...bus.catalog.archives.values()]
    .filter(a => a.name.startsWith(prefix) && (input.EventSourceArn === undefined || a.eventSourceArn === input.EventSourceArn) && (input.State === undefined || a.state === input.State))
    .sort(byName)
  const { items, nextToken } = page(all, params)
  return { Archives: items.map(a => summary(bus, a)), NextToken: nextToken }
}
