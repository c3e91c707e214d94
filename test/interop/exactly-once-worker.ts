// A consume-transform-produce worker for exactly-once-kafkajs.test.ts, run as its
// own process so the test can SIGKILL it in the middle of a transaction.
// Each input message is processed in one transaction: the transformed record
// goes to the output topic and the input offset is committed with sendOffsets.
// Args: bootstrap inTopic outTopic transactionalId groupId hangAfter
// After `hangAfter` committed transactions (-1: never) it sends one more
// transaction's output, prints "open" and waits without committing.
import { Kafka, logLevel } from 'kafkajs'

const [bootstrap, inTopic, outTopic, transactionalId, groupId, hangAfterText] = process.argv.slice(2) as [string, string, string, string, string, string]
const hangAfter = Number(hangAfterText)
const kafka = new Kafka({ clientId: 'eo-worker', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } })
const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 })
const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, rebalanceTimeout: 6000, heartbeatInterval: 500, readUncommitted: false })
await producer.connect()
await consumer.connect()
await consumer.subscribe({ topic: inTopic, fromBeginning: true })
let committed = 0
await consumer.run({
  autoCommit: false,
  eachMessage: async ({ topic, partition, message }) => {
    const txn = await producer.transaction()
    try {
      await txn.send({ topic: outTopic, messages: [{ key: message.key, value: `out:${message.value!.toString()}` }] })
      await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition, offset: String(Number(message.offset) + 1) }] }] })
      if (committed === hangAfter) {
        process.stdout.write('open\n')
        await new Promise(() => {})
      }
      await txn.commit()
      committed++
      process.stdout.write(`committed ${committed}\n`)
    } catch (err) {
      await txn.abort().catch(() => {})
      throw err
    }
  }
})
process.once('SIGTERM', () => { consumer.disconnect().then(async () => { await producer.disconnect() }).finally(() => process.exit(0)).catch(() => {}) })
