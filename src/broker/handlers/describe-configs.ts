// DescribeConfigs (key 32), versions 0-4.
//
// Resources:
// - TOPIC (2): every topic config with its effective value and source: set on
//   the topic (TOPIC_CONFIG), from the broker's config file
//   (STATIC_BROKER_CONFIG) or built in (DEFAULT_CONFIG). Unknown topic:
//   UNKNOWN_TOPIC_OR_PARTITION; illegal name: INVALID_TOPIC_EXCEPTION.
// - BROKER (4), named by this node's id: the broker's effective settings
//   (num.partitions, log.retention.ms, message.max.bytes, ...), with the
//   dynamic ones set through AlterConfigs (DYNAMIC_BROKER_CONFIG,
//   DYNAMIC_DEFAULT_BROKER_CONFIG; see config-dynamic.ts) over the static ones;
//   read-only unless Kafka can change them at runtime. Clients (librdkafka,
//   kafkajs) ask for these. "" names the cluster-wide dynamic defaults: only
//   those set. Another id: INVALID_REQUEST, as Kafka answers. Passwords
//   (sasl.jaas.config, ...) are described with a null value, as sensitive.
// - BROKER_LOGGER (8), named by this node's id: no logger levels to show; an
//   empty list.
// - anything else: INVALID_REQUEST.
// configurationKeys null or empty means every config; names we do not know are
// left out.
//
// Version notes: v0 has isDefault (false when the value is set on the resource
// itself) and no source; v1 adds includeSynonyms, configSource and synonyms (highest
// precedence first); v3 adds includeDocumentation, configType and
// documentation; v4 is flexible.
import { describeConfigsApi } from '../../protocol/messages/describe-configs.js'
import { ErrorCode } from '../../protocol/errors.js'
import { topicNameProblem } from '../topic-name.js'
import { errorPair, type ErrorPair } from './admin-common.js'
import { ConfigSource, ResourceType } from './config-catalog.js'
import { describeBrokerConfigs, describeDynamicDefaults, describeTopicConfigs, type DescribedConfig } from './config-view.js'
import { dynamicConfigs } from './config-dynamic.js'
import type { Handler, RequestContext } from './types.js'
import type { Element, RequestOf, ResponseInput } from '../../protocol/messages/api-types.js'

type DescribeConfigsRequest = RequestOf<'DescribeConfigs'>
type DescribeConfigsResource = Element<DescribeConfigsRequest['resources']>
type ConfigAnswer = Element<Element<ResponseInput<'DescribeConfigs'>['results']>['configs']>

export const describeConfigsHandler: Handler<'DescribeConfigs'> = {
  api: describeConfigsApi,
  handle (request, ctx) {
    const results = request.resources.map(resource => {
      const described = describeResource(resource, ctx)
      if (!Array.isArray(described)) {
        return { ...described, resourceType: resource.resourceType, resourceName: resource.resourceName, configs: [] }
      }
      // Kafka treats an empty key list like null: every config.
      const keys = resource.configurationKeys
      const wanted = keys === null || keys === undefined || keys.length === 0 ? described : described.filter(c => keys.includes(c.name))
      const ownSource = resource.resourceType === ResourceType.TOPIC ? ConfigSource.TOPIC_CONFIG : null
      return {
        errorCode: 0,
        errorMessage: null,
        resourceType: resource.resourceType,
        resourceName: resource.resourceName,
        configs: wanted.map(c => toWire(c, request, ownSource))
      }
    })
    return { throttleTimeMs: 0, results }
  }
}

function describeResource (resource: DescribeConfigsResource, ctx: RequestContext): DescribedConfig[] | ErrorPair {
  const { config, log } = ctx.services
  const name = resource.resourceName
  switch (resource.resourceType) {
    case ResourceType.TOPIC: {
      const problem = topicNameProblem(name)
      if (problem !== null) return errorPair(ErrorCode.INVALID_TOPIC_EXCEPTION, problem)
      const topic = log.topic(name)
      if (topic === undefined) return errorPair(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`)
      return describeTopicConfigs(topic.configs ?? {}, config, dynamicConfigs(config))
    }
    case ResourceType.BROKER:
      if (name === '') return describeDynamicDefaults(dynamicConfigs(config))
      if (name !== String(config.nodeId)) {
        return errorPair(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${config.nodeId} or empty string, but received ${name}`)
      }
      return describeBrokerConfigs(config, dynamicConfigs(config))
    case ResourceType.BROKER_LOGGER:
      if (name === '') return errorPair(ErrorCode.INVALID_REQUEST, 'Broker id must not be empty')
      if (name !== String(config.nodeId)) {
        return errorPair(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${config.nodeId} but received ${name}`)
      }
      return []
    default:
      return errorPair(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resource.resourceType}`)
  }
}

/**
 * v0 has no source, only isDefault, and Kafka's client reads isDefault=false as
 * "set on this resource": for a topic, TOPIC_CONFIG (so a value inherited from
 * the broker is a default); for a broker, anything but the built-in default.
 */
function toWire (c: DescribedConfig, request: DescribeConfigsRequest, ownSource: number | null): ConfigAnswer {
  return {
    name: c.name,
    value: c.isSensitive ? null : c.value,
    readOnly: c.readOnly,
    isDefault: ownSource === null ? c.configSource === ConfigSource.DEFAULT_CONFIG : c.configSource !== ownSource,
    configSource: c.configSource,
    isSensitive: c.isSensitive,
    synonyms: request.includeSynonyms === true ? c.synonyms.map(s => c.isSensitive ? { ...s, value: null } : s) : [],
    configType: c.configType,
    documentation: request.includeDocumentation === true ? c.documentation : null
  }
}
