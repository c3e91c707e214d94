import type { ApiSpec } from './spec.js'

// The ACL admin APIs: DescribeAcls (29), CreateAcls (30), DeleteAcls (31).
// v0 has no pattern type (every ACL is literal); v1 adds it; v2 is the first
// flexible version; v3 only adds the USER_FORMAT resource type's meaning
// (names in any case), with no wire change. Resource, pattern, operation and
// permission types are Kafka's int8 codes (src/broker/acl/acl-model.ts).

export const describeAclsApi = {
  apiKey: 29,
  name: 'DescribeAcls',
  minVersion: 0,
  maxVersion: 3,
  request: {
    name: 'DescribeAclsRequest',
    flexibleVersions: '2+',
    fields: [
      { name: 'resourceTypeFilter', type: 'int8', versions: '0+' },
      { name: 'resourceNameFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
      { name: 'patternTypeFilter', type: 'int8', versions: '1+', default: 3 },
      { name: 'principalFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
      { name: 'hostFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
      { name: 'operation', type: 'int8', versions: '0+' },
      { name: 'permissionType', type: 'int8', versions: '0+' },
    ]
  },
  response: {
    name: 'DescribeAclsResponse',
    flexibleVersions: '2+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
      {
        name: 'resources',
        array: true,
        versions: '0+',
        type: [
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
          { name: 'patternType', type: 'int8', versions: '1+', default: 3 },
          {
            name: 'acls',
            array: true,
            versions: '0+',
            type: [
              { name: 'principal', type: 'string', versions: '0+' },
              { name: 'host', type: 'string', versions: '0+' },
              { name: 'operation', type: 'int8', versions: '0+' },
              { name: 'permissionType', type: 'int8', versions: '0+' },
            ]
          },
        ]
      },
    ]
  },
} as const satisfies ApiSpec

export const createAclsApi = {
  apiKey: 30,
  name: 'CreateAcls',
  minVersion: 0,
  maxVersion: 3,
  request: {
    name: 'CreateAclsRequest',
    flexibleVersions: '2+',
    fields: [
      {
        name: 'creations',
        array: true,
        versions: '0+',
        type: [
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
          { name: 'resourcePatternType', type: 'int8', versions: '1+', default: 3 },
          { name: 'principal', type: 'string', versions: '0+' },
          { name: 'host', type: 'string', versions: '0+' },
          { name: 'operation', type: 'int8', versions: '0+' },
          { name: 'permissionType', type: 'int8', versions: '0+' },
        ]
      },
    ]
  },
  response: {
    name: 'CreateAclsResponse',
    flexibleVersions: '2+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'results',
        array: true,
        versions: '0+',
        type: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
        ]
      },
    ]
  },
} as const satisfies ApiSpec

export const deleteAclsApi = {
  apiKey: 31,
  name: 'DeleteAcls',
  minVersion: 0,
  maxVersion: 3,
  request: {
    name: 'DeleteAclsRequest',
    flexibleVersions: '2+',
    fields: [
      {
        name: 'filters',
        array: true,
        versions: '0+',
        type: [
          { name: 'resourceTypeFilter', type: 'int8', versions: '0+' },
          { name: 'resourceNameFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
          { name: 'patternTypeFilter', type: 'int8', versions: '1+', default: 3 },
          { name: 'principalFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
          { name: 'hostFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
          { name: 'operation', type: 'int8', versions: '0+' },
          { name: 'permissionType', type: 'int8', versions: '0+' },
        ]
      },
    ]
  },
  response: {
    name: 'DeleteAclsResponse',
    flexibleVersions: '2+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'filterResults',
        array: true,
        versions: '0+',
        type: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
          {
            name: 'matchingAcls',
            array: true,
            versions: '0+',
            type: [
              { name: 'errorCode', type: 'int16', versions: '0+' },
              { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
              { name: 'resourceType', type: 'int8', versions: '0+' },
              { name: 'resourceName', type: 'string', versions: '0+' },
              { name: 'patternType', type: 'int8', versions: '1+', default: 3 },
              { name: 'principal', type: 'string', versions: '0+' },
              { name: 'host', type: 'string', versions: '0+' },
              { name: 'operation', type: 'int8', versions: '0+' },
              { name: 'permissionType', type: 'int8', versions: '0+' },
            ]
          },
        ]
      },
    ]
  },
} as const satisfies ApiSpec

export const aclApis = [describeAclsApi, createAclsApi, deleteAclsApi] as const satisfies readonly ApiSpec[]
