// One debug line per HTTP call, carrying the request id the caller saw:
// the bus's x-amzn-requestid when it set one (AWS SDKs print it on errors),
// else fastify's own id. Nothing is logged above debug, and at info level
// the hook costs one level check.
import type { FastifyInstance } from 'fastify'
import type { Logger } from '../logger.js'

export function logRequests (app: FastifyInstance, logger: Logger): void {
  app.addHook('onResponse', async (request, reply) => {
    if (!logger.isLevelEnabled('debug')) return
    const amzRequestId = reply.getHeader('x-amzn-requestid')
    const target = request.headers['x-amz-target']
    logger.debug({
      req: typeof amzRequestId === 'string' ? amzRequestId : request.id,
      method: request.method,
      url: request.url,
      action: typeof target === 'string' ? target : undefined,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 1000) / 1000
    }, 'http request')
  })
}
