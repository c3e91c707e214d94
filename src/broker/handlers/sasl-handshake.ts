// SaslHandshake (key 17), versions 0-1.
//
// Picks the SASL mechanism for this connection (connection-auth.ts) and lists
// the ones served: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512.
// Errors: UNSUPPORTED_SASL_MECHANISM for any other mechanism; ILLEGAL_SASL_STATE
// on a listener that is not SASL_PLAINTEXT / SASL_SSL, after authentication, or
// for a second handshake.
// Version notes: v0 means the tokens follow as bare frames (no SaslAuthenticate
// framing), v1 that they come in SaslAuthenticate requests.
import { saslHandshakeApi } from '../../protocol/messages/sasl-handshake.js'
import { ErrorCode } from '../../protocol/errors.js'
import { SERVED_MECHANISMS } from '../../security/sasl-server.js'
import type { Handler } from './types.js'

export const saslHandshakeHandler: Handler<'SaslHandshake'> = {
  api: saslHandshakeApi,
  handle (request, ctx) {
    if (ctx.auth === undefined) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [...SERVED_MECHANISMS] }
    return ctx.auth.handshake(request.mechanism, ctx.apiVersion)
  }
}
