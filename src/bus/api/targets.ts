// PutTargets, RemoveTargets, ListTargetsByRule. Targets are validated the way
// AWS validates them (ids, one input form, transformer variables, retry
// bounds); where an ARN points locally is decided at delivery (see targets/resolve.ts).
import { limitExceededError, validationError } from '../errors.js'
import type { TargetDefinition } from '../model.js'
import { parseJsonPath } from '../targets/json-path.js'
import { PLACEHOLDER, PREDEFINED_VARIABLES } from '../targets/input.js'
import { Checks, page, pageParams, Patterns } from '../validate.js'
import { deadLetterConfig, isObject, optionalNumber, optionalObject, optionalStringMap, requiredObject, requiredString, requiredStrings } from '../fields.js'
import { requireRule, ruleParams, type ActionHandler } from './common.js'

export const MAX_TARGETS_PER_RULE = 5

/** Runs the checks of one target (problems collect in `checks`); `readTarget` reads it once they passed. */
function checkTarget (t: Record<string, unknown>, index: number, checks: Checks): void {
  const field = (name: string): string => `targets.${index + 1}.member.${name}`
  checks.string(t.Id, field('id'), { required: true, min: 1, max: 64, pattern: Patterns.targetId })
  checks.string(t.Arn, field('arn'), { required: true, min: 1, max: 1600 })
  checks.string(t.Input, field('input'), { max: 8192 })
  checks.string(t.InputPath, field('inputPath'), { max: 256 })
  const forms = [t.Input, t.InputPath, t.InputTransformer].filter(v => v !== undefined && v !== null).length
  if (forms > 1) throw validationError(`Only one of Input, InputPath, or InputTransformer must be provided for target ${String(t.Id)}`)
  if (typeof t.Input === 'string') {
    try {
      JSON.parse(t.Input)
    } catch {
      throw validationError(`Input for target ${String(t.Id)} is not valid JSON text.`)
    }
  }
  if (typeof t.InputPath === 'string' && !parseJsonPath(t.InputPath)) throw validationError(`InputPath for target ${String(t.Id)} is not a valid JSON path.`)
  if (t.InputTransformer !== undefined && t.InputTransformer !== null) {
    const transformer = requiredObject(t, 'InputTransformer', field('inputTransformer'))
    checks.string(transformer.InputTemplate, field('inputTransformer.inputTemplate'), { required: true, min: 1, max: 8192 })
    const paths = transformer.InputPathsMap ?? {}
    if (!isObject(paths)) throw validationError('InputPathsMap must be a map of variable names to JSON paths.')
    const names = Object.keys(paths)
    if (names.length > 100) throw validationError('InputTransformer.InputPathsMap may hold at most 100 variables.')
    for (const name of names) {
      if (!/^[A-Za-z0-9_-]+$/.test(name)) throw validationError(`InputTransformer variable name '${name}' is not valid.`)
      if (name.startsWith('aws.')) throw validationError(`InputTransformer variable name '${name}' is reserved.`)
      const path = paths[name]
      if (typeof path !== 'string' || !parseJsonPath(path)) throw validationError(`Target ${String(t.Id)} InputPathsMap contains invalid JSONPath: ${String(path)}`)
    }
    if (typeof transformer.InputTemplate === 'string') {
      for (const [, placeholder] of transformer.InputTemplate.matchAll(PLACEHOLDER)) {
        if (!Object.hasOwn(paths, placeholder!) && !PREDEFINED_VARIABLES.has(placeholder!)) {
          throw validationError(`InputTemplate for target ${String(t.Id)} contains invalid placeholder ${placeholder!}.`)
        }
      }
    }
  }
  if (t.RetryPolicy !== undefined && t.RetryPolicy !== null) {
    const policy = requiredObject(t, 'RetryPolicy', field('retryPolicy'))
    checks.integer(policy.MaximumRetryAttempts, field('retryPolicy.maximumRetryAttempts'), { min: 0, max: 185 })
    checks.integer(policy.MaximumEventAgeInSeconds, field('retryPolicy.maximumEventAgeInSeconds'), { min: 60, max: 86400 })
  }
  if (t.DeadLetterConfig !== undefined && t.DeadLetterConfig !== null) {
    checks.string(requiredObject(t, 'DeadLetterConfig', field('deadLetterConfig')).Arn, field('deadLetterConfig.arn'), { min: 1, max: 1600 })
  }
  if (typeof t.Arn === 'string' && !t.Arn.startsWith('arn:') && !/^https?:\/\//.test(t.Arn)) {
    throw validationError(`Parameter ${t.Arn} is not valid. Reason: Provided Arn is not in correct format.`)
  }
}

/**
 * A checked target as the catalog keeps it: the members delivery reads are typed,
 * the rest (parameters this emulator does not use) are kept as given and echoed.
 */
function readTarget (t: Record<string, unknown>, index: number): TargetDefinition {
  const field = (name: string): string => `targets.${index + 1}.member.${name}`
  const target: TargetDefinition = { ...t, Id: requiredString(t, 'Id', field('id')), Arn: requiredString(t, 'Arn', field('arn')) }
  const transformer = optionalObject(t, 'InputTransformer', field('inputTransformer'))
  if (transformer !== undefined) {
    const paths = optionalStringMap(transformer, 'InputPathsMap', field('inputTransformer.inputPathsMap'))
    target.InputTransformer = { InputTemplate: requiredString(transformer, 'InputTemplate', field('inputTransformer.inputTemplate')), ...(paths === undefined ? {} : { InputPathsMap: paths }) }
  }
  const policy = optionalObject(t, 'RetryPolicy', field('retryPolicy'))
  if (policy !== undefined) {
    const attempts = optionalNumber(policy, 'MaximumRetryAttempts', field('retryPolicy.maximumRetryAttempts'))
    const age = optionalNumber(policy, 'MaximumEventAgeInSeconds', field('retryPolicy.maximumEventAgeInSeconds'))
    target.RetryPolicy = { ...(attempts === undefined ? {} : { MaximumRetryAttempts: attempts }), ...(age === undefined ? {} : { MaximumEventAgeInSeconds: age }) }
  }
  const deadLetter = deadLetterConfig(t, 'DeadLetterConfig', field('deadLetterConfig'))
  if (deadLetter !== undefined) target.DeadLetterConfig = deadLetter
  return target
}

export const putTargets: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.list(input.Targets, 'targets', { required: true, min: 1, max: 100 })
  const { ruleName, busName } = ruleParams(input, checks)
  const given = Array.isArray(input.Targets) ? input.Targets.map((t: unknown) => isObject(t) ? t : {}) : []
  given.forEach((t, i) => checkTarget(t, i, checks))
  checks.done()
  const targets = given.map((t, i) => readTarget(t, i))
  const rule = requireRule(bus, busName, ruleName)
  // A rule sending its bus's events back to the same bus would loop forever.
  const ownBus = bus.arns.bus(busName)
  const loop = targets.find(t => t.Arn === ownBus)
  if (loop) throw validationError(`Target ${loop.Id} sends events back to event bus ${busName}, which would loop.`)
  const merged = new Map(rule.targets.map(t => [t.Id, t]))
  for (const t of targets) merged.set(t.Id, t)
  if (merged.size > MAX_TARGETS_PER_RULE) throw limitExceededError('The requested resource exceeds the maximum number allowed.')
  await bus.catalog.updateRule(rule, { targets: [...merged.values()] })
  return { FailedEntryCount: 0, FailedEntries: [] }
}

export const removeTargets: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.list(input.Ids, 'ids', { required: true, min: 1, max: 100 })
  const { ruleName, busName } = ruleParams(input, checks)
  const rule = requireRule(bus, busName, ruleName)
  const ids = new Set(requiredStrings(input, 'Ids'))
  await bus.catalog.updateRule(rule, { targets: rule.targets.filter(t => !ids.has(t.Id)) })
  return { FailedEntryCount: 0, FailedEntries: [] }
}

export const listTargetsByRule: ActionHandler = async (bus, input) => {
  const params = pageParams(input)
  const { ruleName, busName } = ruleParams(input)
  const rule = requireRule(bus, busName, ruleName)
  const { items, nextToken } = page(rule.targets, params)
  return { Targets: items, NextToken: nextToken }
}
