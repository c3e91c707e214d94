// The part AlterConfigs and IncrementalAlterConfigs share: checking each
// resource, computing a topic's new set of overrides (the one thing the two
// APIs do differently, passed in as `computeOverrides`), validating it with the
// log engine's rules and applying it; for a BROKER resource the same with the
// dynamic broker configs (config-dynamic.ts). Each resource succeeds or fails
// on its own; a resource's changes are applied all together or not at all.
import { ErrorCode } from '../../protocol/errors.js'
import { topicNameProblem } from '../topic-name.js'
import { errorFromThrown, errorPair, NO_ERROR, repeatedNames, type ErrorPair } from './admin-common.js'
import { ResourceType } from './config-catalog.js'
import { isErrorPair, topicConfigsProblem } from './topic-config-input.js'
import { dynamicConfigs, dynamicConfigsProblem, storeDynamicConfigs } from './config-dynamic.js'
import type { RequestContext } from './types.js'

export interface AlterableResource {
  resourceType: number
  resourceName: string
  configs: Array<{ name: string }>
}

/** One resource's answer, as AlterConfigs and IncrementalAlterConfigs both carry it. */
export interface AlterResult extends ErrorPair {
  resourceType: number
  resourceName: string
}

/** `kind`: whose settings these are: a topic's overrides or a broker's dynamic configs. */
export type ComputeOverrides<R> = (resource: R, current: Readonly<Record<string, string>>, kind: 'topic' | 'broker') => Record<string, string> | ErrorPair

export async function alterConfigResources<R extends AlterableResource> (
  resources: readonly R[], validateOnly: boolean, ctx: RequestContext, computeOverrides: ComputeOverrides<R>
): Promise<AlterResult[]> {
  const repeated = repeatedNames(resources.map(resourceKey))
  const responses: AlterResult[] = []
  const answered = new Set<string>()
  for (const resource of resources) {
    const key = resourceKey(resource)
    if (answered.has(key)) continue
    answered.add(key)
    const error = repeated.has(key)
      ? errorPair(ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.')
      : await alterResource(resource, validateOnly, ctx, computeOverrides)
    responses.push({ errorCode: error.errorCode, errorMessage: error.errorMessage, resourceType: resource.resourceType, resourceName: resource.resourceName })
  }
  return responses
}

function resourceKey (resource: AlterableResource): string {
  return `${resource.resourceType}:${resource.resourceName}`
}

async function alterResource<R extends AlterableResource> (
  resource: R, validateOnly: boolean, ctx: RequestContext, computeOverrides: ComputeOverrides<R>
): Promise<ErrorPair> {
  if (repeatedNames(resource.configs.map(c => c.name)).size > 0) {
    return errorPair(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys')
  }
  const { config, log } = ctx.services
  const name = resource.resourceName
  switch (resource.resourceType) {
    case ResourceType.TOPIC: {
      const problem = topicNameProblem(name)
      if (problem !== null) return errorPair(ErrorCode.INVALID_TOPIC_EXCEPTION, problem)
      const topic = log.topic(name)
      if (topic === undefined) return errorPair(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`)
      const overrides = computeOverrides(resource, topic.configs ?? {}, 'topic')
      if (isErrorPair(overrides)) return overrides
      const invalid = topicConfigsProblem(overrides)
      if (invalid !== null) return invalid
      if (validateOnly) return NO_ERROR
      try {
        await log.alterConfigs(name, overrides, { incremental: false, validateOnly: false })
      } catch (err) {
        return errorFromThrown(err, ctx, `topic ${name}`)
      }
      return NO_ERROR
    }
    case ResourceType.BROKER: {
      if (name !== '' && name !== String(config.nodeId)) {
        return errorPair(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${config.nodeId} or empty string, but received ${name}`)
      }
      const level = name === '' ? 'default' : 'broker'
      const next = computeOverrides(resource, dynamicConfigs(config)[level], 'broker')
      if (isErrorPair(next)) return next
      const problem = dynamicConfigsProblem(next, level)
      if (problem !== null) return errorPair(ErrorCode.INVALID_REQUEST, problem)
      if (validateOnly) return NO_ERROR
      try {
        await storeDynamicConfigs(config, log, level, next)
      } catch (err) {
        return errorFromThrown(err, ctx, `broker ${name === '' ? '<default>' : name}`)
      }
      return NO_ERROR
    }
    case ResourceType.BROKER_LOGGER: {
      if (name !== '' && name !== String(config.nodeId)) {
        return errorPair(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${config.nodeId} or empty string, but received ${name}`)
      }
      if (resource.configs.length === 0) return NO_ERROR
      // Tributary has one logger whose level is set at start (--log-level).
      return errorPair(ErrorCode.INVALID_REQUEST,
        `Cannot update these configs dynamically: Set(${resource.configs.map(c => c.name).join(', ')})`)
    }
    default:
      return errorPair(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resource.resourceType}`)
  }
}
