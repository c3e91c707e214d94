// Topics for the console: the list (partitions, size, messages, retention,
// throughput) read from the log engine and the console's history; create,
// alter configs, add partitions and delete sent as Kafka admin requests to the
// broker's own listener (TopicAdmin), so they run through the same handlers,
// validation and persistence as any Kafka client's request.
import type { FastifyInstance } from 'fastify'
import type { LogManager } from '../../log/index.js'
import { TopicAdmin } from '../../client/admin-topics.js'
import type { ConsoleHistory } from './history.js'
import { badRequest, parseIntParam, sendError, type ConsoleKafka } from './common.js'

export interface TopicRow {
  name: string
  partitions: number
  sizeBytes: number
  /** Sum over partitions of high watermark - log start offset (records, markers and compacted gaps included). */
  messages: number
  retentionMs: number | null
  cleanupPolicy: string | null
  recordsInPerSec: number
  recordsOutPerSec: number
  bytesInPerSec: number
  bytesOutPerSec: number
}

export function registerTopicRoutes (app: FastifyInstance, log: LogManager, history: ConsoleHistory, kafka: ConsoleKafka): void {
  app.get('/api/console/topics', async () => {
    const rows: TopicRow[] = []
    for (const topic of log.topics()) {
      let sizeBytes = 0
      let messages = 0
      for (let p = 0; p < topic.partitions; p++) {
        const partition = log.partition(topic.name, p)
        if (partition === undefined) continue
        sizeBytes += partition.sizeInBytes
        messages += partition.highWatermark - partition.logStartOffset
      }
      const configs = new Map(log.describeConfigs(topic.name).map(c => [c.name, c.value]))
      const retention = Number(configs.get('retention.ms'))
      const rates = history.topicRates(topic.name)
      rows.push({
        name: topic.name,
        partitions: topic.partitions,
        sizeBytes,
        messages,
        retentionMs: Number.isFinite(retention) ? retention : null,
        cleanupPolicy: configs.get('cleanup.policy') ?? null,
        recordsInPerSec: rates.recordsIn,
        recordsOutPerSec: rates.recordsOut,
        bytesInPerSec: rates.bytesIn,
        bytesOutPerSec: rates.bytesOut
      })
    }
    return rows.sort((a, b) => a.name.localeCompare(b.name))
  })

  app.post<{ Body: { name?: unknown, partitions?: unknown, configs?: unknown } }>('/api/console/topics', async (req, reply) => {
    try {
      const body = req.body ?? {}
      if (typeof body.name !== 'string' || body.name === '') throw badRequest('name is required')
      const partitions = parseIntParam(body.partitions ?? 1, 'partitions', 1)
      const configs = stringRecord(body.configs ?? {}, 'configs')
      await kafka.use(client => new TopicAdmin(client).create(body.name as string, partitions, configs))
      return await reply.code(201).send({ name: body.name, partitions })
    } catch (err) {
      return await sendError(reply, err)
    }
  })

  app.get<{ Params: { name: string } }>('/api/console/topics/:name/configs', async (req, reply) => {
    try {
      return await kafka.use(client => new TopicAdmin(client).describeConfigs(req.params.name))
    } catch (err) {
      return await sendError(reply, err)
    }
  })

  app.patch<{ Params: { name: string }, Body: { set?: unknown, remove?: unknown } }>('/api/console/topics/:name/configs', async (req, reply) => {
    try {
      const set = stringRecord(req.body?.set ?? {}, 'set')
      const remove = req.body?.remove ?? []
      if (!Array.isArray(remove) || remove.some(r => typeof r !== 'string')) throw badRequest('remove must be a list of config names')
      if (Object.keys(set).length === 0 && remove.length === 0) throw badRequest('nothing to change: give set and/or remove')
      await kafka.use(client => new TopicAdmin(client).alterConfigs(req.params.name, set, remove as string[]))
      return { name: req.params.name, set, remove }
    } catch (err) {
      return await sendError(reply, err)
    }
  })

  app.post<{ Params: { name: string }, Body: { total?: unknown } }>('/api/console/topics/:name/partitions', async (req, reply) => {
    try {
      const total = parseIntParam(req.body?.total, 'total', 1)
      await kafka.use(client => new TopicAdmin(client).addPartitions(req.params.name, total))
      return { name: req.params.name, partitions: total }
    } catch (err) {
      return await sendError(reply, err)
    }
  })

  app.delete<{ Params: { name: string } }>('/api/console/topics/:name', async (req, reply) => {
    try {
      await kafka.use(client => new TopicAdmin(client).delete(req.params.name))
      return { name: req.params.name, deleted: true }
    } catch (err) {
      return await sendError(reply, err)
    }
  })
}

function stringRecord (value: unknown, name: string): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${name} must be an object of config name -> string value`)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw badRequest(`${name}.${k} must be a string`)
    out[k] = v
  }
  return out
}
