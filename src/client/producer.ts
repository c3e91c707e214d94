// Producing records: one v2 batch per partition per request, partitions chosen
// as Kafka's default partitioner does (murmur2 of the key; keyless records
// spread round-robin), so keyed records land where any Kafka client puts them.
import { produceApi } from '../protocol/messages/produce.js'
import { encodeBatch, Compression, type RecordInput } from '../protocol/records/index.js'
import { murmur2 } from '../bus/storage.js'
import type { KafkaClient } from './client.js'
import { ClientError, ClientErrorCode, checkErrorCode, onlyEntry } from './errors.js'

export interface ProduceRecord extends RecordInput {
  /** Explicit partition; otherwise chosen from the key. */
  partition?: number
}

export interface ProducedRecord { topic: string, partition: number, offset: number }

export interface ProduceOptions {
  /** 0 (no answer: offsets are -1), 1, or -1 (all; the default). */
  acks?: number
  compression?: keyof typeof Compression
  timeoutMs?: number
}

export const CompressionNames = Object.keys(Compression) as Array<keyof typeof Compression>

export class Producer {
  private roundRobin = 0
  private readonly partitionCounts = new Map<string, number>()

  constructor (private readonly client: KafkaClient) {}

  /** Number of partitions of `topic`; fails with UNKNOWN_TOPIC_OR_PARTITION when it does not exist. */
  async partitionCount (topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic)
    if (known !== undefined) return known
    const metadata = await this.client.metadata([topic])
    const t = metadata.topics[0]
    if (t === undefined) throw new ClientError(ClientErrorCode.kafka, `topic "${topic}" does not exist`)
    checkErrorCode(t.errorCode, `topic "${topic}"`)
    this.partitionCounts.set(topic, t.partitions.length)
    return t.partitions.length
  }

  /** Sends the records in one request and resolves with each record's partition and offset, in input order. */
  async send (topic: string, records: ProduceRecord[], options: ProduceOptions = {}): Promise<ProducedRecord[]> {
    if (records.length === 0) return []
    const count = await this.partitionCount(topic)
    const placed = records.map(r => this.place(r, count, topic))
    const byPartition = new Map<number, number[]>()
    placed.forEach((partition, i) => {
      const indexes = byPartition.get(partition)
      if (indexes === undefined) byPartition.set(partition, [i]); else indexes.push(i)
    })
    const acks = options.acks ?? -1
    const compression = Compression[options.compression ?? 'none']
    const partitionData = [...byPartition].map(([index, indexes]) => ({
      index,
      records: encodeBatch(indexes.map(i => records[i]!), { compression })
    }))
    const body = { transactionalId: null, acks, timeoutMs: options.timeoutMs ?? 30_000, topicData: [{ name: topic, partitionData }] }
    const connection = await this.client.broker(-1)
    if (acks === 0) {
      // acks=0: Kafka sends no response at all, so wait for nothing and report no offsets.
      connection.sendWithoutResponse(produceApi, connection.versionFor(produceApi, 11, 3), body)
      await connection.drain()
      return placed.map(partition => ({ topic, partition, offset: -1 }))
    }
    const { body: response } = await connection.request(produceApi, body, { minVersion: 3 })
    const baseOffsets = new Map<number, number>()
    for (const p of onlyEntry(response.responses, `produce to ${topic}`).partitionResponses) {
      checkErrorCode(p.errorCode, `produce to ${topic}/${p.index}`, p.errorMessage)
      baseOffsets.set(p.index, Number(p.baseOffset))
    }
    const out: ProducedRecord[] = new Array(records.length)
    for (const [partition, indexes] of byPartition) {
      indexes.forEach((recordIndex, k) => { out[recordIndex] = { topic, partition, offset: baseOffsets.get(partition)! + k } })
    }
    return out
  }

  private place (record: ProduceRecord, count: number, topic: string): number {
    if (record.partition !== undefined) {
      if (record.partition < 0 || record.partition >= count) throw new ClientError(ClientErrorCode.kafka, `topic "${topic}" has no partition ${record.partition} (it has ${count})`)
      return record.partition
    }
    if (record.key !== undefined && record.key !== null) {
      const bytes = typeof record.key === 'string' ? Buffer.from(record.key) : record.key
      return (murmur2(bytes) & 0x7fffffff) % count
    }
    return this.roundRobin++ % count
  }
}
