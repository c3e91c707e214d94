// AlterConfigs (key 33), versions 0-2.
//
// The legacy, non-incremental form: for a TOPIC resource the configs given
// become the topic's whole set of overrides; every config not listed goes back
// to its default (Kafka's semantics, which is why clients moved to
// IncrementalAlterConfigs). Unknown names, null values and bad values are
// INVALID_CONFIG naming the config; a key repeated within a resource or a
// resource repeated in the request is INVALID_REQUEST; an unknown topic is
// UNKNOWN_TOPIC_OR_PARTITION. BROKER resources (this node's id, or "" for the
// cluster default) set Kafka's dynamic broker configs (config-dynamic.ts): the
// configs given replace that level's whole dynamic set, as for a topic; static
// settings are refused with Kafka's "Cannot update these configs dynamically".
// validateOnly checks everything and changes nothing.
//
// Version notes: v1 is v0 (throttling before answering); v2 is flexible.
import { alterConfigsApi } from '../../protocol/messages/alter-configs.js'
import { alterConfigResources } from './config-alteration.js'
import { configRecord } from './topic-config-input.js'
import type { Handler } from './types.js'

export const alterConfigsHandler: Handler<'AlterConfigs'> = {
  api: alterConfigsApi,
  async handle (request, ctx) {
    const responses = await alterConfigResources(request.resources, request.validateOnly, ctx,
      resource => configRecord(resource.configs))
    return { throttleTimeMs: 0, responses }
  }
}
