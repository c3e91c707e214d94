// DescribeCluster (key 60): cluster id, controller and brokers (admin clients).
// Fields, version ranges and tags transcribed from Apache Kafka's DescribeClusterRequest.json
// and DescribeClusterResponse.json (versions 0-1); we serve 0-1.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'DescribeClusterRequest',
  flexibleVersions: '0+',
  fields: [
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '0+' },
    { name: 'endpointType', type: 'int8', versions: '1+', default: 1 }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'DescribeClusterResponse',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'endpointType', type: 'int8', versions: '1+', default: 1 },
    { name: 'clusterId', type: 'string', versions: '0+' },
    { name: 'controllerId', type: 'int32', versions: '0+', default: -1 },
    {
      name: 'brokers',
      array: true,
      versions: '0+',
      type: [
        { name: 'brokerId', type: 'int32', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
        { name: 'rack', type: 'string', versions: '0+', nullableVersions: '0+', default: null }
      ]
    },
    { name: 'clusterAuthorizedOperations', type: 'int32', versions: '0+', default: -2147483648 }
  ]
} as const satisfies MessageSpec

export const describeClusterApi = {
  apiKey: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  request,
  response
} as const satisfies ApiSpec
