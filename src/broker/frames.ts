// Between the socket and the handlers: one request frame in, what to do with it
// out. Unknown API keys and unsupported versions are answered the way Kafka
// answers them: ApiVersions at an unknown version gets UNSUPPORTED_VERSION with
// ApiVersions' own range in a v0 body (KIP-511) (so the client can retry at a version we have);
// anything else we cannot serve closes the connection.
import { decodeRequest, encodeResponse, encodeUnsupportedApiVersionsResponse, type RequestHeader } from '../protocol/headers.js'
import type { ApiSpec } from '../protocol/messages/spec.js'
import type { ApiName, RequestOf } from '../protocol/messages/api-types.js'
import type { Handler } from './handlers/types.js'

export type FrameAction =
  | { kind: 'handle', header: RequestHeader, body: RequestOf<ApiName>, handler: Handler }
  | { kind: 'respond', chunks: Buffer[] }
  | { kind: 'close', reason: string, error?: unknown }

export function decodeRequestFrame (frame: Buffer, handlers: ReadonlyMap<number, Handler>): FrameAction {
  const decoded = decodeRequest(frame, (apiKey: number) => handlers.get(apiKey)?.api)
  const { header } = decoded
  if (decoded.kind === 'unknown-api') {
    return { kind: 'close', reason: `unknown API key ${header.requestApiKey}` }
  }
  if (decoded.kind === 'unsupported-version') {
    if (decoded.api.name === 'ApiVersions') {
      return { kind: 'respond', chunks: encodeUnsupportedApiVersionsResponse(header.correlationId, decoded.api) }
    }
    return { kind: 'close', reason: `unsupported version ${header.requestApiVersion} of ${decoded.api.name}` }
  }
  // The body was decoded with this handler's own api.request, so it is that API's request.
  return { kind: 'handle', header, body: decoded.body as RequestOf<ApiName>, handler: handlers.get(header.requestApiKey)! }
}

export function encodeResponseFrame (api: ApiSpec, header: RequestHeader, body: unknown): Buffer[] {
  return encodeResponse(api, header.requestApiVersion, header.correlationId, body as object)
}
