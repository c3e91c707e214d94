// SaslAuthenticate (key 36): carries SASL tokens inside Kafka frames (v1+ clients).
// Fields, version ranges and tags transcribed from Apache Kafka's SaslAuthenticateRequest.json
// and SaslAuthenticateResponse.json (versions 0-2); we serve 0-2.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'SaslAuthenticateRequest',
  flexibleVersions: '2+',
  fields: [
    { name: 'authBytes', type: 'bytes', versions: '0+' }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'SaslAuthenticateResponse',
  flexibleVersions: '2+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'authBytes', type: 'bytes', versions: '0+' },
    { name: 'sessionLifetimeMs', type: 'int64', versions: '1+' }
  ]
} as const satisfies MessageSpec

export const saslAuthenticateApi = {
  apiKey: 36,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  request,
  response
} as const satisfies ApiSpec
