// ApiVersions (key 18): the versions of every API the broker serves. Its response
// always travels with response header v0 (see ../headers.ts); a request at an
// unsupported version is answered in v0 with UNSUPPORTED_VERSION (35).
// Fields, version ranges and tags transcribed from Apache Kafka's ApiVersionsRequest.json
// and ApiVersionsResponse.json (versions 0-4); we serve 0-4 (v4 only lets a
// finalized feature's min version be 0; the layout is v3's).
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'ApiVersionsRequest',
  flexibleVersions: '3+',
  fields: [
    { name: 'clientSoftwareName', type: 'string', versions: '3+' },
    { name: 'clientSoftwareVersion', type: 'string', versions: '3+' }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'ApiVersionsResponse',
  flexibleVersions: '3+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'apiKeys',
      array: true,
      versions: '0+',
      type: [
        { name: 'apiKey', type: 'int16', versions: '0+' },
        { name: 'minVersion', type: 'int16', versions: '0+' },
        { name: 'maxVersion', type: 'int16', versions: '0+' }
      ]
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'supportedFeatures',
      array: true,
      versions: '3+',
      taggedVersions: '3+',
      tag: 0,
      type: [
        { name: 'name', type: 'string', versions: '3+' },
        { name: 'minVersion', type: 'int16', versions: '3+' },
        { name: 'maxVersion', type: 'int16', versions: '3+' }
      ]
    },
    { name: 'finalizedFeaturesEpoch', type: 'int64', versions: '3+', taggedVersions: '3+', tag: 1, default: -1n },
    {
      name: 'finalizedFeatures',
      array: true,
      versions: '3+',
      taggedVersions: '3+',
      tag: 2,
      type: [
        { name: 'name', type: 'string', versions: '3+' },
        { name: 'maxVersionLevel', type: 'int16', versions: '3+' },
        { name: 'minVersionLevel', type: 'int16', versions: '3+' }
      ]
    },
    { name: 'zkMigrationReady', type: 'bool', versions: '3+', taggedVersions: '3+', tag: 3 }
  ]
} as const satisfies MessageSpec

export const apiVersionsApi = {
  apiKey: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  request,
  response
} as const satisfies ApiSpec
