// IncrementalAlterConfigs (key 44), versions 0-1.
//
// Changes a topic's overrides one config at a time, leaving the others alone:
// - SET (0): set the value (null is INVALID_CONFIG);
// - DELETE (1): drop the override, so the default applies again;
// - APPEND (2) / SUBTRACT (3): add or remove items of a list config
//   (cleanup.policy, ...), starting from the current effective value; on a
//   non-list config INVALID_CONFIG, as Kafka answers.
// Unknown config names are INVALID_CONFIG; a key repeated within a resource or a
// resource repeated in the request is INVALID_REQUEST; an unknown operation is
// INVALID_REQUEST. All changes to one resource are validated together and
// applied together. BROKER resources (this node's id, or "" for the cluster
// default) change Kafka's dynamic broker configs (config-dynamic.ts) with the
// same operations; APPEND/SUBTRACT apply to their list-typed ones.
// validateOnly checks everything and changes nothing.
//
// Version notes: v1 is flexible.
import { incrementalAlterConfigsApi } from '../../protocol/messages/incremental-alter-configs.js'
import { TOPIC_CONFIG_DEFAULTS } from '../../log/index.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { BrokerConfig } from '../../config.js'
import { errorPair, type ErrorPair } from './admin-common.js'
import { ConfigType, isListConfig } from './config-catalog.js'
import { dynamicConfigType } from './config-dynamic.js'
import { alterConfigResources } from './config-alteration.js'
import { isKnownTopicConfig } from './config-view.js'
import type { Handler } from './types.js'
import type { Element, RequestOf } from '../../protocol/messages/api-types.js'

export const ConfigOperation = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const

type IncrementalResource = Element<RequestOf<'IncrementalAlterConfigs'>['resources']>

export const incrementalAlterConfigsHandler: Handler<'IncrementalAlterConfigs'> = {
  api: incrementalAlterConfigsApi,
  async handle (request, ctx) {
    const responses = await alterConfigResources(request.resources, request.validateOnly, ctx,
      (resource, current, kind) => applyOperations(resource, current, kind, ctx.services.config))
    return { throttleTimeMs: 0, responses }
  }
}

function applyOperations (resource: IncrementalResource, current: Readonly<Record<string, string>>, kind: 'topic' | 'broker', broker: BrokerConfig): Record<string, string> | ErrorPair {
  const next: Record<string, string> = { ...current }
  const isList = kind === 'topic' ? isListConfig : (name: string) => dynamicConfigType(name) === ConfigType.LIST
  for (const { name, configOperation, value } of resource.configs) {
    if (kind === 'topic' && !isKnownTopicConfig(name)) return errorPair(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`)
    switch (configOperation) {
      case ConfigOperation.SET:
        if (value === null) return errorPair(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${name}`)
        next[name] = value
        break
      case ConfigOperation.DELETE:
        delete next[name]
        break
      case ConfigOperation.APPEND:
      case ConfigOperation.SUBTRACT: {
        const verb = configOperation === ConfigOperation.APPEND ? 'append' : 'subtract'
        if (!isList(name)) return errorPair(ErrorCode.INVALID_CONFIG, `Config value ${verb} is not allowed for config key: ${name}`)
        if (value === null) return errorPair(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${name}`)
        const base = next[name] ?? (kind === 'topic' ? broker.topicDefaults[name] ?? (TOPIC_CONFIG_DEFAULTS as Record<string, string>)[name] : undefined) ?? ''
        next[name] = verb === 'append' ? appendItems(base, value) : subtractItems(base, value)
        break
      }
      default:
        return errorPair(ErrorCode.INVALID_REQUEST, `Unknown config operation ${configOperation} for config key: ${name}`)
    }
  }
  return next
}

function listItems (value: string): string[] {
  return value.split(',').map(s => s.trim()).filter(s => s.length > 0)
}

function appendItems (base: string, value: string): string {
  const items = listItems(base)
  for (const item of listItems(value)) if (!items.includes(item)) items.push(item)
  return items.join(',')
}

function subtractItems (base: string, value: string): string {
  const remove = new Set(listItems(value))
  return listItems(base).filter(item => !remove.has(item)).join(',')
}
