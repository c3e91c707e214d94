// GET /health: 503 while starting or stopping, 200 once every face serves.
// Readiness checks (tests, orchestrators) poll this; it never touches the disk.
import type { FastifyInstance } from 'fastify'

export function registerHealthRoute (app: FastifyInstance, ready: () => boolean, status: () => Record<string, unknown>): void {
  app.get('/health', async (_req, reply) => {
    if (!ready()) return await reply.code(503).send({ status: 'starting' })
    return { status: 'ok', ...status() }
  })
}
