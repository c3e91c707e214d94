// AWS JSON 1.1 over HTTP: POST / with X-Amz-Target: AWSEvents.<Action>.
// Registered in an encapsulated plugin so the body parsers added here do not
// change how other routes (/health, /metrics) parse bodies.
// With a SignatureVerifier (credentials configured), every request must carry
// a valid AWS Signature Version 4 (./signature.ts) before it is read as an
// action; without one, any credentials or none are accepted (open mode).
// With BusPermissions (./permissions.ts), the key that signed must be allowed
// the action on the resources it touches.
import { randomUUID } from 'node:crypto'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EventBus } from '../index.js'
import { BusApiError, BusErrorType } from '../errors.js'
import { actions } from './actions.js'
import { isObject } from '../fields.js'
import type { SignatureVerifier, SignedRequest } from './signature.js'
import type { BusPermissions } from './permissions.js'

const CONTENT_TYPE = 'application/x-amz-json-1.1'
const TARGET_PREFIX = 'AWSEvents.'

export function registerBusRoutes (app: FastifyInstance, bus: EventBus, verifier: SignatureVerifier | null = null, permissions: BusPermissions | null = null): void {
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
  const requestId = randomUUID()
  reply.header('x-amzn-requestid', requestId).header('content-type', CONTENT_TYPE)
  const target = request.headers['x-amz-target']
  const action = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined
  let accessKeyId: string | undefined
  let signed: SignedRequest | undefined
  try {
    if (verifier !== null) {
      signed = { method: request.method, url: request.url, headers: request.headers, body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0) }
      accessKeyId = await verifier.verify(signed)
    }
    const handler = action !== undefined && Object.hasOwn(actions, action) ? actions[action] : undefined
    if (!handler) throw new BusApiError(BusErrorType.unknownOperation, `The operation ${String(target ?? '')} is not supported.`)
    const input = parseInput(request.body)
    if (permissions !== null && accessKeyId !== undefined) permissions.authorize(accessKeyId, action!, input)
    const output = await handler(bus, input)
    await reply.code(200).send(Buffer.from(JSON.stringify(output ?? {})))
  } catch (err) {
    const error = err instanceof BusApiError ? err : undefined
    // Anything that is not an answer AWS would give is a bug or a storage failure:
    // logged with what was asked, so the 500 can be traced to its request.
    if (!error) bus.logger?.error({ err, action, requestId }, `bus API action ${action ?? String(target)} failed unexpectedly`)
    // not done: with replay protection, the client's retry of the same signed bytes must be served
    if (accessKeyId !== undefined && signed !== undefined && (error?.status ?? 500) >= 500) verifier?.release(signed)
    const type = error?.type ?? BusErrorType.internal
    const message = error?.message ?? 'An internal error occurred.'
    await reply.code(error?.status ?? 500).header('x-amzn-errortype', type).send(Buffer.from(JSON.stringify({ __type: type, message })))
  }
}

function parseInput (body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {}
  if (Buffer.isBuffer(body) && body.length === 0) return {}
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) {
    if (!isObject(body)) throw new BusApiError(BusErrorType.serialization, 'Start of structure or map found where not expected.')
    return body
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw new BusApiError(BusErrorType.serialization, 'Start of structure or map found where not expected.')
  }
  if (!isObject(parsed)) throw new BusApiError(BusErrorType.serialization, 'Start of structure or map found where not expected.')
  dropNullMembers(parsed)
  return parsed
}

/**
 * AWS's JSON protocol reads a member set to null as a member not given (the
 * SDKs never send one; hand-written requests do). The handlers test optional
 * members against undefined, so nulls go before they run: found by fuzzing, a
 * PutRule with "EventPattern": null was a 500. Iterative: a body may nest deeply.
 */
function dropNullMembers (root: object): void {
  const stack: object[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') stack.push(item)
      continue
    }
    const record = node as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const value = record[key]
      if (value === null) Reflect.deleteProperty(record, key)
      else if (typeof value === 'object') stack.push(value as object)
    }
  }
}
