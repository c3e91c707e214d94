// TagResource, UntagResource, ListTagsForResource: tags live on event buses
// and rules, as in EventBridge.
import { parseArn, ruleFromArn } from '../arn.js'
import { notFoundError } from '../errors.js'
import type { Tag } from '../model.js'
import { Checks } from '../validate.js'
import { checkTags, mergeTags, requireBus, requireRule, type ActionHandler } from './common.js'
import type { EventBus } from '../index.js'
import { requiredString, requiredStrings } from '../fields.js'

/** Tags live on event buses and rules; answers the current tags and how to replace them. */
function taggable (bus: EventBus, arn: string): { tags: Tag[], setTags: (tags: Tag[]) => Promise<unknown> } {
  const parts = parseArn(arn)
  if (parts?.service === 'events') {
    if (parts.resource.startsWith('event-bus/')) {
      const name = parts.resource.slice('event-bus/'.length)
      const found = requireBus(bus, name)
      return { tags: found.tags, setTags: async tags => await bus.catalog.updateBus(name, { tags }) }
    }
    const ruleName = ruleFromArn(arn)
    if (ruleName) {
      const rule = requireRule(bus, ruleName.busName, ruleName.ruleName)
      return { tags: rule.tags, setTags: async tags => await bus.catalog.updateRule(rule, { tags }) }
    }
  }
  throw notFoundError(`Resource ${arn} does not exist.`)
}

function resourceArn (input: Record<string, unknown>, checks: Checks): string {
  checks.string(input.ResourceARN, 'resourceARN', { required: true, min: 1, max: 1600 })
  return requiredString(input, 'ResourceARN')
}

export const tagResource: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  const arn = resourceArn(input, checks)
  checks.required(input.Tags, 'tags')
  const tags = checkTags(input.Tags, checks)
  checks.done()
  const resource = taggable(bus, arn)
  await resource.setTags(mergeTags(resource.tags, tags))
  return {}
}

export const untagResource: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  const arn = resourceArn(input, checks)
  checks.list(input.TagKeys, 'tagKeys', { required: true })
  checks.done()
  const resource = taggable(bus, arn)
  const remove = new Set(requiredStrings(input, 'TagKeys'))
  await resource.setTags(resource.tags.filter(t => !remove.has(t.Key)))
  return {}
}

export const listTagsForResource: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  const arn = resourceArn(input, checks)
  checks.done()
  return { Tags: taggable(bus, arn).tags }
}
