// The recovery checkpoint as the real broker uses it: after kill -9 of `tributary
// start`, partitions the checkpoint vouches for start without opening their files
// (the log engine's own tests open LogManager directly; this one goes through the
// broker's composition, where the file system is wrapped for fsync metrics).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { waitFor } from '../helpers/wait.js'
import { readRecoveryCheckpoint } from '../../src/log/recovery-checkpoint.js'
import { realFs } from '../../src/log/fs.js'

const topic = 'vouched'
const partitions = 6

/** The `log opened` lines the broker printed, newest last. */
function logOpenedLines (output: string): Array<{ cleanShutdown: boolean, partitionsOpened: number }> {
  return output.split('\n').filter(l => l.includes('"log opened"')).map(l => JSON.parse(l) as { cleanShutdown: boolean, partitionsOpened: number })
}

test('after kill -9 the broker starts the partitions its recovery checkpoint vouches for without recovering them, and serves their records', async () => {
  const broker = await BrokerProcess.start({ env: { TRIBUTARY_RECOVERY_CHECKPOINT_INTERVAL_MS: '100' } })
  try {
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic, acks: -1, messages: Array.from({ length: partitions }, (_, p) => ({ partition: p, value: `m${p}` })) })
    await producer.disconnect()
    // the broker's checkpoint timer covers every partition once their acks=all writes were fsynced
    let lastSeen = ''
    await waitFor(async () => {
      const all = [...(await readRecoveryCheckpoint(realFs, broker.dataDir)).values()]
      lastSeen = JSON.stringify(all)
      return all.some(facts => facts.length === partitions && facts.every(f => f?.logEndOffset === 1))
    }, 'a recovery checkpoint covering every partition', () => `(last checkpoint: ${lastSeen})`)
    await broker.kill()
    await broker.restart()
    const afterCrash = logOpenedLines(broker.output()).at(-1)
    assert.equal(afterCrash?.cleanShutdown, false)
    // compacted (internal) partitions always open at start; after a clean stop nothing else does
    await broker.stop()
    await broker.restart()
    const afterStop = logOpenedLines(broker.output()).at(-1)
    assert.equal(afterStop?.cleanShutdown, true)
    assert.equal(afterCrash.partitionsOpened, afterStop.partitionsOpened, 'no partition recovered after the crash: the checkpoint vouched for all of them')
    const consumer = kafka.consumer({ groupId: 'after-crash' })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const seen = new Map<number, string>()
    const all = new Promise<void>((resolve, reject) => {
      consumer.run({
        eachMessage: async ({ partition, message }) => {
          seen.set(partition, message.value?.toString() ?? '')
          if (seen.size === partitions) resolve()
        }
      }).catch(reject)
    })
    await all
    await consumer.disconnect()
    assert.deepEqual([...seen].sort((a, b) => a[0] - b[0]).map(([, v]) => v), Array.from({ length: partitions }, (_, p) => `m${p}`))
  } finally {
    await broker.cleanup()
  }
})
