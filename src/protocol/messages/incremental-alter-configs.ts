// IncrementalAlterConfigs (key 44): set / delete / append / subtract single entries.
// Fields, version ranges and tags transcribed from Apache Kafka's IncrementalAlterConfigsRequest.json
// and IncrementalAlterConfigsResponse.json (versions 0-1); we serve 0-1.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'IncrementalAlterConfigsRequest',
  flexibleVersions: '1+',
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
            { name: 'configOperation', type: 'int8', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' }
          ]
        }
      ]
    },
    { name: 'validateOnly', type: 'bool', versions: '0+' }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'IncrementalAlterConfigsResponse',
  flexibleVersions: '1+',
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

export const incrementalAlterConfigsApi = {
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  request,
  response
} as const satisfies ApiSpec
