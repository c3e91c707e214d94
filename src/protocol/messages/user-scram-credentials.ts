// DescribeUserScramCredentials (key 50) and AlterUserScramCredentials (key 51),
// version 0, flexible from 0. Fields transcribed from Apache Kafka's
// DescribeUserScramCredentials{Request,Response}.json and
// AlterUserScramCredentials{Request,Response}.json. Mechanism on the wire:
// 1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512 (0 = unknown).
import type { ApiSpec } from './spec.js'

export const describeUserScramCredentialsApi = {
  apiKey: 50,
  name: 'DescribeUserScramCredentials',
  minVersion: 0,
  maxVersion: 0,
  request: {
    name: 'DescribeUserScramCredentialsRequest',
    flexibleVersions: '0+',
    fields: [
      {
        name: 'users',
        array: true,
        versions: '0+',
        nullableVersions: '0+',
        type: [
          { name: 'name', type: 'string', versions: '0+' }
        ]
      }
    ]
  },
  response: {
    name: 'DescribeUserScramCredentialsResponse',
    flexibleVersions: '0+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      {
        name: 'results',
        array: true,
        versions: '0+',
        type: [
          { name: 'user', type: 'string', versions: '0+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          {
            name: 'credentialInfos',
            array: true,
            versions: '0+',
            type: [
              { name: 'mechanism', type: 'int8', versions: '0+' },
              { name: 'iterations', type: 'int32', versions: '0+' }
            ]
          }
        ]
      }
    ]
  }
} as const satisfies ApiSpec

export const alterUserScramCredentialsApi = {
  apiKey: 51,
  name: 'AlterUserScramCredentials',
  minVersion: 0,
  maxVersion: 0,
  request: {
    name: 'AlterUserScramCredentialsRequest',
    flexibleVersions: '0+',
    fields: [
      {
        name: 'deletions',
        array: true,
        versions: '0+',
        type: [
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'mechanism', type: 'int8', versions: '0+' }
        ]
      },
      {
        name: 'upsertions',
        array: true,
        versions: '0+',
        type: [
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'mechanism', type: 'int8', versions: '0+' },
          { name: 'iterations', type: 'int32', versions: '0+' },
          { name: 'salt', type: 'bytes', versions: '0+' },
          { name: 'saltedPassword', type: 'bytes', versions: '0+' }
        ]
      }
    ]
  },
  response: {
    name: 'AlterUserScramCredentialsResponse',
    flexibleVersions: '0+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'results',
        array: true,
        versions: '0+',
        type: [
          { name: 'user', type: 'string', versions: '0+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' }
        ]
      }
    ]
  }
} as const satisfies ApiSpec
