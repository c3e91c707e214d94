// PutRule, DescribeRule, ListRules, EnableRule, DisableRule, DeleteRule,
// ListRuleNamesByTarget. A rule has an EventPattern, a ScheduleExpression
// (default bus only), or both; PutRule on an existing rule replaces it but
// keeps its targets.
import { validationError } from '../errors.js'
import type { RuleDefinition, RuleStateName } from '../model.js'
import { parseSchedule } from '../schedule.js'
import { Checks, page, pageParams, Patterns } from '../validate.js'
import { busNameFromParam } from '../arn.js'
import { byName, checkEventPattern, checkTags, requireBus, requireRule, ruleParams, type ActionHandler } from './common.js'
import { optionalString } from '../fields.js'

const STATES = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'] as const

function describe (rule: RuleDefinition, accountId: string): Record<string, unknown> {
  return {
    Name: rule.name,
    Arn: rule.arn,
    EventPattern: rule.eventPattern,
    ScheduleExpression: rule.scheduleExpression,
    State: rule.state,
    Description: rule.description,
    RoleArn: rule.roleArn,
    EventBusName: rule.busName,
    CreatedBy: accountId,
  }
}

export const putRule: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.EventPattern, 'eventPattern', { max: 4096 })
  checks.string(input.ScheduleExpression, 'scheduleExpression', { max: 256 })
  checks.string(input.State, 'state', { enum: STATES })
  checks.string(input.Description, 'description', { max: 512 })
  checks.string(input.RoleArn, 'roleArn', { min: 1, max: 1600 })
  const tags = checkTags(input.Tags, checks)
  const { ruleName, busName } = ruleParams(input, checks)
  const eventPattern = optionalString(input, 'EventPattern')
  const scheduleExpression = optionalString(input, 'ScheduleExpression')
  if (eventPattern === undefined && scheduleExpression === undefined) throw validationError('Parameter(s) EventPattern or ScheduleExpression must be specified.')
  if (scheduleExpression !== undefined) {
    if (!parseSchedule(scheduleExpression)) throw validationError('Parameter ScheduleExpression is not valid.')
    if (busName !== 'default') throw validationError('ScheduleExpression is supported only on the default event bus.')
  }
  if (eventPattern !== undefined) checkEventPattern(eventPattern)
  requireBus(bus, busName)
  const existing = bus.catalog.rule(busName, ruleName)
  const state: RuleStateName = optionalString(input, 'State') === 'DISABLED' ? 'DISABLED' : 'ENABLED'
  const rule: RuleDefinition = {
    name: ruleName,
    busName,
    arn: bus.arns.rule(busName, ruleName),
    eventPattern,
    scheduleExpression,
    state,
    description: optionalString(input, 'Description'),
    roleArn: optionalString(input, 'RoleArn'),
    createdAt: existing?.createdAt ?? bus.clock.now(),
    targets: existing?.targets ?? [],
    tags: existing?.tags ?? tags,
  }
  await bus.catalog.putRule(rule)
  return { RuleArn: rule.arn }
}

export const describeRule: ActionHandler = async (bus, input) => {
  const { ruleName, busName } = ruleParams(input)
  return describe(requireRule(bus, busName, ruleName), bus.accountId)
}

export const listRules: ActionHandler = async (bus, input) => {
  const params = pageParams(input)
  const checks = new Checks()
  checks.string(input.NamePrefix, 'namePrefix', { min: 1, max: 64, pattern: Patterns.ruleName })
  checks.string(input.EventBusName, 'eventBusName', { min: 1, max: 1600, pattern: Patterns.busNameOrArn })
  checks.done()
  const busName = busNameFromParam(optionalString(input, 'EventBusName'))
  requireBus(bus, busName)
  const prefix = optionalString(input, 'NamePrefix') ?? ''
  const rules = bus.catalog.rulesOfBus(busName).filter(r => r.name.startsWith(prefix)).sort(byName)
  const { items, nextToken } = page(rules, params)
  return { Rules: items.map(r => describe(r, bus.accountId)), NextToken: nextToken }
}

function setState (state: RuleStateName): ActionHandler {
  return async (bus, input) => {
    const { ruleName, busName } = ruleParams(input)
    await bus.catalog.updateRule(requireRule(bus, busName, ruleName), { state })
    return {}
  }
}
export const enableRule = setState('ENABLED')
export const disableRule = setState('DISABLED')

export const deleteRule: ActionHandler = async (bus, input) => {
  const { ruleName, busName } = ruleParams(input)
  requireBus(bus, busName)
  const rule = bus.catalog.rule(busName, ruleName)
  if (!rule) return {}
  if (rule.targets.length > 0) throw validationError('Rule can\'t be deleted since it has targets.')
  await bus.catalog.deleteRule(rule)
  return {}
}

export const listRuleNamesByTarget: ActionHandler = async (bus, input) => {
  const params = pageParams(input)
  const checks = new Checks()
  checks.string(input.TargetArn, 'targetArn', { required: true, min: 1, max: 1600 })
  checks.string(input.EventBusName, 'eventBusName', { min: 1, max: 1600, pattern: Patterns.busNameOrArn })
  checks.done()
  const busName = busNameFromParam(optionalString(input, 'EventBusName'))
  requireBus(bus, busName)
  const names = bus.catalog.rulesOfBus(busName).filter(r => r.targets.some(t => t.Arn === input.TargetArn)).sort(byName).map(r => r.name)
  const { items, nextToken } = page(names, params)
  return { RuleNames: items, NextToken: nextToken }
}
