// The message browser and republish. GET .../messages reads one page (see
// browse.ts for the paging); POST .../republish copies one record (key, value,
// headers) to the same or another topic with a Produce through the broker,
// which is how a dead-lettered event goes back to its source.
import type { FastifyInstance } from 'fastify'
import { Fetcher } from '../../client/fetcher.js'
import { Producer } from '../../client/producer.js'
import { browse, type StartFrom } from './browse.js'
import { badRequest, parseDuration, parseIntParam, parseTime, sendError, type ConsoleKafka } from './common.js'

interface BrowseQuery {
  partition?: string
  from?: string
  offset?: string
  timestamp?: string
  ago?: string
  until?: string
  limit?: string
  text?: string
  pattern?: string
  cursor?: string
}

export function registerMessageRoutes (app: FastifyInstance, kafka: ConsoleKafka): void {
  app.get<{ Params: { name: string }, Querystring: BrowseQuery }>('/api/console/topics/:name/messages', async (req, reply) => {
    try {
      const q = req.query
      const partition = q.partition === undefined || q.partition === '' || q.partition === 'all' ? null : parseIntParam(q.partition, 'partition')
      const limit = q.limit === undefined ? 50 : parseIntParam(q.limit, 'limit', 1)
      if (limit > 500) throw badRequest('limit must be at most 500')
      const from = startFrom(q)
      const until = q.until === undefined || q.until === '' ? null : parseTime(q.until, 'until')
      const text = q.text === undefined || q.text === '' ? null : q.text
      const pattern = q.pattern === undefined || q.pattern.trim() === '' ? null : q.pattern
      const cursor = q.cursor === undefined || q.cursor === '' ? null : q.cursor
      return await kafka.use(client => browse(client, { topic: req.params.name, partition, from, until, limit, text, pattern, cursor }))
    } catch (err) {
      return await sendError(reply, err)
    }
  })

  app.post<{ Params: { name: string }, Body: { partition?: unknown, offset?: unknown, toTopic?: unknown } }>('/api/console/topics/:name/republish', async (req, reply) => {
    try {
      const partition = parseIntParam(req.body?.partition, 'partition')
      const offset = parseIntParam(req.body?.offset, 'offset')
      const toTopic = req.body?.toTopic === undefined || req.body.toTopic === '' ? req.params.name : req.body.toTopic
      if (typeof toTopic !== 'string') throw badRequest('toTopic must be a topic name')
      return await kafka.use(async client => {
        const [fetched] = await new Fetcher(client).fetch([{ topic: req.params.name, partition, offset }], { maxWaitMs: 0 })
        const record = fetched?.records.find(r => r.offset === offset)
        if (record === undefined) throw badRequest(`no record at ${req.params.name}/${partition} offset ${offset}`)
        const [produced] = await new Producer(client).send(toTopic, [{ key: record.key, value: record.value, headers: record.headers }])
        return { from: { topic: req.params.name, partition, offset }, to: produced }
      })
    } catch (err) {
      return await sendError(reply, err)
    }
  })
}

function startFrom (q: BrowseQuery): StartFrom {
  switch (q.from ?? 'beginning') {
    case 'beginning': return { kind: 'beginning' }
    case 'end': return { kind: 'end' }
    case 'offset': return { kind: 'offset', offset: parseIntParam(q.offset, 'offset') }
    case 'timestamp': return { kind: 'timestamp', timestamp: parseTime(q.timestamp, 'timestamp') }
    case 'ago': return { kind: 'timestamp', timestamp: Date.now() - parseDuration(q.ago, 'ago') }
    default: throw badRequest(`from must be beginning, end, offset, timestamp or ago, not ${JSON.stringify(q.from)}`)
  }
}
