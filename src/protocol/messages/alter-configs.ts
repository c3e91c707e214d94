// AlterConfigs (key 33): replaces a resource's whole configuration.
// Fields, version ranges and tags transcribed from Apache Kafka's AlterConfigsRequest.json
// and AlterConfigsResponse.json (versions 0-2); we serve 0-2.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'AlterConfigsRequest',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'resources',
      array: true,
      versions: '0+',
      type: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        {
          name: 'configs',
          array: true,
          versions: '0+',
          type: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' }
          ]
        }
      ]
    },
    { name: 'validateOnly', type: 'bool', versions: '0+' }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'AlterConfigsResponse',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'responses',
      array: true,
      versions: '0+',
      type: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' }
      ]
    }
  ]
} as const satisfies MessageSpec

export const alterConfigsApi = {
  apiKey: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  request,
  response
} as const satisfies ApiSpec
