// DescribeLogDirs (key 35): per log directory, the size of each partition's log
// and (v4) the directory's total and usable bytes.
// Fields and version ranges transcribed from Apache Kafka's DescribeLogDirsRequest.json
// and DescribeLogDirsResponse.json (versions 0-4, flexible from v2); we serve 0-4.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'DescribeLogDirsRequest',
  flexibleVersions: '2+',
  fields: [
    {
      // null asks for every topic and partition
      name: 'topics',
      array: true,
      versions: '0+',
      nullableVersions: '0+',
      type: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitions', type: 'int32', array: true, versions: '0+' }
      ]
    }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'DescribeLogDirsResponse',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '3+' },
    {
      name: 'results',
      array: true,
      versions: '0+',
      type: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'logDir', type: 'string', versions: '0+' },
        {
          name: 'topics',
          array: true,
          versions: '0+',
          type: [
            { name: 'name', type: 'string', versions: '0+' },
            {
              name: 'partitions',
              array: true,
              versions: '0+',
              type: [
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'partitionSize', type: 'int64', versions: '0+' },
                { name: 'offsetLag', type: 'int64', versions: '0+' },
                { name: 'isFutureKey', type: 'bool', versions: '0+' }
              ]
            }
          ]
        },
        { name: 'totalBytes', type: 'int64', versions: '4+', default: -1n },
        { name: 'usableBytes', type: 'int64', versions: '4+', default: -1n }
      ]
    }
  ]
} as const satisfies MessageSpec

export const describeLogDirsApi = {
  apiKey: 35,
  name: 'DescribeLogDirs',
  minVersion: 0,
  maxVersion: 4,
  request,
  response
} as const satisfies ApiSpec
