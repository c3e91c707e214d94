// StartReplay, DescribeReplay, ListReplays, CancelReplay. The replay itself
// runs in ../replay.ts.
import { parseArn, ruleFromArn } from '../arn.js'
import { alreadyExistsError, BusApiError, BusErrorType, limitExceededError, notFoundError, validationError } from '../errors.js'
import { ReplayState, type ReplayDefinition } from '../model.js'
import { MAX_ACTIVE_REPLAYS } from '../replay.js'
import { archiveTopic } from '../storage.js'
import { Checks, epochSeconds, page, pageParams, Patterns } from '../validate.js'
import { byName, type ActionHandler } from './common.js'
import type { EventBus } from '../index.js'
import { optionalString, optionalStrings, requiredObject, requiredString } from '../fields.js'

const NAME = { required: true, min: 1, max: 64, pattern: Patterns.archiveName } as const
const STATES = Object.values(ReplayState)

function requireReplay (bus: EventBus, name: string): ReplayDefinition {
  const replay = bus.catalog.replays.get(name)
  if (!replay) throw notFoundError(`Replay ${name} does not exist.`)
  return replay
}

function timestamp (value: unknown, field: string, checks: Checks): number | undefined {
  if (value === undefined || value === null) {
    checks.required(value, field)
    return undefined
  }
  // past what a Date holds (8.64e15 ms) a time cannot be written back out
  if (typeof value === 'number' && Math.abs(value * 1000) <= 8.64e15) return value * 1000
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value)
  throw new BusApiError(BusErrorType.serialization, `Unexpected value type for field '${field}'`)
}

function summary (r: ReplayDefinition): Record<string, unknown> {
  return {
    ReplayName: r.name,
    EventSourceArn: r.eventSourceArn,
    State: r.state,
    StateReason: r.stateReason,
    EventStartTime: epochSeconds(r.eventStartTime),
    EventEndTime: epochSeconds(r.eventEndTime),
    EventLastReplayedTime: r.eventLastReplayedTime === undefined ? undefined : epochSeconds(r.eventLastReplayedTime),
    ReplayStartTime: epochSeconds(r.replayStartTime),
    ReplayEndTime: r.replayEndTime === undefined ? undefined : epochSeconds(r.replayEndTime),
  }
}

export const startReplay: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.ReplayName, 'replayName', NAME)
  checks.string(input.Description, 'description', { max: 512 })
  checks.string(input.EventSourceArn, 'eventSourceArn', { required: true, min: 1, max: 1600 })
  const start = timestamp(input.EventStartTime, 'eventStartTime', checks)
  const end = timestamp(input.EventEndTime, 'eventEndTime', checks)
  checks.required(input.Destination, 'destination')
  checks.done()
  const destination = requiredObject(input, 'Destination')
  const destinationChecks = new Checks()
  destinationChecks.string(destination.Arn, 'destination.arn', { required: true, min: 1, max: 1600 })
  destinationChecks.list(destination.FilterArns, 'destination.filterArns')
  destinationChecks.done()
  const name = requiredString(input, 'ReplayName')
  if (bus.catalog.replays.has(name)) throw alreadyExistsError(`Replay ${name} already exists.`)
  const archiveArn = parseArn(requiredString(input, 'EventSourceArn'))
  if (!archiveArn || archiveArn.service !== 'events' || !archiveArn.resource.startsWith('archive/')) throw validationError('Parameter EventSourceArn is not valid.')
  const archiveName = archiveArn.resource.slice('archive/'.length)
  const archive = bus.catalog.archives.get(archiveName)
  if (!archive) throw validationError(`Parameter EventSourceArn is not valid. Reason: Archive ${archiveName} does not exist.`)
  // Both are required: checks.done() above answered their absence.
  if (start === undefined || end === undefined) throw validationError('Parameters EventStartTime and EventEndTime must be specified.')
  if (start >= end) throw validationError('Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.')
  // AWS says a missing destination bus does not exist before it says replays cannot cross buses.
  const destinationArn = requiredString(destination, 'Arn', 'destination.arn')
  const destinationBus = parseArn(destinationArn)
  if (destinationBus?.service === 'events' && destinationBus.resource.startsWith('event-bus/')) {
    bus.catalog.requireBus(destinationBus.resource.slice('event-bus/'.length))
  }
  if (destinationArn !== archive.eventSourceArn) throw validationError('Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.')
  const filterArns = optionalStrings(destination, 'FilterArns', 'destination.filterArns') ?? []
  for (const arn of filterArns) {
    const rule = ruleFromArn(arn)
    if (!rule || rule.busName !== archive.sourceBusName) throw validationError(`Parameter Destination.FilterArns is not valid. Reason: ${arn} is not a rule on event bus ${archive.sourceBusName}.`)
  }
  if (bus.replays.activeCount() >= MAX_ACTIVE_REPLAYS) throw limitExceededError(`The number of concurrent replays exceeds the limit of ${MAX_ACTIVE_REPLAYS}.`)
  const replay: ReplayDefinition = {
    name,
    arn: bus.arns.replay(name),
    description: optionalString(input, 'Description'),
    archiveName,
    eventSourceArn: archive.arn,
    destination: { Arn: destinationArn, ...(filterArns.length > 0 ? { FilterArns: filterArns } : {}) },
    eventStartTime: start,
    eventEndTime: end,
    state: ReplayState.starting,
    replayStartTime: Date.now(),
    cursor: 0,
    endOffset: 0,
  }
  // A bounded read: from the first record archived at or after EventStartTime (an
  // event is archived after it was received, and its time is at most that unless
  // its sender set a later one) to the archive's end now.
  replay.endOffset = await bus.storage.endOffset(archiveTopic(archiveName))
  replay.cursor = Math.min(replay.endOffset, await bus.storage.offsetForTimestamp(archiveTopic(archiveName), Math.max(0, start)))
  await bus.catalog.createReplay(replay)
  return { ReplayArn: replay.arn, State: ReplayState.starting, ReplayStartTime: epochSeconds(replay.replayStartTime) }
}

export const describeReplay: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.ReplayName, 'replayName', NAME)
  checks.done()
  const replay = requireReplay(bus, requiredString(input, 'ReplayName'))
  return { ...summary(replay), ReplayArn: replay.arn, Description: replay.description, Destination: replay.destination }
}

export const listReplays: ActionHandler = async (bus, input) => {
  const params = pageParams(input)
  const checks = new Checks()
  checks.string(input.NamePrefix, 'namePrefix', { min: 1, max: 64, pattern: Patterns.archiveName })
  checks.string(input.State, 'state', { enum: STATES })
  checks.string(input.EventSourceArn, 'eventSourceArn', { min: 1, max: 1600 })
  checks.done()
  const prefix = optionalString(input, 'NamePrefix') ?? ''
  const all = [...bus.catalog.replays.values()]
    .filter(r => r.name.startsWith(prefix) && (input.State === undefined || r.state === input.State) && (input.EventSourceArn === undefined || r.eventSourceArn === input.EventSourceArn))
    .sort(byName)
  const { items, nextToken } = page(all, params)
  return { Replays: items.map(summary), NextToken: nextToken }
}

export const cancelReplay: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.ReplayName, 'replayName', NAME)
  checks.done()
  const replay = requireReplay(bus, requiredString(input, 'ReplayName'))
  if (replay.state !== ReplayState.starting && replay.state !== ReplayState.running) {
    throw new BusApiError(BusErrorType.illegalStatus, `Replay ${replay.name} is not in a state that can be cancelled.`)
  }
  // The running replay sees CANCELLING at its next step and ends as CANCELLED.
  await bus.catalog.updateReplay(replay, { state: ReplayState.cancelling })
  return { ReplayArn: replay.arn, State: ReplayState.cancelling }
}
