// SaslHandshake (key 17): picks a SASL mechanism; never flexible.
// Fields, version ranges and tags transcribed from Apache Kafka's SaslHandshakeRequest.json
// and SaslHandshakeResponse.json (versions 0-1); we serve 0-1.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'SaslHandshakeRequest',
  flexibleVersions: 'none',
  fields: [
    { name: 'mechanism', type: 'string', versions: '0+' }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'SaslHandshakeResponse',
  flexibleVersions: 'none',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'mechanisms', type: 'string', array: true, versions: '0+' }
  ]
} as const satisfies MessageSpec

export const saslHandshakeApi = {
  apiKey: 17,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  request,
  response
} as const satisfies ApiSpec
