// Shared pieces of the action handlers: the handler type, lookups that answer
// ResourceNotFoundException in AWS's words, and the pattern check.
import type { EventBus } from '../index.js'
import { busNameFromParam } from '../arn.js'
import { BusApiError, BusErrorType, notFoundError } from '../errors.js'
import type { BusDefinition, RuleDefinition, Tag } from '../model.js'
import { InvalidEventPatternError, parsePattern } from '../pattern/index.js'
import { Checks, Patterns } from '../validate.js'
import { isObject, optionalString, requiredString } from '../fields.js'

export type Input = Record<string, unknown>
export type ActionHandler = (bus: EventBus, input: Input) => Promise<unknown>

export function requireBus (bus: EventBus, name: string): BusDefinition {
  const found = bus.catalog.buses.get(name)
  if (!found) throw notFoundError(`Event bus ${name} does not exist.`)
  return found
}

export function requireRule (bus: EventBus, busName: string, ruleName: string): RuleDefinition {
  requireBus(bus, busName)
  const rule = bus.catalog.rule(busName, ruleName)
  if (!rule) throw notFoundError(`Rule ${ruleName} does not exist on EventBus ${busName}.`)
  return rule
}

/** Checks the Name / EventBusName pair most rule actions take. */
export function ruleParams (input: Input, checks = new Checks()): { ruleName: string, busName: string } {
  checks.string(input.Name ?? input.Rule, input.Rule !== undefined ? 'rule' : 'name', { required: true, min: 1, max: 64, pattern: Patterns.ruleName })
  checks.string(input.EventBusName, 'eventBusName', { min: 1, max: 1600, pattern: Patterns.busNameOrArn })
  checks.done()
  return { ruleName: input.Rule !== undefined ? requiredString(input, 'Rule') : requiredString(input, 'Name'), busName: busNameFromParam(optionalString(input, 'EventBusName')) }
}

/** Throws InvalidEventPatternException (AWS's wording) unless the text is a valid pattern. */
export function checkEventPattern (text: string): void {
  try {
    parsePattern(text)
  } catch (err) {
    if (err instanceof InvalidEventPatternError) throw new BusApiError(BusErrorType.invalidPattern, err.message)
    throw err
  }
}

export function checkTags (tags: unknown, checks: Checks, field = 'tags'): Tag[] {
  if (!checks.list(tags, field, { max: 50 })) return []
  const out: Tag[] = []
  tags.forEach((tag, i) => {
    const t = isObject(tag) ? tag : {}
    checks.string(t.Key, `${field}.${i + 1}.member.key`, { required: true, min: 1, max: 128 })
    checks.string(t.Value, `${field}.${i + 1}.member.value`, { required: true, min: 0, max: 256 })
    if (typeof t.Key === 'string' && typeof t.Value === 'string') out.push({ Key: t.Key, Value: t.Value })
  })
  return out
}

export function mergeTags (existing: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(existing.map(t => [t.Key, t]))
  for (const t of added) byKey.set(t.Key, t)
  return [...byKey.values()]
}

export function byName<T extends { name: string }> (a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}
