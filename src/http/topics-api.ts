// GET /api/topics/:name: per-partition log facts the Kafka protocol has no field
// for (the segment count), read-only JSON for the console and the CLI.
import type { FastifyInstance } from 'fastify'
import type { LogManager } from '../log/index.js'

export interface TopicPartitionFacts {
  partition: number
  logStartOffset: number
  highWatermark: number
  lastStableOffset: number
  sizeBytes: number
  segments: number
}

export interface TopicFacts {
  name: string
  partitions: TopicPartitionFacts[]
}

export function registerTopicsApi (app: FastifyInstance, log: LogManager): void {
  app.get<{ Params: { name: string } }>('/api/topics/:name', async (req, reply) => {
    const { name } = req.params
    const info = log.topic(name)
    if (info === undefined) return await reply.code(404).send({ message: `topic ${name} does not exist` })
    const partitions: TopicPartitionFacts[] = []
    for (let partition = 0; partition < info.partitions; partition++) {
      const p = log.partition(name, partition)
      if (p === undefined) continue
      partitions.push({
        partition,
        logStartOffset: p.logStartOffset,
        highWatermark: p.highWatermark,
        lastStableOffset: p.lastStableOffset,
        sizeBytes: p.sizeInBytes,
        segments: p.segmentCount
      })
    }
    const facts: TopicFacts = { name, partitions }
    return facts
  })
}
