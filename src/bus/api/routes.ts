// AWS JSON 1.1 over HTTP: POST / with X-Amz-Target: AWSEvents.<Action>.
// Registered in an encapsulated plugin so the body parsers added here do not
// change how other routes (/health, /metrics) parse bodies.
// With a SignatureVerifier (credentials configured), every request must carry
// a valid AWS Signature Version 4 (./signature.ts) before it is read as an
// action; without one, any credentials or none are accepted (open mode).
// With BusPermissions (./permissions.ts), the key that signed must be allowed
// the action on the resources it touches.
// Calls in AWS's content types are taken ahead of fastify by the lean route
// (./lean-route.ts); this fastify route answers the rest (a charset parameter,
// a query string) the same way, through the same answerBusCall.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EventBus } from '../index.js'
import { BusErrorType } from '../errors.js'
import type { SignatureVerifier } from './signature.js'
import type { BusPermissions } from './permissions.js'
import { answerBusCall } from './answer.js'
import { takeBusCallsFirst } from './lean-route.js'

const CONTENT_TYPE = 'application/x-amz-json-1.1'

export function registerBusRoutes (app: FastifyInstance, bus: EventBus, verifier: SignatureVerifier | null = null, permissions: BusPermissions | null = null): void {
  takeBusCallsFirst(app.server, bus, { verifier, permissions, bodyLimit: app.initialConfig.bodyLimit ?? 1024 * 1024, logger: bus.logger })
  app.register(async (scope) => {
    // Keep the raw bytes: a body that is not JSON must become a SerializationException, not fastify's 400,
    // and a signature covers the body exactly as sent.
    scope.removeContentTypeParser('application/json')
    scope.addContentTypeParser([CONTENT_TYPE, 'application/json', 'application/x-amz-json-1.0'], { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })
    scope.post('/', async (request, reply) => await handle(bus, request, reply, verifier, permissions))
    // What fastify refuses before the handler runs (a body over the HTTP face's
    // bodyLimit, a broken content length) is still answered in AWS's error shape,
    // so the SDKs report a typed error rather than an unknown one.
    scope.setErrorHandler(async (err: FastifyError, _request, reply) => {
      const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
      const type = status === 500 ? BusErrorType.internal : BusErrorType.validation
      const message = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'Request body is over the size limit.' : status === 500 ? 'An internal error occurred.' : err.message
      await reply.code(status).header('content-type', CONTENT_TYPE).header('x-amzn-errortype', type).send(Buffer.from(JSON.stringify({ __type: type, message })))
    })
  })
}

async function handle (bus: EventBus, request: FastifyRequest, reply: FastifyReply, verifier: SignatureVerifier | null, permissions: BusPermissions | null): Promise<void> {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
  const answer = await answerBusCall(bus, { method: request.method, url: request.url, headers: request.headers, body }, verifier, permissions)
  reply.code(answer.status).header('x-amzn-requestid', answer.requestId).header('content-type', CONTENT_TYPE)
  if (answer.errorType !== undefined) reply.header('x-amzn-errortype', answer.errorType)
  await reply.send(Buffer.from(answer.body))
}
