// Typed readers for request fields. A handler first runs its Checks (which collect
// every problem of the request in AWS's words), then reads each field through one
// of these: the reader proves the type it returns instead of casting, so a field a
// handler forgot to check is answered as AWS answers a wrong JSON type
// (SerializationException) or a missing member (ValidationException), never passed
// on as something it is not.
import { BusApiError, BusErrorType, validationError } from './errors.js'
import type { ConnectionHttpParameters, KeyValueParameter } from './model.js'

export type Fields = Readonly<Record<string, unknown>>

/** AWS names members in camelCase in its messages: 'EventBusName' → 'eventBusName'. */
function memberName (key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1)
}

function wrongType (field: string): BusApiError {
  return new BusApiError(BusErrorType.serialization, `Unexpected value type for field '${field}'`)
}

function missing (field: string): BusApiError {
  return validationError(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`)
}

function isAbsent (value: unknown): value is undefined | null {
  return value === undefined || value === null
}

/** True for a JSON object (not an array, not null). */
export function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function optionalString (input: Fields, key: string, field = memberName(key)): string | undefined {
  const value = input[key]
  if (isAbsent(value)) return undefined
  if (typeof value !== 'string') throw wrongType(field)
  return value
}

export function requiredString (input: Fields, key: string, field = memberName(key)): string {
  const value = optionalString(input, key, field)
  if (value === undefined) throw missing(field)
  return value
}

export function optionalNumber (input: Fields, key: string, field = memberName(key)): number | undefined {
  const value = input[key]
  if (isAbsent(value)) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(field)
  return value
}

export function requiredNumber (input: Fields, key: string, field = memberName(key)): number {
  const value = optionalNumber(input, key, field)
  if (value === undefined) throw missing(field)
  return value
}

export function optionalObject (input: Fields, key: string, field = memberName(key)): Record<string, unknown> | undefined {
  const value = input[key]
  if (isAbsent(value)) return undefined
  if (!isObject(value)) throw wrongType(field)
  return value
}

export function requiredObject (input: Fields, key: string, field = memberName(key)): Record<string, unknown> {
  const value = optionalObject(input, key, field)
  if (value === undefined) throw missing(field)
  return value
}

/** A list of strings; an element of another type is a wrong type, as on AWS. */
export function optionalStrings (input: Fields, key: string, field = memberName(key)): string[] | undefined {
  const value = input[key]
  if (isAbsent(value)) return undefined
  if (!Array.isArray(value)) throw wrongType(field)
  return value.map((v: unknown, i) => {
    if (typeof v !== 'string') throw wrongType(`${field}.${i + 1}.member`)
    return v
  })
}

export function requiredStrings (input: Fields, key: string, field = memberName(key)): string[] {
  const value = optionalStrings(input, key, field)
  if (value === undefined) throw missing(field)
  return value
}

/** A list whose elements are objects; null elements read as empty objects (they fail their own required checks). */
export function requiredObjects (input: Fields, key: string, field = memberName(key)): Array<Record<string, unknown>> {
  const value = input[key]
  if (isAbsent(value)) throw missing(field)
  if (!Array.isArray(value)) throw wrongType(field)
  return value.map((v: unknown, i) => {
    if (isAbsent(v)) return {}
    if (!isObject(v)) throw wrongType(`${field}.${i + 1}.member`)
    return v
  })
}

/** A DeadLetterConfig member: `{ Arn? }`. */
export function deadLetterConfig (input: Fields, key = 'DeadLetterConfig', field = memberName(key)): { Arn?: string } | undefined {
  const config = optionalObject(input, key, field)
  if (config === undefined) return undefined
  const arn = optionalString(config, 'Arn', `${field}.arn`)
  return arn === undefined ? {} : { Arn: arn }
}

/** A map of strings to strings (InputPathsMap, HTTP header maps). */
export function optionalStringMap (input: Fields, key: string, field = memberName(key)): Record<string, string> | undefined {
  const map = optionalObject(input, key, field)
  if (map === undefined) return undefined
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(map)) {
    if (typeof value !== 'string') throw wrongType(`${field}.${name}`)
    out[name] = value
  }
  return out
}

function keyValues (input: Fields, key: string, field: string): KeyValueParameter[] | undefined {
  const list = input[key]
  if (isAbsent(list)) return undefined
  if (!Array.isArray(list)) throw wrongType(field)
  return list.map((v: unknown, i) => {
    const at = `${field}.${i + 1}.member`
    if (!isObject(v)) throw wrongType(at)
    const parameter: KeyValueParameter = {}
    const name = optionalString(v, 'Key', `${at}.key`)
    if (name !== undefined) parameter.Key = name
    const value = optionalString(v, 'Value', `${at}.value`)
    if (value !== undefined) parameter.Value = value
    if (!isAbsent(v.IsValueSecret)) {
      if (typeof v.IsValueSecret !== 'boolean') throw wrongType(`${at}.isValueSecret`)
      parameter.IsValueSecret = v.IsValueSecret
    }
    return parameter
  })
}

function httpParameters (input: Fields, key: string, field: string): ConnectionHttpParameters | undefined {
  const p = optionalObject(input, key, field)
  if (p === undefined) return undefined
  const out: ConnectionHttpParameters = {}
  const headers = keyValues(p, 'HeaderParameters', `${field}.headerParameters`)
  const query = keyValues(p, 'QueryStringParameters', `${field}.queryStringParameters`)
  const body = keyValues(p, 'BodyParameters', `${field}.bodyParameters`)
  if (headers !== undefined) out.HeaderParameters = headers
  if (query !== undefined) out.QueryStringParameters = query
  if (body !== undefined) out.BodyParameters = body
  return out
}

/**
 * A connection's AuthParameters, every member typed. Members an update leaves out
 * stay absent (the caller merges them with the stored ones), so the required members
 * of each kind are checked by the caller once merged, in AWS's words.
 */
export function authParameters (input: Fields, key: string, field = memberName(key)): AuthUpdate | undefined {
  const auth = optionalObject(input, key, field)
  if (auth === undefined) return undefined
  const out: AuthUpdate = {}
  const basic = optionalObject(auth, 'BasicAuthParameters', `${field}.basicAuthParameters`)
  if (basic !== undefined) {
    out.BasicAuthParameters = stripUndefined({
      Username: optionalString(basic, 'Username', `${field}.basicAuthParameters.username`),
      Password: optionalString(basic, 'Password', `${field}.basicAuthParameters.password`),
    })
  }
  const apiKey = optionalObject(auth, 'ApiKeyAuthParameters', `${field}.apiKeyAuthParameters`)
  if (apiKey !== undefined) {
    out.ApiKeyAuthParameters = stripUndefined({
      ApiKeyName: optionalString(apiKey, 'ApiKeyName', `${field}.apiKeyAuthParameters.apiKeyName`),
      ApiKeyValue: optionalString(apiKey, 'ApiKeyValue', `${field}.apiKeyAuthParameters.apiKeyValue`),
    })
  }
  const oauth = optionalObject(auth, 'OAuthParameters', `${field}.oAuthParameters`)
  if (oauth !== undefined) {
    const at = `${field}.oAuthParameters`
    const client = optionalObject(oauth, 'ClientParameters', `${at}.clientParameters`)
    out.OAuthParameters = stripUndefined({
      ClientParameters: client && stripUndefined({
        ClientID: optionalString(client, 'ClientID', `${at}.clientParameters.clientID`),
        ClientSecret: optionalString(client, 'ClientSecret', `${at}.clientParameters.clientSecret`),
      }),
      AuthorizationEndpoint: optionalString(oauth, 'AuthorizationEndpoint', `${at}.authorizationEndpoint`),
      HttpMethod: optionalString(oauth, 'HttpMethod', `${at}.httpMethod`),
      OAuthHttpParameters: httpParameters(oauth, 'OAuthHttpParameters', `${at}.oAuthHttpParameters`),
    })
  }
  const invocation = httpParameters(auth, 'InvocationHttpParameters', `${field}.invocationHttpParameters`)
  if (invocation !== undefined) out.InvocationHttpParameters = invocation
  return out
}

/** AuthParameters as a request gives them: any member may be left out (an update keeps the stored one). */
export interface AuthUpdate {
  BasicAuthParameters?: { Username?: string, Password?: string }
  ApiKeyAuthParameters?: { ApiKeyName?: string, ApiKeyValue?: string }
  OAuthParameters?: {
    ClientParameters?: { ClientID?: string, ClientSecret?: string }
    AuthorizationEndpoint?: string
    HttpMethod?: string
    OAuthHttpParameters?: ConnectionHttpParameters
  }
  InvocationHttpParameters?: ConnectionHttpParameters
}

/** Leaves out members that are undefined, so a merge with `...` keeps the stored value. */
function stripUndefined<T extends object> (value: T): T {
  const out = { ...value }
  for (const [k, v] of Object.entries(out)) if (v === undefined) Reflect.deleteProperty(out, k)
  return out
}
