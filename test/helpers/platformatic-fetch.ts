// One raw Fetch through @platformatic/kafka (no consumer group): lets a test look at the record batches
// the broker serves (attributes, compression codec, base offsets), not only at the decoded messages.
import './node20-compat.js'
import { Consumer } from '@platformatic/kafka'
import type { RecordsBatch } from '@platformatic/kafka'

export async function fetchBatches (bootstrap: string, topic: string, partition: number, fetchOffset: bigint, maxBytes = 8 << 20): Promise<RecordsBatch[]> {
  const consumer = new Consumer({ clientId: 'test-raw-fetch', groupId: 'unused-by-fetch', bootstrapBrokers: [bootstrap], retries: 2 })
  try {
    const metadata = await consumer.metadata({ topics: [topic] })
    const described = metadata.topics.get(topic)
    if (!described) throw new Error(`TRIB_ERR_TEST_NO_TOPIC: no metadata for ${topic}`)
    const response = await consumer.fetch({
      node: described.partitions[partition]!.leader,
      maxWaitTime: 100,
      maxBytes,
      topics: [{ topicId: described.id, partitions: [{ partition, fetchOffset, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: maxBytes }] }]
    })
    const answer = response.responses[0]?.partitions[0]
    if (!answer || answer.errorCode !== 0) throw new Error(`TRIB_ERR_TEST_FETCH: fetch answered error ${answer?.errorCode}`)
    return answer.records ?? []
  } finally {
    await consumer.close()
  }
}
