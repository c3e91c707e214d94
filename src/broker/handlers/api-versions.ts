// ApiVersions (key 18), versions 0-4.
//
// Answers with every registered handler's version range, so what we advertise is
// exactly what we implement. v3 requests carry client software name/version
// (tagged-field era); the response always goes out with response header v0 (the
// frame encoder handles that), because a client parses it before it knows our
// versions. A request at a version we do not support is answered by the frame
// decoder with UNSUPPORTED_VERSION and this same list, in a v0 body.
import { ErrorCode } from '../../protocol/errors.js'
import { apiVersionsApi } from '../../protocol/messages/api-versions.js'
import type { Handler } from './types.js'

export function supportedApiKeys (handlers: ReadonlyMap<number, Handler>): Array<{ apiKey: number, minVersion: number, maxVersion: number }> {
  return [...handlers.values()]
    .map(h => ({ apiKey: h.api.apiKey, minVersion: h.api.minVersion, maxVersion: h.api.maxVersion }))
    .sort((a, b) => a.apiKey - b.apiKey)
}

export const apiVersionsHandler: Handler<'ApiVersions'> = {
  api: apiVersionsApi,
  handle (_request, ctx) {
    return {
      errorCode: ErrorCode.NONE,
      apiKeys: supportedApiKeys(ctx.services.handlers),
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false
    }
  }
}
