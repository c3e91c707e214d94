// Node clients: kafkajs produces (acks=-1, many messages per send, several sends in flight);
// @platformatic/kafka's Consumer.fetch reads back (kafkajs can only consume through a group).
import { Kafka, logLevel } from 'kafkajs'
import '../test/helpers/node20-compat.js'
import { Consumer } from '@platformatic/kafka'
import type { Rate } from './limits.js'

export interface NodeProduceOptions {
  count: number
  size: number
  messagesPerSend: number
  sendsInFlight: number
}

export async function kafkajsProduce (bootstrap: string, topic: string, options: NodeProduceOptions): Promise<Rate> {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: [bootstrap], logLevel: logLevel.ERROR })
  const producer = kafka.producer({ allowAutoTopicCreation: true })
  await producer.connect()
  try {
    // One array reused by every send: the benchmark measures the wire and the broker, not building messages.
    const value = Buffer.alloc(options.size, 0x61)
    const messages = Array.from({ length: options.messagesPerSend }, () => ({ value, partition: 0 }))
    const sends = Math.ceil(options.count / options.messagesPerSend)
    const inFlight = new Set<Promise<unknown>>()
    const start = performance.now()
    for (let s = 0; s < sends; s++) {
      const send = producer.send({ topic, acks: -1, messages }).then(() => { inFlight.delete(send) })
      inFlight.add(send)
      if (inFlight.size >= options.sendsInFlight) await Promise.race(inFlight)
    }
    await Promise.all(inFlight)
    const seconds = (performance.now() - start) / 1000
    return { bytes: sends * options.messagesPerSend * options.size, seconds }
  } finally {
    await producer.disconnect()
  }
}

/**
 * Fetches partition 0 from offset 0 until `count` records arrived, one fetch at a time as a consumer does.
 * With `follow` it keeps fetching (long polls) while a producer is still writing them, as a tail consumer does.
 */
export async function platformaticConsume (bootstrap: string, topic: string, count: number, size: number, follow = false): Promise<Rate> {
  const consumer = new Consumer({ clientId: 'bench-platformatic', groupId: 'bench-unused', bootstrapBrokers: [bootstrap], retries: 1 })
  try {
    const metadata = await consumer.metadata({ topics: [topic] })
    const described = metadata.topics.get(topic)
    if (!described) throw new Error(`TRIB_ERR_BENCH_TOPIC: no metadata for ${topic}`)
    let offset = 0n
    let records = 0
    const start = performance.now()
    while (records < count) {
      const response = await consumer.fetch({
        node: described.partitions[0]!.leader,
        maxWaitTime: 100,
        maxBytes: 32 << 20,
        topics: [{ topicId: described.id, partitions: [{ partition: 0, fetchOffset: offset, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 8 << 20 }] }]
      })
      const partition = response.responses[0]?.partitions[0]
      if (!partition || partition.errorCode !== 0) throw new Error(`TRIB_ERR_BENCH_FETCH: fetch answered ${JSON.stringify(partition?.errorCode)}`)
      for (const batch of partition.records ?? []) {
        for (const record of batch.records) {
          const at = batch.firstOffset + BigInt(record.offsetDelta)
          if (at < offset) continue
          records++
          offset = at + 1n
        }
      }
      if (!follow && partition.highWatermark <= offset && records < count) throw new Error(`TRIB_ERR_BENCH_COUNT: only ${records} of ${count} records in ${topic}`)
    }
    return { bytes: records * size, seconds: (performance.now() - start) / 1000 }
  } finally {
    await consumer.close()
  }
}

/**
 * Fetches every partition of `topic` from offset 0 in one request per round trip, as a consumer assigned all of them
 * does, until `count` records arrived in all.
 */
export async function platformaticConsumeAll (bootstrap: string, topic: string, count: number, size: number): Promise<Rate> {
  const consumer = new Consumer({ clientId: 'bench-platformatic', groupId: 'bench-unused', bootstrapBrokers: [bootstrap], retries: 1 })
  try {
    const metadata = await consumer.metadata({ topics: [topic] })
    const described = metadata.topics.get(topic)
    if (!described) throw new Error(`TRIB_ERR_BENCH_TOPIC: no metadata for ${topic}`)
    const offsets = described.partitions.map(() => 0n)
    let records = 0
    const start = performance.now()
    while (records < count) {
      const response = await consumer.fetch({
        node: described.partitions[0]!.leader,
        maxWaitTime: 100,
        maxBytes: 32 << 20,
        topics: [{ topicId: described.id, partitions: offsets.map((fetchOffset, partition) => ({ partition, fetchOffset, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 8 << 20 })) }]
      })
      let progressed = false
      for (const partition of response.responses[0]?.partitions ?? []) {
        if (partition.errorCode !== 0) throw new Error(`TRIB_ERR_BENCH_FETCH: fetch answered ${partition.errorCode}`)
        let offset = offsets[partition.partitionIndex] ?? 0n
        for (const batch of partition.records ?? []) {
          for (const record of batch.records) {
            const at = batch.firstOffset + BigInt(record.offsetDelta)
            if (at < offset) continue
            records++
            offset = at + 1n
            progressed = true
          }
        }
        offsets[partition.partitionIndex] = offset
      }
      if (!progressed && records < count) throw new Error(`TRIB_ERR_BENCH_COUNT: only ${records} of ${count} records in ${topic}`)
    }
    return { bytes: records * size, seconds: (performance.now() - start) / 1000 }
  } finally {
    await consumer.close()
  }
}
