// The two admin calls the benchmarks need, through kafkajs: create topics (one partition unless asked), read a partition's end.
import { Kafka, logLevel } from 'kafkajs'

export async function createTopics (bootstrap: string, topics: string[], numPartitions = 1): Promise<void> {
  const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: topics.map(topic => ({ topic, numPartitions })) })
  } finally {
    await admin.disconnect()
  }
}

export async function endOffset (bootstrap: string, topic: string): Promise<number> {
  const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    return Number((await admin.fetchTopicOffsets(topic))[0]?.high)
  } finally {
    await admin.disconnect()
  }
}

/** Deletes topics (the broker removes their files), so a benchmark's next run writes into an empty log as a peer's does. */
export async function deleteTopics (bootstrap: string, topics: string[]): Promise<void> {
  const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    await admin.deleteTopics({ topics })
  } finally {
    await admin.disconnect()
  }
}
