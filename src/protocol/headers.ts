// Request and response headers, and the first step of serving a request: reading
// the header, finding the API, decoding the body.
//
// Header versions follow Kafka's rule: a request whose API version is flexible has
// request header v2 (client id still a non-compact nullable string, then tagged
// fields), otherwise v1; a flexible response has response header v1 (tagged
// fields after the correlation id), otherwise v0 - except ApiVersions, whose
// response always uses header v0 so a client can read it before it knows which
// versions the broker speaks.
import { decodeMessage, encodeMessage } from './codec.js'
import { isCodecError } from '../errors.js'
import { ErrorCode } from './errors.js'
import type { ApiSpec, MessageSpec } from './messages/spec.js'
import type { DecodedBody, EncodableBody, UntypedBody } from './messages/body-types.js'
import { apiVersionsApi } from './messages/api-versions.js'
import { inVersions } from './messages/versions.js'
import type { ReaderLimits } from './primitives/limits.js'
import { Reader } from './primitives/reader.js'
import { Writer } from './primitives/writer.js'

export const API_VERSIONS_KEY = 18
const CONTROLLED_SHUTDOWN_KEY = 7

/**
 * First flexible version of every API key Kafka defines (from its message
 * definitions), so header versions are right even for APIs we do not implement.
 * -1: never flexible.
 */
const FLEXIBLE_FROM: readonly number[] = [
  9, 12, 6, 9, 4, 2, 6, 3, 8, 6, 3, 6, 4, 4, 4, 5, 3, -1, 3, 5, // 0-19
  4, 2, 2, 4, 3, 3, 3, 1, 3, 2, 2, 2, 4, 2, 2, 2, 2, 2, 2, 2, // 20-39
  2, 2, 2, 2, 1, 0, 0, -1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0 // 40-59
]

function isFlexibleRequest (apiKey: number, apiVersion: number, api?: ApiSpec): boolean {
  if (api !== undefined) return inVersions(api.request.flexibleVersions, apiVersion)
  const from = FLEXIBLE_FROM[apiKey] ?? (apiKey >= 60 ? 0 : -1)
  return from >= 0 && apiVersion >= from
}

/** 0, 1 or 2. Pass the ApiSpec when known; otherwise Kafka's own table is used. */
export function requestHeaderVersion (apiKey: number, apiVersion: number, api?: ApiSpec): 0 | 1 | 2 {
  if (apiKey === CONTROLLED_SHUTDOWN_KEY && apiVersion === 0) return 0
  return isFlexibleRequest(apiKey, apiVersion, api) ? 2 : 1
}

/** 0 or 1; always 0 for ApiVersions. */
export function responseHeaderVersion (apiKey: number, apiVersion: number, api?: ApiSpec): 0 | 1 {
  if (apiKey === API_VERSIONS_KEY) return 0
  return isFlexibleRequest(apiKey, apiVersion, api) ? 1 : 0
}

export interface RequestHeader {
  requestApiKey: number
  requestApiVersion: number
  correlationId: number
  /** null in header v0 or when the client sent a null client id. */
  clientId: string | null
}

export interface ResponseHeader {
  correlationId: number
}

/** Kafka's RequestHeader definition; "version" here is the header version. */
export const requestHeaderSpec = {
  name: 'RequestHeader',
  flexibleVersions: '2+',
  fields: [
    { name: 'requestApiKey', type: 'int16', versions: '0+' },
    { name: 'requestApiVersion', type: 'int16', versions: '0+' },
    { name: 'correlationId', type: 'int32', versions: '0+' },
    { name: 'clientId', type: 'string', versions: '1+', nullableVersions: '1+', flexibleVersions: 'none', default: null }
  ]
} as const satisfies MessageSpec

export const responseHeaderSpec = {
  name: 'ResponseHeader',
  flexibleVersions: '1+',
  fields: [
    { name: 'correlationId', type: 'int32', versions: '0+' }
  ]
} as const satisfies MessageSpec

export type ApiRegistry = ReadonlyMap<number, ApiSpec> | ((apiKey: number) => ApiSpec | undefined)

function lookup (registry: ApiRegistry, apiKey: number): ApiSpec | undefined {
  return typeof registry === 'function' ? registry(apiKey) : registry.get(apiKey)
}

export type DecodedRequest =
  /** `body` is decoded with `api.request`; its type is known once the caller knows which API that is. */
  | { kind: 'ok', header: RequestHeader, api: ApiSpec, body: UntypedBody }
  /** No ApiSpec for this key: Kafka closes the connection. */
  | { kind: 'unknown-api', header: RequestHeader }
  /**
   * Version outside [minVersion, maxVersion]. For ApiVersions, answer with error
   * UNSUPPORTED_VERSION (35) in a v0 response listing our versions; otherwise close.
   */
  | { kind: 'unsupported-version', header: RequestHeader, api: ApiSpec }

/**
 * Decodes a request frame (without its 4-byte size prefix). Throws a TributaryError
 * (TRIB_ERR_MALFORMED, or TRIB_ERR_LIMIT_EXCEEDED) when a supported request's bytes do not parse; the caller
 * closes the connection.
 */
export function decodeRequest (frame: Buffer, registry: ApiRegistry, limits?: Readonly<ReaderLimits>): DecodedRequest {
  const reader = new Reader(frame, 0, frame.length, limits)
  reader.need(8, 'request header')
  const apiKey = frame.readInt16BE(0)
  const apiVersion = frame.readInt16BE(2)
  const api = lookup(registry, apiKey)
  if (api === undefined || apiVersion < api.minVersion || apiVersion > api.maxVersion) {
    const header = readHeaderLeniently(reader, apiKey, apiVersion, api)
    return api === undefined ? { kind: 'unknown-api', header } : { kind: 'unsupported-version', header, api }
  }
  const header = decodeMessage(requestHeaderSpec, requestHeaderVersion(apiKey, apiVersion, api), reader)
  const body = decodeMessage(api.request, apiVersion, reader)
  return { kind: 'ok', header, api, body }
}

/** Header of a request we will not serve: only the correlation id must be right. */
function readHeaderLeniently (reader: Reader, apiKey: number, apiVersion: number, api: ApiSpec | undefined): RequestHeader {
  try {
    return decodeMessage(requestHeaderSpec, requestHeaderVersion(apiKey, apiVersion, api), reader)
  } catch (err) {
    if (!isCodecError(err)) throw err
    return { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId: reader.buffer.readInt32BE(4), clientId: null }
  }
}

/**
 * Encodes a response frame: 4-byte size, response header, body. Returns the
 * chunks to write (record batches in the body stay separate, uncopied chunks).
 */
export function encodeResponse<A extends ApiSpec> (api: A, apiVersion: number, correlationId: number, body: EncodableBody<A['response']>, writer = new Writer()): Buffer[] {
  const sizeSlot = writer.reserve(4)
  const start = writer.length
  encodeMessage(responseHeaderSpec, responseHeaderVersion(api.apiKey, apiVersion, api), { correlationId }, writer)
  encodeMessage<A['response']>(api.response, apiVersion, body, writer)
  sizeSlot.writeInt32BE(writer.length - start, 0)
  return writer.toChunks()
}

/** Encodes a request frame (size, header, body), as a client would send it. */
export function encodeRequest<A extends ApiSpec> (api: A, apiVersion: number, correlationId: number, clientId: string | null, body: EncodableBody<A['request']>, writer = new Writer()): Buffer[] {
  const sizeSlot = writer.reserve(4)
  const start = writer.length
  const header: RequestHeader = { requestApiKey: api.apiKey, requestApiVersion: apiVersion, correlationId, clientId }
  encodeMessage(requestHeaderSpec, requestHeaderVersion(api.apiKey, apiVersion, api), header, writer)
  encodeMessage<A['request']>(api.request, apiVersion, body, writer)
  sizeSlot.writeInt32BE(writer.length - start, 0)
  return writer.toChunks()
}

/** Decodes a response frame (without its size prefix), as a client would read it. */
export function decodeResponse<A extends ApiSpec> (frame: Buffer, api: A, apiVersion: number, limits?: Readonly<ReaderLimits>): { header: ResponseHeader, body: DecodedBody<A['response']> } {
  const reader = new Reader(frame, 0, frame.length, limits)
  const header = decodeMessage(responseHeaderSpec, responseHeaderVersion(api.apiKey, apiVersion, api), reader)
  const body = decodeMessage<A['response']>(api.response, apiVersion, reader)
  return { header, body }
}

/**
 * Kafka's answer to an ApiVersions request at a version it does not know: a v0
 * response (header v0) with UNSUPPORTED_VERSION (35) listing only ApiVersions' own
 * range (KIP-511), so the client can retry at a version we speak.
 */
export function encodeUnsupportedApiVersionsResponse (correlationId: number, api: ApiSpec = apiVersionsApi): Buffer[] {
  return encodeResponse(apiVersionsApi, 0, correlationId, {
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: [{ apiKey: api.apiKey, minVersion: api.minVersion, maxVersion: api.maxVersion }]
  })
}
