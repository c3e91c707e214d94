// DescribeConfigs (key 32): topic and broker configuration entries.
// Fields, version ranges and tags transcribed from Apache Kafka's DescribeConfigsRequest.json
// and DescribeConfigsResponse.json (versions 0-4); we serve 0-4.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'DescribeConfigsRequest',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'resources',
      array: true,
      versions: '0+',
      type: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        { name: 'configurationKeys', type: 'string', array: true, versions: '0+', nullableVersions: '0+' }
      ]
    },
    { name: 'includeSynonyms', type: 'bool', versions: '1+' },
    { name: 'includeDocumentation', type: 'bool', versions: '3+' }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'DescribeConfigsResponse',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      array: true,
      versions: '0+',
      type: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        {
          name: 'configs',
          array: true,
          versions: '0+',
          type: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
            { name: 'readOnly', type: 'bool', versions: '0+' },
            { name: 'isDefault', type: 'bool', versions: '0' },
            { name: 'configSource', type: 'int8', versions: '1+', default: -1 },
            { name: 'isSensitive', type: 'bool', versions: '0+' },
            {
              name: 'synonyms',
              array: true,
              versions: '1+',
              type: [
                { name: 'name', type: 'string', versions: '1+' },
                { name: 'value', type: 'string', versions: '1+', nullableVersions: '0+' },
                { name: 'source', type: 'int8', versions: '1+' }
              ]
            },
            { name: 'configType', type: 'int8', versions: '3+' },
            { name: 'documentation', type: 'string', versions: '3+', nullableVersions: '0+' }
          ]
        }
      ]
    }
  ]
} as const satisfies MessageSpec

export const describeConfigsApi = {
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  request,
  response
} as const satisfies ApiSpec
