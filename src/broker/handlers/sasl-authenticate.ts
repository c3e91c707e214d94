// SaslAuthenticate (key 36), versions 0-2.
//
// Carries one SASL token each way for the mechanism SaslHandshake picked
// (connection-auth.ts). PLAIN takes one round, SCRAM two.
// Errors: SASL_AUTHENTICATION_FAILED for wrong credentials (answered after
// saslFailureDelayMs, then the connection is closed); ILLEGAL_SASL_STATE without
// a handshake before it (the connection is closed too).
// Version notes: v1 adds sessionLifetimeMs (0: no re-authentication required);
// v2 is flexible.
import { saslAuthenticateApi } from '../../protocol/messages/sasl-authenticate.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { Handler } from './types.js'

export const saslAuthenticateHandler: Handler<'SaslAuthenticate'> = {
  api: saslAuthenticateApi,
  async handle (request, ctx) {
    if (ctx.auth === undefined) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'no SASL on this connection', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n }
    }
    const answer = await ctx.auth.authenticate(request.authBytes)
    return { ...answer, sessionLifetimeMs: 0n }
  }
}
