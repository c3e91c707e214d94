// TagResource, UntagResource, ListTagsForResource: tags live on event buses
// and rules, as in EventBridge.
import { parseArn, ruleFromArn } from '../arn.js'
import { notFoundError } from '../errors.js'
import type { Tag } from '../model.js'
import { Checks } from '../validate.js'
import { checkTags, mergeTags, requireBus, requireRule, type ActionHandler } from './common.js'
import type { EventBus } from '../index.js'

function taggable (bus: EventBus, arn: string): { tags: Tag[] } {
  const parts = parseArn(arn)
  if (parts?.service === 'events') {
    if (parts.resource.startsWith('event-bus/')) return requireBus(bus, parts.resource.slice('event-bus/'.length))
    const rule = ruleFromArn(arn)
    if (rule) return requireRule(bus, rule.busName, rule.ruleName)
  }
  throw notFoundError(`Resource ${arn} does not exist.`)
}

function resourceArn (input: Record<string, unknown>, checks: Checks): string {
  checks.string(input.ResourceARN, 'resourceARN', { required: true, min: 1, max: 1600 })
  return input.ResourceARN as string
}

export const tagResource: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  const arn = resourceArn(input, checks)
  checks.required(input.Tags, 'tags')
  const tags = checkTags(input.Tags, checks)
  checks.done()
  const resource = taggable(bus, arn)
  resource.tags = mergeTags(resource.tags, tags)
  await bus.catalog.persist()
  return {}
}

export const untagResource: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  const arn = resourceArn(input, checks)
  checks.list(input.TagKeys, 'tagKeys', { required: true })
  checks.done()
  const resource = taggable(bus, arn)
  const remove = new Set(input.TagKeys as string[])
  resource.tags = resource.tags.filter(t => !remove.has(t.Key))
  await bus.catalog.persist()
  return {}
}

export const listTagsForResource: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  const arn = resourceArn(input, checks)
  checks.done()
  return { Tags: taggable(bus, arn).tags }
}
