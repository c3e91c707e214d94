// GET /api/console/history (the last 15 minutes, for a page that just opened)
// and GET /api/console/stream: server-sent events, one `sample` event per
// history sample, so the overview and lag charts move without polling.
// Streams are ended before the server closes, so a stop never waits on a tab.
import type { FastifyInstance } from 'fastify'
import type { ServerResponse } from 'node:http'
import type { ConsoleHistory } from './history.js'

const KEEPALIVE_MS = 15_000

export function registerStreamRoutes (app: FastifyInstance, history: ConsoleHistory): void {
  const open = new Set<ServerResponse>()

  app.get('/api/console/history', async () => ({ intervalMs: history.intervalMs, samples: history.samples() }))

  app.get('/api/console/stream', (req, reply) => {
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
    res.write('retry: 2000\n\n')
    open.add(res)
    const unsubscribe = history.subscribe(sample => { res.write(`event: sample\ndata: ${JSON.stringify(sample)}\n\n`) })
    const keepalive = setInterval(() => { res.write(': keepalive\n\n') }, KEEPALIVE_MS)
    keepalive.unref()
    req.raw.on('close', () => {
      clearInterval(keepalive)
      unsubscribe()
      open.delete(res)
    })
  })

  app.addHook('preClose', async () => {
    for (const res of open) res.end()
    open.clear()
  })
}
