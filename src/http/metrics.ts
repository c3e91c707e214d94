// GET /metrics: the process's one Prometheus registry in the text format.
import type { FastifyInstance } from 'fastify'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics/index.js'

export function registerMetricsRoute (app: FastifyInstance, metrics: Metrics, logger: Logger): void {
  app.get('/metrics', async (_req, reply) => {
    try {
      const text = await metrics.text()
      return await reply.header('content-type', metrics.contentType).send(text)
    } catch (err) {
      logger.error({ err }, 'metrics scrape failed')
      return await reply.code(500).header('content-type', 'text/plain; charset=utf-8').send('metrics scrape failed\n')
    }
  })
}
